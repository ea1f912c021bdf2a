// The metrics listener: an io broker that owns the listening socket of METRICS_LISTEN and
// its connections, and answers each request with the figures accounting has in memory and
// the delivery counts the notifier keeps, asked for when the request has arrived (no disk
// read per request, and nothing to do while no one asks). Every connection is answered and
// closed within a deadline, with bounded buffers and a bounded number of connections, so that
// a slow, silent or hostile client costs little and the monitor keeps counting. The broker
// runs in the middleman's event loop, which sleeps while idle.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <caf/io/broker.hpp>
#include <caf/io/doorman.hpp>
#include <caf/stateful_actor.hpp>
#include <spdlog/logger.h>

#include "actors/metrics/exposition.hpp"
#include "messages/messages.hpp"

namespace tmon {

struct metrics_settings {
  // Required in `Authorization: Bearer …` when not empty.
  std::string token;
  std::string version;
  std::shared_ptr<spdlog::logger> log;
  // How long a connection may take to send its request.
  std::chrono::seconds deadline{10};
  // Connections beyond this many at once are refused (503) and closed at once.
  std::size_t max_connections = 64;
  accounting_actor accounting;
  notifier_actor notifier;
  // How long accounting and the notifier may take to answer before the request gets 503.
  std::chrono::seconds figures_timeout{5};
};

struct metrics_state {
  static inline const char* name = "metrics";
  metrics_settings settings;
  struct connection {
    // What it has sent so far.
    std::string received;
    // Tells it from an earlier connection with the same id (a socket number reused), whose
    // deadline may still be on its way.
    std::uint64_t serial = 0;
    // Its request is complete and its answer on the way: what else it sends is not read.
    bool answering = false;
  };
  std::map<std::int64_t, connection> connections;
  std::uint64_t next_serial = 0;
};

using metrics_broker = caf::stateful_actor<metrics_state, caf::io::broker>;

// Serves on `listener`, a bound socket (made outside so that a port in use stops the start).
caf::behavior metrics(metrics_broker* self, metrics_settings settings,
                      caf::io::doorman_ptr listener);

} // namespace tmon
