// The command poller: with TELEGRAM_COMMANDS=on, answers /status, /report, /history,
// /calibrate and /help from the configured chats. It owns the bot's getUpdates long poll on
// a client of its own (a thread blocked in libcurl's multi poll, which wakes only when
// Telegram answers or a timer of libcurl's is due, and polls again by itself while nothing
// arrives), learns the bot's name from getMe, registers the menu with setMyCommands, and
// answers with the figures accounting has at the time. The update offset is saved by
// accounting before any answer goes out, so that a restart answers nothing twice; a command
// answered by nobody is asked again by the owner.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "actors/commands/bot_api.hpp"
#include "actors/notifier/message_catalog.hpp"
#include "messages/messages.hpp"

namespace tmon {

struct commands_settings {
  std::string api_base;
  std::string token;
  // TELEGRAM_CHAT_ID's entries: the only chats answered.
  std::vector<std::string> allowed_chats;
  // Language, unit, host name and, when PUBLIC_IP fixed it, the address.
  message_context context;
  // Runs on a thread of its own in production: it blocks for a whole long poll.
  bot_client_actor client;
  accounting_actor accounting;
  // The offset saved by the last run (0: none).
  std::int64_t offset = 0;
  wall_clock now;
  // A number in [0, 1) for back-off jitter.
  std::function<double()> jitter;
  std::shared_ptr<spdlog::logger> log;
};

// A command to answer, in the order it arrived.
struct pending_answer {
  std::int64_t update_id = 0;
  std::string chat_id;
  bot_command command;
};

struct commands_state {
  static inline const char* name = "commands";
  commands_settings settings;
  // From getMe; empty until it answered.
  std::string bot_username;
  // Calls that failed in a row, for the back-off.
  int failures = 0;
  // The last call was refused with 409 and that was logged.
  bool in_conflict = false;
  // True once a long poll followed another without a gap: its updates were sent while the
  // monitor was listening, whatever the clock says.
  bool listening = false;
  // Chats not configured that were named in the log already.
  std::set<std::string> foreign_chats_logged;
};

commands_actor::behavior_type commands(commands_actor::stateful_pointer<commands_state> self,
                                       commands_settings settings);

} // namespace tmon
