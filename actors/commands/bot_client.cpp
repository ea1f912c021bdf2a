#include "actors/commands/bot_client.hpp"

#include <caf/all.hpp>

#include "actors/commands/bot_api.hpp"

namespace tmon {

bot_client_actor::behavior_type
bot_client(bot_client_actor::stateful_pointer<bot_client_state> self, http_transport transport) {
  self->state.transport = std::move(transport);
  return {
    [=](http_atom, const http_request& request) { return self->state.transport(request); },
    [=](poll_atom, const http_request& request) {
      // A quiet reply carries no news for the poller. A stop ends the loop: the transport
      // then fails every call at once.
      for (;;) {
        auto reply = self->state.transport(request);
        if (!is_quiet_poll(reply))
          return reply;
      }
    },
  };
}

} // namespace tmon
