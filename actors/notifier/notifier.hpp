// The notifier: turns events into messages and delivers them to every configured target
// (Telegram chats, the services of NOTIFY_URLS, e-mail), each with its own queue, HTTP
// client and back-off, so that a target that is down or hanging holds back no other. Each
// target gets its messages in order and no faster than its service allows; transient
// failures are retried with back-off, a target refusing for good drops the message for
// itself alone. Answers each event once every target has it (or refused it for good), and
// tells accounting as each target does, so that a restart sends a message only where it was
// not confirmed. Without targets it only logs. Messages name the public IPv4 address the
// public-IP lookup last sent; the start-up message waits (briefly) for the lookup's first
// answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <caf/typed_response_promise.hpp>
#include <spdlog/logger.h>

#include "actors/notifier/channels.hpp"
#include "actors/notifier/message_catalog.hpp"
#include "messages/messages.hpp"

namespace tmon {

struct notifier_settings {
  message_context context;
  std::shared_ptr<spdlog::logger> log;
  // No targets: log-only mode.
  std::vector<delivery_target> targets;
  // One HTTP client per target, in the order of targets.
  std::vector<http_client_actor> clients;
  // The wall clock, for the signatures of DingTalk and Feishu and the e-mail's Date.
  wall_clock now;
  // A public-IP lookup will send the address (PUBLIC_IP did not fix it).
  bool address_from_lookup = false;
  // A number in [0, 1) for back-off jitter.
  std::function<double()> jitter;
  // How long the start-up message waits for the first public-IP lookup.
  std::chrono::seconds start_message_wait{10};
};

// One target's messages in the order they were raised.
struct target_queue {
  delivery_target target;
  http_client_actor client;
  std::deque<std::shared_ptr<const outgoing_message>> waiting;
  // A request for the front message is under way, or its back-off timer is.
  bool busy = false;
  // Failed attempts of the front message.
  int failures = 0;
  // Paced at 20 messages a minute, as Telegram groups and the chat bots of WeCom and
  // DingTalk allow; Telegram's private chats at one a second.
  bool group_pacing = false;
  // When the latest requests went out, oldest first, for pacing.
  std::deque<std::chrono::steady_clock::time_point> recent_sends;
  // When a refusal that keeps the messages (a wrong token or address) was last logged as an
  // error; empty while the target accepts messages.
  std::optional<std::chrono::steady_clock::time_point> refusal_logged_at;
};

struct notifier_state {
  static inline const char* name = "notifier";
  notifier_settings settings;
  std::vector<target_queue> queues;
  struct pending_event {
    std::size_t targets_left;
    caf::typed_response_promise<delivered_atom, std::uint64_t> promise;
    // Told as each target is done with the event.
    accounting_actor requester;
  };
  std::map<std::uint64_t, pending_event> pending;
  // For the metrics listener.
  delivery_counts attempts;
  // The public-IP lookup has not answered yet and start-up messages wait for it.
  bool awaiting_first_lookup = false;
  struct held_event {
    event e;
    bool raised_now;
  };
  std::vector<held_event> held_start_messages;
};

notifier_actor::behavior_type notifier(notifier_actor::stateful_pointer<notifier_state> self,
                                       notifier_settings settings);

} // namespace tmon
