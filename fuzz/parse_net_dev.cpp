// /proc/net/dev text: a table that parses holds one entry per interface line, every name is
// one that a table could carry, and the table written out again parses to the same entries.

#include <algorithm>
#include <set>
#include <string>

#include "actors/sampler/proc_net.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

constexpr std::string_view header =
  "Inter-|   Receive                                                |  Transmit\n"
  " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs "
  "drop fifo colls carrier compressed\n";

// A trailing newline ends the last line rather than starting another.
std::size_t line_count(std::string_view text) {
  const auto newlines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  return newlines + (!text.empty() && text.back() != '\n' ? 1 : 0);
}

std::string as_net_dev(const std::vector<tmon::interface_counters>& table) {
  std::string text{header};
  for (const auto& entry : table)
    text += "  " + entry.name + ": " + std::to_string(entry.rx_bytes) + " 1 2 3 4 5 6 7 "
            + std::to_string(entry.tx_bytes) + " 8 9 10 11 12 13 14\n";
  return text;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  const auto text = tmon::fuzz::as_text(data, size);
  const auto parsed = tmon::parse_net_dev(text);
  if (tmon::fuzz::refused(parsed))
    return 0;
  const auto& table = *parsed;
  require(table.size() + 2 == line_count(text), "every line after the header is an interface");
  std::set<std::string> names;
  for (const auto& entry : table) {
    require(!entry.name.empty(), "interface names are not empty");
    require(entry.name.find_first_of(": \t\n\r\v\f") == std::string::npos,
            "interface names hold no ':' and no white space");
    require(names.insert(entry.name).second, "no interface is listed twice");
  }
  const auto reparsed = tmon::parse_net_dev(as_net_dev(table));
  require(reparsed && *reparsed == table, "the table written out parses to itself");
  return 0;
}
