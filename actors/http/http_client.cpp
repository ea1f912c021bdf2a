#include "actors/http/http_client.hpp"

#include <caf/all.hpp>

namespace tmon {

http_client_actor::behavior_type
http_client(http_client_actor::stateful_pointer<http_client_state> self, http_transport transport) {
  self->state.transport = std::move(transport);
  return {
    [=](http_atom, const http_request& request) { return self->state.transport(request); },
  };
}

} // namespace tmon
