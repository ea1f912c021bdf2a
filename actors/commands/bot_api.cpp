#include "actors/commands/bot_api.hpp"

#include <algorithm>
#include <tuple>

#include <nlohmann/json.hpp>

#include "actors/notifier/telegram.hpp"
#include "common/text.hpp"

namespace tmon {

namespace {

// Telegram's own limit on a command's name.
constexpr std::size_t longest_command_name = 32;

bool is_command_character(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bot_command_kind command_kind(const std::string& name) {
  if (name == "status")
    return bot_command_kind::status;
  if (name == "report")
    return bot_command_kind::report;
  if (name == "history")
    return bot_command_kind::history;
  if (name == "calibrate")
    return bot_command_kind::calibrate;
  if (name == "help" || name == "start")
    return bot_command_kind::help;
  return bot_command_kind::unknown;
}

// A string member of `object`, or empty.
std::string string_member(const nlohmann::json& object, const char* key) {
  auto found = object.find(key);
  return found != object.end() && found->is_string() ? found->get<std::string>() : std::string{};
}

// The message of one update; nothing for updates of other kinds or without the fields read.
std::optional<bot_update> read_update(const nlohmann::json& update) {
  if (!update.is_object())
    return std::nullopt;
  auto id = update.find("update_id");
  if (id == update.end() || !id->is_number_integer())
    return std::nullopt;
  bot_update read;
  read.update_id = id->get<std::int64_t>();
  auto message = update.find("message");
  if (message == update.end())
    message = update.find("channel_post");
  if (message == update.end() || !message->is_object())
    return read;
  auto chat = message->find("chat");
  auto date = message->find("date");
  if (chat == message->end() || !chat->is_object() || date == message->end()
      || !date->is_number_integer())
    return read;
  auto chat_id = chat->find("id");
  if (chat_id == chat->end() || !chat_id->is_number_integer())
    return read;
  read.has_message = true;
  read.chat_id = std::to_string(chat_id->get<std::int64_t>());
  read.chat_username = string_member(*chat, "username");
  read.sent_at = from_epoch_seconds(date->get<std::int64_t>());
  read.text = string_member(*message, "text");
  return read;
}

bool is_allowed_chat(const bot_update& update, const std::vector<std::string>& allowed_chats) {
  return std::any_of(allowed_chats.begin(), allowed_chats.end(), [&](const std::string& chat) {
    if (chat == update.chat_id)
      return true;
    return !update.chat_username.empty() && chat.size() > 1 && chat.front() == '@'
           && lowercase(chat.substr(1)) == lowercase(update.chat_username);
  });
}

http_request bot_request(const std::string& api_base, const std::string& token,
                         std::string_view method, nlohmann::json body) {
  http_request request;
  request.method = "POST";
  request.url = bot_method_url(api_base, token, method);
  request.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return request;
}

} // namespace

bool operator==(const bot_command& x, const bot_command& y) {
  return std::tie(x.kind, x.name, x.argument) == std::tie(y.kind, y.name, y.argument);
}

bool operator==(const bot_update& x, const bot_update& y) {
  return std::tie(x.update_id, x.has_message, x.chat_id, x.chat_username, x.sent_at, x.text)
         == std::tie(y.update_id, y.has_message, y.chat_id, y.chat_username, y.sent_at, y.text);
}

std::optional<bot_command> parse_command(std::string_view text, std::string_view bot_username) {
  text = trim(text);
  if (text.size() < 2 || text.front() != '/')
    return std::nullopt;
  const auto word_end = std::min(text.find_first_of(white_space), text.size());
  auto word = text.substr(1, word_end - 1);
  const auto at = word.find('@');
  auto name = word.substr(0, at);
  if (name.empty() || name.size() > longest_command_name
      || !std::all_of(name.begin(), name.end(), is_command_character))
    return std::nullopt;
  if (at != std::string_view::npos && lowercase(word.substr(at + 1)) != lowercase(bot_username))
    return std::nullopt;
  bot_command command;
  command.name = lowercase(name);
  command.kind = command_kind(command.name);
  command.argument = std::string{trim(text.substr(word_end))};
  return command;
}

poll_verdict judge_poll_reply(const http_response& reply) {
  using next_step = poll_verdict::next_step;
  poll_verdict verdict;
  if (reply.status == 409 || reply.status == 401) {
    verdict.action = reply.status == 409 ? next_step::conflict : next_step::unauthorized;
    verdict.reason = judge_send_reply(reply).reason;
    return verdict;
  }
  // Every other reply is judged as sendMessage's are; only an accepted one is read further.
  auto judged = judge_send_reply(reply);
  verdict.reason = judged.reason;
  verdict.retry_after = judged.retry_after;
  if (judged.action != send_verdict::next_step::delivered)
    return verdict;
  const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  const auto result = parsed.find("result");
  if (result == parsed.end()) {
    verdict.reason += " without a result";
    return verdict;
  }
  if (result->is_object())
    verdict.bot_username = string_member(*result, "username");
  if (result->is_array())
    for (const auto& update : *result)
      if (auto read = read_update(update))
        verdict.updates.push_back(std::move(*read));
  verdict.action = next_step::proceed;
  return verdict;
}

bool is_quiet_poll(const http_response& reply) {
  if (reply.status != 200)
    return false;
  const auto parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (!parsed.is_object())
    return false;
  const auto ok = parsed.find("ok");
  const auto result = parsed.find("result");
  return ok != parsed.end() && *ok == true && result != parsed.end() && result->is_array()
         && result->empty();
}

std::string bot_method_url(const std::string& api_base, const std::string& token,
                           std::string_view method) {
  return api_base + "/bot" + token + "/" + std::string{method};
}

http_request get_me_request(const std::string& api_base, const std::string& token) {
  return bot_request(api_base, token, "getMe", nlohmann::json::object());
}

http_request get_updates_request(const std::string& api_base, const std::string& token,
                                 std::int64_t offset) {
  nlohmann::json body{{"timeout", long_poll_hold.count()},
                      {"allowed_updates", {"message", "channel_post"}}};
  if (offset != 0)
    body["offset"] = offset;
  auto request = bot_request(api_base, token, "getUpdates", std::move(body));
  // Room beyond the hold for a slow network; a reply later than that is a lost connection.
  request.total_timeout = long_poll_hold + std::chrono::seconds{20};
  // libcurl 7.88 keeps a connect timeout's timer armed after the connection is made, also on
  // a reused one, and wakes for it once per poll; the total timeout bounds connecting alone.
  request.connect_timeout = std::chrono::seconds{0};
  return request;
}

http_request set_commands_request(const std::string& api_base, const std::string& token,
                                  message_language language) {
  auto commands = nlohmann::json::array();
  for (const auto& entry : command_menu(language))
    commands.push_back({{"command", entry.command}, {"description", entry.description}});
  return bot_request(api_base, token, "setMyCommands", {{"commands", std::move(commands)}});
}

update_decision judge_update(const bot_update& update,
                             const std::vector<std::string>& allowed_chats,
                             std::string_view bot_username, moment now, bool backlog) {
  using verdict = update_decision::verdict;
  update_decision decision;
  if (!update.has_message)
    return decision;
  if (!is_allowed_chat(update, allowed_chats)) {
    decision.action = verdict::foreign_chat;
    return decision;
  }
  auto command = parse_command(update.text, bot_username);
  if (!command)
    return decision;
  decision.command = std::move(*command);
  const bool stale = backlog && now - update.sent_at > stale_command_age;
  decision.action = stale ? verdict::stale : verdict::answer;
  return decision;
}

std::vector<day_figures> days_of_history(const std::string& history_json) {
  std::vector<day_figures> days;
  const auto parsed = nlohmann::json::parse(history_json, nullptr, false);
  const auto listed = parsed.is_object() ? parsed.find("days") : parsed.end();
  if (listed == parsed.end() || !listed->is_array())
    return days;
  const auto number = [](const nlohmann::json& day, const char* key) {
    auto found = day.find(key);
    return found != day.end() && found->is_number_unsigned() ? found->get<std::uint64_t>()
                                                             : std::uint64_t{0};
  };
  for (const auto& day : *listed)
    if (day.is_object())
      days.push_back({string_member(day, "date"), number(day, "rx_bytes"), number(day, "tx_bytes"),
                      number(day, "counted_bytes")});
  return days;
}

std::string answer_for(const bot_command& command, const std::optional<published_figures>& figures,
                       const message_context& context, moment now) {
  switch (command.kind) {
    case bot_command_kind::help:
    case bot_command_kind::unknown:
      return format_help_answer(context.language);
    case bot_command_kind::status:
    case bot_command_kind::report:
    case bot_command_kind::history:
    case bot_command_kind::calibrate:
      break;
  }
  if (!figures)
    return format_no_figures(context.language);
  switch (command.kind) {
    case bot_command_kind::status:
      return format_status_answer(*figures, context, now);
    case bot_command_kind::report:
      return format_report_answer(*figures, context, now);
    case bot_command_kind::history:
      return format_history_answer(days_of_history(figures->history_json), context);
    default:
      // /calibrate gets here only with an amount that could not be read.
      return format_amount_refused(command.argument, context);
  }
}

std::int64_t next_offset(std::int64_t current, const std::vector<bot_update>& updates) {
  for (const auto& update : updates)
    current = std::max(current, update.update_id + 1);
  return current;
}

} // namespace tmon
