// The sampler: owns /proc and answers each request with a reading of the configured
// interfaces' counters taken right now. The scheduler asks every check interval, accounting
// at start-up, at a cycle boundary and at shutdown.
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
  wall_clock now;
  std::shared_ptr<spdlog::logger> log;
};

// How often a missing interface is reported at most.
constexpr std::chrono::seconds missing_interface_report_every{600};

struct sampler_state {
  static inline const char* name = "sampler";
  sampler_settings settings;
  // When a missing interface was last reported (the first one always is).
  std::optional<moment> missing_reported_at;
  // Whether the uptime could not be read last time; logged once until it can be again.
  bool uptime_problem_reported = false;
};

sampler_actor::behavior_type sampler(sampler_actor::stateful_pointer<sampler_state> self,
                                     sampler_settings settings);

} // namespace tmon
