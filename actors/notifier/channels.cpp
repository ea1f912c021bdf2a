#include "actors/notifier/channels.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <ctime>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/crypto.hpp"
#include "common/local_time.hpp"
#include "common/secrets.hpp"
#include "common/text.hpp"

namespace tmon {

namespace {

using json = nlohmann::json;
using next_step = send_verdict::next_step;

// Invalid UTF-8 (an odd host name) is replaced rather than failing the message.
std::string dump(const json& body) {
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

const char* webhook_kind(event_kind kind) {
  switch (kind) {
    case event_kind::monitor_started:
      return "started";
    case event_kind::threshold_crossed:
      return "threshold";
    case event_kind::cycle_closed:
      return "reset";
    case event_kind::usage_report:
      return "report";
    case event_kind::state_file_reset:
      return "state_file_reset";
    case event_kind::cycle_changed:
      return "cycle_changed";
    case event_kind::usage_calibrated:
      return "calibrated";
    case event_kind::forecast_exceeded:
      return "forecast";
    case event_kind::limit_reached:
      return "limit_reached";
    case event_kind::limit_lifted:
      return "limit_lifted";
  }
  return "unknown";
}

bool is_urgent(event_kind kind) {
  return kind == event_kind::threshold_crossed || kind == event_kind::forecast_exceeded
         || kind == event_kind::limit_reached;
}

bool carries_threshold(event_kind kind) {
  return kind == event_kind::threshold_crossed || kind == event_kind::limit_reached
         || kind == event_kind::limit_lifted;
}

// A JSON number from decimal text, written with a decimal point: "80" as 80.0.
json decimal_number(const std::string& text) {
  double number = 0;
  std::from_chars(text.data(), text.data() + text.size(), number);
  return number;
}

http_request json_post(std::string url, const json& body) {
  http_request request;
  request.url = std::move(url);
  request.body = dump(body);
  return request;
}

// "Tue, 01 Dec 2026 15:53:56 +0000": RFC 5322's date, in UTC so that it needs no zone.
std::string mail_date(moment now) {
  static constexpr const char* weekdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t seconds = to_epoch_seconds(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", weekdays[utc.tm_wday], utc.tm_mday,
                     months[utc.tm_mon], utc.tm_year + 1900, utc.tm_hour, utc.tm_min, utc.tm_sec);
}

// A header value in UTF-8, as RFC 2047 lets mail carry it.
std::string encoded_word(const std::string& text) {
  return "=?UTF-8?B?" + base64(text) + "?=";
}

// The whole e-mail: plain UTF-8 text in base64, so that no server's line or 8-bit rules can
// damage it; the Message-ID is the same for every attempt, so a mailbox can drop duplicates.
std::string mail_message(const delivery_target& target, const outgoing_message& message,
                         moment now) {
  std::string mail;
  mail += "Date: " + mail_date(now) + "\r\n";
  mail += "From: traffic-monitor <" + target.mail_from + ">\r\n";
  mail += "To: ";
  for (std::size_t index = 0; index < target.mail_to.size(); ++index)
    mail += (index > 0 ? ", <" : "<") + target.mail_to[index] + ">";
  mail += "\r\n";
  mail += "Subject: " + encoded_word(message.title) + "\r\n";
  mail += fmt::format("Message-ID: <traffic-monitor.{}.{:016x}@{}>\r\n", message.event_id,
                      fnv1a64(message.host_name + "\n" + target.id),
                      message.host_name.empty() ? "localhost" : message.host_name);
  mail += "MIME-Version: 1.0\r\n";
  mail += "Content-Type: text/plain; charset=utf-8\r\n";
  mail += "Content-Transfer-Encoding: base64\r\n\r\n";
  const auto encoded = base64(message.text);
  // Lines of 76 characters, as MIME asks.
  for (std::size_t at = 0; at < encoded.size(); at += 76)
    mail += encoded.substr(at, 76) + "\r\n";
  return mail;
}

// Feishu's "post": a title and one paragraph per line.
json feishu_post(const outgoing_message& message) {
  json lines = json::array();
  std::size_t start = 0;
  while (start <= message.body.size()) {
    auto end = message.body.find('\n', start);
    if (end == std::string::npos)
      end = message.body.size();
    lines.push_back(
      json::array({{{"tag", "text"}, {"text", message.body.substr(start, end - start)}}}));
    start = end + 1;
  }
  const auto locale = message.language == message_language::zh ? "zh_cn" : "en_us";
  return {{"post", {{locale, {{"title", message.title}, {"content", lines}}}}}};
}

// An HTTP status as the log gives it, with the service's own words when it gave any.
std::string reason_of(const http_response& reply, const std::string& detail = {}) {
  auto reason = "HTTP " + std::to_string(reply.status);
  if (!detail.empty())
    reason += ": " + detail;
  return reason;
}

// Whether a 404 may come from a proxy in front of a server of the user's own (being
// redeployed, say) rather than from the service: then the messages are kept.
enum class not_found { refusal, maybe_proxy };

// The verdict every HTTP service shares for what is not a 2xx.
send_verdict judge_status(const http_response& reply, const std::string& detail = {},
                          not_found meaning = not_found::refusal) {
  const auto reason = reason_of(reply, detail);
  if (reply.status == 0)
    return {next_step::retry, std::nullopt,
            reply.error.empty() ? std::string{"no response"} : reply.error};
  if (reply.status == 408 || reply.status == 429 || reply.status >= 500)
    return {next_step::retry, std::nullopt, reason};
  if (reply.status == 404 && meaning == not_found::maybe_proxy)
    return {next_step::retry_later, std::nullopt, reason};
  return {next_step::drop, std::nullopt, reason};
}

// A short body as the service's own words for the log; a long one is a page, not words.
std::string short_body(const http_response& reply) {
  constexpr std::size_t longest = 200;
  return reply.body.size() <= longest ? std::string{trim(reply.body)} : std::string{};
}

// Discord's 429 names the wait in seconds, with a fraction.
std::optional<std::chrono::seconds> discord_retry_after(const http_response& reply) {
  const auto parsed = json::parse(reply.body, nullptr, false);
  if (!parsed.is_object())
    return std::nullopt;
  const auto found = parsed.find("retry_after");
  if (found == parsed.end() || !found->is_number() || found->get<double>() < 0)
    return std::nullopt;
  // Bounded like Telegram's: a day is far more than Discord ever asks.
  return std::chrono::seconds{
    static_cast<std::int64_t>(std::ceil(std::min(found->get<double>(), 86400.0)))};
}

bool is_success(const http_response& reply) {
  return reply.status >= 200 && reply.status < 300;
}

// The integer `field` of a JSON object reply.
std::optional<std::int64_t> integer_field(const json& reply, const char* field) {
  if (!reply.is_object())
    return std::nullopt;
  const auto found = reply.find(field);
  if (found == reply.end() || !found->is_number_integer())
    return std::nullopt;
  return found->get<std::int64_t>();
}

std::string text_field(const json& reply, const char* field) {
  if (!reply.is_object())
    return {};
  const auto found = reply.find(field);
  return found != reply.end() && found->is_string() ? found->get<std::string>() : std::string{};
}

// Services that answer 200 with a code in the body: `ok_code` is success, `retried` the
// codes that mean "too fast" or "busy"; any other code is a refusal of this target.
send_verdict judge_coded(const http_response& reply, const char* code_field,
                         const char* message_field, std::int64_t ok_code,
                         std::initializer_list<std::int64_t> retried,
                         not_found meaning = not_found::refusal) {
  const auto parsed = json::parse(reply.body, nullptr, false);
  const auto code = integer_field(parsed, code_field);
  const auto words = text_field(parsed, message_field);
  if (!is_success(reply))
    return judge_status(reply, words, meaning);
  if (!code)
    // A proxy's page or a cut-off body: not a delivery, and not the service refusing it.
    return {next_step::retry, std::nullopt, reason_of(reply) + " without a readable answer"};
  const auto reason = reason_of(reply, fmt::format("{} {}{}", code_field, *code,
                                                   words.empty() ? "" : " (" + words + ")"));
  if (*code == ok_code)
    return {next_step::delivered, std::nullopt, reason};
  for (const auto retried_code : retried)
    if (*code == retried_code)
      return {next_step::retry, std::nullopt, reason};
  return {next_step::drop, std::nullopt, reason};
}

} // namespace

const char* channel_name(channel kind) {
  switch (kind) {
    case channel::telegram:
      return "Telegram";
    case channel::wecom:
      return "WeCom";
    case channel::dingtalk:
      return "DingTalk";
    case channel::feishu:
      return "Feishu";
    case channel::bark:
      return "Bark";
    case channel::ntfy:
      return "ntfy";
    case channel::discord:
      return "Discord";
    case channel::slack:
      return "Slack";
    case channel::pushplus:
      return "PushPlus";
    case channel::serverchan:
      return "ServerChan";
    case channel::email:
      return "e-mail";
    case channel::json_webhook:
      return "webhook";
  }
  return "unknown";
}

delivery_target telegram_chat_target(const std::string& send_url, const std::string& token,
                                     const std::string& chat_id) {
  delivery_target target;
  target.kind = channel::telegram;
  target.id = "telegram:" + chat_id;
  target.shown = "chat " + chat_id;
  target.endpoint = send_url;
  target.chat_id = chat_id;
  if (!token.empty())
    target.secrets = {token};
  return target;
}

std::string webhook_payload(const event& e, const message_context& context,
                            const std::string& text) {
  const auto title_end = text.find('\n');
  json body{
    {"event_id", e.id},
    {"kind", webhook_kind(e.kind)},
    {"title", text.substr(0, title_end)},
    {"message", text},
    {"host", context.host_name},
    {"ip", context.public_ipv4.empty() ? json() : json(context.public_ipv4)},
    {"cycle_start", local_iso8601(e.usage.cycle.start)},
    {"cycle_end", local_iso8601(e.usage.cycle.end)},
    {"counted_bytes", e.usage.counted_bytes},
    {"quota_bytes", e.usage.quota_bytes},
  };
  auto share = format_share(e.usage.counted_bytes, e.usage.quota_bytes);
  share.pop_back(); // the '%'
  body["percent"] = decimal_number(share);
  body["threshold_percent"] = carries_threshold(e.kind) ? decimal_number(e.threshold_percent.text())
                                                        : json{};
  return dump(body);
}

outgoing_message outgoing_message_of(const event& e, const message_context& context,
                                     std::string text) {
  outgoing_message message;
  message.event_id = e.id;
  const auto title_end = text.find('\n');
  message.title = text.substr(0, title_end);
  message.body = title_end == std::string::npos ? std::string{} : text.substr(title_end + 1);
  message.urgent = is_urgent(e.kind);
  message.language = context.language;
  message.webhook_json = webhook_payload(e, context, text);
  message.host_name = context.host_name;
  message.text = std::move(text);
  return message;
}

std::string dingtalk_signature(const std::string& secret, std::int64_t timestamp_ms) {
  return base64(hmac_sha256(secret, std::to_string(timestamp_ms) + "\n" + secret));
}

std::string feishu_signature(const std::string& secret, std::int64_t timestamp_s) {
  return base64(hmac_sha256(std::to_string(timestamp_s) + "\n" + secret, ""));
}

http_request delivery_request(const delivery_target& target, const outgoing_message& message,
                              moment now) {
  const auto seconds = to_epoch_seconds(now);
  switch (target.kind) {
    case channel::telegram: {
      http_request request;
      request.url = target.endpoint;
      request.body = send_message_body(target.chat_id, message.text);
      return request;
    }
    case channel::wecom:
      return json_post(target.endpoint,
                       {{"msgtype", "text"}, {"text", {{"content", message.text}}}});
    case channel::dingtalk: {
      auto url = target.endpoint;
      if (!target.key.empty()) {
        const auto milliseconds = seconds * 1000;
        url += fmt::format("&timestamp={}&sign={}", milliseconds,
                           percent_encode(dingtalk_signature(target.key, milliseconds)));
      }
      return json_post(url, {{"msgtype", "text"}, {"text", {{"content", message.text}}}});
    }
    case channel::feishu: {
      json body{{"msg_type", "post"}, {"content", feishu_post(message)}};
      if (!target.key.empty()) {
        body["timestamp"] = std::to_string(seconds);
        body["sign"] = feishu_signature(target.key, seconds);
      }
      return json_post(target.endpoint, body);
    }
    case channel::bark:
      return json_post(target.endpoint + "/push",
                       {{"device_key", target.key},
                        {"title", message.title},
                        {"body", message.body},
                        {"group", "traffic-monitor"},
                        {"level", message.urgent ? "timeSensitive" : "active"}});
    case channel::ntfy: {
      http_request request;
      request.url = target.endpoint;
      request.content_type = "text/plain; charset=utf-8";
      request.body = message.body;
      // Header values are ASCII; ntfy reads RFC 2047's encoded words.
      request.headers = {"Title: " + encoded_word(message.title),
                         std::string{"Priority: "} + (message.urgent ? "high" : "default"),
                         "Tags: traffic-monitor"};
      return request;
    }
    case channel::discord:
      // Discord takes at most 2000 characters; every message is far shorter.
      return json_post(target.endpoint + "?wait=true", {{"content", message.text}});
    case channel::slack:
      return json_post(target.endpoint, {{"text", message.text}});
    case channel::pushplus:
      return json_post(target.endpoint, {{"token", target.key},
                                         {"title", message.title},
                                         {"content", message.body},
                                         {"template", "txt"}});
    case channel::serverchan:
      return json_post(target.endpoint, {{"title", message.title}, {"desp", message.body}});
    case channel::email: {
      http_request request;
      request.method = "MAIL";
      request.url = target.endpoint;
      request.body = mail_message(target, message, now);
      request.user = target.user;
      request.password = target.password;
      request.mail_from = target.mail_from;
      request.mail_to = target.mail_to;
      request.require_tls = target.require_tls;
      return request;
    }
    case channel::json_webhook: {
      http_request request;
      request.url = target.endpoint;
      request.body = message.webhook_json;
      return request;
    }
  }
  return {};
}

send_verdict judge_delivery_reply(channel kind, const http_response& reply) {
  switch (kind) {
    case channel::telegram:
      return judge_send_reply(reply);
    case channel::wecom:
      // -1: busy; 45009: more than 20 messages a minute. 93000 (a wrong key) and the rest
      // are refusals.
      return judge_coded(reply, "errcode", "errmsg", 0, {-1, 45009});
    case channel::dingtalk:
      // -1: busy; 130101, 410100, 660026: too many messages a minute. 310000 (keyword,
      // signature, address), 300001 and 300005 (no such token) and the rest are refusals.
      return judge_coded(reply, "errcode", "errmsg", 0, {-1, 130101, 410100, 660026});
    case channel::feishu: {
      const auto parsed = json::parse(reply.body, nullptr, false);
      // Older Feishu servers answer {"StatusCode": 0} alone.
      if (is_success(reply) && !integer_field(parsed, "code")
          && integer_field(parsed, "StatusCode") == std::int64_t{0})
        return {next_step::delivered, std::nullopt, reason_of(reply, "StatusCode 0")};
      // 11232: sent too often. 19001 (a wrong token), 19021 (signature), 19022 (address),
      // 19024 (keyword), 9499 (a bad request) and the rest are refusals.
      return judge_coded(reply, "code", "msg", 0, {11232});
    }
    case channel::bark:
      // An unknown device key is a 400; a failed push to Apple a 500.
      return judge_coded(reply, "code", "message", 200, {}, not_found::maybe_proxy);
    case channel::pushplus:
      // 500 and 600: PushPlus's own errors. 903 (a wrong token), 900 (an account held back
      // for sending too much, which more requests only prolong) and the rest are refusals.
      return judge_coded(reply, "code", "msg", 200, {500, 600});
    case channel::serverchan:
      // 40001: a wrong key.
      return judge_coded(reply, "code", "message", 0, {});
    case channel::email: {
      if (reply.status >= 200 && reply.status < 300 && reply.error.empty())
        return {next_step::delivered, std::nullopt, fmt::format("SMTP {}", reply.status)};
      const auto reason = reply.status > 0 ? fmt::format("SMTP {}: {}", reply.status, reply.error)
                                           : reply.error;
      // 5xx is the server's final word (a wrong login, an unknown recipient); 4xx and no
      // answer are worth another try.
      if (reply.status >= 500)
        return {next_step::drop, std::nullopt, reason};
      return {next_step::retry, std::nullopt, reason.empty() ? "no response" : reason};
    }
    case channel::discord: {
      if (is_success(reply))
        return {next_step::delivered, std::nullopt, reason_of(reply)};
      // A 404 is a deleted webhook, which Discord asks not to call again.
      auto verdict = judge_status(reply, short_body(reply));
      if (reply.status == 429)
        verdict.retry_after = discord_retry_after(reply);
      return verdict;
    }
    case channel::slack:
      // 404 no_service or channel_not_found, 410 channel_is_archived: refusals.
      if (is_success(reply))
        return {next_step::delivered, std::nullopt, reason_of(reply)};
      return judge_status(reply, short_body(reply));
    case channel::ntfy:
    case channel::json_webhook:
      if (is_success(reply))
        return {next_step::delivered, std::nullopt, reason_of(reply)};
      return judge_status(reply, short_body(reply), not_found::maybe_proxy);
  }
  return judge_status(reply);
}

std::string without_secrets(const delivery_target& target, std::string text) {
  for (const auto& secret : target.secrets)
    if (secret.size() >= shortest_masked_alone)
      text = redact(std::move(text), secret, "***");
  return text;
}

std::string hint_for_refusal(const delivery_target& target, long status) {
  if (target.kind == channel::telegram && target.id.rfind("telegram:", 0) == 0)
    return hint_for_rejection(status);
  return fmt::format("check the {} entry {} of NOTIFY_URLS", channel_name(target.kind),
                     target.shown);
}

} // namespace tmon
