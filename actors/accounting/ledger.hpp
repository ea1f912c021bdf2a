// The accounting rules: how samples turn into a cycle's traffic, when thresholds alert,
// how a cycle closes, when a report is due, and the outbox of events not yet delivered.
// Pure functions over monitor_state; the current time is always passed in.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "messages/types.hpp"

namespace tmon {

// The last counters seen of one interface.
struct counter_reading {
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
};

bool operator==(const counter_reading& x, const counter_reading& y);

// Everything that survives a restart. Written whole and atomically by the accounting actor.
struct monitor_state {
  static constexpr int current_schema_version = 1;

  // Boot id of the last applied sample; empty before the first sample ever.
  std::string boot_id;
  // Last counters seen per interface, to compute the next delta against.
  std::map<std::string, counter_reading> last_counters;
  // When the last sample was applied (0: never).
  epoch_seconds last_sample_at = 0;
  // The open cycle; start == end == 0 until the scheduler names the first one.
  cycle_bounds cycle;
  std::uint64_t cycle_rx_bytes = 0;
  std::uint64_t cycle_tx_bytes = 0;
  // Thresholds (percent) already alerted in this cycle, ascending.
  std::vector<double> thresholds_alerted;
  // The report instant last reported (0: none yet).
  epoch_seconds last_report_at = 0;
  // Events raised and not yet acknowledged by the notifier, oldest first.
  std::deque<event> outbox;
  std::uint64_t next_event_id = 1;
};

bool operator==(const monitor_state& x, const monitor_state& y);

// What the accounting rules need from the configuration.
struct ledger_rules {
  traffic_direction direction = traffic_direction::outbound;
  std::uint64_t quota_bytes = 0;
  std::vector<double> thresholds; // ascending, distinct, > 0
  std::size_t outbox_limit = 1000;
};

// Bytes that passed since `previous` was read, given the counter now reads `current`.
// Same boot and a counter that did not go down: the difference. Otherwise the counter
// restarted from zero (reboot, or the interface was re-created): all of `current`.
// A 32-bit wrap is never guessed.
std::uint64_t counter_delta(std::uint64_t previous, std::uint64_t current, bool same_boot);

// The bytes that count against the quota for the cycle's rx and tx totals.
std::uint64_t counted_bytes(std::uint64_t rx_bytes, std::uint64_t tx_bytes,
                            traffic_direction direction);

// The open cycle's figures.
usage_figures current_usage(const monitor_state& state, const ledger_rules& rules);

// Adds the traffic of `s` to the open cycle and remembers its counters. The very first
// sample (no boot id yet) only sets the baseline. Within one boot, an interface seen for the
// first time is baselined too; after a reboot every interface counts from zero. Sums
// saturate instead of wrapping. Returns whether the state changed.
bool apply_sample(monitor_state& state, const sample& s);

// Appends `e` to the outbox with the next id and returns the stored copy. When the outbox
// is over its limit, drops the oldest events that are not threshold alerts first, then the
// oldest alerts; `dropped` receives what was dropped.
event raise_event(monitor_state& state, event e, std::size_t outbox_limit,
                  std::vector<event>& dropped);

// After a sample: marks every threshold the counted total has reached and not yet alerted
// in this cycle, and returns one threshold_crossed event (not yet raised) naming the
// highest of them; nothing when no new threshold was reached.
std::optional<event> newly_crossed_threshold(monitor_state& state, const ledger_rules& rules,
                                             epoch_seconds now);

// A close later than this after the cycle's end is reported as late.
constexpr epoch_seconds late_close_after_seconds = 300;

// Freezes the open cycle into a cycle_closed event (not yet raised), then opens `next`
// with zero traffic and every threshold re-armed. The event is late when `now` is more than
// late_close_after_seconds past the closed cycle's end.
event close_cycle(monitor_state& state, const ledger_rules& rules, const cycle_bounds& next,
                  epoch_seconds now);

// A usage_report event (not yet raised) when `due_at` lies in the open cycle and is later
// than the last report; records it as the last report.
std::optional<event> report_if_due(monitor_state& state, const ledger_rules& rules,
                                   epoch_seconds due_at, epoch_seconds now);

// Counted bytes at the cycle's end if the cycle's average rate so far holds.
std::uint64_t projected_usage(std::uint64_t counted, const cycle_bounds& cycle,
                              epoch_seconds now);

// The ids of start-up notices and usage reports in `outbox` that a newer one of the same
// kind makes pointless to send (after an outage only the latest figures matter), oldest
// first. Alerts, reset notices and state file notices are never superseded.
std::vector<std::uint64_t> superseded_events(const std::deque<event>& outbox);

// Removes the event with this id from the outbox; false when it is not there.
bool acknowledge_event(monitor_state& state, std::uint64_t id);

} // namespace tmon
