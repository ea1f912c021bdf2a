#include "common/amount.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

#include "common/text.hpp"

namespace tmon {

namespace {

__extension__ typedef unsigned __int128 uint128;

constexpr std::pair<std::string_view, std::uint64_t> unit_bytes[] = {
  {"b", 1},
  {"kb", 1000},
  {"mb", 1000ull * 1000},
  {"gb", 1000ull * 1000 * 1000},
  {"tb", 1000ull * 1000 * 1000 * 1000},
  {"kib", 1024},
  {"mib", 1024ull * 1024},
  {"gib", 1024ull * 1024 * 1024},
  {"tib", 1024ull * 1024 * 1024 * 1024},
};

// The leading digits of `rest`, taken off it.
std::string_view take_digits(std::string_view& rest) {
  std::size_t count = 0;
  while (count < rest.size() && is_digit(rest[count]))
    ++count;
  const std::string_view digits = rest.substr(0, count);
  rest.remove_prefix(count);
  return digits;
}

} // namespace

outcome<std::uint64_t> parse_amount(std::string_view text, std::string_view default_unit_name,
                                    std::uint64_t default_unit_bytes) {
  const auto refused = [&](std::string_view flaw) {
    return outcome<std::uint64_t>::failure(
      "\"" + std::string{text} + "\" " + std::string{flaw}
      + ": give a non-negative number in TRAFFIC_UNIT (" + std::string{default_unit_name}
      + ") such as 312.5, or one with a unit, B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, "
        "GiB, TiB (powers of 1024), such as 312.5GB or 1.2 TiB");
  };
  std::string_view rest = trim(text);
  const std::string_view whole = take_digits(rest);
  std::string_view fraction;
  const bool has_point = !rest.empty() && rest.front() == '.';
  if (has_point) {
    rest.remove_prefix(1);
    fraction = take_digits(rest);
  }
  if (whole.empty() || (has_point && fraction.empty()))
    return refused("is not an amount");
  if (whole.size() > 15 || fraction.size() > 9)
    return refused("has more digits than an amount can have (15 before the point, 9 after)");

  std::uint64_t unit = default_unit_bytes;
  // One space at most between the number and its unit, as people write "1.2 TiB".
  if (!rest.empty() && rest.front() == ' ')
    rest.remove_prefix(1);
  if (!rest.empty()) {
    const std::string name = lowercase(rest);
    const auto* known = std::find_if(std::begin(unit_bytes), std::end(unit_bytes),
                                     [&](const auto& entry) { return entry.first == name; });
    if (known == std::end(unit_bytes))
      return refused("has no unit this program knows");
    unit = known->second;
  }

  uint128 scaled = 0;
  std::uint64_t divisor = 1;
  for (char digit : whole)
    scaled = scaled * 10 + static_cast<unsigned>(digit - '0');
  for (char digit : fraction) {
    scaled = scaled * 10 + static_cast<unsigned>(digit - '0');
    divisor *= 10;
  }
  // Below 10^24 times a unit below 2^41: within 128 bits. Half a byte rounds up.
  const uint128 bytes = (scaled * unit + divisor / 2) / divisor;
  if (bytes > largest_amount)
    return refused("is more than the largest amount accepted, 4 EiB");
  return outcome<std::uint64_t>::success(static_cast<std::uint64_t>(bytes));
}

} // namespace tmon
