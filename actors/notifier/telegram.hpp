// The Telegram Bot API and public-IP lookups as pure functions: requests to build, replies to
// judge, back-off to compute. The HTTP call itself is a function handed to the notifier.
#pragma once

#include <chrono>
#include <cstdint>
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
  enum class next_step { delivered, retry, drop };
  next_step action = next_step::retry;
  // For a 429: the seconds Telegram asked to wait (parameters.retry_after).
  std::optional<std::chrono::seconds> retry_after;
  // Telegram's description, or what went wrong, for the log.
  std::string reason;
};

// Judges a reply: 2xx with "ok": true is delivered; no response, 5xx, 429 and anything
// unreadable are retried; 400, 401, 403 and 404 (and other 4xx) are dropped. Never throws,
// whatever the body holds.
send_verdict judge_send_reply(const http_response& reply);

// For a dropped message: which setting is probably wrong, as a sentence.
std::string hint_for_rejection(long status);

// Delay before retry number `attempt` (1 for the first retry): 1 s doubling per attempt,
// capped at 5 minutes, stretched by up to 20 % with `jitter` in [0, 1) so that retries of
// several chats do not fall together, and never longer than the cap.
std::chrono::milliseconds backoff_delay(int attempt, double jitter);

constexpr std::chrono::seconds backoff_cap{300};

// Four decimal octets 0-255 separated by dots, no leading zeros, nothing else.
bool is_dotted_ipv4(std::string_view text);

// A public-IP service's answer: a dotted IPv4 address, white space around it allowed.
std::optional<std::string> parse_public_ip_reply(std::string_view body);

// `text` with the user information of every http(s) URL in it replaced by "***":
// "https://user:pass@proxy/" becomes "https://***@proxy/".
std::string mask_url_credentials(std::string text);

// `text` with every occurrence of `secret` replaced by `mask`; unchanged for an empty secret.
std::string redact(std::string text, const std::string& secret, const std::string& mask);

} // namespace tmon
