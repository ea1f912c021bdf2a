// The delivery channels as pure functions: for each service, the request that carries a
// message and the judgement of its reply. Telegram's own rules are in telegram.hpp; the
// parsing of NOTIFY_URLS into targets is configuration's (main/notify_urls.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "actors/notifier/message_catalog.hpp"
#include "actors/notifier/telegram.hpp"
#include "messages/types.hpp"

namespace tmon {

enum class channel : std::uint8_t {
  telegram,
  wecom,
  dingtalk,
  feishu,
  bark,
  ntfy,
  discord,
  slack,
  pushplus,
  serverchan,
  email,
  json_webhook,
};

// One place messages are delivered to, with its own queue and back-off.
struct delivery_target {
  channel kind = channel::telegram;
  // As events in the outbox and log lines name it. A chat of TELEGRAM_CHAT_ID is
  // "telegram:<chat id>"; a NOTIFY_URLS entry is its masked form and "#" with 8 hex digits of
  // a hash of the whole entry, so that two entries that look alike once masked stay apart
  // and no secret is kept in the state file.
  std::string id;
  // The target with its secrets masked, for log lines.
  std::string shown;
  // Where requests go: an http(s) URL, or smtp(s)://HOST:PORT for e-mail. Telegram: the
  // sendMessage URL; Bark: the server's base URL; ntfy: the topic's URL.
  std::string endpoint;
  // Telegram: the chat.
  std::string chat_id;
  // DingTalk, Feishu: the signing secret; empty when the bot is not signed. Bark: the device
  // key. PushPlus: the token.
  std::string key;
  // E-mail: the login (empty: none), the sender and the recipients.
  std::string user;
  std::string password;
  std::string mail_from;
  std::vector<std::string> mail_to;
  // E-mail over smtp://: STARTTLS must succeed (false only for a relay on this host).
  bool require_tls = true;
  // Every secret above, for masking wherever a library's message might quote one.
  std::vector<std::string> secrets;
};

// A chat of TELEGRAM_CHAT_ID, sent to through `send_url` (send_message_url): named
// "telegram:<chat id>" in the outbox and "chat <chat id>" in the log; `token` is masked.
delivery_target telegram_chat_target(const std::string& send_url, const std::string& token,
                                     const std::string& chat_id);

// An event worded for delivery, shared by every target.
struct outgoing_message {
  std::uint64_t event_id = 0;
  // The full text; its first line is the title.
  std::string text;
  std::string title;
  // The text after the title line.
  std::string body;
  // Alerts (a threshold, the forecast, the limit): ntfy's high priority, Bark's
  // time-sensitive level.
  bool urgent = false;
  message_language language = message_language::zh;
  // The generic JSON webhook's body.
  std::string webhook_json;
  // The host name, for the e-mail's Message-ID.
  std::string host_name;
};

// `text` split into its title line and body, with `e`'s urgency and the generic webhook's
// JSON (see webhook_payload).
outgoing_message outgoing_message_of(const event& e, const message_context& context,
                                     std::string text);

// The generic JSON webhook's body: event_id, kind (started, threshold, forecast, reset,
// report, calibrated, limit_reached, limit_lifted, state_file_reset, cycle_changed), title,
// message, host, ip (null while unknown), cycle_start and cycle_end (ISO 8601 with the UTC
// offset), counted_bytes, quota_bytes, percent (one decimal, truncated like the messages),
// threshold_percent (null but for threshold, limit_reached and limit_lifted).
std::string webhook_payload(const event& e, const message_context& context,
                            const std::string& text);

// The request that delivers `message` to `target` at wall-clock time `now` (DingTalk's and
// Feishu's signatures and the e-mail's Date depend on it).
http_request delivery_request(const delivery_target& target, const outgoing_message& message,
                              moment now);

// DingTalk's signature of a request made at `timestamp_ms`: base64 of HMAC-SHA256 under the
// secret of "<timestamp_ms>\n<secret>", as the query's `sign` (before URL encoding).
std::string dingtalk_signature(const std::string& secret, std::int64_t timestamp_ms);

// Feishu's signature of a request made at `timestamp_s`: base64 of HMAC-SHA256 whose key is
// "<timestamp_s>\n<secret>" over an empty message, as the body's `sign`.
std::string feishu_signature(const std::string& secret, std::int64_t timestamp_s);

// What to do after one attempt to deliver to a target of kind `kind`. Transport errors,
// 5xx, 408, 429 and the services' own "too fast" and "busy" codes are retried with back-off;
// 401 and 404 (a wrong address, or a proxy in front being redeployed) are kept and retried
// later; the services' codes for a wrong key, signature or keyword, and the other 4xx, drop
// the message for this target. Never throws, whatever the reply holds.
send_verdict judge_delivery_reply(channel kind, const http_response& reply);

// `text` (a reply's words, which may quote a key) with every secret of `target` masked, as
// mask_secrets does.
std::string without_secrets(const delivery_target& target, std::string text);

// Which setting to check when `target` refuses a message, as a sentence.
std::string hint_for_refusal(const delivery_target& target, long status);

// "WeCom", "DingTalk" and so on, for log lines.
const char* channel_name(channel kind);

} // namespace tmon
