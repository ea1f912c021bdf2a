// A public-IP service's answer. Cross-checked against the C library: an address is accepted
// exactly when inet_pton reads the answer, stripped of the white space isspace sees around it
// (a form feed as much as a line end), as an IPv4 address (glibc also refuses leading zeros),
// and it is returned as written.

#include <cctype>
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

bool c_space(char c) {
  return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string_view stripped(std::string_view text) {
  while (!text.empty() && c_space(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && c_space(text.back()))
    text.remove_suffix(1);
  return text;
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
