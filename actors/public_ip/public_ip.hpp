// The public-IP lookup: asks the configured services for the host's public IPv4 address, one
// after another until one names a valid address, again every 6 hours (every 5 minutes while
// none is known), and tells the notifier (and the command poller) after each round, so that
// the notifier is only about delivery.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "messages/messages.hpp"

namespace tmon {

struct public_ip_settings {
  std::vector<std::string> urls;
  http_client_actor client;
  std::chrono::seconds lookup_every{6 * 3600};
  // While no address is known yet, the next round comes sooner.
  std::chrono::seconds lookup_retry{300};
  std::shared_ptr<spdlog::logger> log;
  // Receive the address after each round.
  std::vector<address_listener_actor> listeners;
};

struct public_ip_state {
  static inline const char* name = "public_ip";
  public_ip_settings settings;
  // The latest address a service named; empty until one did.
  std::string address;
};

public_ip_actor::behavior_type public_ip(public_ip_actor::stateful_pointer<public_ip_state> self,
                                         public_ip_settings settings);

} // namespace tmon
