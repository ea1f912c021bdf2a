// NOTIFY_URLS, from the environment or a secrets file: a refusal is one line that starts by
// naming the variable; every accepted target is masked where it has a secret, is named by its
// masked form and a hash, sends to an http(s) or smtp(s) address, and reads the same again.

#include <string>

#include "fuzz/fuzz_support.hpp"
#include "main/notify_urls.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  const std::string text{tmon::fuzz::as_text(data, size)};
  const auto parsed = tmon::parse_notify_urls(text, "https://api.telegram.org");
  if (tmon::fuzz::refused(parsed)) {
    require(parsed.error.rfind("NOTIFY_URLS entry ", 0) == 0, "a refusal names NOTIFY_URLS");
    require(parsed.error.find('\n') == std::string::npos, "a refusal is one line");
    return 0;
  }
  for (const auto& target : *parsed) {
    require(target.id.rfind(target.shown + "#", 0) == 0, "a target is named by its masked form");
    require(target.secrets.empty() || target.shown.find("***") != std::string::npos,
            "a target with a secret is shown masked");
    const auto& endpoint = target.endpoint;
    require(endpoint.rfind("http://", 0) == 0 || endpoint.rfind("https://", 0) == 0
              || endpoint.rfind("smtp://", 0) == 0 || endpoint.rfind("smtps://", 0) == 0,
            "a target sends over HTTP(S) or SMTP(S)");
  }
  const auto again = tmon::parse_notify_urls(text, "https://api.telegram.org");
  require(again && again->size() == parsed->size(), "the list reads the same again");
  for (std::size_t index = 0; index < parsed->size(); ++index)
    require((*again)[index].id == (*parsed)[index].id, "a target keeps its id");
  return 0;
}
