// `traffic-monitor status`: the current cycle read from the state file, for people or as JSON.
#pragma once

#include <iosfwd>
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

// Reads the state file without changing it and prints it. Returns the exit status: 0, or 1
// when there is no readable state yet.
int print_status(const status_context& context, bool as_json, std::ostream& out,
                 std::ostream& err);

} // namespace tmon
