// The scheduler: owns calendar time. On every wake-up it recomputes, from the wall clock,
// the cycle that contains now and the latest report due, tells accounting, and sleeps until
// the next boundary, but never longer than max_sleep, so a clock change or a suspended host
// cannot make it miss one. Accounting wakes it sooner when a sample is dated past the cycle.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include <spdlog/logger.h>

#include "actors/scheduler/calendar.hpp"
#include "messages/messages.hpp"

namespace tmon {

struct scheduler_settings {
  int reset_day = 1;
  int report_interval_days = 7;
  time_of_day report_time{9, 0};
  std::chrono::seconds max_sleep{3600};
  wall_clock now;
  std::shared_ptr<spdlog::logger> log;
  accounting_actor accounting;
};

struct scheduler_state {
  static inline const char* name = "scheduler";
  scheduler_settings settings;
  // Counts wake-ups; only the timer armed by the latest one is live.
  std::uint64_t wake_ups = 0;
};

scheduler_actor::behavior_type scheduler(scheduler_actor::stateful_pointer<scheduler_state> self,
                                         scheduler_settings settings);

} // namespace tmon
