// Every sentence the monitor sends to people, in Chinese and English, kept in one place.
#pragma once

#include <cstdint>
#include <string>

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

// "12.34 GiB": bytes in the unit, two decimals, the unit's true name.
std::string format_amount(std::uint64_t bytes, const traffic_unit& unit);

// "57.3%": the share of `quota_bytes` that `bytes` is, with one decimal, truncated (99.96 %
// shows as 99.9 %), computed from the integers so that a share exactly at a tenth shows
// that tenth; "0.0%" for a zero quota.
std::string format_share(std::uint64_t bytes, std::uint64_t quota_bytes);

// "outbound (tx)" and so on, in the message's language.
std::string direction_label(traffic_direction direction, message_language language);

} // namespace tmon
