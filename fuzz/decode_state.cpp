// The state file: whatever decodes is written back by encode_state to text that decodes to
// the same state, and encoding that again changes nothing, so a state survives any number
// of restarts unchanged.

#include <string>

#include "actors/accounting/state_json.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  const auto decoded = tmon::decode_state(tmon::fuzz::as_text(data, size));
  if (tmon::fuzz::refused(decoded))
    return 0;
  const std::string encoded = tmon::encode_state(*decoded);
  const auto again = tmon::decode_state(encoded);
  require(static_cast<bool>(again), "an encoded state decodes");
  require(*again == *decoded, "a state decodes to what was encoded");
  require(tmon::encode_state(*again) == encoded, "encoding a decoded state is stable");
  return 0;
}
