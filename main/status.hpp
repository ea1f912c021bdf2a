// `traffic-monitor status` and `health`: what the state file says, for people, as JSON, and
// for a container healthcheck.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "actors/accounting/ledger.hpp"
#include "main/config.hpp"

namespace tmon {

// The settings a monitor started with `settings` counts with, on `interfaces` (the default
// route's already resolved).
counting_settings counting_settings_of(const config& settings, std::vector<std::string> interfaces);

// The accounting rules of settings counted with `counted`; 0: no bandwidth limit, which
// only the counting of readings needs.
ledger_rules ledger_rules_of(const counting_settings& counted,
                             std::uint64_t max_bandwidth_mbit = 0);

// What status shows besides the state itself: the caller's own settings, used only when the
// state does not record the monitor's, and compared with them when it does.
struct status_context {
  const config& settings;
  // The interfaces the caller's settings would count (the default route's resolved).
  std::vector<std::string> interfaces;
  moment now;
};

std::string status_text(const monitor_state& state, const status_context& context);

// One JSON object: cycle_start, cycle_end (ISO 8601 with offset), rx_bytes, tx_bytes,
// counted_bytes (with the calibration), quota_bytes, percent, thresholds_alerted, direction,
// interfaces, unit, last_sample_at, events_pending, adjustment_bytes, days_left (today
// included), remaining_bytes, projected_bytes and daily_average_bytes (null before one full
// day of data), daily_budget_bytes, last_sample_age_seconds (null before the first sample),
// settings_recorded (whether the
// figures use the monitor's recorded settings) and settings_differ (the variables in which
// the caller's environment differs from them).
std::string status_json(const monitor_state& state, const status_context& context);

// Whether the state file says the monitor is alive, or why not: it was written within
// 3 check intervals plus 30 s of `now`, since every sample writes it, and is not dated more
// than one interval plus 30 s after `now`, which only a wrong clock does.
outcome<void> fresh_state_file(std::optional<moment> written_at, moment now,
                               std::chrono::seconds check_interval);

// Whether every configured interface was in a reading of the last 3 check intervals, or
// which one has been missing for longer.
outcome<void> no_interface_missing(const monitor_state& state, moment now,
                                   std::chrono::seconds check_interval);

// `traffic-monitor health`: 0 when healthy, else prints why and returns 1. Healthy: the
// state file is fresh (fresh_state_file) and no configured interface has been missing for
// long (no_interface_missing).
int check_health(const config& settings, moment now, std::ostream& out);

// The state file as `status` and `history` show it, read without changing it; a sentence
// when there is none yet or it cannot be read.
outcome<monitor_state> state_to_show(const std::string& data_dir);

// Prints `why` there is nothing to show: as {"error": "..."} on `out` for JSON, else on
// `err`. Returns the exit status, 1.
int refuse_to_show(const std::string& why, bool as_json, std::ostream& out, std::ostream& err);

// `traffic-monitor over-limit`: 0 while the state says the current cycle is over
// LIMIT_PERCENT (as the running monitor judged it), else 1; prints one line saying which.
int check_over_limit(const std::string& data_dir, moment now, std::ostream& out);

// Reads the state file without changing it and prints it. Returns the exit status: 0, or 1
// when there is no readable state yet (as {"error": "..."} on `out` for JSON).
int print_status(const status_context& context, bool as_json, std::ostream& out, std::ostream& err);

} // namespace tmon
