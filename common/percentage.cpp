#include "common/percentage.hpp"

#include <cmath>

namespace tmon {

std::optional<percentage> percentage::nearest(double number) {
  // For every value parse accepts (at most 10^15 units, 100000 percent), as_double() is
  // within 2^-37 percent (0.08 units) of it, and scaling adds at most 1/16 of a unit: far
  // from the half unit at which rounding would give another count.
  const double scaled = std::round(number * static_cast<double>(units_per_percent));
  // 2^64, the first count that does not fit; a NaN fails both comparisons.
  const double beyond = std::ldexp(1.0, 64);
  if (!(scaled >= 0 && scaled < beyond))
    return std::nullopt;
  return percentage{static_cast<std::uint64_t>(scaled)};
}

std::string percentage::text() const {
  auto text = std::to_string(units_ / units_per_percent);
  const auto fraction = units_ % units_per_percent;
  if (fraction == 0)
    return text;
  // The decimals with their leading zeros, then without the trailing ones.
  auto digits = std::to_string(units_per_percent + fraction).substr(1);
  digits.erase(digits.find_last_not_of('0') + 1);
  return text + "." + digits;
}

std::string joined_text(const std::vector<percentage>& percentages, std::string_view separator,
                        std::string_view suffix) {
  std::string text;
  for (const auto& p : percentages) {
    if (!text.empty())
      text += separator;
    text += p.text();
    text += suffix;
  }
  return text;
}

double percentage::as_double() const {
  // Both operands are exact doubles up to 2^53 units, and a division rounds once: the
  // nearest double to the value, which reads back as its text.
  return static_cast<double>(units_) / static_cast<double>(units_per_percent);
}

} // namespace tmon
