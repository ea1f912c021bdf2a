#include "actors/scheduler/scheduler.hpp"

#include <caf/all.hpp>

#include "common/local_time.hpp"

namespace tmon {

namespace {

void wake_up(scheduler_actor::stateful_pointer<scheduler_state> self) {
  const auto& settings = self->state.settings;
  auto now = settings.now();
  auto cycle = cycle_containing(now, settings.reset_day);
  self->send(settings.accounting, cycle_atom::value, cycle, scheduler_actor{self});
  auto due = latest_report_at_or_before(cycle, now, settings.report_interval_days,
                                        settings.report_time);
  if (due)
    self->send(settings.accounting, report_atom::value, cycle, *due);
  auto next_report = next_report_after(cycle, now, settings.report_interval_days,
                                       settings.report_time);
  auto sleep = sleep_until_next_boundary(now, cycle, next_report, settings.max_sleep);
  settings.log->debug("cycle {} to {}; next wake-up in {} s", local_iso8601(cycle.start),
                      local_iso8601(cycle.end), sleep.count());
  self->delayed_send(self, sleep, tick_atom::value, ++self->state.wake_ups);
}

} // namespace

scheduler_actor::behavior_type scheduler(scheduler_actor::stateful_pointer<scheduler_state> self,
                                         scheduler_settings settings) {
  self->state.settings = std::move(settings);
  wake_up(self);
  return {
    [=](tick_atom, std::uint64_t armed_by) {
      if (armed_by == self->state.wake_ups)
        wake_up(self);
    },
    [=](clock_atom) { wake_up(self); },
  };
}

} // namespace tmon
