// libcurl as an http_transport: HTTP(S), and SMTP for e-mail. Each call uses its own easy
// handle, honours libcurl's proxy variables (HTTPS_PROXY, ALL_PROXY, NO_PROXY), keeps TLS
// verification on, and never lets a secret (the bot token, part of the URL, or a URL's
// credentials) into an error text.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "messages/types.hpp"

namespace tmon {

// `abort_flag`, once set, makes calls in progress give up within about a second and later
// calls fail at once: used at shutdown. curl_global_init must have run before.
// Every error text goes through `mask_secrets` before it leaves.
http_transport make_curl_transport(std::function<std::string(std::string)> mask_secrets,
                                   std::shared_ptr<std::atomic<bool>> abort_flag);

} // namespace tmon
