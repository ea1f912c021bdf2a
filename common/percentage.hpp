// An exact percentage, such as an alert threshold: a whole count of ten-billionths of a
// percent, read once from its decimal text. 14.3 then means 14.3 and not the binary double
// nearest to it, two thresholds are the same exactly when their counts are, and whether a
// share of the quota reaches one is a question for integers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace tmon {

class percentage {
public:
  // Ten decimals hold every threshold that was ever shown back as written, down to
  // 0.0000000001.
  static constexpr int decimals = 10;
  static constexpr std::uint64_t units_per_percent = 10'000'000'000;
  // The largest that text may give. Up to 15 significant digits survive a double unchanged,
  // and the state file keeps percentages as JSON numbers, which are doubles: 100000 with ten
  // decimals is the most that comes back from the file as it was written.
  static constexpr std::uint64_t most_units = 100'000 * units_per_percent;

  constexpr percentage() = default;

  static constexpr percentage from_units(std::uint64_t units) { return percentage{units}; }

  // digits[.digits] with at most `decimals` decimals, at most 100000; nothing for anything
  // else (a sign, an exponent, white space).
  static constexpr std::optional<percentage> parse(std::string_view text);

  // The percentage nearest to a number that was written as as_double() gives it (a JSON
  // number): exactly the one written, for every value parse accepts. Nothing for a negative
  // number or one beyond 2^64 units.
  static std::optional<percentage> nearest(double number);

  constexpr std::uint64_t units() const { return units_; }

  // "80", "92.5", "0.0000000001": the fewest decimals that hold the value, never an exponent.
  std::string text() const;

  // The double nearest to the value, as JSON keeps numbers.
  double as_double() const;

  friend constexpr bool operator==(percentage x, percentage y) { return x.units_ == y.units_; }
  friend constexpr bool operator!=(percentage x, percentage y) { return x.units_ != y.units_; }
  friend constexpr bool operator<(percentage x, percentage y) { return x.units_ < y.units_; }
  friend constexpr bool operator>(percentage x, percentage y) { return x.units_ > y.units_; }
  friend constexpr bool operator<=(percentage x, percentage y) { return x.units_ <= y.units_; }
  friend constexpr bool operator>=(percentage x, percentage y) { return x.units_ >= y.units_; }

private:
  constexpr explicit percentage(std::uint64_t units) : units_(units) {}

  std::uint64_t units_ = 0;
};

constexpr std::optional<percentage> percentage::parse(std::string_view text) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  std::uint64_t units = 0;
  std::size_t at = 0;
  // Whole percents; the bound is checked after every digit, so that nothing overflows.
  for (; at < text.size() && is_digit(text[at]); ++at) {
    units = units * 10 + static_cast<std::uint64_t>(text[at] - '0') * units_per_percent;
    if (units > most_units)
      return std::nullopt;
  }
  if (at == 0)
    return std::nullopt;
  if (at < text.size() && text[at] == '.') {
    ++at;
    const std::size_t first_decimal = at;
    std::uint64_t place = units_per_percent;
    for (; at < text.size() && is_digit(text[at]); ++at) {
      if (at - first_decimal == decimals)
        return std::nullopt;
      place /= 10;
      units += static_cast<std::uint64_t>(text[at] - '0') * place;
    }
    if (at == first_decimal || units > most_units)
      return std::nullopt;
  }
  if (at != text.size())
    return std::nullopt;
  return percentage{units};
}

// Each text followed by `suffix`, with `separator` between: "80%, 92.5%".
std::string joined_text(const std::vector<percentage>& percentages, std::string_view separator,
                        std::string_view suffix = {});

namespace detail {

template <char... characters>
constexpr char literal_text[] = {characters...};

} // namespace detail

// 92.5_percent: a percentage written in code, read from the literal's own digits (not from
// a double) and refused by the compiler when parse would refuse it.
template <char... characters>
constexpr percentage operator""_percent() {
  constexpr auto parsed = percentage::parse(
    std::string_view{detail::literal_text<characters...>, sizeof...(characters)});
  static_assert(parsed.has_value(), "not a percentage that THRESHOLDS accepts");
  return *parsed;
}

} // namespace tmon
