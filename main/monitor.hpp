// The monitor's wiring: every actor spawned from the configuration and connected, in one
// place, so that main and the system test run the same wiring. The dependencies are what a
// test replaces: the clocks, the loggers, the HTTP transport, the jitter.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <spdlog/logger.h>

#include "actors/accounting/state_file.hpp"
#include "main/config.hpp"
#include "messages/messages.hpp"

namespace tmon {

struct monitor_dependencies {
  wall_clock now;
  // Makes the logger of one actor, named after it.
  std::function<std::shared_ptr<spdlog::logger>(const std::string&)> logger;
  http_transport transport;
  // A number in [0, 1) for back-off jitter.
  std::function<double()> jitter;
  // The state as loaded from DATA_DIR before the monitor starts; never unusable.
  loaded_state loaded;
  // Production runs each HTTP client on a thread of its own, so that a slow server stalls
  // nothing else; the test coordinator can only run actors on its own scheduler.
  bool http_on_own_threads = true;
  // When set, takes the events instead of a notifier (and its public-IP lookup) spawned from
  // the configuration.
  notifier_actor notifier;
};

struct monitor_handles {
  sampler_actor sampler;
  accounting_actor accounting;
  scheduler_actor scheduler;
  notifier_actor notifier;
  // None when PUBLIC_IP fixes the address or the notifier is a test's.
  public_ip_actor public_ip;
  std::vector<http_client_actor> http_clients;
  // The metrics listener's broker; none without METRICS_LISTEN.
  caf::actor metrics;
  // None without TELEGRAM_COMMANDS=on.
  commands_actor commands;

  // Every actor, for stopping them all.
  std::vector<caf::actor> all() const;
};

// The interfaces to count: the configured ones, or the default route's, or eth0 when there
// is none; says which on `log` when given.
std::vector<std::string> counted_interfaces(const config& settings, spdlog::logger* log = nullptr);

// Spawns the sampler, notifier, public-IP lookup, accounting and scheduler actors (and the
// HTTP clients, the command poller with TELEGRAM_COMMANDS=on, and the metrics listener with
// METRICS_LISTEN, for which the system must have loaded the middleman) for `settings`, connected to
// each other. Accounting starts counting when the scheduler has named the first cycle. Fails,
// naming METRICS_LISTEN, when its address cannot be listened on.
outcome<monitor_handles> spawn_monitor(caf::actor_system& system, const config& settings,
                                       monitor_dependencies dependencies);

// What the metrics listener serves of `state`, counted with `settings` on `interfaces`.
published_figures figures_of(const monitor_state& state, const config& settings,
                             const std::vector<std::string>& interfaces, moment now);

} // namespace tmon
