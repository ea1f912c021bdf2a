// The scheduler: owns calendar time and alone decides when the cycle changes. On every
// wake-up it recomputes, from the wall clock, the cycle that contains now and the latest
// report due, tells accounting, and sleeps until the next boundary, but never longer than
// max_sleep. Every check interval it also asks the sampler for the periodic reading and passes
// it on to accounting: a reading dated outside the announced cycle means the wall clock jumped
// or the host was suspended, and wakes it at once instead of at its next timer, which a
// steady clock arms.
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
  // How often the counters are read (CHECK_INTERVAL_SECONDS).
  std::chrono::seconds check_interval{60};
  wall_clock now;
  std::shared_ptr<spdlog::logger> log;
  accounting_actor accounting;
  // Asked for the periodic readings.
  sampler_actor sampler;
};

// A reading this much past the cycle's end wakes the scheduler: one taken at the reset
// itself may arrive just before the scheduler's own wake-up, without a false alarm.
constexpr std::chrono::seconds reading_past_end_margin{60};

struct scheduler_state {
  static inline const char* name = "scheduler";
  scheduler_settings settings;
  // Counts wake-ups; only the timer armed by the latest one is live.
  std::uint64_t wake_ups = 0;
  // The cycle told to accounting at the latest wake-up.
  cycle_bounds announced;
};

scheduler_actor::behavior_type scheduler(scheduler_actor::stateful_pointer<scheduler_state> self,
                                         scheduler_settings settings);

} // namespace tmon
