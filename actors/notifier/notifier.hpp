// The notifier: turns events into messages and delivers them to every configured Telegram
// chat, in order per chat and no faster than Telegram allows, retrying transient failures
// with back-off and a refused token or address every 10 minutes; answers each event once
// every chat has it (or refused it for good), so that accounting can drop it from the outbox.
// Without a bot it only logs. Messages name the public IPv4 address the public-IP lookup
// last sent; the start-up message waits (briefly) for the lookup's first answer.
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

#include "actors/notifier/message_catalog.hpp"
#include "messages/messages.hpp"

namespace tmon {

struct notifier_settings {
  message_context context;
  std::shared_ptr<spdlog::logger> log;
  // No chats: log-only mode.
  std::vector<std::string> chat_ids;
  // `${TELEGRAM_API_BASE}/bot<token>/sendMessage`.
  std::string send_url;
  // One HTTP client per chat, in the order of chat_ids, so that a chat whose requests hang
  // holds back no other.
  std::vector<http_client_actor> chat_clients;
  // A public-IP lookup will send the address (PUBLIC_IP did not fix it).
  bool address_from_lookup = false;
  // A number in [0, 1) for back-off jitter.
  std::function<double()> jitter;
  // How long the start-up message waits for the first public-IP lookup.
  std::chrono::seconds start_message_wait{10};
};

// One chat's messages in the order they were raised.
struct chat_queue {
  struct message {
    std::uint64_t event_id;
    std::string text;
  };
  std::string chat_id;
  // As events name it in targets_left.
  std::string target;
  http_client_actor client;
  std::deque<message> waiting;
  // A request for the front message is under way, or its back-off timer is.
  bool busy = false;
  // Failed attempts of the front message.
  int failures = 0;
  // Telegram's per-chat limits are stricter for groups.
  bool group = false;
  // When the latest requests went out, oldest first, for pacing.
  std::deque<std::chrono::steady_clock::time_point> recent_sends;
};

struct notifier_state {
  static inline const char* name = "notifier";
  notifier_settings settings;
  std::vector<chat_queue> chats;
  struct pending_event {
    std::size_t chats_left;
    caf::typed_response_promise<delivered_atom, std::uint64_t> promise;
    // Told as each chat is done with the event.
    accounting_actor requester;
  };
  std::map<std::uint64_t, pending_event> pending;
  // When a refused token or address (401, 404) was last logged as an error; empty while
  // Telegram accepts messages.
  std::optional<std::chrono::steady_clock::time_point> refusal_logged_at;
  // The public-IP lookup has not answered yet and start-up messages wait for it.
  bool awaiting_first_lookup = false;
  struct held_event {
    event e;
    bool raised_now;
  };
  std::vector<held_event> held_start_messages;
};

// The delivery target of a Telegram chat, as events name it: "telegram:<chat id>".
std::string telegram_target(const std::string& chat_id);

notifier_actor::behavior_type notifier(notifier_actor::stateful_pointer<notifier_state> self,
                                       notifier_settings settings);

} // namespace tmon
