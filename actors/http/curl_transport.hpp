// libcurl as an http_transport: HTTP(S), and SMTP for e-mail. Each call uses its own easy
// handle on its thread's multi handle, which keeps connections open for the next call;
// honours libcurl's proxy variables (HTTPS_PROXY, ALL_PROXY, NO_PROXY), keeps TLS
// verification on, and never lets a secret (the bot token, part of the URL, or a URL's
// credentials) into an error text.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "messages/types.hpp"

namespace tmon {

// Ends the calls of the transports made with it, at shutdown: once triggered, calls in
// progress (a long poll among them) give up at once and later calls fail at once.
class transfer_stop {
public:
  void trigger();
  bool triggered() const;
  // A call's multi handle, woken by trigger() while it waits.
  void enlist(void* multi);
  void discharge(void* multi);

private:
  std::mutex mutex_;
  std::atomic<bool> triggered_{false};
  std::set<void*> running_;
};

// curl_global_init must have run before. Every error text goes through `mask_secrets`
// before it leaves.
http_transport make_curl_transport(std::function<std::string(std::string)> mask_secrets,
                                   std::shared_ptr<transfer_stop> stop);

} // namespace tmon
