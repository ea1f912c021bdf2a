// The HTTP client actor: hands each request to a blocking transport function. main spawns it
// detached so that a slow server stalls only this actor's own thread; tests spawn it as a
// plain actor with a fake transport.
#pragma once

#include "messages/messages.hpp"

namespace tmon {

struct http_client_state {
  static inline const char* name = "http";
  http_transport transport;
};

http_client_actor::behavior_type
http_client(http_client_actor::stateful_pointer<http_client_state> self, http_transport transport);

} // namespace tmon
