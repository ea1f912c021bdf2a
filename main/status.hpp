// `traffic-monitor status` and `health`: what the state file says, for people, as JSON, and
// for a container healthcheck.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "actors/accounting/ledger.hpp"
#include "main/config.hpp"

namespace tmon {

// What status shows besides the state itself.
struct status_context {
  const config& settings;
  // The interfaces counted (the default route's already resolved).
  std::vector<std::string> interfaces;
};

std::string status_text(const monitor_state& state, const status_context& context);

// One JSON object: cycle_start, cycle_end (ISO 8601 with offset), rx_bytes, tx_bytes,
// counted_bytes, quota_bytes, percent, thresholds_alerted, direction, interfaces, unit,
// last_sample_at, events_pending.
std::string status_json(const monitor_state& state, const status_context& context);

// Why the monitor is unhealthy, or nothing: healthy means the state file was written
// within 3 check intervals plus 30 s of `now`, since every sample writes it.
std::optional<std::string> health_problem(std::optional<epoch_seconds> written_at,
                                          epoch_seconds now, int check_interval_seconds);

// Why the monitor is unhealthy because a configured interface has been missing from every
// reading for more than 3 check intervals, or nothing.
std::optional<std::string> missing_interface_problem(const monitor_state& state,
                                                     epoch_seconds now,
                                                     int check_interval_seconds);

// `traffic-monitor health`: 0 when healthy, else prints why and returns 1. Healthy: the
// state file is fresh (health_problem) and no configured interface has been missing for
// long (missing_interface_problem).
int check_health(const config& settings, epoch_seconds now, std::ostream& out);

// Reads the state file without changing it and prints it. Returns the exit status: 0, or 1
// when there is no readable state yet.
int print_status(const status_context& context, bool as_json, std::ostream& out,
                 std::ostream& err);

} // namespace tmon
