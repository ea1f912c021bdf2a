// The shapes of values that settings accept, and the text handling their checks and
// messages need. Pure functions: no environment, no files.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/outcome.hpp"
#include "common/text.hpp"

#include "actors/scheduler/calendar.hpp"

namespace tmon {

// ---- refusals ----------------------------------------------------------------------------

// A variable's value as the error sentences show it, and where it was read from.
struct setting {
  setting(std::string name, std::string value, std::string origin = {})
      : name(std::move(name)), value(std::move(value)), origin(std::move(origin)) {}

  std::string name;
  std::string value;
  // Empty, or " (read from NAME_FILE)".
  std::string origin;
};

// NAME="value" with the value printable, and where it was read from.
std::string quoted(const setting& s);

// Refuses with "NAME="value" is not valid: expected <accepted>[, but <flaw>]."
outcome<void> invalid(const setting& s, std::string_view accepted, std::string_view flaw = {});

// ---- text ---------------------------------------------------------------------------------

// Not empty, and ASCII digits only.
bool all_digits(std::string_view text);

bool is_control(char c);

// The comma-separated items of `text`, each trimmed.
std::vector<std::string_view> split_list(std::string_view text);

// "a, b or c"
std::string one_of(const std::vector<std::string_view>& names);

// The shortest digits that read back as `value`, never in exponent notation: a quota
// written 0.0000000001 shows as written, not as 1e-10.
std::string decimal_text(double value);

// Control characters escaped as \xNN, so that an error stays one line in the log.
std::string printable(std::string_view text);

// Characters as UTF-8 code points, so that a name in Chinese gets the same room.
std::size_t character_count(std::string_view text);

// ---- numbers ------------------------------------------------------------------------------

// Digits only: no sign, no spaces, no other base, and it must fit.
std::optional<long long> parse_whole(std::string_view text);

// digits[.digits], above zero.
std::optional<double> parse_positive_decimal(std::string_view text);

// `decimal` (digits[.digits]) times `unit_bytes`, rounded half up to a whole byte. Computed
// on the digits rather than on a double so that no quota is off by a rounding error; nothing
// when the result does not fit.
std::optional<std::uint64_t> exact_bytes(std::string_view decimal, std::uint64_t unit_bytes);

// ---- shapes -------------------------------------------------------------------------------

// Digits, a colon, then letters, digits, '_' or '-'.
bool is_token_shaped(std::string_view text);

// A whole number without leading zeros, or an @channel name of 5 to 32 word characters.
bool is_chat_id(std::string_view text);

// An http:// or https:// URL with a host, without spaces or control characters.
bool is_http_url(std::string_view text);

// A host name or address of this machine only: localhost, 127.0.0.0/8 or ::1 (with or
// without the brackets of a URL).
bool is_loopback_host(std::string_view host);

// H:MM or HH:MM.
std::optional<time_of_day> parse_time_of_day(std::string_view text);

// The offset of a TZ value that starts like a POSIX rule ("UTC+8", "CST-8", "<+08>-8",
// "EST5EDT,M3.2.0,M11.1.0"): a name of three or more letters or one in <>, then [+-]hh[:mm],
// in minutes with the sign as written; nothing for anything else.
std::optional<int> posix_rule_offset(std::string_view zone);

// A plain relative name: no leading ':' (which makes glibc fall back to UTC for an unknown
// name) or '/', and no empty, "." or ".." component that could leave the zone directory.
bool is_plain_zone_name(std::string_view zone);

} // namespace tmon
