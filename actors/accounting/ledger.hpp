// The accounting rules: how samples turn into a cycle's traffic, when thresholds alert,
// how a cycle closes, when a report is due, and the outbox of events not yet delivered.
// Pure functions over monitor_state; the current time is always passed in.
#pragma once

#include <chrono>
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

// The settings a state's figures depend on, as the monitor that counted them had them: a
// reader of the state (`status`) shows the figures as the monitor counts them, whatever its
// own environment says.
struct counting_settings {
  std::uint64_t quota_bytes = 0;
  traffic_unit unit;
  traffic_direction direction = traffic_direction::outbound;
  // As counted: the default route's interface already resolved.
  std::vector<std::string> interfaces;
  // Ascending.
  std::vector<percentage> thresholds;
  int reset_day = 1;
  // TZ as given; empty: the system's zone.
  std::string time_zone;
};

bool operator==(const counting_settings& x, const counting_settings& y);
bool operator!=(const counting_settings& x, const counting_settings& y);

// One local calendar day's traffic (in TZ), by the date of the samples that counted it.
struct day_traffic {
  // "YYYY-MM-DD".
  std::string date;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
};

bool operator==(const day_traffic& x, const day_traffic& y);

// A cycle's totals and days, as `history` shows them.
struct cycle_record {
  cycle_bounds cycle;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  std::int64_t adjustment_bytes = 0;
  // Ascending by date.
  std::vector<day_traffic> days;
};

bool operator==(const cycle_record& x, const cycle_record& y);

// At most this many days of history are kept, the open cycle's and the closed one's together.
constexpr std::size_t history_days_kept = 62;

// Everything that survives a restart. Written whole and atomically by the accounting actor.
struct monitor_state {
  // 2 added `recorded_settings`, 3 the calibration, the daily history and the forecast alert;
  // older files are still read, without them.
  static constexpr int current_schema_version = 3;

  // Boot id of the last applied sample; empty before the first sample ever.
  std::string boot_id;
  // Last counters seen per interface, to compute the next delta against.
  std::map<std::string, counter_reading> last_counters;
  // When the last sample was applied (the epoch: never).
  moment last_sample_at;
  // The open cycle; start == end == the epoch until the scheduler names the first one.
  cycle_bounds cycle;
  std::uint64_t cycle_rx_bytes = 0;
  std::uint64_t cycle_tx_bytes = 0;
  // Thresholds already alerted in this cycle, ascending.
  std::vector<percentage> thresholds_alerted;
  // The report instant last reported (the epoch: none yet).
  moment last_report_at;
  // Events raised and not yet acknowledged by the notifier, oldest first.
  std::deque<event> outbox;
  std::uint64_t next_event_id = 1;
  // The settings of the monitor that wrote the state; absent in a state written before
  // they were recorded.
  std::optional<counting_settings> recorded_settings;
  // Configured interfaces absent from the last reading, each with the time of the first
  // reading in a row that lacked it. Such an interface has no baseline in last_counters: when
  // it appears it was created after that reading, and its whole counter is new traffic.
  std::map<std::string, moment> missing_since;
  // Added to the direction's figure of the open cycle by calibration; 0 until then.
  std::int64_t cycle_adjustment_bytes = 0;
  // The open cycle's days, ascending by date.
  std::vector<day_traffic> days;
  // When the open cycle's days began to be recorded: its start, or the first sample when the
  // monitor (or this version of it) started within it; the epoch until then.
  moment days_since;
  // The cycle closed last; absent before the first close.
  std::optional<cycle_record> previous_cycle;
  // Whether the open cycle's forecast alert was raised.
  bool forecast_alerted = false;
  // The id of the calibration request applied last, so that none is applied twice.
  std::string last_calibration_id;
  // When the open cycle's counted usage reached LIMIT_PERCENT, if it was not lifted since; the
  // epoch: not over the limit.
  moment over_limit_since;
  // The first Telegram update not yet answered or skipped by the command poller (0: none
  // confirmed), so that no command is answered twice across restarts.
  std::int64_t telegram_update_offset = 0;
};

bool operator==(const monitor_state& x, const monitor_state& y);

// What the accounting rules need from the configuration.
struct ledger_rules {
  traffic_direction direction = traffic_direction::outbound;
  std::uint64_t quota_bytes = 0;
  std::vector<percentage> thresholds; // ascending, distinct, > 0
  std::size_t outbox_limit = 1000;
  // The fastest rate the interfaces can move, in Mbit/s (10^6 bit/s); 0: no limit. A
  // counter that seems to have moved faster is a glitch and is not counted.
  std::uint64_t max_bandwidth_mbit = 0;
  // FORECAST_ALERT: whether a projection over the quota raises an alert.
  bool forecast_alert = true;
  // LIMIT_PERCENT: the share of the quota at which the host side should act; none: no limit.
  std::optional<percentage> limit;
};

// Bytes that passed since `previous` was read, given the counter now reads `current`.
// Same boot and a counter that did not go down: the difference. Otherwise the counter
// restarted from zero (reboot, or the interface was re-created): all of `current`.
// A 32-bit wrap is never guessed.
std::uint64_t counter_delta(std::uint64_t previous, std::uint64_t current, bool same_boot);

// The bytes that count against the quota for the cycle's rx and tx totals.
std::uint64_t counted_bytes(std::uint64_t rx_bytes, std::uint64_t tx_bytes,
                            traffic_direction direction);

// `figure` plus `adjustment`, never below 0 and saturating at the top.
std::uint64_t adjusted(std::uint64_t figure, std::int64_t adjustment);

// The adjustment that makes `figure` read `target`, within what 64 signed bits hold.
std::int64_t adjustment_to_reach(std::uint64_t target, std::uint64_t figure);

// The open cycle's figures.
usage_figures current_usage(const monitor_state& state, const ledger_rules& rules);

// Sets the open cycle's counted usage to `used_bytes` by its adjustment, records
// `request_id` as the calibration applied last, and returns the usage_calibrated event (not
// yet raised) with the figure before. Thresholds are then settled by newly_crossed_threshold.
event calibrate(monitor_state& state, const ledger_rules& rules, std::uint64_t used_bytes,
                const std::string& request_id, moment now);

// Adds traffic to the day `date` of `days` (ascending), creating it in its place.
void add_to_day(std::vector<day_traffic>& days, const std::string& date, std::uint64_t rx_bytes,
                std::uint64_t tx_bytes);

// The most bytes a counter can move in `elapsed` at `max_bandwidth_mbit`, with one
// second to spare: two readings within the same second, or an uptime cut to whole seconds,
// still allow a second's traffic. Nothing when there is no limit (0 Mbit/s) or the time is
// unknown (negative: no uptime, or a wall clock that went back). Saturates.
std::optional<std::uint64_t> bytes_allowed(std::uint64_t max_bandwidth_mbit,
                                           std::chrono::seconds elapsed);

// One direction of one interface that moved more than the bandwidth limit allows.
struct rejected_jump {
  std::string interface;
  std::string direction; // "rx" or "tx"
  // The last reading of the counter in this boot; 0 when it counts from its start (after a
  // reboot, or an interface created since the last reading).
  std::uint64_t previous = 0;
  std::uint64_t current = 0;
  // What would have been counted, and the most the limit allows.
  std::uint64_t delta = 0;
  std::uint64_t allowed = 0;
};

struct sample_effect {
  bool changed = false;
  // Not counted; each counter is the new baseline.
  std::vector<rejected_jump> rejected;
};

// Adds the traffic of `s` to the open cycle and to its local day, and remembers its counters;
// `changed` tells whether the state changed. The very first sample (no boot id yet) only sets the
// baseline. Within one boot: an interface read before counts its growth (all of it when the counter
// went down); one that was missing from the last reading counts its whole counter, since it
// was created after that reading; one never looked for (NETWORK_INTERFACE changed) is
// baselined. After a reboot every interface counts its whole counter, and no reading of the
// old boot stays a baseline. A delta larger than `rules.max_bandwidth_mbit` allows since the
// last reading (within a boot) or since the boot (after a reboot) is rejected instead. Sums
// saturate instead of wrapping.
sample_effect apply_sample(monitor_state& state, const sample& s, const ledger_rules& rules);

// Fills the monitor_started event `started` with the interfaces of `reading`: those counted,
// the configured ones missing, and every one that exists.
void describe_interfaces(event& started, const sample& reading);

// Appends `e` to the outbox with the next id and returns the stored copy. When the outbox
// is over its limit, drops the oldest events that are not threshold alerts first, then the
// oldest alerts; `dropped` receives what was dropped.
event raise_event(monitor_state& state, event e, std::size_t outbox_limit,
                  std::vector<event>& dropped);

// After a sample: first forgets every alerted threshold that the counted total is below
// under the current rules (the quota, thresholds or direction changed), so that reaching it
// again alerts again; then marks every threshold the counted total has reached and not yet
// alerted in this cycle, and returns one threshold_crossed event (not yet raised) naming the
// highest of them; nothing when no new threshold was reached.
std::optional<event> newly_crossed_threshold(monitor_state& state, const ledger_rules& rules,
                                             moment now);

// Whether the open cycle crossed LIMIT_PERCENT since the last look: a limit_reached event
// (not yet raised) when the counted usage reached it and the cycle was not over it, a
// limit_lifted event when the cycle was over it and usage is below it now (a reset, a
// calibration, or the limit raised or removed). Records the new side in `over_limit_since`, so
// that each crossing is announced once, also across restarts; a limit reached again after
// a lift is reached again.
std::optional<event> limit_crossing(monitor_state& state, const ledger_rules& rules, moment now);

// A close later than this after the cycle's end is reported as late.
constexpr std::chrono::seconds late_close_after{300};

// Freezes the open cycle into a cycle_closed event (not yet raised) with its daily average
// and busiest day, keeps it with its days as the previous cycle, then opens `next` with zero
// traffic, no adjustment, no days, and every threshold and the forecast alert re-armed. The
// event is late when `now` is more than late_close_after past the closed cycle's end.
event close_cycle(monitor_state& state, const ledger_rules& rules, const cycle_bounds& next,
                  moment now);

// A usage_report event (not yet raised) with the outlook at `now` when `due_at` lies in the
// open cycle and is later than the last report; records it as the last report.
std::optional<event> report_if_due(monitor_state& state, const ledger_rules& rules, moment due_at,
                                   moment now);

// The ids of start-up notices and usage reports in `outbox` that a newer one of the same
// kind makes pointless to send (after an outage only the latest figures matter), oldest
// first. Alerts, reset notices and state file notices are never superseded.
std::vector<std::uint64_t> superseded_events(const std::deque<event>& outbox);

// How the open cycle has to change for the cycle the calendar names for now.
enum class cycle_transition {
  // No cycle yet: the calendar's is the first.
  adopt,
  // The same cycle, or a clock set back by at most the tolerance before the open cycle.
  keep,
  // Now is at or past the open cycle's end and the calendar's cycle starts there or later:
  // close the open cycle and open the calendar's.
  advance,
  // The calendar's cycle overlaps the open one (now lies in the open cycle, or the calendar's
  // began before the open one's end) but is bounded otherwise, so the time zone or the reset
  // day changed: re-bound it, keeping its totals, since closing it would leave traffic of
  // the calendar's cycle out of it.
  settings_changed,
  // The open cycle starts more than the tolerance after now: it was made by a clock set in
  // the future. Re-bound it, keeping its totals.
  wrong_clock,
};

struct cycle_decision {
  cycle_transition transition = cycle_transition::keep;
  // advance: the cycles that lay wholly between the open cycle's end and the calendar's
  // start, and the span from the first one's start to the last one's end.
  std::uint64_t skipped_cycles = 0;
  cycle_bounds skipped_span;
};

// The rule for the `stored` open cycle given the `named` cycle that the calendar says
// contains `now`.
cycle_decision decide_cycle(const cycle_bounds& stored, const cycle_bounds& named, moment now);

// Gives the open cycle the bounds `next` and returns a cycle_changed event (not yet raised)
// naming the old ones. Everything counted, the thresholds already alerted and the outbox
// are kept: the totals may include traffic from before `next` began, the safe side for a
// quota.
event rebound_cycle(monitor_state& state, const ledger_rules& rules, const cycle_bounds& next,
                    bool wrong_clock, moment now);

// A last report dated more than the tolerance after `now` was made by a clock set in the
// future and would hold back every report until then: it becomes `now`. Returns whether it
// did.
bool forget_future_report(monitor_state& state, moment now);

// Removes the event with this id from the outbox; false when it is not there.
bool acknowledge_event(monitor_state& state, std::uint64_t id);

} // namespace tmon
