#include "main/setting_rows.hpp"

#include <algorithm>
#include <utility>

namespace tmon {

std::function<std::string(const config&, moment)> at_any_time(settings_text show) {
  return [show = std::move(show)](const config& settings, moment) { return show(settings); };
}

variable plain(std::string_view name, value_reader accept, settings_text show,
               std::string_view when_empty) {
  auto read = [name, accept = std::move(accept)](const environment_lookup& lookup,
                                                 config& settings) -> outcome<void> {
    auto text = value_of(lookup, std::string{name});
    return text ? accept({std::string{name}, *text}, settings) : outcome<void>::success();
  };
  return {name, std::move(read), at_any_time(std::move(show)), when_empty};
}

variable text(std::string_view name, std::string config::*field, std::string_view when_empty,
              bool (*accepts)(std::string_view), std::string_view accepted) {
  auto accept = [=](const setting& s, config& settings) -> outcome<void> {
    if (accepts != nullptr && !accepts(s.value))
      return invalid(s, accepted);
    settings.*field = s.value;
    return outcome<void>::success();
  };
  return plain(
    name, accept, [field](const config& settings) { return settings.*field; }, when_empty);
}

outcome<std::vector<std::string>> checked_items(const setting& s, bool (*accepts)(std::string_view),
                                                std::string_view accepted) {
  std::vector<std::string> items;
  for (auto item : split_list(s.value)) {
    if (item.empty())
      return outcome<std::vector<std::string>>::failure(
        invalid(s, accepted, "it has an empty item").error);
    if (!accepts(item))
      return outcome<std::vector<std::string>>::failure(
        invalid(s, accepted, "item \"" + printable(item) + "\" is not").error);
    items.emplace_back(item);
  }
  return outcome<std::vector<std::string>>::success(std::move(items));
}

outcome<std::vector<std::string>> distinct_items(const setting& s,
                                                 bool (*accepts)(std::string_view),
                                                 std::string (*key)(std::string_view),
                                                 std::string_view accepted) {
  auto items = checked_items(s, accepts, accepted);
  if (!items)
    return items;
  std::vector<std::string> seen;
  for (const auto& item : *items) {
    auto item_key = key != nullptr ? key(item) : item;
    if (std::find(seen.begin(), seen.end(), item_key) != seen.end())
      return outcome<std::vector<std::string>>::failure(
        invalid(s, accepted, "\"" + printable(item) + "\" is listed twice").error);
    seen.push_back(std::move(item_key));
  }
  return items;
}

variable distinct_list(std::string_view name, std::vector<std::string> config::*field,
                       bool (*accepts)(std::string_view), std::string (*key)(std::string_view),
                       std::string_view accepted, std::string_view when_empty) {
  auto accept = [=](const setting& s, config& settings) -> outcome<void> {
    auto items = distinct_items(s, accepts, key, accepted);
    if (!items)
      return outcome<void>::failure(std::move(items.error));
    settings.*field = std::move(*items);
    return outcome<void>::success();
  };
  return plain(
    name, accept, [field](const config& settings) { return join(settings.*field, ","); },
    when_empty);
}

} // namespace tmon
