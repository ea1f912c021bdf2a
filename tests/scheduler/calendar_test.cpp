#define CAF_SUITE calendar
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "actors/scheduler/calendar.hpp"
#include "messages/messages.hpp"
#include "test_support.hpp"

using namespace tmon;
using namespace std::chrono_literals;
using tmon::test::local;
using tmon::test::scoped_time_zone;
using tmon::test::utc;

namespace {

constexpr std::chrono::seconds hour = std::chrono::hours{1};
constexpr std::chrono::seconds day = 24 * hour;

// Only 2028 is a leap year among the years these tests reach (2026 to 2029).
int month_length(int year, int month) {
  static constexpr int common_year[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && year == 2028 ? 29 : common_year[month - 1];
}

moment expected_cycle_start(int year, int month, int reset_day) {
  return local(year, month, std::min(reset_day, month_length(year, month)));
}

cycle_bounds expected_cycle(int year, int month, int reset_day) {
  const int next_year = month == 12 ? year + 1 : year;
  const int next_month = month == 12 ? 1 : month + 1;
  return {expected_cycle_start(year, month, reset_day),
          expected_cycle_start(next_year, next_month, reset_day)};
}

// The label rides along in the comparison so that a failure among hundreds of cases names
// the case.
template <class T>
std::pair<std::string, T> labelled(const std::string& label, T value) {
  return {label, value};
}

void check_cycle_at(const std::string& label, moment now, int reset_day,
                    const cycle_bounds& expected) {
  CAF_CHECK_EQUAL(labelled(label, cycle_containing(now, reset_day)), labelled(label, expected));
}

void check_every_reset_day_of(int year) {
  for (int month = 1; month <= 12; ++month) {
    for (int reset_day = 1; reset_day <= 31; ++reset_day) {
      const auto label = std::to_string(year) + "-" + std::to_string(month) + " reset day "
                         + std::to_string(reset_day);
      const auto cycle = expected_cycle(year, month, reset_day);
      check_cycle_at(label + " at start", cycle.start, reset_day, cycle);
      check_cycle_at(label + " mid-cycle", cycle.start + (cycle.end - cycle.start) / 2, reset_day,
                     cycle);
      check_cycle_at(label + " last second", cycle.end - 1s, reset_day, cycle);
      CAF_CHECK_EQUAL(labelled(label + " second before start",
                               cycle_containing(cycle.start - 1s, reset_day).end),
                      labelled(label + " second before start", cycle.start));
    }
  }
}

// Observes the report instants only through the function under test, by asking for the
// latest one every hour of the cycle.
std::vector<moment> reports_seen_hour_by_hour(const cycle_bounds& cycle, int interval_days,
                                              time_of_day report_time) {
  std::vector<moment> instants;
  for (auto now = cycle.start; now < cycle.end; now += hour) {
    const auto latest = latest_report_at_or_before(cycle, now, interval_days, report_time);
    if (latest && (instants.empty() || instants.back() != *latest))
      instants.push_back(*latest);
  }
  return instants;
}

} // namespace

CAF_TEST(time_of_day equality compares hour and minute) {
  CAF_CHECK(time_of_day({9, 30}) == time_of_day({9, 30}));
  CAF_CHECK(!(time_of_day({9, 30}) == time_of_day({10, 30})));
  CAF_CHECK(!(time_of_day({9, 30}) == time_of_day({9, 31})));
}

CAF_TEST(every reset day of every month in UTC) {
  scoped_time_zone zone("UTC");
  check_every_reset_day_of(2026);
  check_every_reset_day_of(2028);
}

CAF_TEST(every reset day of every month in Berlin) {
  scoped_time_zone zone("Europe/Berlin");
  check_every_reset_day_of(2026);
  check_every_reset_day_of(2028);
}

CAF_TEST(short months reset on their last day) {
  scoped_time_zone zone("UTC");
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 2, 15), 31),
                  cycle_bounds({utc(2026, 1, 31), utc(2026, 2, 28)}));
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 3, 1), 31),
                  cycle_bounds({utc(2026, 2, 28), utc(2026, 3, 31)}));
  CAF_CHECK_EQUAL(cycle_containing(utc(2028, 3, 1), 31),
                  cycle_bounds({utc(2028, 2, 29), utc(2028, 3, 31)}));
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 4, 30), 31),
                  cycle_bounds({utc(2026, 4, 30), utc(2026, 5, 31)}));
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 4, 29, 23, 59, 59), 31),
                  cycle_bounds({utc(2026, 3, 31), utc(2026, 4, 30)}));
}

CAF_TEST(New York cycles follow its offset) {
  scoped_time_zone zone("America/New_York");
  // Before the March change at EST (-05:00), after it at EDT (-04:00).
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 3, 9, 12), 10),
                  cycle_bounds({utc(2026, 2, 10, 5), utc(2026, 3, 10, 4)}));
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 3, 10, 4), 10),
                  cycle_bounds({utc(2026, 3, 10, 4), utc(2026, 4, 10, 4)}));
  // 2026-01-01 03:00 UTC is still New Year's Eve in New York.
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 1, 1, 3), 1),
                  cycle_bounds({utc(2025, 12, 1, 5), utc(2026, 1, 1, 5)}));
}

CAF_TEST(Shanghai cycles start at local midnight) {
  scoped_time_zone zone("Asia/Shanghai");
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 3, 15), 1),
                  cycle_bounds({utc(2026, 2, 28, 16), utc(2026, 3, 31, 16)}));
  // 2026-02-28 16:00 UTC is already 1 March in Shanghai.
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 2, 28, 16), 1),
                  cycle_bounds({utc(2026, 2, 28, 16), utc(2026, 3, 31, 16)}));
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 2, 28, 15, 59, 59), 1),
                  cycle_bounds({utc(2026, 1, 31, 16), utc(2026, 2, 28, 16)}));
  CAF_CHECK_EQUAL(cycle_containing(utc(2026, 6, 20), 31),
                  cycle_bounds({utc(2026, 5, 30, 16), utc(2026, 6, 29, 16)}));
}

CAF_TEST(the last second before the February reset belongs to the old cycle in 2026) {
  scoped_time_zone zone("Asia/Shanghai");
  const auto reset = local(2026, 2, 28);
  for (int reset_day = 28; reset_day <= 31; ++reset_day) {
    CAF_MESSAGE("reset day " << reset_day);
    const auto previous_start = local(2026, 1, reset_day);
    const auto next_end = local(2026, 3, reset_day);
    CAF_CHECK_EQUAL(cycle_containing(local(2026, 2, 27, 23, 59, 50), reset_day),
                    cycle_bounds({previous_start, reset}));
    CAF_CHECK_EQUAL(cycle_containing(reset - 1s, reset_day), cycle_bounds({previous_start, reset}));
    CAF_CHECK_EQUAL(cycle_containing(reset, reset_day), cycle_bounds({reset, next_end}));
  }
}

CAF_TEST(the last second before the February reset belongs to the old cycle in 2028) {
  scoped_time_zone zone("Asia/Shanghai");
  CAF_CHECK_EQUAL(cycle_containing(local(2028, 2, 27, 23, 59, 50), 28),
                  cycle_bounds({local(2028, 1, 28), local(2028, 2, 28)}));
  CAF_CHECK_EQUAL(cycle_containing(local(2028, 2, 28), 28),
                  cycle_bounds({local(2028, 2, 28), local(2028, 3, 28)}));
  const auto reset = local(2028, 2, 29);
  for (int reset_day = 29; reset_day <= 31; ++reset_day) {
    CAF_MESSAGE("reset day " << reset_day);
    const auto previous = cycle_bounds({local(2028, 1, reset_day), reset});
    CAF_CHECK_EQUAL(cycle_containing(local(2028, 2, 27, 23, 59, 50), reset_day), previous);
    CAF_CHECK_EQUAL(cycle_containing(local(2028, 2, 28, 23, 59, 50), reset_day), previous);
    CAF_CHECK_EQUAL(cycle_containing(reset - 1s, reset_day), previous);
    CAF_CHECK_EQUAL(cycle_containing(reset, reset_day),
                    cycle_bounds({reset, local(2028, 3, reset_day)}));
  }
}

CAF_TEST(cycles run across the year end) {
  scoped_time_zone zone("Europe/Berlin");
  const auto december_15 = cycle_bounds({local(2026, 12, 15), local(2027, 1, 15)});
  CAF_CHECK_EQUAL(cycle_containing(local(2027, 1, 3), 15), december_15);
  CAF_CHECK_EQUAL(cycle_containing(local(2026, 12, 20), 15), december_15);
  CAF_CHECK_EQUAL(cycle_containing(local(2026, 12, 31, 23, 59, 59), 15), december_15);
  CAF_CHECK_EQUAL(cycle_containing(local(2027, 1, 3), 31),
                  cycle_bounds({local(2026, 12, 31), local(2027, 1, 31)}));
  CAF_CHECK_EQUAL(cycle_containing(local(2027, 1, 1), 1),
                  cycle_bounds({local(2027, 1, 1), local(2027, 2, 1)}));
  CAF_CHECK_EQUAL(cycle_containing(local(2027, 1, 1) - 1s, 1),
                  cycle_bounds({local(2026, 12, 1), local(2027, 1, 1)}));
}

CAF_TEST(a daylight saving change inside a cycle changes its length by an hour) {
  scoped_time_zone zone("Europe/Berlin");
  // Clocks go forward on 2026-03-29: 28 Feb to 30 Mar is 30 days less an hour.
  const auto spring = cycle_containing(local(2026, 3, 29, 12), 30);
  CAF_CHECK_EQUAL(spring, cycle_bounds({utc(2026, 2, 27, 23), utc(2026, 3, 29, 22)}));
  CAF_CHECK_EQUAL(spring.end - spring.start, 30 * day - hour);
  // Clocks go back on 2026-10-25: 26 Sep to 26 Oct is 30 days and an hour.
  const auto autumn = cycle_containing(local(2026, 10, 25, 12), 26);
  CAF_CHECK_EQUAL(autumn, cycle_bounds({utc(2026, 9, 25, 22), utc(2026, 10, 25, 23)}));
  CAF_CHECK_EQUAL(autumn.end - autumn.start, 30 * day + hour);
}

CAF_TEST(a reset on a day without midnight starts at the first instant after the gap) {
  {
    // Havana jumps from 2026-03-07 23:59:59 CST to 2026-03-08 01:00:00 CDT (05:00 UTC).
    scoped_time_zone zone("America/Havana");
    const auto first_instant = utc(2026, 3, 8, 5);
    CAF_CHECK_EQUAL(cycle_containing(first_instant, 8),
                    cycle_bounds({first_instant, utc(2026, 4, 8, 4)}));
    CAF_CHECK_EQUAL(cycle_containing(first_instant - 1s, 8),
                    cycle_bounds({utc(2026, 2, 8, 5), first_instant}));
  }
  {
    // Santiago jumps from 2026-09-05 23:59:59 -04 to 2026-09-06 01:00:00 -03 (04:00 UTC).
    scoped_time_zone zone("America/Santiago");
    const auto first_instant = utc(2026, 9, 6, 4);
    CAF_CHECK_EQUAL(cycle_containing(utc(2026, 9, 20), 6),
                    cycle_bounds({first_instant, utc(2026, 10, 6, 3)}));
    CAF_CHECK_EQUAL(cycle_containing(first_instant - 1s, 6),
                    cycle_bounds({utc(2026, 8, 6, 4), first_instant}));
  }
}

CAF_TEST(weekly reports fall 7 14 21 and 28 days into a 31 day cycle) {
  scoped_time_zone zone("Asia/Shanghai");
  const cycle_bounds march{local(2026, 3, 1), local(2026, 4, 1)};
  const time_of_day nine{9, 0};
  const std::vector<moment> expected{local(2026, 3, 8, 9), local(2026, 3, 15, 9),
                                     local(2026, 3, 22, 9), local(2026, 3, 29, 9)};
  CAF_CHECK_EQUAL(latest_report_at_or_before(march, march.start, 7, nine), std::nullopt);
  CAF_CHECK_EQUAL(latest_report_at_or_before(march, expected[0] - 1s, 7, nine), std::nullopt);
  CAF_CHECK_EQUAL(next_report_after(march, march.start, 7, nine), expected[0]);
  for (std::size_t k = 0; k < expected.size(); ++k) {
    CAF_MESSAGE("report " << k + 1);
    const auto instant = expected[k];
    if (k > 0)
      CAF_CHECK_EQUAL(latest_report_at_or_before(march, instant - 1s, 7, nine), expected[k - 1]);
    CAF_CHECK_EQUAL(latest_report_at_or_before(march, instant, 7, nine), instant);
    CAF_CHECK_EQUAL(latest_report_at_or_before(march, instant + 1s, 7, nine), instant);
    CAF_CHECK_EQUAL(next_report_after(march, instant - 1s, 7, nine), instant);
    if (k + 1 < expected.size())
      CAF_CHECK_EQUAL(next_report_after(march, instant, 7, nine), expected[k + 1]);
    else
      CAF_CHECK_EQUAL(next_report_after(march, instant, 7, nine), std::nullopt);
  }
  CAF_CHECK_EQUAL(latest_report_at_or_before(march, march.end - 1s, 7, nine), expected.back());
  CAF_CHECK_EQUAL(next_report_after(march, march.end - 1s, 7, nine), std::nullopt);
  CAF_CHECK_EQUAL(reports_seen_hour_by_hour(march, 7, nine), expected);
}

CAF_TEST(interval zero turns reports off) {
  scoped_time_zone zone("UTC");
  const cycle_bounds march{utc(2026, 3, 1), utc(2026, 4, 1)};
  for (auto now : {march.start, utc(2026, 3, 8, 9), utc(2026, 3, 20), march.end - 1s}) {
    CAF_CHECK_EQUAL(latest_report_at_or_before(march, now, 0, {9, 0}), std::nullopt);
    CAF_CHECK_EQUAL(next_report_after(march, now, 0, {9, 0}), std::nullopt);
  }
}

CAF_TEST(a fifteen day interval reports twice in a 31 day cycle and once in a 30 day one) {
  scoped_time_zone zone("UTC");
  const cycle_bounds march{utc(2026, 3, 1), utc(2026, 4, 1)};
  CAF_CHECK_EQUAL(reports_seen_hour_by_hour(march, 15, {9, 0}),
                  std::vector<moment>({utc(2026, 3, 16, 9), utc(2026, 3, 31, 9)}));
  CAF_CHECK_EQUAL(next_report_after(march, utc(2026, 3, 16, 9), 15, {9, 0}), utc(2026, 3, 31, 9));
  const cycle_bounds april{utc(2026, 4, 1), utc(2026, 5, 1)};
  CAF_CHECK_EQUAL(reports_seen_hour_by_hour(april, 15, {9, 0}),
                  std::vector<moment>({utc(2026, 4, 16, 9)}));
  CAF_CHECK_EQUAL(next_report_after(april, utc(2026, 4, 16, 9), 15, {9, 0}), std::nullopt);
}

CAF_TEST(a report at 23 : 59 stays on its own date) {
  scoped_time_zone zone("Europe/Berlin");
  const cycle_bounds march{local(2026, 3, 1), local(2026, 4, 1)};
  const time_of_day late{23, 59};
  CAF_CHECK_EQUAL(latest_report_at_or_before(march, local(2026, 3, 8, 23, 58, 59), 7, late),
                  std::nullopt);
  CAF_CHECK_EQUAL(latest_report_at_or_before(march, local(2026, 3, 8, 23, 59), 7, late),
                  local(2026, 3, 8, 23, 59));
  CAF_CHECK_EQUAL(next_report_after(march, local(2026, 3, 8, 23, 59), 7, late),
                  local(2026, 3, 15, 23, 59));
  // Thirty days after the start, 23:59 is the last minute of the cycle and still inside it.
  CAF_CHECK_EQUAL(next_report_after(march, local(2026, 3, 21, 23, 59), 10, late),
                  local(2026, 3, 31, 23, 59));
  CAF_CHECK_EQUAL(latest_report_at_or_before(march, march.end - 1s, 10, late),
                  local(2026, 3, 31, 23, 59));
}

CAF_TEST(a report across a daylight saving change keeps its local time) {
  {
    scoped_time_zone zone("Europe/Berlin");
    const cycle_bounds march{local(2026, 3, 1), local(2026, 4, 1)};
    // 09:00 is 08:00 UTC before 2026-03-29 and 07:00 UTC from that day on.
    CAF_CHECK_EQUAL(reports_seen_hour_by_hour(march, 7, {9, 0}),
                    std::vector<moment>({utc(2026, 3, 8, 8), utc(2026, 3, 15, 8),
                                         utc(2026, 3, 22, 8), utc(2026, 3, 29, 7)}));
  }
  {
    scoped_time_zone zone("America/New_York");
    const cycle_bounds october{local(2026, 10, 25), local(2026, 11, 25)};
    // 09:00 is 13:00 UTC before 2026-11-01 and 14:00 UTC from that day on.
    CAF_CHECK_EQUAL(next_report_after(october, utc(2026, 10, 26), 7, {9, 0}), utc(2026, 11, 1, 14));
    CAF_CHECK_EQUAL(latest_report_at_or_before(october, utc(2026, 11, 8, 14), 7, {9, 0}),
                    utc(2026, 11, 8, 14));
    CAF_CHECK_EQUAL(latest_report_at_or_before(october, utc(2026, 11, 8, 13, 59, 59), 7, {9, 0}),
                    utc(2026, 11, 1, 14));
  }
}

CAF_TEST(a report time skipped by daylight saving moves past the gap) {
  scoped_time_zone zone("Europe/Berlin");
  const cycle_bounds march{local(2026, 3, 1), local(2026, 4, 1)};
  // 02:30 does not exist on 2026-03-29 in Berlin; the hour is skipped, giving 03:30 CEST.
  CAF_CHECK_EQUAL(next_report_after(march, utc(2026, 3, 23), 7, {2, 30}), utc(2026, 3, 29, 1, 30));
}

CAF_TEST(a report on or after the cycle end is left out) {
  scoped_time_zone zone("UTC");
  const cycle_bounds february{utc(2026, 2, 1), utc(2026, 3, 1)};
  // Day 28 is 1 March, the end date: at 09:00 it is after the end, at 00:00 exactly on it.
  CAF_CHECK_EQUAL(reports_seen_hour_by_hour(february, 7, {9, 0}),
                  std::vector<moment>(
                    {utc(2026, 2, 8, 9), utc(2026, 2, 15, 9), utc(2026, 2, 22, 9)}));
  CAF_CHECK_EQUAL(next_report_after(february, utc(2026, 2, 22, 9), 7, {9, 0}), std::nullopt);
  CAF_CHECK_EQUAL(next_report_after(february, utc(2026, 2, 22), 7, {0, 0}), std::nullopt);
  CAF_CHECK_EQUAL(latest_report_at_or_before(february, february.end - 1s, 7, {0, 0}),
                  utc(2026, 2, 22));
  // An interval longer than the cycle never reports.
  CAF_CHECK_EQUAL(next_report_after(february, february.start, 28, {0, 0}), std::nullopt);
}

CAF_TEST(reports count from the start date of a cycle that began after a gap) {
  scoped_time_zone zone("America/Havana");
  const auto cycle = cycle_containing(utc(2026, 3, 10), 8);
  CAF_CHECK_EQUAL(next_report_after(cycle, cycle.start, 7, {9, 0}), local(2026, 3, 15, 9));
}

CAF_TEST(the sleep ends at the nearest boundary and lasts between one second and the cap) {
  using std::chrono::seconds;
  const cycle_bounds cycle{test::at(0), test::at(10'000)};
  const seconds hour{3600};
  CAF_CHECK_EQUAL(sleep_until_next_boundary(test::at(100), cycle, std::nullopt, hour), hour);
  CAF_CHECK_EQUAL(sleep_until_next_boundary(test::at(9'000), cycle, std::nullopt, hour),
                  seconds{1000});
  CAF_CHECK_EQUAL(sleep_until_next_boundary(test::at(100), cycle, test::at(160), hour),
                  seconds{60});
  CAF_CHECK_EQUAL(sleep_until_next_boundary(test::at(10'000), cycle, std::nullopt, hour),
                  seconds{1});
  CAF_CHECK_EQUAL(sleep_until_next_boundary(test::at(20'000), cycle, test::at(15'000), hour),
                  seconds{1});
}
