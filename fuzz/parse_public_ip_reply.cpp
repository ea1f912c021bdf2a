// A public-IP service's answer. Cross-checked against the C library: an address is accepted
// exactly when inet_pton reads the answer, stripped of surrounding blanks and line ends, as
// an IPv4 address (glibc also refuses leading zeros), and it is returned as written.

#include <string>

#include <arpa/inet.h>

#include "actors/notifier/telegram.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

bool inet_pton_accepts(std::string_view text) {
  // inet_pton reads a C string: a NUL would cut the text short.
  if (text.find('\0') != std::string_view::npos)
    return false;
  const std::string address{text};
  in_addr ignored{};
  return ::inet_pton(AF_INET, address.c_str(), &ignored) == 1;
}

std::string_view stripped(std::string_view text) {
  constexpr std::string_view blanks = " \t\r\n";
  const auto first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos)
    return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  const auto body = tmon::fuzz::as_text(data, size);
  require(tmon::is_dotted_ipv4(body) == inet_pton_accepts(body),
          "is_dotted_ipv4 agrees with inet_pton");
  const auto address = stripped(body);
  const auto parsed = tmon::parse_public_ip_reply(body);
  require(parsed.has_value() == (inet_pton_accepts(address) && tmon::is_public_ipv4(address)),
          "an answer is accepted exactly when it holds one public IPv4 address");
  if (tmon::is_public_ipv4(body))
    require(inet_pton_accepts(body), "a public address is an IPv4 address");
  if (parsed)
    require(*parsed == address, "the address is returned as written");
  return 0;
}
