// `traffic-monitor history [--previous] [--json]`: the days of the open cycle, or of the one
// closed last, from the state file.
#pragma once

#include <iosfwd>

#include "actors/accounting/ledger.hpp"
#include "main/status.hpp"

namespace tmon {

// A table: date, received, sent, counted, each in the unit with 2 decimals, a day a line in
// ascending order, then the cycle's total (with the calibration, when there is one).
std::string history_text(const cycle_record& cycle, const counting_settings& counted_with);

// {"days": [{"date": "YYYY-MM-DD", "rx_bytes": N, "tx_bytes": N, "counted_bytes": N}, ...],
//  "cycle_start": ..., "cycle_end": ... (ISO 8601 with offset), "rx_bytes", "tx_bytes",
//  "adjustment_bytes", "counted_bytes": the cycle's totals}.
std::string history_json(const cycle_record& cycle, const counting_settings& counted_with);

// The open cycle's record in `state`.
cycle_record open_cycle_record(const monitor_state& state);

// Reads the state file and prints the history. Returns the exit status: 0, or 1 when there
// is no readable state yet or, for the previous cycle, none was closed with this version.
int print_history(const status_context& context, bool previous, bool as_json, std::ostream& out,
                  std::ostream& err);

} // namespace tmon
