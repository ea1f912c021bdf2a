#include "actors/notifier/notifier.hpp"

#include <caf/all.hpp>

namespace tmon {

notifier_actor::behavior_type notifier(notifier_actor::stateful_pointer<notifier_state> self,
                                       notifier_settings settings) {
  self->state.settings = std::move(settings);
  return {
    [=](deliver_atom, const event& e) {
      const auto& settings = self->state.settings;
      settings.log->info("message (log only):\n{}", format_message(e, settings.context));
      return std::make_tuple(delivered_atom::value, e.id);
    },
  };
}

} // namespace tmon
