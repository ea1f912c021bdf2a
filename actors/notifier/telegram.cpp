#include "actors/notifier/telegram.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <tuple>

#include <nlohmann/json.hpp>

#include "common/text.hpp"

namespace tmon {

namespace {

bool is_numeric_chat_id(const std::string& chat_id) {
  std::int64_t value = 0;
  auto first = chat_id.data();
  auto last = chat_id.data() + chat_id.size();
  auto [end, failure] = std::from_chars(first, last, value);
  return failure == std::errc{} && end == last;
}

// Telegram's "description", if the body is a JSON object that has one.
std::string description_of(const nlohmann::json& reply) {
  if (reply.is_object()) {
    auto found = reply.find("description");
    if (found != reply.end() && found->is_string())
      return found->get<std::string>();
  }
  return {};
}

std::optional<std::chrono::seconds> retry_after_of(const nlohmann::json& reply) {
  if (!reply.is_object())
    return std::nullopt;
  auto parameters = reply.find("parameters");
  if (parameters == reply.end() || !parameters->is_object())
    return std::nullopt;
  auto seconds = parameters->find("retry_after");
  if (seconds == parameters->end() || !seconds->is_number_integer())
    return std::nullopt;
  auto value = seconds->get<std::int64_t>();
  if (value < 0)
    return std::nullopt;
  // A day is far more than Telegram ever asks; a larger figure is a broken reply.
  return std::chrono::seconds{std::min<std::int64_t>(value, 86400)};
}

std::string status_reason(long status, const std::string& description) {
  auto reason = "HTTP " + std::to_string(status);
  if (!description.empty())
    reason += ": " + description;
  return reason;
}

} // namespace

std::string send_message_url(const std::string& api_base, const std::string& token) {
  return api_base + "/bot" + token + "/sendMessage";
}

std::string send_message_body(const std::string& chat_id, const std::string& text) {
  nlohmann::json body;
  if (is_numeric_chat_id(chat_id))
    body["chat_id"] = std::stoll(chat_id);
  else
    body["chat_id"] = chat_id;
  body["text"] = text;
  body["disable_web_page_preview"] = true;
  // Invalid UTF-8 (an odd host name) is replaced rather than failing the message.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

send_verdict judge_send_reply(const http_response& reply) {
  using next_step = send_verdict::next_step;
  if (reply.status == 0)
    return {next_step::retry, std::nullopt,
            reply.error.empty() ? std::string{"no response"} : reply.error};
  auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  auto description = description_of(parsed);
  auto reason = status_reason(reply.status, description);
  if (reply.status >= 200 && reply.status < 300) {
    auto ok = parsed.is_object() ? parsed.find("ok") : parsed.end();
    if (parsed.is_object() && ok != parsed.end() && ok->is_boolean() && ok->get<bool>())
      return {next_step::delivered, std::nullopt, reason};
    // A proxy's page or a cut-off body: not a delivery, and not Telegram refusing it.
    return {next_step::retry, std::nullopt, reason + " without a readable Bot API answer"};
  }
  if (reply.status == 429)
    return {next_step::retry, retry_after_of(parsed), reason};
  // The request took too long to arrive: nothing is wrong with the message.
  if (reply.status == 408)
    return {next_step::retry, std::nullopt, reason};
  if (reply.status == 401 || reply.status == 404)
    return {next_step::retry_later, std::nullopt, reason};
  if (reply.status >= 400 && reply.status < 500)
    return {next_step::drop, std::nullopt, reason};
  return {next_step::retry, std::nullopt, reason};
}

std::string hint_for_rejection(long status) {
  switch (status) {
    case 400:
      return "check TELEGRAM_CHAT_ID: Telegram does not know this chat, or the bot may not "
             "write to it";
    case 401:
      return "check TELEGRAM_BOT_TOKEN: Telegram does not accept it";
    case 403:
      return "check TELEGRAM_CHAT_ID: the bot was blocked, removed from the chat, or never "
             "started there (send /start to the bot)";
    case 404:
      return "check TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE: no Bot API method answers at "
             "this address";
    default:
      return "check TELEGRAM_BOT_TOKEN, TELEGRAM_CHAT_ID and TELEGRAM_API_BASE";
  }
}

std::chrono::milliseconds backoff_delay(int attempt, double jitter) {
  using std::chrono::milliseconds;
  const auto cap = milliseconds{backoff_cap};
  // 2^9 s already passes the cap; larger attempts must not overflow the shift.
  auto doubling = std::clamp(attempt, 1, 10) - 1;
  auto base = std::min(milliseconds{1000LL << doubling}, cap);
  auto stretch = std::clamp(jitter, 0.0, 1.0) * 0.2;
  auto stretched = milliseconds{static_cast<long long>(std::llround(base.count() * (1 + stretch)))};
  return std::min(stretched, cap);
}

bool is_group_chat(const std::string& chat_id) {
  return !chat_id.empty() && (chat_id.front() == '-' || chat_id.front() == '@');
}

std::chrono::steady_clock::time_point
next_send_time(const std::deque<std::chrono::steady_clock::time_point>& recent_sends,
               bool group_chat) {
  using namespace std::chrono_literals;
  if (recent_sends.empty())
    return std::chrono::steady_clock::time_point::min();
  auto next = recent_sends.back() + 1s;
  if (group_chat && recent_sends.size() >= group_messages_per_minute)
    next = std::max(next, recent_sends[recent_sends.size() - group_messages_per_minute] + 60s);
  return next;
}

} // namespace tmon
