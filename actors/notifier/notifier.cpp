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

// One chat is done with the event; the event is done once every chat is.
void chat_finished(self_pointer self, std::uint64_t event_id, const chat_queue& chat) {
  auto found = self->state.pending.find(event_id);
  if (found == self->state.pending.end())
    return;
  if (found->second.requester)
    self->send(found->second.requester, delivered_atom_v, event_id, chat.target);
  if (--found->second.chats_left > 0)
    return;
  found->second.promise.deliver(delivered_atom_v, event_id);
  self->state.pending.erase(found);
}

void send_next(self_pointer self, std::size_t index);

// A refused token or address (401, 404) meets every message alike: the messages are kept
// and tried again every 10 minutes, and one error line an hour says so until it works.
void retry_after_refusal(self_pointer self, std::size_t index, const send_verdict& verdict,
                         long status) {
  using namespace std::chrono_literals;
  auto& state = self->state;
  auto& chat = state.chats[index];
  auto& log = *state.settings.log;
  auto event_id = chat.waiting.front().event_id;
  auto now = self->clock().now();
  if (!state.refusal_logged_at || now - *state.refusal_logged_at >= 1h) {
    state.refusal_logged_at = now;
    log.error("Telegram refused message {} for chat {} ({}); {}. Messages are kept and tried "
              "again every {} minutes; this is logged once an hour until it works",
              event_id, chat.chat_id, verdict.reason, hint_for_rejection(status),
              configuration_retry_delay.count() / 60);
  } else {
    log.debug("message {} for chat {} still refused ({}); next try in {} minutes", event_id,
              chat.chat_id, verdict.reason, configuration_retry_delay.count() / 60);
  }
  self->delayed_send(self, configuration_retry_delay, retry_atom_v, index);
}

void handle_reply(self_pointer self, std::size_t index, const http_response& reply) {
  auto& chat = self->state.chats[index];
  auto& log = *self->state.settings.log;
  auto event_id = chat.waiting.front().event_id;
  auto verdict = judge_send_reply(reply);
  switch (verdict.action) {
    case send_verdict::next_step::delivered:
      log.info("message {} delivered to chat {}", event_id, chat.chat_id);
      if (self->state.refusal_logged_at) {
        log.info("Telegram accepts messages again");
        self->state.refusal_logged_at.reset();
      }
      break;
    case send_verdict::next_step::drop:
      log.error("Telegram refused message {} for chat {} ({}); {}. The message is dropped for "
                "this chat",
                event_id, chat.chat_id, verdict.reason, hint_for_rejection(reply.status));
      break;
    case send_verdict::next_step::retry_later:
      retry_after_refusal(self, index, verdict, reply.status);
      return;
    case send_verdict::next_step::retry: {
      ++chat.failures;
      auto delay = backoff_delay(chat.failures, self->state.settings.jitter());
      if (verdict.retry_after)
        delay = std::max<std::chrono::milliseconds>(delay, *verdict.retry_after);
      log.warn("message {} not delivered to chat {} ({}); attempt {} failed, next in {}", event_id,
               chat.chat_id, verdict.reason, chat.failures, seconds_text(delay));
      self->delayed_send(self, delay, retry_atom_v, index);
      return;
    }
  }
  chat.waiting.pop_front();
  chat.failures = 0;
  chat.busy = false;
  chat_finished(self, event_id, chat);
  send_next(self, index);
}

void send_next(self_pointer self, std::size_t index) {
  auto& chat = self->state.chats[index];
  if (chat.busy || chat.waiting.empty())
    return;
  chat.busy = true;
  // Telegram answers a faster pace with 429s and may then hold a bot back for minutes.
  auto now = self->clock().now();
  auto allowed_at = next_send_time(chat.recent_sends, chat.group);
  if (now < allowed_at) {
    self->delayed_send(self, allowed_at - now, retry_atom_v, index);
    return;
  }
  chat.recent_sends.push_back(now);
  if (chat.recent_sends.size() > group_messages_per_minute)
    chat.recent_sends.pop_front();
  http_request request;
  request.url = self->state.settings.send_url;
  request.body = send_message_body(chat.chat_id, chat.waiting.front().text);
  // The transport's own timeouts bound the call; the actor only waits for it.
  self->request(chat.client, caf::infinite, http_atom_v, request)
    .then([=](const http_response& reply) { handle_reply(self, index, reply); },
          [=](caf::error& failure) {
            handle_reply(self, index, http_response{0, {}, caf::to_string(failure)});
          });
}

// Words the event, logs its text when it was raised in this run (a message left from an
// earlier run had its text logged then), and queues it for every chat.
void enqueue(self_pointer self, const event& e, bool raised_now) {
  auto& state = self->state;
  auto& log = *state.settings.log;
  auto text = format_message(e, state.settings.context);
  if (state.chats.empty()) {
    if (raised_now)
      log.info("message {} (log only):\n{}", e.id, text);
    else
      log.debug("message {} raised at {} confirmed (log only; its text was logged then)", e.id,
                local_iso8601(e.raised_at));
  } else if (raised_now) {
    log.info("message {} for {} chat(s):\n{}", e.id, state.chats.size(), text);
  } else {
    log.debug("message {} raised at {} handed over again", e.id, local_iso8601(e.raised_at));
  }
  // An event from an earlier run goes only to the chats that have not confirmed it.
  const auto owed = [&e](const chat_queue& chat) {
    return !e.targets_assigned
           || std::find(e.targets_left.begin(), e.targets_left.end(), chat.target)
                != e.targets_left.end();
  };
  auto& pending = state.pending.at(e.id);
  pending.chats_left = static_cast<std::size_t>(
    std::count_if(state.chats.begin(), state.chats.end(), owed));
  if (pending.chats_left == 0) {
    pending.promise.deliver(delivered_atom_v, e.id);
    state.pending.erase(e.id);
    return;
  }
  for (std::size_t index = 0; index < state.chats.size(); ++index) {
    if (!owed(state.chats[index]))
      continue;
    state.chats[index].waiting.push_back({e.id, text});
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

std::string telegram_target(const std::string& chat_id) {
  return "telegram:" + chat_id;
}

notifier_actor::behavior_type notifier(notifier_actor::stateful_pointer<notifier_state> self,
                                       notifier_settings settings) {
  self->state.settings = std::move(settings);
  const auto& settings_now = self->state.settings;
  for (std::size_t index = 0; index < settings_now.chat_ids.size(); ++index) {
    chat_queue chat;
    chat.chat_id = settings_now.chat_ids[index];
    chat.target = telegram_target(chat.chat_id);
    chat.client = settings_now.chat_clients.at(index);
    chat.group = is_group_chat(chat.chat_id);
    self->state.chats.push_back(std::move(chat));
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
                            notifier_state::pending_event{state.chats.size(), promise, requester});
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
      self->state.chats[index].busy = false;
      send_next(self, index);
    },
    [=](public_ip_atom, const std::string& address) {
      self->state.settings.context.public_ipv4 = address;
      if (self->state.awaiting_first_lookup)
        release_start_messages(self);
    },
    [=](address_wait_atom) { release_start_messages(self); },
  };
}

} // namespace tmon
