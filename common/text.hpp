// Small text helpers shared by the parsers and the messages.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tmon {

// White space as the C locale's isspace sees it; the one set every trim uses.
constexpr std::string_view white_space = " \t\n\v\f\r";

// `text` without leading and trailing white space, or without the leading and trailing
// characters of `chars` when a format pads with fewer (the columns of /proc files: " \t").
std::string_view trim(std::string_view text, std::string_view chars = white_space);

// ASCII letters lowered; other bytes kept.
std::string lowercase(std::string_view text);

// An ASCII digit, whatever the locale.
bool is_digit(char c);

// The parts of `text` between the separators, empty ones included: "a,,b" is {"a", "", "b"},
// "" is {""}.
std::vector<std::string_view> split(std::string_view text, char separator);

// The items with `separator` between each two: {"a", "b"} and ", " make "a, b".
std::string join(const std::vector<std::string>& items, std::string_view separator);

} // namespace tmon
