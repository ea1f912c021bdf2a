// Telegram commands as pure functions: the Bot API requests the command poller makes, the
// replies it judges, and the commands it reads out of the updates. The wording of the
// answers is the message catalog's.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/notifier/message_catalog.hpp"
#include "messages/types.hpp"

namespace tmon {

// How long Telegram holds a getUpdates call open when nothing arrives.
constexpr std::chrono::seconds long_poll_hold{50};

// A command that waited at Telegram longer than this while the monitor was not polling (it
// was down, or Telegram unreachable) is confirmed but not answered: the answer would come
// late, with figures the owner no longer asked for.
constexpr std::chrono::seconds stale_command_age{300};

// After a 409 (a webhook is set, or another poller uses the token): the wait before asking
// again.
constexpr std::chrono::seconds conflict_retry_delay{300};

enum class bot_command_kind { status, report, history, calibrate, help, unknown };

struct bot_command {
  bot_command_kind kind = bot_command_kind::help;
  // As written, in lower case: "status", "start", or the unknown name.
  std::string name;
  // The text after the command, trimmed (the AMOUNT of /calibrate).
  std::string argument;
};

bool operator==(const bot_command& x, const bot_command& y);

// The command in a message's text: "/status", "/status@ThisBot", "/calibrate 300GB". Nothing
// when the text is no command or is addressed to another bot than `bot_username` (compared
// without regard to case). /start and /help are help; other names are unknown.
std::optional<bot_command> parse_command(std::string_view text, std::string_view bot_username);

// One update of getUpdates, as far as the poller reads it.
struct bot_update {
  std::int64_t update_id = 0;
  // From a message or a channel post with text; false for every other kind of update.
  bool has_message = false;
  // The chat's numeric id, and its @username without the @ (empty when it has none).
  std::string chat_id;
  std::string chat_username;
  moment sent_at;
  std::string text;
};

bool operator==(const bot_update& x, const bot_update& y);

// What a getMe, getUpdates or setMyCommands reply means for the poller.
struct poll_verdict {
  enum class next_step {
    proceed,
    // The transport failed or the server had a problem: ask again after the back-off.
    retry,
    // 409: another poller or a webhook holds the token: ask again after conflict_retry_delay.
    conflict,
    // 401: the token is refused; polling stops.
    unauthorized,
  };
  next_step action = next_step::retry;
  // For a 429: the seconds Telegram asked to wait.
  std::optional<std::chrono::seconds> retry_after;
  // Telegram's description, or what went wrong, for the log.
  std::string reason;
  // getUpdates: the updates, in order; getMe: the bot's username in `bot_username`.
  std::vector<bot_update> updates;
  std::string bot_username;
};

poll_verdict judge_poll_reply(const http_response& reply);

// A getUpdates reply that accepted the call and holds no update at all: a long poll that
// Telegram ended for lack of news.
bool is_quiet_poll(const http_response& reply);

// `${api_base}/bot${token}/${method}`.
std::string bot_method_url(const std::string& api_base, const std::string& token,
                           std::string_view method);

http_request get_me_request(const std::string& api_base, const std::string& token);

// getUpdates from `offset` (0: whatever Telegram still holds), held open long_poll_hold, for
// messages and channel posts only.
http_request get_updates_request(const std::string& api_base, const std::string& token,
                                 std::int64_t offset);

// setMyCommands with the menu in `language`.
http_request set_commands_request(const std::string& api_base, const std::string& token,
                                  message_language language);

// What to do with one update.
struct update_decision {
  enum class verdict {
    answer,
    // Not from a configured chat: ignored, and the chat is named in the log once.
    foreign_chat,
    // A command of the backlog older than stale_command_age: confirmed without an answer.
    stale,
    // No text, no command, or a command for another bot.
    ignore,
  };
  verdict action = verdict::ignore;
  bot_command command;
};

// Judges `update` for a bot named `bot_username` that answers the chats `allowed_chats`
// (TELEGRAM_CHAT_ID's entries: numeric ids, or @names of public chats, matched without regard
// to case). `backlog`: the update came with the first poll after a gap (the start, failed
// calls), so it may have waited; it is stale when sent more than stale_command_age before
// `now`. The updates of a poll that followed another at once arrived as they were sent, and
// a wrong clock must not silence them.
update_decision judge_update(const bot_update& update,
                             const std::vector<std::string>& allowed_chats,
                             std::string_view bot_username, moment now, bool backlog);

// The days of `history --json`, ascending; none when it holds none or cannot be read.
std::vector<day_figures> days_of_history(const std::string& history_json);

// The answer to a command other than an applicable /calibrate, from accounting's figures
// (none before the first cycle is settled: format_no_figures).
std::string answer_for(const bot_command& command, const std::optional<published_figures>& figures,
                       const message_context& context, moment now);

// The offset that confirms every update up to the last of `updates`; `current` when there are
// none.
std::int64_t next_offset(std::int64_t current, const std::vector<bot_update>& updates);

} // namespace tmon
