#define CAF_SUITE public_ip_reply
#include <caf/test/unit_test.hpp>

#include <optional>
#include <string>

#include "actors/public_ip/public_ip_reply.hpp"

using namespace tmon;

CAF_TEST(a public IP answer must be exactly one dotted IPv4 address) {
  CAF_CHECK_EQUAL(parse_public_ip_reply("203.0.113.7"), std::optional<std::string>{"203.0.113.7"});
  CAF_CHECK_EQUAL(parse_public_ip_reply("  203.0.113.7\r\n"),
                  std::optional<std::string>{"203.0.113.7"});
  for (auto bad : {"", "2001:db8::1", "203.0.113", "203.0.113.7.1", "203.0.113.256", "203.0.113.07",
                   "203.0.113.7 198.51.100.1", "<html>", "ip=203.0.113.7", "203.0.113.-1",
                   "203..113.7", "+1.2.3.4"}) {
    CAF_MESSAGE("answer " << bad);
    CAF_CHECK(!parse_public_ip_reply(bad).has_value());
  }
}

CAF_TEST(only a public address is taken from an IP service) {
  // Documentation ranges are not private: a server may well be shown one in a test bed.
  for (auto address : {"203.0.113.7", "198.51.100.4", "192.0.2.1", "8.8.8.8", "1.1.1.1",
                       "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.1",
                       "192.167.1.1", "169.253.1.1", "223.255.255.255", "11.0.0.1"}) {
    CAF_MESSAGE("address " << address);
    CAF_CHECK(is_public_ipv4(address));
    CAF_CHECK(parse_public_ip_reply(address).has_value());
  }
  for (auto address :
       {"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.5", "127.0.0.1", "127.255.0.1",
        "169.254.169.254", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3", "224.0.0.1",
        "239.255.255.250", "240.0.0.1", "255.255.255.255", "not an address"}) {
    CAF_MESSAGE("address " << address);
    CAF_CHECK(!is_public_ipv4(address));
    CAF_CHECK(!parse_public_ip_reply(address).has_value());
  }
}
