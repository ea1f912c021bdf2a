// Plain data carried between the actors and kept in the state file. Free of CAF so that the
// pure logic and its tests use it without an actor system; messages.hpp adds inspect().
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/moment.hpp"
#include "common/outcome.hpp"
#include "common/percentage.hpp"

namespace tmon {

// A wall clock may be set back this far (NTP across midnight, a hand correction) without
// being taken for wrong: within it, cycles only move forward. Accounting and the scheduler
// both judge readings and cycles by it.
constexpr std::chrono::seconds clock_step_back_tolerance = std::chrono::hours{24};

// Reads the current wall-clock time. Injected everywhere, so tests can move the calendar.
using wall_clock = std::function<moment()>;

// The unit that quotas and figures are given in: GiB (1024^3 bytes) or GB (10^9 bytes).
struct traffic_unit {
  std::string name;
  std::uint64_t bytes = 0;
};

// Which traffic counts against the quota.
enum class traffic_direction : std::uint8_t {
  outbound,      // tx
  inbound,       // rx
  bidirectional, // rx + tx
  max,           // the larger of the cycle's rx and tx totals
};

// One interface's cumulative kernel counters, as /proc/net/dev shows them.
struct interface_counters {
  std::string name;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
};

bool operator==(const interface_counters& x, const interface_counters& y);

// The time since boot when /proc/uptime could not be read.
constexpr std::chrono::seconds unknown_uptime{-1};

// One reading of the configured interfaces that exist at `taken_at`.
struct sample {
  moment taken_at;
  std::string boot_id;
  std::vector<interface_counters> interfaces;
  // Whole seconds since boot, or unknown_uptime.
  std::chrono::seconds uptime = unknown_uptime;
  // Configured interfaces the kernel did not list.
  std::vector<std::string> missing_interfaces;
  // Every interface the kernel listed, configured or not, to name next to missing ones.
  std::vector<std::string> visible_interfaces;
};

bool operator==(const sample& x, const sample& y);

// A billing cycle: [start, end).
struct cycle_bounds {
  moment start;
  moment end;
};

bool operator==(const cycle_bounds& x, const cycle_bounds& y);
bool operator!=(const cycle_bounds& x, const cycle_bounds& y);

// A cycle's figures at one moment.
struct usage_figures {
  cycle_bounds cycle;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  // The direction's figure plus the adjustment, never below 0.
  std::uint64_t counted_bytes = 0;
  std::uint64_t quota_bytes = 0;
  // Set by calibration so that the counted figure matches the provider's; 0 until then.
  std::int64_t adjustment_bytes = 0;
};

bool operator==(const usage_figures& x, const usage_figures& y);

// What the days of a cycle say about its end, at one moment. Amounts are counted bytes.
struct cycle_outlook {
  std::uint64_t today_bytes = 0;
  std::uint64_t yesterday_bytes = 0;
  // The full days the average is taken over: the last 7, or fewer early in the cycle; 0 (less
  // than one full day of data) means there is no average and no projection.
  std::uint64_t full_days = 0;
  std::uint64_t daily_average_bytes = 0;
  // Counted usage at the cycle's end at the average's pace; only when full_days > 0.
  std::uint64_t projected_bytes = 0;
  // When the projection exceeds the quota: when the quota runs out at that pace (now, when it
  // already has); the epoch otherwise.
  moment runs_out_at;
  // Whole days until the cycle's end, today included.
  std::int64_t days_left = 0;
  // What may still be used per day, today included, to stay within the quota; 0 when over.
  std::uint64_t daily_budget_bytes = 0;
  // A closed cycle's busiest local day ("YYYY-MM-DD", empty when it has no days) and its
  // counted bytes.
  std::string busiest_day;
  std::uint64_t busiest_day_bytes = 0;
};

bool operator==(const cycle_outlook& x, const cycle_outlook& y);

enum class event_kind : std::uint8_t {
  monitor_started,
  threshold_crossed,
  cycle_closed,
  usage_report,
  state_file_reset,
  // The open cycle was given other bounds, keeping its totals: the time zone or the reset
  // day changed between runs, or the stored cycle was made by a wrong clock.
  cycle_changed,
  // The owner set the counted usage to the provider's figure.
  usage_calibrated,
  // The projection at the cycle's end exceeds the quota.
  forecast_exceeded,
  // The counted usage reached LIMIT_PERCENT: the host side should now act.
  limit_reached,
  // The counted usage is below LIMIT_PERCENT again (a reset, a calibration).
  limit_lifted,
};

// Something the owner is told about. Carries numbers only; the notifier owns the wording.
struct event {
  std::uint64_t id = 0;
  event_kind kind = event_kind::monitor_started;
  moment raised_at;
  usage_figures usage;
  // threshold_crossed: the highest threshold the sample reached; limit_reached and
  // limit_lifted: LIMIT_PERCENT.
  percentage threshold_percent;
  // cycle_closed: true when the close happened long after the cycle's end (the monitor was
  // not running at the reset).
  bool late = false;
  // usage_report, forecast_exceeded: the outlook of the open cycle; cycle_closed: the closed
  // cycle's daily average and busiest day.
  cycle_outlook outlook;
  // state_file_reset: where the unreadable state file was moved; empty when it could not be
  // moved aside (the log says why).
  std::string detail;
  // monitor_started: the configured interfaces found and counted, those not found, and
  // every interface that exists (all empty when no reading was at hand).
  std::vector<std::string> interfaces;
  std::vector<std::string> missing_interfaces;
  std::vector<std::string> visible_interfaces;
  // cycle_changed: the bounds the cycle had before (usage.cycle holds the new ones), and
  // whether they were made by a wrong clock rather than by other settings.
  cycle_bounds previous_cycle;
  bool wrong_clock = false;
  // cycle_closed: the whole cycles that passed between the closed one and the new one while
  // no monitor ran (0: none), from the first one's start to the last one's end.
  std::uint64_t skipped_cycles = 0;
  cycle_bounds skipped_span;
  // cycle_closed, late: the counted bytes of the first reading after the stop, whose date
  // is unknown; they are counted in the new cycle, the safe side for a quota.
  std::uint64_t undated_bytes = 0;
  // usage_calibrated: the counted bytes before the calibration (usage holds the new figures).
  std::uint64_t calibrated_from_bytes = 0;
  // The delivery targets (delivery_target::id) that have not confirmed the event yet, once
  // assigned when it is raised; an event stored by a version without them has none assigned
  // and goes to every configured target.
  std::vector<std::string> targets_left;
  bool targets_assigned = false;
};

// An event's fields in declaration order, as references: the one list that operator== and
// inspect() are built on. The structured binding stops the build when event gains or loses
// a field and this list does not follow; the state file's tests then catch a field its JSON
// forgets.
template <class Event>
auto tie_fields(Event& e) {
  static_assert(std::is_same_v<std::remove_const_t<Event>, event>);
  auto& [id, kind, raised_at, usage, threshold_percent, late, outlook, detail, interfaces,
         missing_interfaces, visible_interfaces, previous_cycle, wrong_clock, skipped_cycles,
         skipped_span, undated_bytes, calibrated_from_bytes, targets_left, targets_assigned] = e;
  return std::tie(id, kind, raised_at, usage, threshold_percent, late, outlook, detail, interfaces,
                  missing_interfaces, visible_interfaces, previous_cycle, wrong_clock,
                  skipped_cycles, skipped_span, undated_bytes, calibrated_from_bytes, targets_left,
                  targets_assigned);
}

bool operator==(const event& x, const event& y);

// Delivery attempts since start, as the notifier counts them.
struct delivery_counts {
  std::uint64_t sent = 0;
  std::uint64_t failed = 0;
};

// The figures as accounting has them at a moment: what the metrics listener serves and the
// command poller answers with.
struct published_figures {
  usage_figures usage;
  // The open cycle's days at the time of the save: the projection at the cycle's end is
  // there when full_days > 0.
  cycle_outlook outlook;
  moment last_sample_at;
  std::uint64_t events_pending = 0;
  // Over LIMIT_PERCENT in the open cycle.
  bool limit_reached = false;
  // The JSON of `status --json` and of `history --json`.
  std::string status_json;
  std::string history_json;
};

bool operator==(const published_figures& x, const published_figures& y);

// One exchange of the notifier or the public-IP lookup: an HTTP request, or the submission of
// an e-mail over SMTP.
struct http_request {
  // "GET", "POST" (sends `body` as `content_type`), or "MAIL" (an SMTP submission to the
  // smtp:// or smtps:// `url`; `body` is the whole message).
  std::string method = "POST";
  std::string url;
  std::string body;
  std::string content_type = "application/json";
  // More header lines ("Title: …") of a POST.
  std::vector<std::string> headers;
  // 0: none of its own; the total timeout bounds the connecting too.
  std::chrono::seconds connect_timeout{10};
  std::chrono::seconds total_timeout{30};
  bool ipv4_only = false;
  // MAIL: the login (empty user: none), envelope sender and recipients, and whether an
  // smtp:// server must accept STARTTLS.
  std::string user;
  std::string password;
  std::string mail_from;
  std::vector<std::string> mail_to;
  bool require_tls = true;
};

bool operator==(const http_request& x, const http_request& y);

struct http_response {
  // The HTTP status; 0 when no response arrived (no connection, timeout, aborted). MAIL: the
  // server's last reply code, also when it refused (with `error` set).
  long status = 0;
  std::string body;
  // Why no response arrived, with any secret already redacted.
  std::string error;
};

bool operator==(const http_response& x, const http_response& y);

// Performs one HTTP exchange; blocks until it is done.
using http_transport = std::function<http_response(const http_request&)>;

// Whole days from `now` until `cycle_end`, rounded up (the rest of today is a day); 0 once
// the end has passed.
std::int64_t days_left(moment now, moment cycle_end);

// Percent of the quota that `counted_bytes` is; 0 for a zero quota.
double percent_of_quota(std::uint64_t counted_bytes, std::uint64_t quota_bytes);

} // namespace tmon
