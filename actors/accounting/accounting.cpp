#include "actors/accounting/accounting.hpp"

#include <utility>

#include <caf/all.hpp>

#include "actors/accounting/state_file.hpp"

namespace tmon {

namespace {

using self_pointer = accounting_actor::stateful_pointer<accounting_state>;

void save(accounting_state& state) {
  auto error = save_state(state.settings.data_dir, state.persisted);
  if (error.empty()) {
    if (!state.save_error.empty())
      state.settings.log->info("the state file is written again");
    state.save_error.clear();
    return;
  }
  // Counting goes on in memory; every later change tries the write again.
  if (error != state.save_error)
    state.settings.log->error("{}; counting goes on in memory and the write is retried", error);
  state.save_error = std::move(error);
}

void deliver(self_pointer self, const event& e) {
  auto& state = self->state;
  if (!state.in_delivery.insert(e.id).second)
    return;
  auto id = e.id;
  // An event from an earlier run had its text logged when it was raised.
  auto raised_now = e.id >= state.first_event_id_of_run;
  self->request(state.settings.notifier, caf::infinite, deliver_atom::value, e, raised_now)
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

// Puts `e` into the outbox; the caller saves, then delivers.
event raise(accounting_state& state, event e) {
  std::vector<event> dropped;
  auto stored = raise_event(state.persisted, std::move(e), state.settings.rules.outbox_limit,
                            dropped);
  for (const auto& old : dropped)
    state.settings.log->warn("outbox full: dropped undelivered event {} raised at {}", old.id,
                             old.raised_at);
  return stored;
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
                           jump.interface, jump.direction, jump.previous, jump.current,
                           jump.delta, state.settings.rules.max_bandwidth_mbit, jump.allowed,
                           jump.current);
}

void apply(self_pointer self, const sample& s) {
  auto& state = self->state;
  const auto effect = apply_sample(state.persisted, s, state.settings.rules);
  for (const auto& jump : effect.rejected)
    warn_rejected(state, jump);
  const auto alerted_before = state.persisted.thresholds_alerted;
  auto alert = newly_crossed_threshold(state.persisted, state.settings.rules, s.taken_at);
  if (alert)
    raise(state, std::move(*alert));
  if (effect.changed || alert || state.persisted.thresholds_alerted != alerted_before)
    save(state);
  if (alert)
    deliver_outbox(self);
}

// The scheduler sleeps on a steady timer, so a wall clock moved forward or a suspended host
// would keep the cycle open for up to its longest sleep; a periodic reading dated well past
// the cycle's end asks it to look at the clock now. The margin lets a reading taken at the
// reset itself arrive just before the scheduler's own announcement without a false alarm.
void check_clock(self_pointer self, const sample& s) {
  auto& state = self->state;
  constexpr epoch_seconds margin = 60;
  const auto& cycle = state.persisted.cycle;
  if (cycle == cycle_bounds{} || s.taken_at <= cycle.end + margin || state.clock_check_asked)
    return;
  state.clock_check_asked = true;
  state.settings.log->info("a reading dated {} is past the end of the cycle ({}): asking the "
                           "scheduler to look at the clock",
                           s.taken_at, cycle.end);
  self->send(state.calendar, clock_atom::value);
}

void close(self_pointer self, const cycle_bounds& next) {
  auto& state = self->state;
  auto closed = close_cycle(state.persisted, state.settings.rules, next, state.settings.now());
  state.settings.log->info("cycle {} to {} closed{}", closed.usage.cycle.start,
                           closed.usage.cycle.end, closed.late ? " late" : "");
  raise(state, std::move(closed));
  save(state);
  deliver_outbox(self);
}

void announce_start(self_pointer self, const sample* reading) {
  auto& state = self->state;
  event started;
  started.kind = event_kind::monitor_started;
  started.raised_at = state.settings.now();
  started.usage = current_usage(state.persisted, state.settings.rules);
  if (reading != nullptr)
    describe_interfaces(started, *reading);
  raise(state, std::move(started));
  save(state);
  deliver_outbox(self);
  state.sampling = true;
  self->send(state.settings.sampler, subscribe_atom::value, accounting_actor{self});
}

// The first cycle of this run is settled: announce the start with the interfaces a reading
// finds, hand over what the outbox still holds, and only now start sampling. The reading
// only describes the interfaces; the subscription's first sample is the one counted.
void start_sampling(self_pointer self) {
  self->request(self->state.settings.sampler, self->state.settings.sample_timeout,
                sample_atom::value)
    .await([=](const sample& reading) { announce_start(self, &reading); },
           [=](caf::error&) { announce_start(self, nullptr); });
}

void settle_cycle(self_pointer self, const cycle_bounds& current) {
  auto& persisted = self->state.persisted;
  if (persisted.cycle == cycle_bounds{}) {
    // A first start owes no report for the time before it.
    persisted.cycle = current;
    persisted.last_report_at = self->state.settings.now();
    save(self->state);
    return;
  }
  // Only ever forward: a clock that jumped back must not reopen or repeat a reset.
  if (current.start <= persisted.cycle.start)
    return;
  if (!self->state.sampling) {
    close(self, current);
    return;
  }
  // Count the traffic up to the boundary in the cycle it belongs to, then close. await keeps
  // every other message queued until then.
  self->request(self->state.settings.sampler, self->state.settings.sample_timeout,
                sample_atom::value)
    .await(
      [=](const sample& s) {
        apply(self, s);
        close(self, current);
      },
      [=](caf::error& failure) {
        self->state.settings.log->warn("no reading at the cycle boundary ({}); closing the "
                                       "cycle with the last one",
                                       caf::to_string(failure));
        close(self, current);
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
      check_clock(self, s);
    },
    [=](cycle_atom, const cycle_bounds& current, const scheduler_actor& calendar) {
      self->state.calendar = calendar;
      self->state.clock_check_asked = false;
      settle_cycle(self, current);
      if (!self->state.sampling)
        start_sampling(self);
    },
    [=](report_atom, const cycle_bounds& cycle, epoch_seconds due_at) {
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
    [=](flush_atom) -> caf::result<bool> {
      auto promise = self->make_response_promise<bool>();
      self->request(self->state.settings.sampler, self->state.settings.sample_timeout,
                    sample_atom::value)
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
