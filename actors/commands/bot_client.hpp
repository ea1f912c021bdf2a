// The bot's own HTTP client: makes the command poller's calls on a thread of its own in
// production, and holds the getUpdates long poll there for as long as Telegram has nothing to
// hand over, so that an idle poll wakes this thread alone and no other actor.
#pragma once

#include "messages/messages.hpp"

namespace tmon {

struct bot_client_state {
  static inline const char* name = "bot-client";
  http_transport transport;
};

bot_client_actor::behavior_type
bot_client(bot_client_actor::stateful_pointer<bot_client_state> self, http_transport transport);

} // namespace tmon
