#include "actors/accounting/accounting.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include <unistd.h>

#include <caf/all.hpp>

#include "actors/accounting/calibration_request.hpp"
#include "actors/accounting/forecast.hpp"
#include "actors/accounting/limit_flag.hpp"
#include "actors/accounting/state_file.hpp"
#include "common/local_time.hpp"

namespace tmon {

namespace {

using self_pointer = accounting_actor::stateful_pointer<accounting_state>;

// Makes the flag file say what the saved state says. Written after the state, so that a stop
// in between leaves a state that the next start's first save makes the flag follow.
void follow_with_limit_flag(accounting_state& state) {
  const auto since = state.persisted.over_limit_since;
  const bool over = since != moment{};
  if (state.limit_flag == over)
    return;
  const auto& data_dir = state.settings.data_dir;
  const auto done = over ? raise_limit_flag(data_dir,
                                            current_usage(state.persisted, state.settings.rules),
                                            since)
                         : lower_limit_flag(data_dir);
  if (!done) {
    state.settings.log->error("{}; tried again with the next save", done.error);
    state.limit_flag.reset();
    return;
  }
  state.limit_flag = over;
}

void save(accounting_state& state) {
  auto saved = save_state(state.settings.data_dir, state.persisted);
  if (saved) {
    if (!state.save_error.empty())
      state.settings.log->info("the state file is written again");
    state.save_error.clear();
    follow_with_limit_flag(state);
    return;
  }
  // Counting goes on in memory; every later change tries the write again.
  if (saved.error != state.save_error)
    state.settings.log->error("{}; counting goes on in memory and the write is retried",
                              saved.error);
  state.save_error = std::move(saved.error);
}

void deliver(self_pointer self, const event& e) {
  auto& state = self->state;
  if (!state.in_delivery.insert(e.id).second)
    return;
  auto id = e.id;
  // An event from an earlier run had its text logged when it was raised.
  auto raised_now = e.id >= state.first_event_id_of_run;
  self->request(state.settings.notifier, caf::infinite, deliver_atom_v, e, raised_now)
    .then(
      [=](delivered_atom, std::uint64_t delivered_id) {
        self->state.in_delivery.erase(delivered_id);
        if (acknowledge_event(self->state.persisted, delivered_id))
          save(self->state);
      },
      [=](caf::error& failure) {
        self->state.in_delivery.erase(id);
        self->state.settings.log->error("event {} was not delivered: {}", id,
                                        caf::to_string(failure));
      });
}

// Puts `e` into the outbox, owed to every target; the caller saves, then delivers.
event raise(accounting_state& state, event e) {
  e.targets_left = state.settings.targets;
  e.targets_assigned = true;
  std::vector<event> dropped;
  auto stored = raise_event(state.persisted, std::move(e), state.settings.rules.outbox_limit,
                            dropped);
  for (const auto& old : dropped)
    state.settings.log->warn("outbox full: dropped undelivered event {} raised at {}", old.id,
                             local_iso8601(old.raised_at));
  return stored;
}

// One target has the event: it is not sent there again, also after a restart.
void confirm_target(accounting_state& state, std::uint64_t id, const std::string& target) {
  auto& outbox = state.persisted.outbox;
  const auto found = std::find_if(outbox.begin(), outbox.end(),
                                  [id](const event& queued) { return queued.id == id; });
  if (found == outbox.end())
    return;
  auto& left = found->targets_left;
  const auto before = left.size();
  left.erase(std::remove(left.begin(), left.end(), target), left.end());
  if (left.size() != before)
    save(state);
}

// Events stored by an earlier run owe nothing to a target no longer configured, and a target
// added since gets only new events. Events owed to nobody any more are dropped.
void settle_targets(accounting_state& state) {
  const auto& targets = state.settings.targets;
  std::map<std::string, std::size_t> dropped;
  auto& outbox = state.persisted.outbox;
  for (auto& e : outbox) {
    if (!e.targets_assigned) {
      e.targets_left = targets;
      e.targets_assigned = true;
      continue;
    }
    auto& left = e.targets_left;
    for (auto target = left.begin(); target != left.end();) {
      if (std::find(targets.begin(), targets.end(), *target) != targets.end()) {
        ++target;
        continue;
      }
      ++dropped[*target];
      target = left.erase(target);
    }
  }
  for (const auto& [target, count] : dropped)
    state.settings.log->warn("{} is no longer configured: {} undelivered message(s) for it "
                             "dropped",
                             target, count);
  if (!targets.empty())
    outbox.erase(std::remove_if(outbox.begin(), outbox.end(),
                                [](const event& e) { return e.targets_left.empty(); }),
                 outbox.end());
}

void deliver_outbox(self_pointer self) {
  auto& state = self->state;
  // After an outage only the newest start-up notice and report are worth sending; the older
  // ones are confirmed unsent. One already handed over goes on.
  std::size_t confirmed_unsent = 0;
  for (auto id : superseded_events(state.persisted.outbox))
    if (state.in_delivery.count(id) == 0 && acknowledge_event(state.persisted, id))
      ++confirmed_unsent;
  if (confirmed_unsent > 0) {
    state.settings.log->info("{} older start-up notice(s) or report(s) superseded by newer "
                             "ones: confirmed without sending",
                             confirmed_unsent);
    save(state);
  }
  for (const auto& e : state.persisted.outbox)
    deliver(self, e);
}

void warn_rejected(const accounting_state& state, const rejected_jump& jump) {
  state.settings.log->warn("{} {} went from {} to {} bytes: {} bytes is more than "
                           "MAX_BANDWIDTH_MBIT={} allows ({} bytes) since the last reading, or "
                           "since the boot after a reboot; not counted, {} is the new baseline",
                           jump.interface, jump.direction, jump.previous, jump.current, jump.delta,
                           state.settings.rules.max_bandwidth_mbit, jump.allowed, jump.current);
}

// Counts the traffic of `s`; warns of counter jumps it did not count. Returns whether the
// state changed.
bool count(accounting_state& state, const sample& s) {
  const auto effect = apply_sample(state.persisted, s, state.settings.rules);
  for (const auto& jump : effect.rejected)
    warn_rejected(state, jump);
  return effect.changed;
}

// Raises an alert for a threshold the total has newly reached, and the limit's crossing in
// either direction. Returns whether the state changed: an event raised, or thresholds
// re-armed.
bool alert_on_usage(accounting_state& state, moment now) {
  const auto alerted_before = state.persisted.thresholds_alerted;
  auto alert = newly_crossed_threshold(state.persisted, state.settings.rules, now);
  if (alert)
    raise(state, std::move(*alert));
  auto crossing = limit_crossing(state.persisted, state.settings.rules, now);
  if (crossing) {
    if (crossing->kind == event_kind::limit_reached)
      state.settings.log->warn("the counted usage, {} bytes, reached LIMIT_PERCENT={}%: {} is "
                               "created for the host to act on",
                               crossing->usage.counted_bytes, crossing->threshold_percent.text(),
                               over_limit_path(state.settings.data_dir));
    else
      state.settings.log->info("the counted usage, {} bytes, is below the limit again: {} is "
                               "removed",
                               crossing->usage.counted_bytes,
                               over_limit_path(state.settings.data_dir));
    raise(state, std::move(*crossing));
  }
  return alert || crossing || state.persisted.thresholds_alerted != alerted_before;
}

// Raises the cycle's forecast alert when it is due. Returns whether it did.
bool forecast_if_due(accounting_state& state, moment now) {
  auto forecast = forecast_if_exceeded(state.persisted, state.settings.rules, now);
  if (!forecast)
    return false;
  state.settings.log->warn("the projection at the cycle's end, {} bytes, exceeds the quota of "
                           "{} bytes",
                           forecast->outlook.projected_bytes, forecast->usage.quota_bytes);
  raise(state, std::move(*forecast));
  return true;
}

void apply(self_pointer self, const sample& s) {
  auto& state = self->state;
  const bool counted = count(state, s);
  const auto next_id = state.persisted.next_event_id;
  const bool alerted = alert_on_usage(state, s.taken_at);
  const bool forecast = forecast_if_due(state, s.taken_at);
  if (counted || alerted || forecast)
    save(state);
  if (state.persisted.next_event_id != next_id)
    deliver_outbox(self);
}

// Sets the open cycle's counted usage to `used_bytes`, records `request_id` as applied, raises
// the notice (and any alert the new figure calls for), saves and delivers. Returns the notice.
event apply_calibration(self_pointer self, std::uint64_t used_bytes,
                        const std::string& request_id) {
  auto& state = self->state;
  const auto now = state.settings.now();
  auto calibrated = calibrate(state.persisted, state.settings.rules, used_bytes, request_id, now);
  state.settings.log->info("usage calibrated (request {}): the cycle's counted usage was {} "
                           "bytes and is now {} bytes (adjustment {:+} bytes)",
                           request_id, calibrated.calibrated_from_bytes,
                           calibrated.usage.counted_bytes, calibrated.usage.adjustment_bytes);
  auto raised = raise(state, std::move(calibrated));
  alert_on_usage(state, now);
  save(state);
  deliver_outbox(self);
  return raised;
}

// Applies a calibration that `traffic-monitor calibrate` left for this monitor, once: its id
// goes into the state in the same write as the adjustment, and the request is removed only
// after that write, so a stop between the two finds it applied and only removes it.
void calibrate_if_requested(self_pointer self) {
  auto& state = self->state;
  const auto& data_dir = state.settings.data_dir;
  // The usual case, every check interval: one failed stat, no lock.
  if (::access(calibration_request_path(data_dir).c_str(), F_OK) != 0)
    return;
  auto lock = calibration_lock::take(data_dir);
  if (!lock) {
    state.settings.log->error("a calibration is waiting, but {}", lock.error);
    return;
  }
  auto pending = pending_calibration(data_dir);
  if (!pending || !*pending) {
    if (!pending) {
      state.settings.log->error("{}; it is removed without being applied", pending.error);
      withdraw_calibration(data_dir);
    }
    return;
  }
  const calibration_request& request = **pending;
  if (request.id != state.persisted.last_calibration_id)
    apply_calibration(self, request.used_bytes, request.id);
  // Until the state holding it is on disk the request stays, for a monitor that restarts
  // from the file; its id keeps this one from applying it again.
  if (!state.save_error.empty())
    return;
  if (auto removed = withdraw_calibration(data_dir); !removed)
    state.settings.log->error("{}; the calibration is applied and will not be applied again",
                              removed.error);
}

// Closes the open cycle and opens `next`, counting in neither the traffic not yet read: the
// caller reads it first when it belongs to the closed cycle. Returns the reset notice, not
// yet raised.
event close(accounting_state& state, const cycle_bounds& next, const cycle_decision& decision) {
  auto closed = close_cycle(state.persisted, state.settings.rules, next, state.settings.now());
  closed.skipped_cycles = decision.skipped_cycles;
  closed.skipped_span = decision.skipped_span;
  state.settings.log->info("cycle {} to {} closed{}", local_iso8601(closed.usage.cycle.start),
                           local_iso8601(closed.usage.cycle.end), closed.late ? " late" : "");
  if (closed.skipped_cycles > 0)
    state.settings.log->warn("{} cycle{} skipped while stopped, from {} to {}: their traffic "
                             "has no date and counts in the cycle from {}",
                             closed.skipped_cycles, closed.skipped_cycles == 1 ? "" : "s",
                             local_iso8601(closed.skipped_span.start),
                             local_iso8601(closed.skipped_span.end), local_iso8601(next.start));
  return closed;
}

// Gives the open cycle the calendar's bounds `next`, keeping its totals. Returns the notice,
// not yet raised.
event rebound(accounting_state& state, const cycle_bounds& next, bool wrong_clock) {
  const auto previous = state.persisted.cycle;
  auto changed = rebound_cycle(state.persisted, state.settings.rules, next, wrong_clock,
                               state.settings.now());
  const auto line = fmt::format("billing cycle changed: was {} to {}, now {} to {}",
                                local_iso8601(previous.start), local_iso8601(previous.end),
                                local_iso8601(next.start), local_iso8601(next.end));
  if (wrong_clock)
    state.settings.log->warn("{}; the stored cycle starts more than a day after the clock, so "
                             "it was made by a wrong clock; everything counted is kept",
                             line);
  else
    state.settings.log->info("{}; the time zone or the reset day changed; everything counted "
                             "is kept",
                             line);
  return changed;
}

// A last report stamped by a clock in the future would hold back every report until then.
void correct_future_report(accounting_state& state) {
  const auto stamped = state.persisted.last_report_at;
  if (forget_future_report(state.persisted, state.settings.now()))
    state.settings.log->warn("the last report is dated {}, more than a day ahead of the clock: "
                             "reports are counted from now",
                             local_iso8601(stamped));
}

// The first cycle of this run: settle the stored cycle against the calendar's, count the
// traffic since the last run (in the new cycle when the stored one ended meanwhile, since its
// date is unknown), and only then announce the start and anything owed, so that every notice
// shows it. Sampling starts after that.
void start_up(self_pointer self, const cycle_bounds& named, const sample* reading) {
  auto& state = self->state;
  const auto now = state.settings.now();
  const auto decision = decide_cycle(state.persisted.cycle, named, now);
  const bool rebounding = decision.transition == cycle_transition::settings_changed
                          || decision.transition == cycle_transition::wrong_clock;
  if (decision.transition == cycle_transition::adopt) {
    // A first start owes no report for the time before it.
    state.persisted.cycle = named;
    state.persisted.last_report_at = now;
  }
  std::optional<event> notice;
  if (decision.transition == cycle_transition::advance)
    notice = close(state, named, decision);
  if (reading != nullptr)
    count(state, *reading);
  if (decision.transition == cycle_transition::advance)
    notice->undated_bytes = current_usage(state.persisted, state.settings.rules).counted_bytes;
  if (rebounding)
    notice = rebound(state, named, decision.transition == cycle_transition::wrong_clock);
  correct_future_report(state);
  if (notice)
    raise(state, std::move(*notice));
  event started;
  started.kind = event_kind::monitor_started;
  started.raised_at = now;
  started.usage = current_usage(state.persisted, state.settings.rules);
  if (reading != nullptr)
    describe_interfaces(started, *reading);
  raise(state, std::move(started));
  alert_on_usage(state, now);
  save(state);
  deliver_outbox(self);
  state.sampling = true;
}

void start(self_pointer self, const cycle_bounds& named) {
  self->request(self->state.settings.sampler, self->state.settings.sample_timeout, sample_atom_v)
    .await([=](const sample& reading) { start_up(self, named, &reading); },
           [=](caf::error& failure) {
             self->state.settings.log->warn("no reading at start-up ({}); the traffic since "
                                            "the last run counts with the next reading",
                                            caf::to_string(failure));
             start_up(self, named, nullptr);
           });
}

// A cycle named while sampling: the calendar moved on, or the clock was corrected.
void settle_cycle(self_pointer self, const cycle_bounds& named) {
  auto& state = self->state;
  const auto decision = decide_cycle(state.persisted.cycle, named, state.settings.now());
  switch (decision.transition) {
    case cycle_transition::adopt:
    case cycle_transition::keep:
      return;
    case cycle_transition::settings_changed:
    case cycle_transition::wrong_clock: {
      auto changed = rebound(state, named, decision.transition == cycle_transition::wrong_clock);
      correct_future_report(state);
      raise(state, std::move(changed));
      alert_on_usage(state, state.settings.now());
      save(state);
      deliver_outbox(self);
      return;
    }
    case cycle_transition::advance:
      break;
  }
  // Count the traffic up to the boundary in the cycle it belongs to, then close. await keeps
  // every other message queued until then.
  auto close_and_announce = [=] {
    auto& state = self->state;
    raise(state, close(state, named, decision));
    alert_on_usage(state, state.settings.now());
    save(state);
    deliver_outbox(self);
  };
  self->request(state.settings.sampler, state.settings.sample_timeout, sample_atom_v)
    .await(
      [=](const sample& s) {
        apply(self, s);
        close_and_announce();
      },
      [=](caf::error& failure) {
        self->state.settings.log->warn("no reading at the cycle boundary ({}); closing the "
                                       "cycle with the last one",
                                       caf::to_string(failure));
        close_and_announce();
      });
}

} // namespace

accounting_actor::behavior_type
accounting(accounting_actor::stateful_pointer<accounting_state> self,
           accounting_settings settings) {
  auto& state = self->state;
  state.settings = std::move(settings);
  // Kept only until it is taken over here.
  loaded_state loaded = std::exchange(state.settings.loaded, {});
  state.persisted = std::move(loaded.state);
  state.persisted.recorded_settings = state.settings.counted_with;
  state.first_event_id_of_run = state.persisted.next_event_id;
  settle_targets(state);
  if (loaded.status == state_file_status::set_aside) {
    state.settings.log->error("the state file could not be used: {}; starting afresh",
                              loaded.problem);
    event reset;
    reset.kind = event_kind::state_file_reset;
    reset.raised_at = state.settings.now();
    reset.detail = loaded.set_aside_to.value_or("");
    raise(state, std::move(reset));
  } else if (loaded.status == state_file_status::absent) {
    state.settings.log->info("no state file yet: counting starts from the first sample");
  }
  return {
    [=](sample_atom, const sample& s) {
      apply(self, s);
      if (self->state.sampling)
        calibrate_if_requested(self);
    },
    [=](cycle_atom, const cycle_bounds& current) {
      if (self->state.sampling)
        settle_cycle(self, current);
      else
        start(self, current);
    },
    [=](report_atom, const cycle_bounds& cycle, moment due_at) {
      auto& state = self->state;
      if (cycle != state.persisted.cycle)
        return;
      auto report = report_if_due(state.persisted, state.settings.rules, due_at,
                                  state.settings.now());
      if (!report)
        return;
      raise(state, std::move(*report));
      save(state);
      deliver_outbox(self);
    },
    [=](usage_atom) { return current_usage(self->state.persisted, self->state.settings.rules); },
    [=](figures_atom) {
      return self->state.settings.publish(self->state.persisted, self->state.settings.now());
    },
    [=](offset_atom, std::int64_t offset) {
      auto& state = self->state;
      state.persisted.telegram_update_offset = offset;
      save(state);
      return state.save_error.empty();
    },
    [=](calibrate_atom, std::uint64_t used_bytes, const std::string& request_id) {
      return apply_calibration(self, used_bytes, request_id);
    },
    [=](delivered_atom, std::uint64_t id, const std::string& target) {
      confirm_target(self->state, id, target);
    },
    [=](caf::flush_atom) -> caf::result<bool> {
      auto promise = self->make_response_promise<bool>();
      self
        ->request(self->state.settings.sampler, self->state.settings.sample_timeout, sample_atom_v)
        .then(
          [=](const sample& s) mutable {
            apply(self, s);
            promise.deliver(self->state.save_error.empty());
          },
          [=](caf::error&) mutable {
            save(self->state);
            promise.deliver(self->state.save_error.empty());
          });
      return promise;
    },
  };
}

} // namespace tmon
