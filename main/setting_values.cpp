#include "main/setting_values.hpp"

#include <algorithm>
#include <charconv>
#include <limits>

#include <fmt/format.h>

namespace tmon {

namespace {

bool is_word_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

bool is_plain_decimal(std::string_view text) {
  auto dot = text.find('.');
  if (dot == std::string_view::npos)
    return all_digits(text);
  return all_digits(text.substr(0, dot)) && all_digits(text.substr(dot + 1));
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

} // namespace

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), is_digit);
}

bool is_control(char c) {
  auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

std::vector<std::string_view> split_list(std::string_view text) {
  auto items = split(text, ',');
  for (auto& item : items)
    item = trim(item);
  return items;
}

std::string one_of(const std::vector<std::string_view>& names) {
  std::string result;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0)
      result += i + 1 == names.size() ? " or " : ", ";
    result += names[i];
  }
  return result;
}

std::string decimal_text(double value) {
  char buffer[512];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed).ptr;
  return std::string(buffer, end);
}

std::string printable(std::string_view text) {
  std::string result;
  for (char c : text) {
    if (is_control(c))
      result += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    else
      result += c;
  }
  return result;
}

std::optional<long long> parse_whole(std::string_view text) {
  long long value = 0;
  if (!all_digits(text))
    return std::nullopt;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size())
    return std::nullopt;
  return value;
}

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

bool is_loopback_host(std::string_view host) {
  return host == "localhost" || host == "::1" || host == "[::1]" || host.rfind("127.", 0) == 0;
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

bool is_plain_zone_name(std::string_view zone) {
  if (zone.front() == ':' || zone.front() == '/')
    return false;
  auto components = split(zone, '/');
  return std::none_of(components.begin(), components.end(), [](std::string_view component) {
    return component.empty() || component == "." || component == "..";
  });
}

std::string quoted(const setting& s) {
  return s.name + "=\"" + printable(s.value) + "\"" + s.origin;
}

outcome<void> invalid(const setting& s, std::string_view accepted, std::string_view flaw) {
  auto sentence = quoted(s) + " is not valid: expected " + std::string{accepted};
  if (!flaw.empty())
    sentence += ", but " + std::string{flaw};
  return outcome<void>::failure(sentence + ".");
}

} // namespace tmon
