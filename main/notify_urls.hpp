// NOTIFY_URLS: delivery targets in the URL syntax Apprise documents for each service, and
// the webhook URLs the services hand out, read into delivery_targets.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "actors/notifier/channels.hpp"
#include "common/outcome.hpp"

namespace tmon {

// The entries of a list: separated by line breaks, and by commas where what follows starts a
// URL ("scheme://") or nothing does, so that mailto's "?to=a@x,b@y" stays one entry. Blank
// entries are left out.
std::vector<std::string_view> split_notify_urls(std::string_view list);

// Every entry as a target; Telegram entries (tgram://TOKEN/CHAT...) give a target per chat
// and send through `telegram_api_base`. On failure, one sentence naming NOTIFY_URLS, the
// entry's position and kind, never a secret, and what is accepted.
outcome<std::vector<delivery_target>> parse_notify_urls(std::string_view list,
                                                        const std::string& telegram_api_base);

} // namespace tmon
