#include "actors/accounting/forecast.hpp"

#include <algorithm>
#include <limits>

#include "common/local_time.hpp"

namespace tmon {

namespace {

__extension__ typedef unsigned __int128 uint128;

constexpr std::uint64_t seconds_per_day = 86400;

std::uint64_t saturate(uint128 x) {
  constexpr std::uint64_t most = std::numeric_limits<std::uint64_t>::max();
  return x > most ? most : static_cast<std::uint64_t>(x);
}

std::uint64_t counted_on(const std::vector<day_traffic>& days, const std::string& date,
                         traffic_direction direction) {
  const auto day = std::find_if(days.begin(), days.end(),
                                [&](const day_traffic& d) { return d.date == date; });
  return day == days.end() ? 0 : counted_bytes(day->rx_bytes, day->tx_bytes, direction);
}

// The first local day that began at or after `since`.
std::string first_full_day(moment since) {
  return local_day_start(since) == since ? local_date(since) : local_date_after(since, 1);
}

} // namespace

cycle_outlook outlook_of(const monitor_state& state, const ledger_rules& rules, moment now) {
  cycle_outlook out;
  const usage_figures usage = current_usage(state, rules);
  const auto& days = state.days;
  out.today_bytes = counted_on(days, local_date(now), rules.direction);
  out.yesterday_bytes = counted_on(days, local_date_after(now, -1), rules.direction);
  out.days_left = days_left(now, state.cycle.end);
  if (usage.counted_bytes < usage.quota_bytes && out.days_left > 0)
    out.daily_budget_bytes = (usage.quota_bytes - usage.counted_bytes)
                             / static_cast<std::uint64_t>(out.days_left);

  if (state.days_since == moment{})
    return out;
  // Dates in ISO form compare as the days they name.
  const std::string first_full = std::max(first_full_day(state.days_since),
                                          first_full_day(state.cycle.start));
  uint128 sum = 0;
  for (int back = 1; back <= forecast_window_days; ++back) {
    const std::string date = local_date_after(now, -back);
    if (date < first_full)
      break;
    sum += counted_on(days, date, rules.direction);
    ++out.full_days;
  }
  if (out.full_days == 0)
    return out;
  out.daily_average_bytes = static_cast<std::uint64_t>(sum / out.full_days);
  const std::uint64_t seconds_left = now < state.cycle.end
                                       ? static_cast<std::uint64_t>((state.cycle.end - now).count())
                                       : 0;
  out.projected_bytes = saturate(uint128{usage.counted_bytes}
                                 + uint128{out.daily_average_bytes} * seconds_left
                                     / seconds_per_day);
  if (out.projected_bytes > usage.quota_bytes) {
    if (usage.counted_bytes >= usage.quota_bytes) {
      out.runs_out_at = now;
    } else {
      // The average is above 0 here, since the projection grew past the quota.
      const uint128 remaining = usage.quota_bytes - usage.counted_bytes;
      const uint128 seconds = (remaining * seconds_per_day + out.daily_average_bytes - 1)
                              / out.daily_average_bytes;
      out.runs_out_at = now + std::chrono::seconds{static_cast<std::int64_t>(seconds)};
    }
  }
  return out;
}

cycle_outlook closed_outlook(const cycle_bounds& cycle, const std::vector<day_traffic>& days,
                             std::uint64_t counted, traffic_direction direction,
                             moment days_since) {
  cycle_outlook out;
  for (const auto& day : days) {
    const std::uint64_t bytes = counted_bytes(day.rx_bytes, day.tx_bytes, direction);
    if (out.busiest_day.empty() || bytes > out.busiest_day_bytes) {
      out.busiest_day = day.date;
      out.busiest_day_bytes = bytes;
    }
  }
  const moment from = std::max(cycle.start, days_since);
  if (from < cycle.end) {
    // Calendar days, so that a cycle with a 23- or 25-hour day still has its number of days.
    const std::string end_date = local_date(cycle.end);
    int span = 0;
    while (local_date_after(from, span) < end_date)
      ++span;
    out.full_days = static_cast<std::uint64_t>(std::max(span, 1));
    out.daily_average_bytes = counted / out.full_days;
  }
  return out;
}

std::optional<event> forecast_if_exceeded(monitor_state& state, const ledger_rules& rules,
                                          moment now) {
  if (!rules.forecast_alert || state.forecast_alerted)
    return std::nullopt;
  const bool limit_alerted = std::any_of(state.thresholds_alerted.begin(),
                                         state.thresholds_alerted.end(),
                                         [](percentage p) { return p >= 100_percent; });
  if (limit_alerted)
    return std::nullopt;
  const cycle_outlook outlook = outlook_of(state, rules, now);
  const usage_figures usage = current_usage(state, rules);
  if (outlook.full_days == 0 || outlook.projected_bytes <= usage.quota_bytes)
    return std::nullopt;
  state.forecast_alerted = true;
  event forecast;
  forecast.kind = event_kind::forecast_exceeded;
  forecast.raised_at = now;
  forecast.usage = usage;
  forecast.outlook = outlook;
  return forecast;
}

} // namespace tmon
