// Names of enum values, kept in tables of {name, value} pairs: one lookup in each direction
// for every table, so that a name and its value are written side by side once.
#pragma once

#include <iterator>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

namespace tmon {

template <class Enum>
using named_value = std::pair<std::string_view, Enum>;

// The name of `value` in `table`; empty when the table has none for it.
template <class Table, class Enum>
std::string_view name_in(const Table& table, Enum value) {
  for (const auto& [name, known] : table)
    if (known == value)
      return name;
  return {};
}

// The value named exactly `name` in `table`, if any.
template <class Table>
auto value_named(const Table& table, std::string_view name)
  -> std::optional<std::decay_t<decltype(std::begin(table)->second)>> {
  for (const auto& [known, value] : table)
    if (known == name)
      return value;
  return std::nullopt;
}

} // namespace tmon
