// Keeping secrets out of every line the monitor writes: the bot token and the user
// information of proxy and service URLs appear in errors from libcurl and in settings.
#pragma once

#include <cstddef>
#include <string>

namespace tmon {

// `text` with the user information of every http(s) URL in it replaced by "***":
// "https://user:pass@proxy/" becomes "https://***@proxy/".
std::string mask_url_credentials(std::string text);

// A secret shorter than this is masked only inside its URL: on its own, one as short as "1"
// would blot out every place where those characters happen to appear.
constexpr std::size_t shortest_masked_alone = 6;

// `text` with every occurrence of `secret` replaced by `mask`; unchanged for an empty secret.
std::string redact(std::string text, const std::string& secret, const std::string& mask);

} // namespace tmon
