#include "actors/notifier/notifier.hpp"

#include <algorithm>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/notifier/telegram.hpp"
#include "common/local_time.hpp"

namespace tmon {

namespace {

using self_pointer = notifier_actor::stateful_pointer<notifier_state>;

// "1.5 s": a delay in the log, to the nearest tenth of a second.
std::string seconds_text(std::chrono::milliseconds delay) {
  auto tenths = (delay.count() + 50) / 100;
  return fmt::format("{}.{} s", tenths / 10, tenths % 10);
}

// One target is done with the event; the event is done once every target is.
void target_finished(self_pointer self, std::uint64_t event_id, const target_queue& queue) {
  auto found = self->state.pending.find(event_id);
  if (found == self->state.pending.end())
    return;
  if (found->second.requester)
    self->send(found->second.requester, delivered_atom_v, event_id, queue.target.id);
  if (--found->second.targets_left > 0)
    return;
  found->second.promise.deliver(delivered_atom_v, event_id);
  self->state.pending.erase(found);
}

void send_next(self_pointer self, std::size_t index);

// A wrong token or address (or a proxy in front answering 404) meets every message alike:
// the messages are kept and tried again every 10 minutes, and one error line an hour says so
// until it works.
void retry_after_refusal(self_pointer self, std::size_t index, const std::string& reason,
                         long status) {
  using namespace std::chrono_literals;
  auto& queue = self->state.queues[index];
  auto& log = *self->state.settings.log;
  const auto& target = queue.target;
  auto event_id = queue.waiting.front()->event_id;
  auto now = self->clock().now();
  if (!queue.refusal_logged_at || now - *queue.refusal_logged_at >= 1h) {
    queue.refusal_logged_at = now;
    log.error("{} refused message {} for {} ({}); {}. Messages are kept and tried again every {} "
              "minutes; this is logged once an hour until it works",
              channel_name(target.kind), event_id, target.shown, reason,
              hint_for_refusal(target, status), configuration_retry_delay.count() / 60);
  } else {
    log.debug("message {} for {} still refused ({}); next try in {} minutes", event_id,
              target.shown, reason, configuration_retry_delay.count() / 60);
  }
  self->delayed_send(self, configuration_retry_delay, retry_atom_v, index);
}

void handle_reply(self_pointer self, std::size_t index, const http_response& reply) {
  auto& queue = self->state.queues[index];
  auto& log = *self->state.settings.log;
  const auto& target = queue.target;
  auto event_id = queue.waiting.front()->event_id;
  auto verdict = judge_delivery_reply(target.kind, reply);
  const auto reason = without_secrets(target, verdict.reason);
  auto& attempts = self->state.attempts;
  ++(verdict.action == send_verdict::next_step::delivered ? attempts.sent : attempts.failed);
  switch (verdict.action) {
    case send_verdict::next_step::delivered:
      log.info("message {} delivered to {}", event_id, target.shown);
      if (queue.refusal_logged_at) {
        log.info("{} accepts messages again", target.shown);
        queue.refusal_logged_at.reset();
      }
      break;
    case send_verdict::next_step::drop:
      log.error("{} refused message {} for {} ({}); {}. The message is dropped for this target",
                channel_name(target.kind), event_id, target.shown, reason,
                hint_for_refusal(target, reply.status));
      break;
    case send_verdict::next_step::retry_later:
      retry_after_refusal(self, index, reason, reply.status);
      return;
    case send_verdict::next_step::retry: {
      ++queue.failures;
      auto delay = backoff_delay(queue.failures, self->state.settings.jitter());
      if (verdict.retry_after)
        delay = std::max<std::chrono::milliseconds>(delay, *verdict.retry_after);
      log.warn("message {} not delivered to {} ({}); attempt {} failed, next in {}", event_id,
               target.shown, reason, queue.failures, seconds_text(delay));
      self->delayed_send(self, delay, retry_atom_v, index);
      return;
    }
  }
  queue.waiting.pop_front();
  queue.failures = 0;
  queue.busy = false;
  target_finished(self, event_id, queue);
  send_next(self, index);
}

void send_next(self_pointer self, std::size_t index) {
  auto& queue = self->state.queues[index];
  if (queue.busy || queue.waiting.empty())
    return;
  queue.busy = true;
  // Services answer a faster pace with refusals and may then hold a sender back for minutes.
  auto now = self->clock().now();
  auto allowed_at = next_send_time(queue.recent_sends, queue.group_pacing);
  if (now < allowed_at) {
    self->delayed_send(self, allowed_at - now, retry_atom_v, index);
    return;
  }
  queue.recent_sends.push_back(now);
  if (queue.recent_sends.size() > group_messages_per_minute)
    queue.recent_sends.pop_front();
  auto request = delivery_request(queue.target, *queue.waiting.front(), self->state.settings.now());
  // The transport's own timeouts bound the call; the actor only waits for it.
  self->request(queue.client, caf::infinite, http_atom_v, std::move(request))
    .then([=](const http_response& reply) { handle_reply(self, index, reply); },
          [=](caf::error& failure) {
            handle_reply(self, index, http_response{0, {}, caf::to_string(failure)});
          });
}

// Words the event, logs its text when it was raised in this run (a message left from an
// earlier run had its text logged then), and queues it for every target that still owes it.
void enqueue(self_pointer self, const event& e, bool raised_now) {
  auto& state = self->state;
  auto& log = *state.settings.log;
  auto message = std::make_shared<const outgoing_message>(
    outgoing_message_of(e, state.settings.context, format_message(e, state.settings.context)));
  if (state.queues.empty()) {
    if (raised_now)
      log.info("message {} (log only):\n{}", e.id, message->text);
    else
      log.debug("message {} raised at {} confirmed (log only; its text was logged then)", e.id,
                local_iso8601(e.raised_at));
  } else if (raised_now) {
    log.info("message {} for {} target(s):\n{}", e.id, state.queues.size(), message->text);
  } else {
    log.debug("message {} raised at {} handed over again", e.id, local_iso8601(e.raised_at));
  }
  // An event from an earlier run goes only to the targets that have not confirmed it.
  const auto owed = [&e](const target_queue& queue) {
    return !e.targets_assigned
           || std::find(e.targets_left.begin(), e.targets_left.end(), queue.target.id)
                != e.targets_left.end();
  };
  auto& pending = state.pending.at(e.id);
  pending.targets_left = static_cast<std::size_t>(
    std::count_if(state.queues.begin(), state.queues.end(), owed));
  if (pending.targets_left == 0) {
    pending.promise.deliver(delivered_atom_v, e.id);
    state.pending.erase(e.id);
    return;
  }
  for (std::size_t index = 0; index < state.queues.size(); ++index) {
    if (!owed(state.queues[index]))
      continue;
    state.queues[index].waiting.push_back(message);
    send_next(self, index);
  }
}

// The first lookup has answered, or the start-up message has waited long enough.
void release_start_messages(self_pointer self) {
  auto& state = self->state;
  state.awaiting_first_lookup = false;
  auto held = std::move(state.held_start_messages);
  state.held_start_messages.clear();
  for (const auto& waiting : held)
    enqueue(self, waiting.e, waiting.raised_now);
}

} // namespace

notifier_actor::behavior_type notifier(notifier_actor::stateful_pointer<notifier_state> self,
                                       notifier_settings settings) {
  self->state.settings = std::move(settings);
  const auto& settings_now = self->state.settings;
  for (std::size_t index = 0; index < settings_now.targets.size(); ++index) {
    target_queue queue;
    queue.target = settings_now.targets[index];
    queue.client = settings_now.clients.at(index);
    queue.group_pacing = queue.target.kind != channel::telegram
                         || is_group_chat(queue.target.chat_id);
    self->state.queues.push_back(std::move(queue));
  }
  self->state.awaiting_first_lookup = self->state.settings.address_from_lookup;
  return {
    [=](deliver_atom, const event& e,
        bool raised_now) -> caf::result<delivered_atom, std::uint64_t> {
      auto& state = self->state;
      // Taken first: making the promise moves the sender into it.
      auto requester = caf::actor_cast<accounting_actor>(self->current_sender());
      auto promise = self->make_response_promise<delivered_atom, std::uint64_t>();
      state.pending.emplace(e.id,
                            notifier_state::pending_event{state.queues.size(), promise, requester});
      // "Public IPv4: unknown" in the start-up message says nothing; an alert does not wait.
      if (e.kind == event_kind::monitor_started && state.awaiting_first_lookup) {
        if (state.held_start_messages.empty())
          self->delayed_send(self, state.settings.start_message_wait, address_wait_atom_v);
        state.held_start_messages.push_back({e, raised_now});
        return promise;
      }
      enqueue(self, e, raised_now);
      return promise;
    },
    [=](retry_atom, std::size_t index) {
      self->state.queues[index].busy = false;
      send_next(self, index);
    },
    [=](public_ip_atom, const std::string& address) {
      self->state.settings.context.public_ipv4 = address;
      if (self->state.awaiting_first_lookup)
        release_start_messages(self);
    },
    [=](address_wait_atom) { release_start_messages(self); },
    [=](attempt_atom) { return self->state.attempts; },
  };
}

} // namespace tmon
