// The rows of the settings table and the few typed helpers they are built from: a whole
// number in a range, a keyword from a name table, text, a list of distinct items. Each row
// reads its variable (refusing a bad value, never falling back) and shows it for
// --check-config; config.cpp lists the rows.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "common/enum_names.hpp"
#include "common/moment.hpp"
#include "common/outcome.hpp"
#include "main/config.hpp"
#include "main/setting_sources.hpp"
#include "main/setting_values.hpp"

namespace tmon {

// One environment variable: how it is read into the settings and how --check-config and the
// start line show it. The defaults are config's member initialisers.
struct variable {
  std::string_view name;
  // Reads the variable, and those coupled with it, into the settings; empty for the chat ids,
  // which the token's row reads.
  std::function<outcome<void>(const environment_lookup&, config&)> read;
  std::function<std::string(const config&, moment now)> show;
  // Shown when `show` gives nothing.
  std::string_view when_empty = {};
  // Shown masked as mask_token does.
  bool secret = false;
  // Also given as NAME_FILE, a file that holds the value (as Docker secrets are given).
  bool from_file = false;
};

using settings_text = std::function<std::string(const config&)>;

// A way of showing that does not depend on the moment, as all but TZ's.
std::function<std::string(const config&, moment)> at_any_time(settings_text show);

// Checks a value that is set and not blank and stores it.
using value_reader = std::function<outcome<void>(const setting&, config&)>;

// A variable whose blank value counts as unset, so that the default applies.
variable plain(std::string_view name, value_reader accept, settings_text show,
               std::string_view when_empty = {});

// Any text, or text that `accepts` when it is given.
variable text(std::string_view name, std::string config::*field, std::string_view when_empty = {},
              bool (*accepts)(std::string_view) = nullptr, std::string_view accepted = {});

// The items of a comma-separated value, each trimmed, non-empty and accepted by `accepts`.
outcome<std::vector<std::string>> checked_items(const setting& s, bool (*accepts)(std::string_view),
                                                std::string_view accepted);

// A comma-separated list of distinct items; repeats are refused rather than silently merged,
// since an item counted or sent to twice is a mistake. Two items are the same when their
// `key`s are, or, without a key, when they are written alike.
outcome<std::vector<std::string>> distinct_items(const setting& s,
                                                 bool (*accepts)(std::string_view),
                                                 std::string (*key)(std::string_view),
                                                 std::string_view accepted);

// A comma-separated list of distinct items, each accepted by `accepts`, the same as
// distinct_items judges them.
variable distinct_list(std::string_view name, std::vector<std::string> config::*field,
                       bool (*accepts)(std::string_view), std::string (*key)(std::string_view),
                       std::string_view accepted, std::string_view when_empty);

// A whole number from `lowest` to `highest`, stored as T: an int, or a std::chrono duration
// of that many of its units.
template <class T>
variable whole_number(std::string_view name, T config::*field, long long lowest,
                      long long highest) {
  auto accept = [=](const setting& s, config& settings) -> outcome<void> {
    auto number = parse_whole(s.value);
    if (!number || *number < lowest || *number > highest)
      return invalid(s, fmt::format("a whole number from {} to {}", lowest, highest));
    settings.*field = T(*number);
    return outcome<void>::success();
  };
  return plain(name, accept, [field](const config& settings) {
    if constexpr (std::is_arithmetic_v<T>)
      return std::to_string(settings.*field);
    else
      return std::to_string((settings.*field).count());
  });
}

// Keywords and their values, such as {"GiB", 1024^3}.
template <class T>
using keyword_table = std::vector<named_value<T>>;

template <class T>
std::vector<std::string_view> names_of(const keyword_table<T>& table) {
  std::vector<std::string_view> names;
  for (const auto& entry : table)
    names.push_back(entry.first);
  return names;
}

// One of the names in `table`, in any case.
template <class T>
outcome<T> keyword_value(const setting& s, const keyword_table<T>& table) {
  for (const auto& [keyword, value] : table)
    if (lowercase(keyword) == lowercase(s.value))
      return outcome<T>::success(value);
  return outcome<T>::failure(invalid(s, one_of(names_of(table))).error);
}

template <class T>
variable keyword(std::string_view name, T config::*field, const keyword_table<T>& table) {
  auto accept = [field, &table](const setting& s, config& settings) -> outcome<void> {
    auto value = keyword_value(s, table);
    if (!value)
      return outcome<void>::failure(std::move(value.error));
    settings.*field = *value;
    return outcome<void>::success();
  };
  return plain(name, accept, [field, &table](const config& settings) {
    return std::string{name_in(table, settings.*field)};
  });
}

} // namespace tmon
