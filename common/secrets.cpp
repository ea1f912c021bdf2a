#include "common/secrets.hpp"

#include <string_view>

namespace tmon {

std::string redact(std::string text, const std::string& secret, const std::string& mask) {
  if (secret.empty())
    return text;
  for (auto at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at + mask.size()))
    text.replace(at, secret.size(), mask);
  return text;
}

std::string mask_url_credentials(std::string text) {
  constexpr std::string_view separator = "://";
  for (auto at = text.find(separator); at != std::string::npos; at = text.find(separator, at)) {
    auto authority = at + separator.size();
    auto authority_end = text.find_first_of("/?# \t\r\n\"'<>,", authority);
    if (authority_end == std::string::npos)
      authority_end = text.size();
    auto user_end = text.rfind('@', authority_end);
    if (user_end != std::string::npos && user_end >= authority) {
      text.replace(authority, user_end - authority, "***");
      authority_end = authority + 3 + (authority_end - user_end);
    }
    at = authority_end;
  }
  return text;
}

} // namespace tmon
