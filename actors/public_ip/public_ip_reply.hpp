// What a public-IP service answers, judged as pure functions: the address the monitor's
// messages name.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace tmon {

// Four decimal octets 0-255 separated by dots, no leading zeros, nothing else.
bool is_dotted_ipv4(std::string_view text);

// A dotted IPv4 address that is reachable from the internet: not private (10/8, 172.16/12,
// 192.168/16), loopback, link-local, shared (CGNAT, 100.64/10), "this network" (0/8),
// multicast or reserved (224/3). Documentation ranges (TEST-NET) are accepted.
bool is_public_ipv4(std::string_view text);

// A public-IP service's answer: a public dotted IPv4 address, white space around it allowed.
// A service behind a NAT or a captive portal may name a private address: refused.
std::optional<std::string> parse_public_ip_reply(std::string_view body);

} // namespace tmon
