// The forecast: what the open cycle's days say about its end, when that is worth an alert,
// and what a closed cycle's days amounted to. Pure functions; the current time is passed in.
#pragma once

#include <optional>

#include "actors/accounting/ledger.hpp"
#include "messages/types.hpp"

namespace tmon {

// The full days an average is taken over at most.
constexpr int forecast_window_days = 7;

// The outlook of the open cycle at `now`. The average is over the last forecast_window_days
// full local days before today, or over the cycle's full days so far when fewer: days that
// began at or after both the cycle's start and `state.days_since`, since a day the monitor
// saw only part of would pull the average down. A day without traffic in the history counts
// as 0. The projection is the counted usage plus the average for every second left in the
// cycle, the rest of today included.
cycle_outlook outlook_of(const monitor_state& state, const ledger_rules& rules, moment now);

// The daily average and busiest day of a cycle that closed with `counted_bytes` counted: the
// average over its local days from the later of its start and `days_since` to its end.
cycle_outlook closed_outlook(const cycle_bounds& cycle, const std::vector<day_traffic>& days,
                             std::uint64_t counted_bytes, traffic_direction direction,
                             moment days_since);

// A forecast_exceeded event (not yet raised), once per cycle: when FORECAST_ALERT is on,
// there is at least one full day of data, the projection exceeds the quota, and no threshold
// of 100 % or more was alerted in this cycle. Marks the cycle's forecast alert as raised.
std::optional<event> forecast_if_exceeded(monitor_state& state, const ledger_rules& rules,
                                          moment now);

} // namespace tmon
