// The notifier: turns events into messages and delivers them, answering each event once it
// is delivered so that accounting can drop it from the outbox.
#pragma once

#include <memory>

#include <spdlog/logger.h>

#include "actors/notifier/message_catalog.hpp"
#include "messages/messages.hpp"

namespace tmon {

struct notifier_settings {
  message_context context;
  std::shared_ptr<spdlog::logger> log;
};

struct notifier_state {
  static inline const char* name = "notifier";
  notifier_settings settings;
};

notifier_actor::behavior_type notifier(notifier_actor::stateful_pointer<notifier_state> self,
                                       notifier_settings settings);

} // namespace tmon
