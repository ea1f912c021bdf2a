// The accounting actor: the only owner and writer of the persisted state. Applies samples,
// closes cycles, raises events into the outbox and hands them to the notifier.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "actors/accounting/ledger.hpp"
#include "actors/accounting/state_file.hpp"
#include "messages/messages.hpp"

namespace tmon {

struct accounting_settings {
  // Where the state is saved.
  std::string data_dir;
  // The state as loaded from data_dir before the actor started; never unusable.
  loaded_state loaded;
  ledger_rules rules;
  // Recorded in every save, so that readers of the state see what it was counted with.
  counting_settings counted_with;
  wall_clock now;
  std::shared_ptr<spdlog::logger> log;
  sampler_actor sampler;
  notifier_actor notifier;
  // The notifier's delivery targets (delivery_target::id): each new event is owed to all of
  // them; empty: messages only go to the log.
  std::vector<std::string> targets;
  // The figures of the state at a moment, for the metrics listener and the command poller.
  std::function<published_figures(const monitor_state&, moment now)> publish;
  // How long to wait for the sampler's reading at a cycle boundary or at shutdown.
  std::chrono::seconds sample_timeout{5};
};

struct accounting_state {
  static inline const char* name = "accounting";
  accounting_settings settings;
  monitor_state persisted;
  // Readings are applied only once the first cycle is settled, so that traffic which passed
  // while the monitor was stopped lands in the right cycle.
  bool sampling = false;
  // Events handed to the notifier and not yet acknowledged.
  std::set<std::uint64_t> in_delivery;
  // The last save error, logged once until it changes or saving works again.
  std::string save_error;
  // Events with a lower id were raised by an earlier run.
  std::uint64_t first_event_id_of_run = 1;
  // Whether the flag file DATA_DIR/over-limit is known to exist; unknown at start and after
  // a failed write.
  std::optional<bool> limit_flag;
};

accounting_actor::behavior_type
accounting(accounting_actor::stateful_pointer<accounting_state> self, accounting_settings settings);

} // namespace tmon
