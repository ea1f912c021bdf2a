#include "actors/public_ip/public_ip.hpp"

#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/public_ip/public_ip_reply.hpp"
#include "common/secrets.hpp"

namespace tmon {

namespace {

using self_pointer = public_ip_actor::stateful_pointer<public_ip_state>;

// A service that has not answered by then is taken for unreachable and the next one asked.
constexpr std::chrono::seconds lookup_timeout{5};

// The round is over: the listeners get the address (the last one known when no service named
// one) and the next round is timed.
void finish_round(self_pointer self) {
  const auto& state = self->state;
  for (const auto& listener : state.settings.listeners)
    self->send(listener, public_ip_atom_v, state.address);
  self->delayed_send(self,
                     state.address.empty() ? state.settings.lookup_retry
                                           : state.settings.lookup_every,
                     lookup_atom_v);
}

void look_up_from(self_pointer self, std::size_t index) {
  const auto& settings = self->state.settings;
  if (index == settings.urls.size()) {
    settings.log->warn("no public IP service answered with an IPv4 address; messages show {}",
                       self->state.address.empty() ? std::string{"it as unknown"}
                                                   : "the last one, " + self->state.address);
    finish_round(self);
    return;
  }
  http_request request;
  request.method = "GET";
  request.url = settings.urls[index];
  request.connect_timeout = lookup_timeout;
  request.total_timeout = lookup_timeout;
  request.ipv4_only = true;
  auto try_next = [=](const std::string& why) {
    self->state.settings.log->debug("public IP from {} failed: {}",
                                    mask_url_credentials(self->state.settings.urls[index]), why);
    look_up_from(self, index + 1);
  };
  // The transport's own timeouts bound the call; the actor only waits for it.
  self->request(settings.client, caf::infinite, http_atom_v, request)
    .then(
      [=](const http_response& reply) {
        auto address = reply.status == 200 ? parse_public_ip_reply(reply.body) : std::nullopt;
        if (!address) {
          try_next(reply.status == 0
                     ? reply.error
                     : fmt::format("HTTP {} without a public IPv4 address", reply.status));
          return;
        }
        if (*address != self->state.address)
          self->state.settings.log->info("public IPv4 address: {}", *address);
        self->state.address = std::move(*address);
        finish_round(self);
      },
      [=](caf::error& failure) { try_next(caf::to_string(failure)); });
}

} // namespace

public_ip_actor::behavior_type public_ip(self_pointer self, public_ip_settings settings) {
  self->state.settings = std::move(settings);
  look_up_from(self, 0);
  return {
    [=](lookup_atom) { look_up_from(self, 0); },
  };
}

} // namespace tmon
