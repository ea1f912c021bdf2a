// `calibrate --used AMOUNT`: an accepted amount is at most the largest one, reads the same in
// any case, and its bytes written back with the unit B read as themselves (where they have at
// most the 15 digits an amount may have).

#include <string>

#include "common/amount.hpp"
#include "common/text.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  constexpr std::uint64_t gib = 1024ull * 1024 * 1024;
  const auto text = tmon::fuzz::as_text(data, size);
  const auto parsed = tmon::parse_amount(text, "GiB", gib);
  if (tmon::fuzz::refused(parsed))
    return 0;
  require(*parsed <= tmon::largest_amount, "an amount is at most the largest one");
  const auto lowered = tmon::parse_amount(tmon::lowercase(text), "GiB", gib);
  require(lowered && *lowered == *parsed, "the case of the unit does not matter");
  if (*parsed < 1'000'000'000'000'000) {
    const auto again = tmon::parse_amount(std::to_string(*parsed) + " B", "GiB", gib);
    require(again && *again == *parsed, "an amount in bytes written back reads as itself");
  }
  return 0;
}
