// Every sentence the monitor sends to people, in Chinese and English, kept in one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/types.hpp"

namespace tmon {

enum class message_language { zh, en };

// What a message says about where it comes from and how figures are shown.
struct message_context {
  message_language language = message_language::zh;
  traffic_unit unit{"GiB", 1024ull * 1024 * 1024};
  traffic_direction direction = traffic_direction::outbound;
  std::string host_name;
  // Dotted IPv4, or empty while unknown.
  std::string public_ipv4;
};

// The full text of the message for `e`. First line: an emoji and the title; in English the
// titles contain "Traffic monitor started", "Traffic alert", "Traffic reset",
// "Traffic report", "State file reset", "Billing cycle changed", "Usage calibrated",
// "Traffic forecast", "Traffic limit reached", "Traffic limit lifted". Then the host name and
// public IPv4 (a start-up notice next names the interfaces counted and any missing, with those that
// exist), used / quota / percent, rx and tx, the cycle's first and last local dates, days left;
// reports add today and yesterday, the daily average, the projection with the date the quota runs
// out (or "within quota") and the daily budget; a forecast alert the projection and the date;
// alerts the threshold; a calibration the figures before and after; reset notices the closed
// cycle's figures, its busiest day and daily average, the cycles skipped while stopped and, when
// the notice is late, the traffic of unknown date; a changed cycle gives its old and new bounds as
// local times and why it changed. Every message has at most 14 lines.
std::string format_message(const event& e, const message_context& context);

// Answers to the Telegram commands. Each names the host and its address like the messages do.

// A command of the bot's menu and of its help answer, with what it does.
struct command_description {
  std::string command;
  std::string description;
};

std::vector<command_description> command_menu(message_language language);

// /status: used / quota / percent, what is left, rx and tx, the cycle, days left, the
// projection (or that there is none yet), the daily budget, the last reading's local time,
// and whether the limit is in force.
std::string format_status_answer(const published_figures& figures, const message_context& context,
                                 moment now);

// /report: the report that would be sent at `now`.
std::string format_report_answer(const published_figures& figures, const message_context& context,
                                 moment now);

// One day of `history --json`.
struct day_figures {
  std::string date;
  std::uint64_t rx_bytes = 0;
  std::uint64_t tx_bytes = 0;
  std::uint64_t counted_bytes = 0;
};

constexpr std::size_t days_in_history_answer = 7;

// /history: the last days_in_history_answer of `days` (ascending), a line each.
std::string format_history_answer(const std::vector<day_figures>& days,
                                  const message_context& context);

// /help, /start and unknown commands: the commands with their descriptions.
std::string format_help_answer(message_language language);

// /calibrate, applied: the counted usage before and after.
std::string format_calibrated_answer(std::uint64_t before_bytes, std::uint64_t now_bytes,
                                     const message_context& context);

// /calibrate with `given`, which is no amount: what to give instead.
std::string format_amount_refused(std::string_view given, const message_context& context);

// Any command before accounting published its first figures.
std::string format_no_figures(message_language language);

// "12.34 GiB": bytes in the unit, two decimals, the unit's true name.
std::string format_amount(std::uint64_t bytes, const traffic_unit& unit);

// "57.3%": the share of `quota_bytes` that `bytes` is, with one decimal, truncated (99.96 %
// shows as 99.9 %), computed from the integers so that a share exactly at a tenth shows
// that tenth; "0.0%" for a zero quota.
std::string format_share(std::uint64_t bytes, std::uint64_t quota_bytes);

// "outbound (tx)" and so on, in the message's language.
std::string direction_label(traffic_direction direction, message_language language);

} // namespace tmon
