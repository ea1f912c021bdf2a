#include "actors/scheduler/calendar.hpp"

#include <algorithm>
#include <ctime>
#include <iterator>
#include <vector>

namespace tmon {

namespace {

// `day` may run past the month's end: mktime carries it into the following months, which is
// how days are added in the civil calendar. A local time that does not exist (skipped by a
// daylight-saving jump) becomes the instant mktime normalises it to, the first one after
// the gap.
moment local_instant(int year, int month, int day, time_of_day time) {
  std::tm civil{};
  civil.tm_year = year - 1900;
  civil.tm_mon = month - 1;
  civil.tm_mday = day;
  civil.tm_hour = time.hour;
  civil.tm_min = time.minute;
  civil.tm_isdst = -1;
  return from_epoch_seconds(mktime(&civil));
}

bool is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(int year, int month) {
  static constexpr int common_year_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && is_leap_year(year))
    return 29;
  return common_year_days[month - 1];
}

// Months counted from year 0, so that stepping to the previous or next month is arithmetic.
int month_count(int year, int month) {
  return year * 12 + (month - 1);
}

moment cycle_start(int months, int reset_day) {
  const int year = months / 12;
  const int month = months % 12 + 1;
  const int day = std::min(reset_day, days_in_month(year, month));
  return local_instant(year, month, day, time_of_day{});
}

// Every instant falls on a later local date than cycle.start, so none precedes the cycle.
std::vector<moment> report_instants(const cycle_bounds& cycle, int interval_days,
                                    time_of_day report_time) {
  std::vector<moment> instants;
  if (interval_days <= 0)
    return instants;
  const std::tm start = local_civil(cycle.start);
  for (int offset = interval_days;; offset += interval_days) {
    const moment instant = local_instant(start.tm_year + 1900, start.tm_mon + 1,
                                         start.tm_mday + offset, report_time);
    if (instant >= cycle.end)
      return instants;
    instants.push_back(instant);
  }
}

} // namespace

bool operator==(const time_of_day& x, const time_of_day& y) {
  return x.hour == y.hour && x.minute == y.minute;
}

cycle_bounds cycle_containing(moment now, int reset_day) {
  const std::tm civil = local_civil(now);
  const int months = month_count(civil.tm_year + 1900, civil.tm_mon + 1);
  const moment this_months_start = cycle_start(months, reset_day);
  if (now >= this_months_start)
    return {this_months_start, cycle_start(months + 1, reset_day)};
  return {cycle_start(months - 1, reset_day), this_months_start};
}

std::optional<moment> latest_report_at_or_before(const cycle_bounds& cycle, moment now,
                                                 int interval_days, time_of_day report_time) {
  const auto instants = report_instants(cycle, interval_days, report_time);
  const auto after_now = std::upper_bound(instants.begin(), instants.end(), now);
  if (after_now == instants.begin())
    return std::nullopt;
  return *std::prev(after_now);
}

std::optional<moment> next_report_after(const cycle_bounds& cycle, moment now, int interval_days,
                                        time_of_day report_time) {
  const auto instants = report_instants(cycle, interval_days, report_time);
  const auto after_now = std::upper_bound(instants.begin(), instants.end(), now);
  if (after_now == instants.end())
    return std::nullopt;
  return *after_now;
}

std::chrono::seconds sleep_until_next_boundary(moment now, const cycle_bounds& cycle,
                                               std::optional<moment> next_report,
                                               std::chrono::seconds max_sleep) {
  auto next = std::min(cycle.end, now + max_sleep);
  if (next_report)
    next = std::min(next, *next_report);
  return std::max<std::chrono::seconds>(std::chrono::seconds{1}, next - now);
}

} // namespace tmon
