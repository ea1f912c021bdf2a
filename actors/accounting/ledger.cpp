#include "actors/accounting/ledger.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <tuple>

#include "actors/accounting/forecast.hpp"
#include "common/local_time.hpp"

namespace tmon {

namespace {

// Products of two 64-bit counts need 128 bits to stay exact.
__extension__ typedef unsigned __int128 uint128;

constexpr std::uint64_t uint64_max = std::numeric_limits<std::uint64_t>::max();

std::uint64_t saturating_add(std::uint64_t x, std::uint64_t y) {
  return y > uint64_max - x ? uint64_max : x + y;
}

std::uint64_t saturate(uint128 x) {
  return x > uint64_max ? uint64_max : static_cast<std::uint64_t>(x);
}

// Whether `counted` is at least `threshold` of `quota`, exactly: counted / quota >=
// units / (100 * units_per_percent), multiplied out. Each side is below 2^128 (the left
// below 2^104, the right a product of two 64-bit numbers).
bool threshold_reached(std::uint64_t counted, std::uint64_t quota, percentage threshold) {
  if (quota == 0)
    return false;
  return uint128{counted} * 100 * percentage::units_per_percent
         >= uint128{threshold.units()} * quota;
}

bool already_alerted(const monitor_state& state, percentage threshold) {
  const auto& alerted = state.thresholds_alerted;
  return std::find(alerted.begin(), alerted.end(), threshold) != alerted.end();
}

void mark_alerted(monitor_state& state, percentage threshold) {
  auto& alerted = state.thresholds_alerted;
  alerted.insert(std::upper_bound(alerted.begin(), alerted.end(), threshold), threshold);
}

// Drops the oldest days beyond history_days_kept, the closed cycle's first.
void keep_recent_days(monitor_state& state) {
  std::size_t previous_days = state.previous_cycle ? state.previous_cycle->days.size() : 0;
  std::size_t excess = previous_days + state.days.size();
  excess = excess > history_days_kept ? excess - history_days_kept : 0;
  if (excess == 0)
    return;
  const std::size_t from_previous = std::min(excess, previous_days);
  if (from_previous > 0) {
    auto& days = state.previous_cycle->days;
    days.erase(days.begin(), days.begin() + static_cast<std::ptrdiff_t>(from_previous));
  }
  const std::size_t from_open = excess - from_previous;
  state.days.erase(state.days.begin(), state.days.begin() + static_cast<std::ptrdiff_t>(from_open));
}

event event_of(event_kind kind, const usage_figures& usage, moment now) {
  event e;
  e.kind = kind;
  e.raised_at = now;
  e.usage = usage;
  return e;
}

} // namespace

bool operator==(const counter_reading& x, const counter_reading& y) {
  return x.rx_bytes == y.rx_bytes && x.tx_bytes == y.tx_bytes;
}

bool operator==(const day_traffic& x, const day_traffic& y) {
  return std::tie(x.date, x.rx_bytes, x.tx_bytes) == std::tie(y.date, y.rx_bytes, y.tx_bytes);
}

bool operator==(const cycle_record& x, const cycle_record& y) {
  return std::tie(x.cycle, x.rx_bytes, x.tx_bytes, x.adjustment_bytes, x.days)
         == std::tie(y.cycle, y.rx_bytes, y.tx_bytes, y.adjustment_bytes, y.days);
}

bool operator==(const counting_settings& x, const counting_settings& y) {
  return std::tie(x.quota_bytes, x.unit.name, x.unit.bytes, x.direction, x.interfaces, x.thresholds,
                  x.reset_day, x.time_zone)
         == std::tie(y.quota_bytes, y.unit.name, y.unit.bytes, y.direction, y.interfaces,
                     y.thresholds, y.reset_day, y.time_zone);
}

bool operator!=(const counting_settings& x, const counting_settings& y) {
  return !(x == y);
}

bool operator==(const monitor_state& x, const monitor_state& y) {
  return std::tie(x.boot_id, x.last_counters, x.last_sample_at, x.cycle, x.cycle_rx_bytes,
                  x.cycle_tx_bytes, x.thresholds_alerted, x.last_report_at, x.outbox,
                  x.next_event_id, x.recorded_settings, x.missing_since, x.cycle_adjustment_bytes,
                  x.days, x.days_since, x.previous_cycle, x.forecast_alerted, x.last_calibration_id,
                  x.over_limit_since, x.telegram_update_offset)
         == std::tie(y.boot_id, y.last_counters, y.last_sample_at, y.cycle, y.cycle_rx_bytes,
                     y.cycle_tx_bytes, y.thresholds_alerted, y.last_report_at, y.outbox,
                     y.next_event_id, y.recorded_settings, y.missing_since,
                     y.cycle_adjustment_bytes, y.days, y.days_since, y.previous_cycle,
                     y.forecast_alerted, y.last_calibration_id, y.over_limit_since,
                     y.telegram_update_offset);
}

std::uint64_t counter_delta(std::uint64_t previous, std::uint64_t current, bool same_boot) {
  if (same_boot && current >= previous)
    return current - previous;
  return current;
}

std::uint64_t counted_bytes(std::uint64_t rx_bytes, std::uint64_t tx_bytes,
                            traffic_direction direction) {
  switch (direction) {
    case traffic_direction::outbound:
      return tx_bytes;
    case traffic_direction::inbound:
      return rx_bytes;
    case traffic_direction::bidirectional:
      return saturating_add(rx_bytes, tx_bytes);
    case traffic_direction::max:
      return std::max(rx_bytes, tx_bytes);
  }
  return tx_bytes;
}

std::uint64_t adjusted(std::uint64_t figure, std::int64_t adjustment) {
  if (adjustment >= 0)
    return saturating_add(figure, static_cast<std::uint64_t>(adjustment));
  // The magnitude of the most negative int64 is 2^63, which uint64 holds.
  const std::uint64_t lowered = std::uint64_t{0} - static_cast<std::uint64_t>(adjustment);
  return figure > lowered ? figure - lowered : 0;
}

std::int64_t adjustment_to_reach(std::uint64_t target, std::uint64_t figure) {
  constexpr std::uint64_t int64_max = std::numeric_limits<std::int64_t>::max();
  if (target >= figure)
    return static_cast<std::int64_t>(std::min(target - figure, int64_max));
  const std::uint64_t lowered = figure - target;
  return lowered > int64_max ? std::numeric_limits<std::int64_t>::min()
                             : -static_cast<std::int64_t>(lowered);
}

usage_figures current_usage(const monitor_state& state, const ledger_rules& rules) {
  usage_figures usage;
  usage.cycle = state.cycle;
  usage.rx_bytes = state.cycle_rx_bytes;
  usage.tx_bytes = state.cycle_tx_bytes;
  usage.adjustment_bytes = state.cycle_adjustment_bytes;
  usage.counted_bytes = adjusted(counted_bytes(state.cycle_rx_bytes, state.cycle_tx_bytes,
                                               rules.direction),
                                 state.cycle_adjustment_bytes);
  usage.quota_bytes = rules.quota_bytes;
  return usage;
}

event calibrate(monitor_state& state, const ledger_rules& rules, std::uint64_t used_bytes,
                const std::string& request_id, moment now) {
  const std::uint64_t before = current_usage(state, rules).counted_bytes;
  state.cycle_adjustment_bytes = adjustment_to_reach(used_bytes, counted_bytes(state.cycle_rx_bytes,
                                                                               state.cycle_tx_bytes,
                                                                               rules.direction));
  state.last_calibration_id = request_id;
  event calibrated = event_of(event_kind::usage_calibrated, current_usage(state, rules), now);
  calibrated.calibrated_from_bytes = before;
  return calibrated;
}

void add_to_day(std::vector<day_traffic>& days, const std::string& date, std::uint64_t rx_bytes,
                std::uint64_t tx_bytes) {
  auto day = std::lower_bound(days.begin(), days.end(), date,
                              [](const day_traffic& d, const std::string& key) {
                                return d.date < key;
                              });
  if (day == days.end() || day->date != date)
    day = days.insert(day, day_traffic{date, 0, 0});
  day->rx_bytes = saturating_add(day->rx_bytes, rx_bytes);
  day->tx_bytes = saturating_add(day->tx_bytes, tx_bytes);
}

std::optional<std::uint64_t> bytes_allowed(std::uint64_t max_bandwidth_mbit,
                                           std::chrono::seconds elapsed) {
  if (max_bandwidth_mbit == 0 || elapsed < std::chrono::seconds::zero())
    return std::nullopt;
  constexpr std::uint64_t bytes_per_second_per_mbit = 1'000'000 / 8;
  const uint128 per_second = uint128{max_bandwidth_mbit} * bytes_per_second_per_mbit;
  const uint128 seconds = uint128{static_cast<std::uint64_t>(elapsed.count())} + 1;
  // Both factors are below 2^64, so the product fits in 128 bits.
  return saturate(per_second * seconds);
}

void describe_interfaces(event& started, const sample& reading) {
  started.interfaces.clear();
  for (const auto& counters : reading.interfaces)
    started.interfaces.push_back(counters.name);
  started.missing_interfaces = reading.missing_interfaces;
  started.visible_interfaces = reading.visible_interfaces;
}

sample_effect apply_sample(monitor_state& state, const sample& s, const ledger_rules& rules) {
  sample_effect effect;
  const bool first_ever = state.boot_id.empty();
  const bool same_boot = s.boot_id == state.boot_id;
  // Within a boot a counter moved since the last reading; after a reboot, since the boot.
  const std::chrono::seconds elapsed = same_boot ? s.taken_at - state.last_sample_at : s.uptime;
  const auto allowed = bytes_allowed(rules.max_bandwidth_mbit, elapsed);

  std::map<std::string, counter_reading> readings;
  const auto rx_before = state.cycle_rx_bytes;
  const auto tx_before = state.cycle_tx_bytes;
  for (const auto& counters : s.interfaces) {
    const counter_reading reading{counters.rx_bytes, counters.tx_bytes};
    readings[counters.name] = reading;
    if (first_ever)
      continue;
    const auto known = state.last_counters.find(counters.name);
    const bool read_before = same_boot && known != state.last_counters.end();
    // Within one boot, an interface never looked for holds traffic from before it was
    // configured; one that was missing from the last reading was created since.
    if (same_boot && !read_before && state.missing_since.count(counters.name) == 0)
      continue;
    const counter_reading previous = read_before ? known->second : counter_reading{};
    const auto count = [&](const char* direction, std::uint64_t last, std::uint64_t now,
                           std::uint64_t& total) {
      const std::uint64_t delta = counter_delta(last, now, read_before);
      if (allowed && delta > *allowed) {
        effect.rejected.push_back({counters.name, direction, last, now, delta, *allowed});
        return;
      }
      total = saturating_add(total, delta);
    };
    count("rx", previous.rx_bytes, reading.rx_bytes, state.cycle_rx_bytes);
    count("tx", previous.tx_bytes, reading.tx_bytes, state.cycle_tx_bytes);
  }

  std::map<std::string, moment> missing_since;
  for (const auto& name : s.missing_interfaces) {
    const auto known = state.missing_since.find(name);
    missing_since[name] = known != state.missing_since.end() ? known->second : s.taken_at;
  }

  // Traffic lands on the day of the sample that counted it, also when it passed earlier.
  const std::uint64_t rx_counted = state.cycle_rx_bytes - rx_before;
  const std::uint64_t tx_counted = state.cycle_tx_bytes - tx_before;
  if (rx_counted != 0 || tx_counted != 0) {
    add_to_day(state.days, local_date(s.taken_at), rx_counted, tx_counted);
    keep_recent_days(state);
  }
  const bool history_starts = state.days_since == moment{};
  if (history_starts)
    state.days_since = s.taken_at;

  effect.changed = first_ever || history_starts || !same_boot || s.taken_at != state.last_sample_at
                   || readings != state.last_counters || missing_since != state.missing_since;
  // Only the interfaces of this reading keep a baseline, all of them of this boot.
  state.last_counters = std::move(readings);
  state.missing_since = std::move(missing_since);
  state.boot_id = s.boot_id;
  state.last_sample_at = s.taken_at;
  return effect;
}

event raise_event(monitor_state& state, event e, std::size_t outbox_limit,
                  std::vector<event>& dropped) {
  e.id = state.next_event_id++;
  auto& outbox = state.outbox;
  outbox.push_back(e);
  while (outbox.size() > outbox_limit) {
    auto victim = std::find_if(outbox.begin(), outbox.end(), [](const event& queued) {
      return queued.kind != event_kind::threshold_crossed;
    });
    if (victim == outbox.end())
      victim = outbox.begin();
    dropped.push_back(std::move(*victim));
    outbox.erase(victim);
  }
  return e;
}

std::optional<event> newly_crossed_threshold(monitor_state& state, const ledger_rules& rules,
                                             moment now) {
  const usage_figures usage = current_usage(state, rules);
  auto& alerted = state.thresholds_alerted;
  alerted.erase(std::remove_if(alerted.begin(), alerted.end(),
                               [&](percentage threshold) {
                                 return !threshold_reached(usage.counted_bytes, usage.quota_bytes,
                                                           threshold);
                               }),
                alerted.end());
  std::optional<percentage> highest;
  for (const percentage threshold : rules.thresholds) {
    if (already_alerted(state, threshold)
        || !threshold_reached(usage.counted_bytes, usage.quota_bytes, threshold))
      continue;
    mark_alerted(state, threshold);
    highest = std::max(highest.value_or(threshold), threshold);
  }
  if (!highest)
    return std::nullopt;
  event crossed = event_of(event_kind::threshold_crossed, usage, now);
  crossed.threshold_percent = *highest;
  return crossed;
}

std::optional<event> limit_crossing(monitor_state& state, const ledger_rules& rules, moment now) {
  const usage_figures usage = current_usage(state, rules);
  const bool over = rules.limit
                    && threshold_reached(usage.counted_bytes, usage.quota_bytes, *rules.limit);
  if (over == (state.over_limit_since != moment{}))
    return std::nullopt;
  state.over_limit_since = over ? now : moment{};
  event crossed = event_of(over ? event_kind::limit_reached : event_kind::limit_lifted, usage, now);
  crossed.threshold_percent = rules.limit.value_or(percentage{});
  return crossed;
}

event close_cycle(monitor_state& state, const ledger_rules& rules, const cycle_bounds& next,
                  moment now) {
  event closed = event_of(event_kind::cycle_closed, current_usage(state, rules), now);
  closed.late = now > state.cycle.end + late_close_after;
  closed.outlook = closed_outlook(state.cycle, state.days, closed.usage.counted_bytes,
                                  rules.direction, state.days_since);
  state.previous_cycle = cycle_record{state.cycle, state.cycle_rx_bytes, state.cycle_tx_bytes,
                                      state.cycle_adjustment_bytes, std::move(state.days)};
  state.cycle = next;
  state.cycle_rx_bytes = 0;
  state.cycle_tx_bytes = 0;
  state.cycle_adjustment_bytes = 0;
  state.days.clear();
  state.days_since = next.start;
  state.thresholds_alerted.clear();
  state.forecast_alerted = false;
  return closed;
}

std::optional<event> report_if_due(monitor_state& state, const ledger_rules& rules, moment due_at,
                                   moment now) {
  const bool in_cycle = state.cycle.start <= due_at && due_at < state.cycle.end;
  if (!in_cycle || due_at <= state.last_report_at || due_at > now)
    return std::nullopt;
  state.last_report_at = due_at;
  event report = event_of(event_kind::usage_report, current_usage(state, rules), now);
  report.outlook = outlook_of(state, rules, now);
  return report;
}

std::vector<std::uint64_t> superseded_events(const std::deque<event>& outbox) {
  auto coalesced = [](event_kind kind) {
    return kind == event_kind::monitor_started || kind == event_kind::usage_report;
  };
  std::vector<std::uint64_t> ids;
  for (auto e = outbox.begin(); e != outbox.end(); ++e) {
    auto kind = e->kind;
    if (coalesced(kind) && std::any_of(std::next(e), outbox.end(), [kind](const event& later) {
          return later.kind == kind;
        }))
      ids.push_back(e->id);
  }
  return ids;
}

cycle_decision decide_cycle(const cycle_bounds& stored, const cycle_bounds& named, moment now) {
  cycle_decision decision;
  if (stored == cycle_bounds{}) {
    decision.transition = cycle_transition::adopt;
  } else if (stored == named) {
    decision.transition = cycle_transition::keep;
  } else if (now >= stored.end && named.start >= stored.end) {
    decision.transition = cycle_transition::advance;
    if (named.start > stored.end) {
      decision.skipped_span = {stored.end, named.start};
      // Cycles are calendar months, so the months between the two starts count them. After
      // a change of settings while stopped the span may be less than a month: still one.
      decision.skipped_cycles = static_cast<std::uint64_t>(
        std::max(1, local_months_between(stored.end, named.start)));
    }
  } else if (now >= stored.start) {
    decision.transition = cycle_transition::settings_changed;
  } else if (stored.start - now <= clock_step_back_tolerance) {
    decision.transition = cycle_transition::keep;
  } else {
    decision.transition = cycle_transition::wrong_clock;
  }
  return decision;
}

event rebound_cycle(monitor_state& state, const ledger_rules& rules, const cycle_bounds& next,
                    bool wrong_clock, moment now) {
  const cycle_bounds previous = state.cycle;
  state.cycle = next;
  event changed = event_of(event_kind::cycle_changed, current_usage(state, rules), now);
  changed.previous_cycle = previous;
  changed.wrong_clock = wrong_clock;
  return changed;
}

bool forget_future_report(monitor_state& state, moment now) {
  if (state.last_report_at <= now || state.last_report_at - now <= clock_step_back_tolerance)
    return false;
  state.last_report_at = now;
  return true;
}

bool acknowledge_event(monitor_state& state, std::uint64_t id) {
  auto& outbox = state.outbox;
  const auto acknowledged = std::find_if(outbox.begin(), outbox.end(),
                                         [id](const event& queued) { return queued.id == id; });
  if (acknowledged == outbox.end())
    return false;
  outbox.erase(acknowledged);
  return true;
}

} // namespace tmon
