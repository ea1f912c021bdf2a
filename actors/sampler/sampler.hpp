// The sampler: reads the configured interfaces' counters on a timer and sends each reading
// to its subscribers (accounting, once its first cycle is settled, and the scheduler, for the
// readings' dates); also answers for a reading taken right now.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "messages/messages.hpp"

namespace tmon {

struct sampler_settings {
  std::string proc_root;
  std::vector<std::string> interfaces;
  std::chrono::seconds interval{60};
  wall_clock now;
  std::shared_ptr<spdlog::logger> log;
};

// How often a missing interface is reported at most.
constexpr std::chrono::seconds missing_interface_report_every{600};

struct sampler_state {
  static inline const char* name = "sampler";
  sampler_settings settings;
  // Every actor that subscribed, sent each periodic reading.
  std::vector<reading_sink> receivers;
  bool timer_armed = false;
  // When a missing interface was last reported (the first one always is).
  std::optional<moment> missing_reported_at;
  // Whether the uptime could not be read last time; logged once until it can be again.
  bool uptime_problem_reported = false;
};

sampler_actor::behavior_type sampler(sampler_actor::stateful_pointer<sampler_state> self,
                                     sampler_settings settings);

} // namespace tmon
