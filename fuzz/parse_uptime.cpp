// /proc/uptime: an accepted text is two numbers of seconds, and the uptime is the whole
// seconds of the first one.

#include <cctype>
#include <string>

#include "actors/sampler/proc_net.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  const auto text = tmon::fuzz::as_text(data, size);
  const auto parsed = tmon::parse_uptime(text);
  if (tmon::fuzz::refused(parsed))
    return 0;
  const auto uptime = parsed->count();
  require(uptime >= 0, "an uptime is never negative");
  const auto first = text.find_first_not_of(" \t\n\r\v\f");
  require(first != std::string_view::npos, "an accepted uptime is not blank");
  std::size_t digits = first;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits])))
    ++digits;
  const auto whole = text.substr(first, digits - first);
  require(!whole.empty() && whole.find_first_not_of('0') == std::string_view::npos
            ? uptime == 0
            : std::to_string(uptime) == whole.substr(whole.find_first_not_of('0')),
          "the uptime is the whole seconds of the first number");
  const auto again = tmon::parse_uptime(std::to_string(uptime) + " 0");
  require(again && again->count() == uptime, "an uptime written back parses to itself");
  return 0;
}
