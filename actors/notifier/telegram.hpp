// The Telegram Bot API as pure functions: requests to build, replies to judge, back-off to
// compute. The HTTP call itself is a function handed to the notifier.
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "messages/types.hpp"

namespace tmon {

// `${api_base}/bot${token}/sendMessage`.
std::string send_message_url(const std::string& api_base, const std::string& token);

// The JSON body of sendMessage: chat_id (a number when the id is numeric, else the
// @channel string), text, disable_web_page_preview. Plain text: no parse mode, so nothing
// in the text needs escaping.
std::string send_message_body(const std::string& chat_id, const std::string& text);

// What to do after one sendMessage attempt.
struct send_verdict {
  // retry_later: the address or the token is wrong for every chat (or a proxy in front of
  // the Bot API is being redeployed); the message is kept and tried again after
  // configuration_retry_delay.
  enum class next_step { delivered, retry, drop, retry_later };
  next_step action = next_step::retry;
  // For a 429: the seconds Telegram asked to wait (parameters.retry_after).
  std::optional<std::chrono::seconds> retry_after;
  // Telegram's description, or what went wrong, for the log.
  std::string reason;
};

// Judges a reply: 2xx with "ok": true is delivered; no response, 5xx, 408, 429 and anything
// unreadable are retried; 401 and 404 are retried later; 400, 403 and the other 4xx (this
// chat or this message is refused) are dropped. Never throws, whatever the body holds.
send_verdict judge_send_reply(const http_response& reply);

// How long a message waits after a retry_later verdict.
constexpr std::chrono::seconds configuration_retry_delay{600};

// For a dropped message: which setting is probably wrong, as a sentence.
std::string hint_for_rejection(long status);

// Delay before retry number `attempt` (1 for the first retry): 1 s doubling per attempt,
// capped at 5 minutes, stretched by up to 20 % with `jitter` in [0, 1) so that retries of
// several chats do not fall together, and never longer than the cap.
std::chrono::milliseconds backoff_delay(int attempt, double jitter);

constexpr std::chrono::seconds backoff_cap{300};

// Telegram allows a bot about one message a second per chat and 20 a minute per group.
// A negative id is a group; an @name is a channel or public group.
bool is_group_chat(const std::string& chat_id);

constexpr std::size_t group_messages_per_minute = 20;

// The earliest time the next message may go to a chat, given when the latest messages went
// (oldest first; only the last group_messages_per_minute matter); time_point::min() when
// nothing went yet.
std::chrono::steady_clock::time_point
next_send_time(const std::deque<std::chrono::steady_clock::time_point>& recent_sends,
               bool group_chat);
} // namespace tmon
