// The calibration request file: an accepted request has an id and encodes back to a text that
// decodes to the same request.

#include "actors/accounting/calibration_request.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  const auto decoded = tmon::decode_calibration_request(tmon::fuzz::as_text(data, size));
  if (tmon::fuzz::refused(decoded))
    return 0;
  require(!decoded->id.empty(), "an accepted request has an id");
  const auto again = tmon::decode_calibration_request(tmon::encode_calibration_request(*decoded));
  require(again && *again == *decoded, "a request encodes back to itself");
  return 0;
}
