#include "actors/public_ip/public_ip_reply.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>

#include "common/text.hpp"

namespace tmon {

bool is_dotted_ipv4(std::string_view text) {
  int octets = 0;
  while (true) {
    auto dot = text.find('.');
    auto octet = text.substr(0, dot);
    unsigned value = 0;
    auto [end, failure] = std::from_chars(octet.data(), octet.data() + octet.size(), value);
    if (octet.empty() || octet.size() > 3 || failure != std::errc{}
        || end != octet.data() + octet.size() || value > 255
        || (octet.size() > 1 && octet.front() == '0'))
      return false;
    ++octets;
    if (dot == std::string_view::npos)
      return octets == 4;
    if (octets == 4)
      return false;
    text.remove_prefix(dot + 1);
  }
}

std::optional<std::string> parse_public_ip_reply(std::string_view body) {
  auto address = trim(body);
  if (!is_public_ipv4(address))
    return std::nullopt;
  return std::string{address};
}

bool is_public_ipv4(std::string_view text) {
  if (!is_dotted_ipv4(text))
    return false;
  std::uint32_t address = 0;
  for (int octet = 0; octet < 4; ++octet) {
    auto dot = text.find('.');
    unsigned value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    address = address << 8 | value;
    text.remove_prefix(dot == std::string_view::npos ? text.size() : dot + 1);
  }
  struct block {
    std::uint32_t network;
    int prefix_length;
  };
  constexpr block not_public[] = {
    {0x00000000, 8},  // "this network"
    {0x0A000000, 8},  // private
    {0x64400000, 10}, // shared address space (carrier-grade NAT)
    {0x7F000000, 8},  // loopback
    {0xA9FE0000, 16}, // link-local
    {0xAC100000, 12}, // private
    {0xC0A80000, 16}, // private
    {0xE0000000, 3},  // multicast, reserved and broadcast
  };
  return std::none_of(std::begin(not_public), std::end(not_public), [address](block b) {
    auto mask = ~std::uint32_t{0} << (32 - b.prefix_length);
    return (address & mask) == b.network;
  });
}

} // namespace tmon
