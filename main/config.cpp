#include "main/config.hpp"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actors/notifier/telegram.hpp"
#include "actors/sampler/proc_net.hpp"

namespace tmon {

namespace {

// The reason a variable is refused; nothing when it is fine.
using problem = std::optional<std::string>;

constexpr std::string_view white_space = " \t\n\v\f\r";

constexpr std::uint64_t gib_bytes = 1024ull * 1024 * 1024;
constexpr std::uint64_t gb_bytes = 1000ull * 1000 * 1000;

// ---- text ---------------------------------------------------------------------------------

std::string_view trimmed(std::string_view text) {
  auto first = text.find_first_not_of(white_space);
  if (first == std::string_view::npos)
    return {};
  auto last = text.find_last_not_of(white_space);
  return text.substr(first, last - first + 1);
}

std::string lowercase(std::string_view text) {
  std::string result{text};
  for (auto& c : result)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return result;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

bool is_word_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_control(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    auto end = text.find(separator);
    parts.push_back(text.substr(0, end));
    if (end == std::string_view::npos)
      return parts;
    text.remove_prefix(end + 1);
  }
}

std::vector<std::string_view> split_list(std::string_view text) {
  auto items = split(text, ',');
  for (auto& item : items)
    item = trimmed(item);
  return items;
}

std::string joined(const std::vector<std::string>& items) {
  std::string result;
  for (const auto& item : items)
    result += (result.empty() ? "" : ",") + item;
  return result;
}

// "a, b or c"
std::string one_of(const std::vector<std::string_view>& names) {
  std::string result;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      result += i + 1 == names.size() ? " or " : ", ";
    result += names[i];
  }
  return result;
}

// The shortest digits that read back as `value`, never in exponent notation: a threshold
// written 0.0000000001 shows as written, not as 1e-10.
std::string decimal_text(double value) {
  char buffer[512];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed).ptr;
  return std::string(buffer, end);
}

// ---- numbers ------------------------------------------------------------------------------

// Digits only: no sign, no spaces, no other base, and it must fit.
std::optional<long long> parse_whole(std::string_view text) {
  long long value = 0;
  if (!all_digits(text))
    return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

bool is_plain_decimal(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos)
    return all_digits(text);
  return all_digits(text.substr(0, dot)) && all_digits(text.substr(dot + 1));
}

// digits[.digits], above zero.
std::optional<double> parse_positive_decimal(std::string_view text) {
  double value = 0;
  if (!is_plain_decimal(text))
    return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value,
                                      std::chars_format::fixed);
  if (error != std::errc{} || end != text.data() + text.size() || !(value > 0))
    return std::nullopt;
  return value;
}

// `decimal` (digits[.digits]) times `unit_bytes`, rounded half up to a whole byte. Computed
// on the digits rather than on a double so that no quota is off by a rounding error; nothing
// when the result does not fit.
std::optional<std::uint64_t> exact_bytes(std::string_view decimal, std::uint64_t unit_bytes) {
  auto dot = decimal.find('.');
  auto whole_digits = decimal.substr(0, dot);
  auto fraction_digits = dot == std::string_view::npos ? std::string_view{}
                                                       : decimal.substr(dot + 1);
  std::uint64_t whole = 0;
  auto parsed = std::from_chars(whole_digits.data(), whole_digits.data() + whole_digits.size(),
                                whole);
  if (parsed.ec != std::errc{})
    return std::nullopt;
  // floor(2 * 0.fraction * unit_bytes) by Horner's rule from the last digit: flooring every
  // step is exact because the part dropped before a division by ten is below one.
  std::uint64_t doubled_fraction = 0;
  for (auto digit = fraction_digits.rbegin(); digit != fraction_digits.rend(); ++digit)
    doubled_fraction = (static_cast<std::uint64_t>(*digit - '0') * 2 * unit_bytes
                        + doubled_fraction)
                       / 10;
  auto fraction_bytes = (doubled_fraction + 1) / 2;
  constexpr auto largest = std::numeric_limits<std::uint64_t>::max();
  if (whole > largest / unit_bytes || fraction_bytes > largest - whole * unit_bytes)
    return std::nullopt;
  return whole * unit_bytes + fraction_bytes;
}

// ---- shapes of values ---------------------------------------------------------------------

bool is_token_shaped(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos || !all_digits(text.substr(0, colon)))
    return false;
  auto secret = text.substr(colon + 1);
  return !secret.empty() && std::all_of(secret.begin(), secret.end(), [](char c) {
    return is_word_char(c) || c == '-';
  });
}

bool is_chat_id(std::string_view text) {
  if (!text.empty() && text.front() == '@') {
    auto name = text.substr(1);
    return name.size() >= 5 && name.size() <= 32
           && std::all_of(name.begin(), name.end(), is_word_char);
  }
  auto digits = !text.empty() && text.front() == '-' ? text.substr(1) : text;
  long long ignored = 0;
  return all_digits(digits) && digits.front() != '0'
         && std::from_chars(text.data(), text.data() + text.size(), ignored).ec == std::errc{};
}

// Channel names are case-insensitive in Telegram; numeric ids are canonical already.
std::string chat_key(std::string_view chat_id) {
  return lowercase(chat_id);
}

std::string interface_key(std::string_view name) {
  return std::string{name};
}

// The authority of a URL ("user@host:port") names a host: a name or address, or an IPv6
// address in brackets.
bool has_host(std::string_view authority) {
  auto at = authority.rfind('@');
  if (at != std::string_view::npos)
    authority.remove_prefix(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    auto closing = authority.find(']');
    return closing != std::string_view::npos && closing > 1;
  }
  return !authority.substr(0, authority.find(':')).empty();
}

bool is_http_url(std::string_view text) {
  if (std::any_of(text.begin(), text.end(), [](char c) { return c == ' ' || is_control(c); }))
    return false;
  auto separator = text.find("://");
  if (separator == std::string_view::npos)
    return false;
  auto scheme = lowercase(text.substr(0, separator));
  if (scheme != "http" && scheme != "https")
    return false;
  auto rest = text.substr(separator + 3);
  return has_host(rest.substr(0, rest.find_first_of("/?#")));
}

// Characters as UTF-8 code points, so that a name in Chinese gets the same room.
std::size_t character_count(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::optional<time_of_day> parse_time_of_day(std::string_view text) {
  auto colon = text.find(':');
  if (colon == std::string_view::npos)
    return std::nullopt;
  auto hour_text = text.substr(0, colon);
  auto minute_text = text.substr(colon + 1);
  if (hour_text.size() > 2 || minute_text.size() != 2)
    return std::nullopt;
  auto hour = parse_whole(hour_text);
  auto minute = parse_whole(minute_text);
  if (!hour || !minute || *hour > 23 || *minute > 59)
    return std::nullopt;
  return time_of_day{static_cast<int>(*hour), static_cast<int>(*minute)};
}

// ---- keywords -----------------------------------------------------------------------------

template <class T>
using keyword_table = std::vector<std::pair<std::string_view, T>>;

const keyword_table<traffic_direction> directions{
  {"outbound", traffic_direction::outbound},
  {"inbound", traffic_direction::inbound},
  {"bidirectional", traffic_direction::bidirectional},
  {"max", traffic_direction::max},
};

const keyword_table<std::uint64_t> units{{"GiB", gib_bytes}, {"GB", gb_bytes}};

const keyword_table<log_level> levels{
  {"trace", log_level::trace}, {"debug", log_level::debug}, {"info", log_level::info},
  {"warn", log_level::warn},   {"error", log_level::error},
};

const keyword_table<message_language> languages{
  {"zh", message_language::zh},
  {"en", message_language::en},
};

template <class T>
std::string name_of(const keyword_table<T>& table, const T& value) {
  for (const auto& [name, candidate] : table)
    if (candidate == value)
      return std::string{name};
  return {};
}

template <class T>
std::vector<std::string_view> names_of(const keyword_table<T>& table) {
  std::vector<std::string_view> names;
  for (const auto& entry : table)
    names.push_back(entry.first);
  return names;
}

// ---- errors -------------------------------------------------------------------------------

// A variable's value as the error sentences show it, and where it was read from.
struct setting {
  setting(std::string name, std::string value, std::string origin = {})
      : name(std::move(name)), value(std::move(value)), origin(std::move(origin)) {}

  std::string name;
  std::string value;
  // Empty, or " (read from NAME_FILE)".
  std::string origin;
};

// Control characters escaped, so that an error stays one line in the log.
std::string printable(std::string_view text) {
  std::string result;
  for (char c : text) {
    if (!is_control(c)) {
      result += c;
      continue;
    }
    char escaped[8];
    std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
    result += escaped;
  }
  return result;
}

std::string quoted(const setting& s) {
  return s.name + "=\"" + printable(s.value) + "\"" + s.origin;
}

problem invalid(const setting& s, std::string_view accepted, std::string_view flaw = {}) {
  auto sentence = quoted(s) + " is not valid: expected " + std::string{accepted};
  if (!flaw.empty())
    sentence += ", but " + std::string{flaw};
  return sentence + ".";
}

// ---- reading variables --------------------------------------------------------------------

// The trimmed value; nothing when unset or empty, so that the default applies.
std::optional<std::string> value_of(const environment_lookup& lookup, const std::string& name) {
  auto raw = lookup(name);
  if (!raw)
    return std::nullopt;
  std::string text{trimmed(*raw)};
  if (text.empty())
    return std::nullopt;
  return text;
}

constexpr std::size_t largest_secret_file = 64 * 1024;

// A secret file must be a regular file of at most 64 KiB, so that a device such as
// /dev/zero or a FIFO is refused at once instead of read for ever. A path that cannot be
// examined is left to the reading, which says why.
problem refuse_unlike_secret_file(const setting& file, const std::string& holds) {
  struct stat status {};
  if (::stat(file.value.c_str(), &status) != 0 || S_ISDIR(status.st_mode))
    return std::nullopt;
  auto accepted = "a regular file of at most 64 KiB that holds " + holds;
  if (!S_ISREG(status.st_mode))
    return invalid(file, accepted, "it is not a regular file");
  if (static_cast<std::uint64_t>(status.st_size) > largest_secret_file)
    return invalid(file, accepted, "it has " + std::to_string(status.st_size) + " bytes");
  return std::nullopt;
}

// The whole content of a file of at most largest_secret_file bytes, or why it cannot be
// read.
outcome<std::string> secret_file_content(const std::string& path) {
  auto failure = [](std::string why) { return outcome<std::string>::failure(std::move(why)); };
  // Non-blocking, so that a FIFO put in place since it was examined does not wait.
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (descriptor < 0)
    return failure(std::strerror(errno));
  std::string content;
  char buffer[4096];
  int error = 0;
  // One byte more than allowed tells a file that grew from one at the limit.
  while (content.size() <= largest_secret_file) {
    auto count = ::read(descriptor, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR)
      continue;
    if (count <= 0) {
      error = count < 0 ? errno : 0;
      break;
    }
    content.append(buffer, static_cast<std::size_t>(count));
  }
  ::close(descriptor);
  if (error != 0)
    return failure(std::strerror(error));
  if (content.size() > largest_secret_file)
    return failure("it has grown past 64 KiB");
  return outcome<std::string>::success(std::move(content));
}

// NAME or NAME_FILE (a file holding the value, as Docker secrets are given); `found` stays
// empty when neither is set.
problem read_secret(const environment_lookup& lookup, const std::string& name,
                    std::optional<setting>& found) {
  auto file_variable = name + "_FILE";
  auto direct = value_of(lookup, name);
  auto path = value_of(lookup, file_variable);
  if (direct && path)
    return name + " and " + file_variable + " are both set: expected only one of them.";
  if (direct)
    found = setting{name, *direct, {}};
  if (!path)
    return std::nullopt;
  if (auto refused = refuse_unlike_secret_file({file_variable, *path}, name))
    return refused;
  auto content = secret_file_content(*path);
  if (!content)
    return quoted({file_variable, *path}) + " cannot be read: " + content.error + ".";
  auto text = trimmed(*content.value);
  if (text.empty())
    return invalid({file_variable, *path}, "a file that holds " + name, "the file is empty");
  found = setting{name, std::string{text}, " (read from " + file_variable + ")"};
  return std::nullopt;
}

problem refuse_placeholder(const setting& s, std::string_view placeholder,
                           std::string_view wanted) {
  if (s.value != placeholder)
    return std::nullopt;
  return quoted(s) + " is the example placeholder, which was not replaced: expected "
         + std::string{wanted} + ".";
}

problem check_token(const setting& token) {
  if (auto refused = refuse_placeholder(token, "YOUR_TELEGRAM_BOT_TOKEN",
                                        "the bot token that @BotFather gave you"))
    return refused;
  if (is_token_shaped(token.value))
    return std::nullopt;
  auto shown = token;
  shown.value = mask_token(token.value);
  return invalid(shown, "a bot token such as 123456789:ABC-def_ghi (digits, a colon, then letters, "
                        "digits, '_' or '-')");
}

// The items of a comma-separated value, each trimmed, non-empty and accepted by `accepts`.
outcome<std::vector<std::string>> checked_items(const setting& s, bool (*accepts)(std::string_view),
                                                std::string_view accepted) {
  std::vector<std::string> items;
  for (auto item : split_list(s.value)) {
    if (item.empty())
      return outcome<std::vector<std::string>>::failure(
        *invalid(s, accepted, "it has an empty item"));
    if (!accepts(item))
      return outcome<std::vector<std::string>>::failure(
        *invalid(s, accepted, "item \"" + printable(item) + "\" is not"));
    items.emplace_back(item);
  }
  return outcome<std::vector<std::string>>::success(std::move(items));
}

problem refuse_repeats(const setting& s, const std::vector<std::string>& items,
                       std::string (*key)(std::string_view), std::string_view accepted) {
  std::vector<std::string> seen;
  for (const auto& item : items) {
    auto item_key = key(item);
    if (std::find(seen.begin(), seen.end(), item_key) != seen.end())
      return invalid(s, accepted, "\"" + printable(item) + "\" is listed twice");
    seen.push_back(item_key);
  }
  return std::nullopt;
}

// A comma-separated list of distinct items; repeats (by `key`) are refused rather than
// silently merged, since an item counted or sent to twice is a mistake.
outcome<std::vector<std::string>> distinct_items(const setting& s,
                                                 bool (*accepts)(std::string_view),
                                                 std::string (*key)(std::string_view),
                                                 std::string_view accepted) {
  auto items = checked_items(s, accepts, accepted);
  if (!items)
    return items;
  if (auto repeated = refuse_repeats(s, *items.value, key, accepted))
    return outcome<std::vector<std::string>>::failure(*repeated);
  return items;
}

problem read_chat_ids(const setting& chats, std::vector<std::string>& chat_ids) {
  if (auto refused = refuse_placeholder(chats, "YOUR_TELEGRAM_CHAT_ID",
                                        "the id of the chat to send alerts to"))
    return refused;
  constexpr std::string_view accepted =
    "a comma-separated list of distinct chat ids, each a whole number without leading zeros "
    "such as -1001234567890 or an @channel name of 5 to 32 letters, digits or underscores";
  auto items = distinct_items(chats, is_chat_id, chat_key, accepted);
  if (!items)
    return items.error;
  chat_ids = std::move(*items.value);
  return std::nullopt;
}

problem read_telegram(const environment_lookup& lookup, config& settings) {
  std::optional<setting> token;
  std::optional<setting> chats;
  if (auto failed = read_secret(lookup, "TELEGRAM_BOT_TOKEN", token))
    return failed;
  if (auto failed = read_secret(lookup, "TELEGRAM_CHAT_ID", chats))
    return failed;
  if (!token && !chats)
    return std::nullopt;
  if (!chats)
    return std::string{"TELEGRAM_CHAT_ID is not set: expected the chat ids to send alerts to "
                       "when TELEGRAM_BOT_TOKEN is set, or neither for log-only mode."};
  if (!token)
    return std::string{"TELEGRAM_BOT_TOKEN is not set: expected the bot token to send alerts "
                       "with when TELEGRAM_CHAT_ID is set, or neither for log-only mode."};
  if (auto refused = check_token(*token))
    return refused;
  settings.telegram_bot_token = token->value;
  return read_chat_ids(*chats, settings.telegram_chat_ids);
}

problem read_api_base(const environment_lookup& lookup, config& settings) {
  auto text = value_of(lookup, "TELEGRAM_API_BASE");
  if (!text)
    return std::nullopt;
  if (!is_http_url(*text))
    return invalid({"TELEGRAM_API_BASE", mask_url_credentials(*text)},
                   "an http:// or https:// URL with a host, such as https://api.telegram.org");
  settings.telegram_api_base = text->substr(0, text->find_last_not_of('/') + 1);
  return std::nullopt;
}

template <class T>
problem read_keyword(const environment_lookup& lookup, const std::string& name,
                     const keyword_table<T>& table, T& target) {
  auto text = value_of(lookup, name);
  if (!text)
    return std::nullopt;
  for (const auto& [keyword, value] : table) {
    if (lowercase(keyword) == lowercase(*text)) {
      target = value;
      return std::nullopt;
    }
  }
  return invalid({name, *text}, one_of(names_of(table)));
}

problem read_direction(const environment_lookup& lookup, config& settings) {
  return read_keyword(lookup, "TRAFFIC_DIRECTION", directions, settings.direction);
}

problem read_unit(const environment_lookup& lookup, config& settings) {
  auto failed = read_keyword(lookup, "TRAFFIC_UNIT", units, settings.unit.bytes);
  settings.unit.name = name_of(units, settings.unit.bytes);
  return failed;
}

problem read_quota(const environment_lookup& lookup, config& settings) {
  setting quota{"MONTHLY_TRAFFIC_GB", value_of(lookup, "MONTHLY_TRAFFIC_GB").value_or("1024")};
  auto amount = parse_positive_decimal(quota.value);
  if (!amount)
    return invalid(quota, "a decimal number above 0 such as 1024 or 200.5");
  auto amount_text = quota.value + " " + settings.unit.name;
  auto bytes = exact_bytes(quota.value, settings.unit.bytes);
  if (!bytes)
    return invalid(quota, "a quota below 2^64 bytes", amount_text + " is more");
  if (*bytes == 0)
    return invalid(quota, "a quota of at least one byte", amount_text + " rounds to 0 bytes");
  settings.monthly_traffic = *amount;
  settings.quota_bytes = *bytes;
  return std::nullopt;
}

problem read_whole_number(const environment_lookup& lookup, const std::string& name, int lowest,
                          int highest, int& target) {
  auto text = value_of(lookup, name);
  if (!text)
    return std::nullopt;
  auto number = parse_whole(*text);
  if (!number || *number < lowest || *number > highest)
    return invalid({name, *text}, "a whole number from " + std::to_string(lowest) + " to "
                                    + std::to_string(highest));
  target = static_cast<int>(*number);
  return std::nullopt;
}

problem read_reset_day(const environment_lookup& lookup, config& settings) {
  return read_whole_number(lookup, "RESET_DAY", 1, 31, settings.reset_day);
}

problem read_check_interval(const environment_lookup& lookup, config& settings) {
  return read_whole_number(lookup, "CHECK_INTERVAL_SECONDS", 1, 86400,
                           settings.check_interval_seconds);
}

problem read_report_interval(const environment_lookup& lookup, config& settings) {
  return read_whole_number(lookup, "REPORT_INTERVAL_DAYS", 0, 15, settings.report_interval_days);
}

bool is_threshold(std::string_view text) {
  return parse_positive_decimal(text).has_value();
}

// A threshold's value as a number, so that 80, 80.0 and 080 are the same threshold.
std::string threshold_key(std::string_view text) {
  return decimal_text(*parse_positive_decimal(text));
}

problem read_thresholds(const environment_lookup& lookup, config& settings) {
  auto text = value_of(lookup, "THRESHOLDS");
  if (!text)
    return std::nullopt;
  auto items = distinct_items({"THRESHOLDS", *text}, is_threshold, threshold_key,
                              "a comma-separated list of distinct percentages, each a decimal "
                              "number above 0 such as 80 or 92.5");
  if (!items)
    return items.error;
  std::vector<double> thresholds;
  for (const auto& item : *items.value)
    thresholds.push_back(*parse_positive_decimal(item));
  std::sort(thresholds.begin(), thresholds.end());
  settings.thresholds = std::move(thresholds);
  return std::nullopt;
}

problem read_interfaces(const environment_lookup& lookup, config& settings) {
  auto text = value_of(lookup, "NETWORK_INTERFACE");
  if (!text)
    return std::nullopt;
  setting interfaces{"NETWORK_INTERFACE", *text};
  constexpr std::string_view accepted =
    "a comma-separated list of distinct interface names, each 1 to 15 characters without "
    "'/', ':' or white space and not \".\" or \"..\"";
  auto items = distinct_items(interfaces, is_interface_name, interface_key, accepted);
  if (!items)
    return items.error;
  settings.interfaces = std::move(*items.value);
  return std::nullopt;
}

problem read_report_time(const environment_lookup& lookup, config& settings) {
  auto text = value_of(lookup, "REPORT_TIME");
  if (!text)
    return std::nullopt;
  auto time = parse_time_of_day(*text);
  if (!time)
    return invalid({"REPORT_TIME", *text},
                   "H:MM or HH:MM with an hour from 0 to 23 and a two-digit minute from 00 to 59");
  settings.report_time = *time;
  return std::nullopt;
}

// The offset of a TZ value that starts like a POSIX rule ("UTC+8", "CST-8", "<+08>-8",
// "EST5EDT,M3.2.0,M11.1.0"): a name of three or more letters or one in <>, then [+-]hh[:mm],
// in minutes with the sign as written; nothing for anything else.
std::optional<int> posix_rule_offset(std::string_view zone) {
  std::size_t at = 0;
  if (!zone.empty() && zone.front() == '<') {
    at = zone.find('>');
    if (at == std::string_view::npos)
      return std::nullopt;
    ++at;
  } else {
    while (at < zone.size()
           && ((zone[at] >= 'a' && zone[at] <= 'z') || (zone[at] >= 'A' && zone[at] <= 'Z')))
      ++at;
    if (at < 3)
      return std::nullopt;
  }
  int sign = 1;
  if (at < zone.size() && (zone[at] == '+' || zone[at] == '-'))
    sign = zone[at++] == '-' ? -1 : 1;
  auto digits = [&](std::size_t most) {
    int value = 0;
    std::size_t count = 0;
    for (; count < most && at < zone.size() && is_digit(zone[at]); ++count)
      value = value * 10 + (zone[at++] - '0');
    return count == 0 ? -1 : value;
  };
  const int hours = digits(2);
  if (hours < 0)
    return std::nullopt;
  int minutes = 0;
  if (at + 1 < zone.size() && zone[at] == ':' && is_digit(zone[at + 1])) {
    ++at;
    minutes = std::max(digits(2), 0);
  }
  return sign * (hours * 60 + minutes);
}

// POSIX counts a rule's offset west of Greenwich, so "UTC+8" is eight hours behind UTC: the
// trap a user in China falls into. The hint reads the offset as people write it and names
// the zone for that, and says what the rule would really mean.
std::string posix_rule_refusal(const std::string& zone, int written_minutes) {
  std::string hint = "a zone name such as Asia/Shanghai";
  const int hours = written_minutes / 60;
  // The Etc zones (with POSIX's sign) have whole hours from UTC-12 to UTC+14 only.
  if (written_minutes == 0)
    hint += ", or UTC for UTC" + utc_offset_text(0);
  else if (written_minutes % 60 == 0 && hours >= -12 && hours <= 14)
    hint += ", or Etc/GMT" + std::string{hours > 0 ? "-" : "+"} + std::to_string(std::abs(hours))
            + " for UTC" + utc_offset_text(written_minutes);
  return *invalid({"TZ", zone}, hint,
                  "in a POSIX rule the offset counts west of Greenwich, so it would mean UTC"
                    + utc_offset_text(-written_minutes));
}

// A plain relative name: no leading ':' (which makes glibc fall back to UTC for an unknown
// name) or '/', and no empty, "." or ".." component that could leave the zone directory.
bool is_plain_zone_name(std::string_view zone) {
  if (zone.front() == ':' || zone.front() == '/')
    return false;
  auto components = split(zone, '/');
  return std::none_of(components.begin(), components.end(), [](std::string_view component) {
    return component.empty() || component == "." || component == "..";
  });
}

// A regular file that starts with the magic of the time-zone database's files.
bool is_zone_file(const std::string& path) {
  std::error_code no_file;
  if (!std::filesystem::is_regular_file(path, no_file))
    return false;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{std::fopen(path.c_str(), "rb"),
                                                       &std::fclose};
  char magic[4] = {};
  return file && std::fread(magic, 1, sizeof magic, file.get()) == sizeof magic
         && std::string_view{magic, sizeof magic} == "TZif";
}

// Where glibc looks for a zone file: TZDIR when set and not empty.
std::string zone_directory(const environment_lookup& lookup) {
  auto directory = lookup("TZDIR");
  return directory && !directory->empty() ? *directory : "/usr/share/zoneinfo";
}

// Only UTC and the names of the time-zone database: glibc silently runs an unknown name in
// UTC and reads a POSIX offset with the sign most people do not expect.
problem read_time_zone(const environment_lookup& lookup, config& settings) {
  auto raw = lookup("TZ");
  if (!raw || trimmed(*raw).empty())
    return std::nullopt;
  const auto& zone = *raw;
  // The C library takes TZ as it is, so white space around a zone name would silently
  // select UTC.
  if (trimmed(zone) != zone)
    return invalid({"TZ", zone}, "a zone name without surrounding white space");
  if (zone == "UTC") {
    settings.time_zone = zone;
    return std::nullopt;
  }
  if (auto written_offset = posix_rule_offset(zone))
    return posix_rule_refusal(zone, *written_offset);
  auto directory = zone_directory(lookup);
  if (!is_plain_zone_name(zone) || !is_zone_file(directory + "/" + zone))
    return quoted({"TZ", zone}) + " is not a known time zone: expected a zone name found under "
           + printable(directory) + " such as Asia/Shanghai or UTC.";
  settings.time_zone = zone;
  return std::nullopt;
}

problem read_data_dir(const environment_lookup& lookup, config& settings) {
  settings.data_dir = value_of(lookup, "DATA_DIR").value_or(settings.data_dir);
  return std::nullopt;
}

problem read_log_file(const environment_lookup& lookup, config& settings) {
  auto raw = lookup("LOG_FILE");
  if (raw)
    settings.log_file = std::string{trimmed(*raw)};
  else
    settings.log_file = (std::filesystem::path{settings.data_dir} / "traffic-monitor.log").string();
  return std::nullopt;
}

problem read_log_level(const environment_lookup& lookup, config& settings) {
  return read_keyword(lookup, "LOG_LEVEL", levels, settings.level);
}

problem read_host_proc(const environment_lookup& lookup, config& settings) {
  settings.host_proc = value_of(lookup, "HOST_PROC").value_or(settings.host_proc);
  return std::nullopt;
}

problem read_language(const environment_lookup& lookup, config& settings) {
  return read_keyword(lookup, "MESSAGE_LANG", languages, settings.language);
}

problem read_server_name(const environment_lookup& lookup, config& settings) {
  auto text = value_of(lookup, "SERVER_NAME");
  if (!text)
    return std::nullopt;
  if (character_count(*text) > 64 || std::any_of(text->begin(), text->end(), is_control))
    return invalid({"SERVER_NAME", *text}, "a name of up to 64 characters without control "
                                           "characters");
  settings.server_name = *text;
  return std::nullopt;
}

problem read_public_ip(const environment_lookup& lookup, config& settings) {
  auto text = value_of(lookup, "PUBLIC_IP");
  if (!text)
    return std::nullopt;
  if (!is_dotted_ipv4(*text))
    return invalid({"PUBLIC_IP", *text}, "a dotted IPv4 address such as 203.0.113.7");
  settings.public_ip = *text;
  return std::nullopt;
}

problem read_public_ip_urls(const environment_lookup& lookup, config& settings) {
  auto text = value_of(lookup, "PUBLIC_IP_URLS");
  if (!text)
    return std::nullopt;
  // Checked on the masked text, so that a refusal never shows a password; masking keeps
  // every item's validity.
  auto items = checked_items({"PUBLIC_IP_URLS", mask_url_credentials(*text)}, is_http_url,
                             "a comma-separated list of http:// or https:// URLs with a host");
  if (!items)
    return items.error;
  settings.public_ip_urls.clear();
  for (auto item : split_list(*text))
    settings.public_ip_urls.emplace_back(item);
  return std::nullopt;
}

// Up to 1 Tbit/s, far beyond any server's link.
problem read_max_bandwidth(const environment_lookup& lookup, config& settings) {
  return read_whole_number(lookup, "MAX_BANDWIDTH_MBIT", 0, 1'000'000, settings.max_bandwidth_mbit);
}

using reader = problem (*)(const environment_lookup&, config&);

// In the order of describe_config; DATA_DIR comes before LOG_FILE, which defaults into it,
// and TRAFFIC_UNIT before the quota given in it.
constexpr reader readers[] = {
  read_telegram,      read_api_base,   read_direction,      read_unit,       read_quota,
  read_reset_day,     read_thresholds, read_check_interval, read_interfaces, read_report_interval,
  read_report_time,   read_time_zone,  read_data_dir,       read_log_file,   read_log_level,
  read_host_proc,     read_language,   read_server_name,    read_public_ip,  read_public_ip_urls,
  read_max_bandwidth,
};

// ---- describing ---------------------------------------------------------------------------

std::string or_placeholder(const std::string& value, const char* placeholder) {
  return value.empty() ? placeholder : value;
}

std::string thresholds_text(const std::vector<double>& thresholds) {
  std::vector<std::string> items;
  for (auto threshold : thresholds)
    items.push_back(decimal_text(threshold));
  return joined(items);
}

std::string time_text(time_of_day time) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%02d:%02d", time.hour, time.minute);
  return buffer;
}

} // namespace

outcome<config> parse_config(const environment_lookup& lookup) {
  config settings;
  for (auto read : readers)
    if (auto failed = read(lookup, settings))
      return outcome<config>::failure(std::move(*failed));
  return outcome<config>::success(std::move(settings));
}

environment_lookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr)
      return std::nullopt;
    return std::string{value};
  };
}

std::string describe_config(const config& settings, epoch_seconds now) {
  const std::pair<const char*, std::string> lines[] = {
    {"TELEGRAM_BOT_TOKEN", or_placeholder(mask_token(settings.telegram_bot_token), "(none)")},
    {"TELEGRAM_CHAT_ID", or_placeholder(joined(settings.telegram_chat_ids), "(none)")},
    {"TELEGRAM_API_BASE", settings.telegram_api_base},
    {"TRAFFIC_DIRECTION", name_of(directions, settings.direction)},
    {"TRAFFIC_UNIT", settings.unit.name},
    {"MONTHLY_TRAFFIC_GB", decimal_text(settings.monthly_traffic)},
    {"RESET_DAY", std::to_string(settings.reset_day)},
    {"THRESHOLDS", thresholds_text(settings.thresholds)},
    {"CHECK_INTERVAL_SECONDS", std::to_string(settings.check_interval_seconds)},
    {"NETWORK_INTERFACE", or_placeholder(joined(settings.interfaces), "(default route)")},
    {"REPORT_INTERVAL_DAYS", std::to_string(settings.report_interval_days)},
    {"REPORT_TIME", time_text(settings.report_time)},
    {"TZ", settings.time_zone.empty() ? "(system default, UTC" + local_utc_offset(now) + ")"
                                      : settings.time_zone + " (UTC" + local_utc_offset(now) + ")"},
    {"DATA_DIR", settings.data_dir},
    {"LOG_FILE", or_placeholder(settings.log_file, "(none)")},
    {"LOG_LEVEL", name_of(levels, settings.level)},
    {"HOST_PROC", settings.host_proc},
    {"MESSAGE_LANG", name_of(languages, settings.language)},
    {"SERVER_NAME", or_placeholder(settings.server_name, "(host name)")},
    {"PUBLIC_IP", or_placeholder(settings.public_ip, "(looked up)")},
    {"PUBLIC_IP_URLS", joined(settings.public_ip_urls)},
    {"MAX_BANDWIDTH_MBIT", std::to_string(settings.max_bandwidth_mbit)},
  };
  std::string text;
  for (const auto& [name, value] : lines)
    text += std::string{name} + "=" + value + "\n";
  return mask_secrets(std::move(text), settings);
}

std::string mask_token(const std::string& token) {
  if (token.empty())
    return {};
  if (!is_token_shaped(token))
    return "***";
  return token.substr(0, token.find(':')) + ":***";
}

namespace {

// The user information of a URL ("user:pass" of "https://user:pass@proxy/"); empty when it
// has none.
std::string url_credentials(std::string_view url) {
  auto separator = url.find("://");
  if (separator == std::string_view::npos)
    return {};
  auto authority = url.substr(separator + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  auto at = authority.rfind('@');
  return at == std::string_view::npos ? std::string{} : std::string{authority.substr(0, at)};
}

} // namespace

std::string mask_secrets(std::string text, const config& settings) {
  text = redact(std::move(text), settings.telegram_bot_token,
                mask_token(settings.telegram_bot_token));
  text = mask_url_credentials(std::move(text));
  std::vector<std::string> urls = settings.public_ip_urls;
  urls.push_back(settings.telegram_api_base);
  for (const auto& url : urls)
    text = redact(std::move(text), url_credentials(url), "***");
  return text;
}

namespace {

// Why a directory the run will create if missing cannot be used, checked without creating
// it: the directory, or its nearest existing ancestor, must be a directory the process may
// write to (access also reports a read-only file system, which root cannot bypass).
problem unwritable_directory(const std::filesystem::path& directory) {
  namespace fs = std::filesystem;
  auto existing = directory.empty() ? fs::path{"."} : directory;
  std::error_code failure;
  while (!fs::exists(existing, failure)) {
    if (failure)
      return failure.message();
    if (!existing.has_relative_path() || existing.parent_path() == existing)
      return std::string{"no part of it exists"};
    existing = existing.parent_path();
    if (existing.empty())
      existing = ".";
  }
  const auto shown = printable(existing.string());
  if (!fs::is_directory(existing, failure))
    return shown + " is not a directory";
  if (::access(existing.c_str(), W_OK | X_OK) != 0)
    return shown + " cannot be written: " + std::strerror(errno);
  return std::nullopt;
}

problem unusable_host_proc(const config& settings) {
  auto refusal = [&](const std::string& why) {
    return quoted({"HOST_PROC", settings.host_proc}) + " cannot be used: " + printable(why) + ".";
  };
  if (auto devices = read_net_dev(settings.host_proc); !devices)
    return refusal(devices.error);
  if (auto boot_id = read_boot_id(settings.host_proc); !boot_id)
    return refusal(boot_id.error);
  return std::nullopt;
}

problem unusable_data_dir(const config& settings) {
  if (auto why = unwritable_directory(settings.data_dir))
    return quoted({"DATA_DIR", settings.data_dir}) + " cannot be used: " + *why + ".";
  return std::nullopt;
}

problem unusable_log_file(const config& settings) {
  if (settings.log_file.empty())
    return std::nullopt;
  auto refusal = [&](const std::string& why) {
    return quoted({"LOG_FILE", settings.log_file}) + " cannot be used: " + why + ".";
  };
  std::filesystem::path file{settings.log_file};
  std::error_code failure;
  if (std::filesystem::exists(file, failure)) {
    if (!std::filesystem::is_regular_file(file, failure))
      return refusal("it is not a regular file");
    if (::access(file.c_str(), W_OK) != 0)
      return refusal(std::string{"it cannot be written: "} + std::strerror(errno));
    return std::nullopt;
  }
  if (auto why = unwritable_directory(file.parent_path()))
    return refusal("its directory: " + *why);
  return std::nullopt;
}

} // namespace

std::optional<std::string> unusable_setting(const config& settings) {
  for (auto check : {unusable_host_proc, unusable_data_dir, unusable_log_file})
    if (auto refused = check(settings))
      return refused;
  return std::nullopt;
}

} // namespace tmon
