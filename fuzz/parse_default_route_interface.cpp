// /proc/net/route text: the interface found is the first column of one of the text's lines
// and a name the kernel allows for an interface.

#include <string>

#include "actors/sampler/proc_net.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

// True when some line of `text` starts with `name` (after blanks) followed by a blank.
bool starts_a_line(std::string_view text, const std::string& name) {
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto line = text.substr(0, end);
    const auto first = line.find_first_not_of(" \t");
    if (first != std::string_view::npos) {
      line.remove_prefix(first);
      if (line.substr(0, name.size()) == name && line.size() > name.size()
          && (line[name.size()] == ' ' || line[name.size()] == '\t'))
        return true;
    }
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return false;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  const auto text = tmon::fuzz::as_text(data, size);
  const auto parsed = tmon::parse_default_route_interface(text);
  if (tmon::fuzz::refused(parsed))
    return 0;
  const std::string& name = *parsed;
  require(name != "*", "the default route has a device");
  require(tmon::is_interface_name(name), "the interface has a name the kernel allows");
  require(starts_a_line(text, name), "the interface is the first column of a route line");
  return 0;
}
