// Reading the kernel's view of the network: interface counters, boot id, default route.
// Each parse_* turns text into data; each read_* only reads a file under the proc root
// (`/proc`, or a fake tree in tests) and calls its parser. A read_* opens its file afresh on
// every call, holding no descriptor between calls, and its failure names the path, followed
// by strerror when the file cannot be read or by the parser's reason.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "messages/types.hpp"

namespace tmon {

// The kernel's rule for an interface name (dev_valid_name): 1 to 15 characters, not "." or
// "..", and no '/', ':' or white space.
bool is_interface_name(std::string_view text);

// Parses the text of /proc/net/dev: two header lines, then one line per interface,
// "name: rx_bytes rx_packets ... (8 rx columns) tx_bytes ... (8 tx columns)".
// Fails, naming the line, when the text is empty, has no header, a line is truncated or has
// missing or non-numeric columns, or a number does not fit in 64 bits: a half-read table
// must never be mistaken for counters that went down. Also fails on an empty name and on an
// interface listed twice. A table with the header only is valid and empty.
outcome<std::vector<interface_counters>> parse_net_dev(std::string_view text);

// Reads ${proc_root}/net/dev afresh and parses it.
outcome<std::vector<interface_counters>> read_net_dev(const std::string& proc_root);

// Parses /proc/sys/kernel/random/boot_id: one UUID-like token, surrounding white space ignored.
// The token must be 1 to 64 hex digits and '-'; it is returned as written.
outcome<std::string> parse_boot_id(std::string_view text);

// Reads ${proc_root}/sys/kernel/random/boot_id and parses it.
outcome<std::string> read_boot_id(const std::string& proc_root);

// Parses /proc/uptime: "seconds_since_boot idle_seconds", each digits with an optional
// fraction of digits; returns the first, cut to whole seconds. Fails on anything else.
outcome<std::chrono::seconds> parse_uptime(std::string_view text);

// Reads ${proc_root}/uptime and parses it.
outcome<std::chrono::seconds> read_uptime(const std::string& proc_root);

// The interface of the IPv4 default route (destination 00000000, mask 00000000, flag RTF_UP)
// in the text of /proc/net/route; with several, the one with the lowest metric, the first on
// ties. Routes without a device ("*"), lines whose first column is no interface name and
// other malformed lines are skipped; with none left, fails
// with "no IPv4 default route".
outcome<std::string> parse_default_route_interface(std::string_view text);

// Reads ${proc_root}/net/route and parses it.
outcome<std::string> read_default_route_interface(const std::string& proc_root);

// The wanted interfaces that exist (in the order wanted) and the names of those that don't.
// A name wanted twice is taken once, so its traffic is never counted twice.
struct interface_selection {
  std::vector<interface_counters> present;
  std::vector<std::string> missing;
};

interface_selection select_interfaces(const std::vector<interface_counters>& all,
                                      const std::vector<std::string>& wanted);

// True when the visible interfaces are what a container without host networking sees:
// `eth0`, with or without `lo`, and nothing else. Without `eth0` (only `lo`, or nothing) the
// process has no network at all rather than a container's own, so the hint to use host
// networking would not be the whole story.
bool looks_like_container_network(const std::vector<interface_counters>& all);

// The existing interface that `missing` is most likely a misspelling of: one letter left out,
// added or changed, or two neighbours swapped; a digit for another digit is not a slip but
// another interface (eth1 is not eth0 misspelt). Nothing when none is that close.
std::optional<std::string> likely_meant(std::string_view missing,
                                        const std::vector<std::string>& existing);

} // namespace tmon
