// Amounts of traffic as people write them: "312.5", "312.5GB", "1.2 TiB".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/outcome.hpp"

namespace tmon {

// The largest amount accepted, 2^62 bytes (4 EiB): far beyond any quota, and an adjustment
// to or from it still fits in 64 signed bits.
constexpr std::uint64_t largest_amount = std::uint64_t{1} << 62;

// The bytes that `text` names, rounded to the nearest byte (a half up): a non-negative
// decimal number (at most 15 digits before the point and 9 after it) in the default unit, or
// followed by one of B, KB, MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024)
// in any case, with or without a space between. White space around it is ignored. Fails with
// a sentence that starts with `text` in quotes and says what is accepted, naming the default
// unit; the caller puts the name of what it read in front.
outcome<std::uint64_t> parse_amount(std::string_view text, std::string_view default_unit_name,
                                    std::uint64_t default_unit_bytes);

} // namespace tmon
