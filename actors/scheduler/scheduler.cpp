#include "actors/scheduler/scheduler.hpp"

#include <caf/all.hpp>

#include "common/local_time.hpp"

namespace tmon {

namespace {

using self_pointer = scheduler_actor::stateful_pointer<scheduler_state>;

void wake_up(self_pointer self) {
  const auto& settings = self->state.settings;
  auto now = settings.now();
  auto cycle = cycle_containing(now, settings.reset_day);
  self->state.announced = cycle;
  self->send(settings.accounting, cycle_atom_v, cycle);
  auto due = latest_report_at_or_before(cycle, now, settings.report_interval_days,
                                        settings.report_time);
  if (due)
    self->send(settings.accounting, report_atom_v, cycle, *due);
  auto next_report = next_report_after(cycle, now, settings.report_interval_days,
                                       settings.report_time);
  auto sleep = sleep_until_next_boundary(now, cycle, next_report, settings.max_sleep);
  settings.log->debug("cycle {} to {}; next wake-up in {} s", local_iso8601(cycle.start),
                      local_iso8601(cycle.end), sleep.count());
  self->delayed_send(self, sleep, caf::tick_atom_v, ++self->state.wake_ups);
}

// The timer runs on a steady clock, so a wall clock moved (or a suspended host) would leave
// the cycle as it is for up to the longest sleep; a reading dated well past the announced
// cycle's end, or more than a day before its start, makes the scheduler look at the clock
// now. The wake-up announces the cycle that contains the clock's time, so later readings fit
// it and the check is made once per jump.
void check_reading_date(self_pointer self, const sample& reading) {
  const auto& cycle = self->state.announced;
  const bool past_end = reading.taken_at > cycle.end + reading_past_end_margin;
  const bool before_start = cycle.start - reading.taken_at > clock_step_back_tolerance;
  if (!(past_end || before_start))
    return;
  self->state.settings.log->info("a reading dated {} is {} the cycle {} to {}: looking at "
                                 "the clock now",
                                 local_iso8601(reading.taken_at),
                                 past_end ? "past the end of" : "more than a day before",
                                 local_iso8601(cycle.start), local_iso8601(cycle.end));
  wake_up(self);
}

// Passes the reading on to accounting first, so that it counts the reading in the cycle it
// holds before a wake-up here names another.
void take_periodic_reading(self_pointer self) {
  self->delayed_send(self, self->state.settings.check_interval, sample_atom_v);
  // A reading that could not be taken was logged by the sampler; the next one comes on time.
  self->request(self->state.settings.sampler, caf::infinite, sample_atom_v)
    .then(
      [=](const sample& reading) {
        self->send(self->state.settings.accounting, sample_atom_v, reading);
        check_reading_date(self, reading);
      },
      [](const caf::error&) {});
}

} // namespace

scheduler_actor::behavior_type scheduler(self_pointer self, scheduler_settings settings) {
  self->state.settings = std::move(settings);
  wake_up(self);
  self->delayed_send(self, self->state.settings.check_interval, sample_atom_v);
  return {
    [=](caf::tick_atom, std::uint64_t armed_by) {
      if (armed_by == self->state.wake_ups)
        wake_up(self);
    },
    [=](sample_atom) { take_periodic_reading(self); },
  };
}

} // namespace tmon
