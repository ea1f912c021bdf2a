// The boot id file: an accepted id is the file's one token, 1 to 64 hex digits and dashes,
// and reading it again gives it back.

#include <string>

#include "actors/sampler/proc_net.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  const auto text = tmon::fuzz::as_text(data, size);
  const auto parsed = tmon::parse_boot_id(text);
  if (tmon::fuzz::refused(parsed))
    return 0;
  const std::string& boot_id = *parsed;
  require(!boot_id.empty() && boot_id.size() <= 64, "a boot id has 1 to 64 characters");
  require(boot_id.find_first_not_of("0123456789abcdefABCDEF-") == std::string::npos,
          "a boot id holds hex digits and '-' only");
  constexpr std::string_view white_space = " \t\n\r\v\f";
  const auto at = text.find(boot_id);
  require(at != std::string_view::npos, "the boot id is taken from the text");
  require(text.substr(0, at).find_first_not_of(white_space) == std::string_view::npos
            && text.substr(at + boot_id.size()).find_first_not_of(white_space)
                 == std::string_view::npos,
          "only white space surrounds the boot id");
  const auto again = tmon::parse_boot_id(boot_id);
  require(again && *again == boot_id, "a boot id parses to itself");
  return 0;
}
