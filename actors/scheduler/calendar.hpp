// Billing-cycle and report calendar in local time. Local time is the process's time zone
// (TZ), read through the C library, so daylight-saving shifts are handled by mktime.
// Formatting local times for people is common/local_time.hpp's.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/local_time.hpp"
#include "messages/types.hpp"

namespace tmon {

struct time_of_day {
  int hour = 0;
  int minute = 0;
};

bool operator==(const time_of_day& x, const time_of_day& y);

// The cycle that contains `now`. A cycle starts at 00:00 local time on `reset_day` (1-31)
// of a month, or on the month's last day when the month is shorter, and ends where the
// next one starts.
cycle_bounds cycle_containing(moment now, int reset_day);

// Report instants of a cycle: `report_time` local time on the cycle's start date plus
// k * interval_days days, for k >= 1, that lie inside [cycle.start, cycle.end).
// interval_days == 0 means reports are off: both functions then return nothing.

// The latest report instant at or before `now`, if any.
std::optional<moment> latest_report_at_or_before(const cycle_bounds& cycle, moment now,
                                                 int interval_days, time_of_day report_time);

// The first report instant after `now`, if any.
std::optional<moment> next_report_after(const cycle_bounds& cycle, moment now, int interval_days,
                                        time_of_day report_time);

// How long to sleep from `now`: until the earlier of the cycle's end and the next report,
// at most max_sleep, at least one second.
std::chrono::seconds sleep_until_next_boundary(moment now, const cycle_bounds& cycle,
                                               std::optional<moment> next_report,
                                               std::chrono::seconds max_sleep);

} // namespace tmon
