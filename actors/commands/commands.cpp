#include "actors/commands/commands.hpp"

#include <utility>

#include <caf/all.hpp>
#include <fmt/format.h>

#include "actors/notifier/telegram.hpp"
#include "common/amount.hpp"
#include "common/local_time.hpp"

namespace tmon {

namespace {

using self_pointer = commands_actor::stateful_pointer<commands_state>;

void call_telegram(self_pointer self);

// Asks Telegram again after `delay`.
void call_again_after(self_pointer self, std::chrono::milliseconds delay) {
  self->delayed_send(self, delay, poll_atom_v);
}

// A call failed or was refused: waits as the verdict asks, or stops for good.
void after_failure(self_pointer self, const poll_verdict& verdict) {
  auto& state = self->state;
  const auto& log = state.settings.log;
  state.listening = false;
  using next_step = poll_verdict::next_step;
  switch (verdict.action) {
    case next_step::unauthorized:
      log->error("Telegram refuses TELEGRAM_BOT_TOKEN ({}): commands are not answered until the "
                 "monitor is restarted with a valid token",
                 verdict.reason);
      return;
    case next_step::conflict:
      if (!state.in_conflict)
        log->warn("Telegram refuses to hand this monitor the bot's messages ({}): another host "
                  "polls with the same TELEGRAM_BOT_TOKEN, or a webhook is set on the bot. Set "
                  "TELEGRAM_COMMANDS=on on one host only (or give each host its own bot), and "
                  "remove a webhook with the Bot API's deleteWebhook; asked again every {} "
                  "minutes",
                  verdict.reason, conflict_retry_delay.count() / 60);
      state.in_conflict = true;
      call_again_after(self, conflict_retry_delay);
      return;
    case next_step::retry:
    case next_step::proceed: {
      ++state.failures;
      if (state.failures == 1)
        log->warn("Telegram did not answer a command poll ({}); retried with back-off",
                  verdict.reason);
      const auto delay = verdict.retry_after
                           ? std::chrono::milliseconds{*verdict.retry_after}
                           : backoff_delay(state.failures,
                                           state.settings.jitter ? state.settings.jitter() : 0.0);
      call_again_after(self, delay);
      return;
    }
  }
}

// A call went through: a streak of failures or a conflict is over.
void after_success(commands_state& state) {
  if (state.failures > 0 || state.in_conflict)
    state.settings.log->info("Telegram answers the command poll again");
  state.failures = 0;
  state.in_conflict = false;
}

// Hands `request` to the client as `call` (http_atom: once; poll_atom: a long poll made
// again while it ends quiet); `on_verdict` gets Telegram's judged reply.
template <class Call, class OnVerdict>
void ask(self_pointer self, Call call, http_request request, OnVerdict on_verdict) {
  self->request(self->state.settings.client, caf::infinite, call, std::move(request))
    .then([=](const http_response& reply) { on_verdict(judge_poll_reply(reply)); },
          [=](caf::error& failure) {
            poll_verdict verdict;
            verdict.reason = caf::to_string(failure);
            after_failure(self, verdict);
          });
}

void answer_next(self_pointer self, std::vector<pending_answer> answers, std::size_t index);

// Sends `text` to the command's chat, once more after a failure, then goes on with the next
// answer. An answer that fails twice is logged and left: the owner can ask again.
void send_answer(self_pointer self, std::vector<pending_answer> answers, std::size_t index,
                 std::string text, int attempt) {
  const auto& settings = self->state.settings;
  http_request request;
  request.url = send_message_url(settings.api_base, settings.token);
  request.body = send_message_body(answers[index].chat_id, text);
  self->request(settings.client, caf::infinite, http_atom_v, std::move(request))
    .then(
      [=](const http_response& reply) mutable {
        const auto verdict = judge_send_reply(reply);
        if (verdict.action == send_verdict::next_step::retry && attempt == 1) {
          send_answer(self, std::move(answers), index, std::move(text), 2);
          return;
        }
        if (verdict.action != send_verdict::next_step::delivered)
          self->state.settings.log->warn("the answer to update {} in chat {} was not delivered: "
                                         "{}",
                                         answers[index].update_id, answers[index].chat_id,
                                         verdict.reason);
        answer_next(self, std::move(answers), index + 1);
      },
      [=](caf::error& failure) mutable {
        self->state.settings.log->warn("the answer to update {} was not delivered: {}",
                                       answers[index].update_id, caf::to_string(failure));
        answer_next(self, std::move(answers), index + 1);
      });
}

// /calibrate with an amount it can read: accounting applies it and raises the notice.
void calibrate_and_answer(self_pointer self, std::vector<pending_answer> answers, std::size_t index,
                          std::uint64_t used_bytes) {
  const auto& settings = self->state.settings;
  const auto request_id = fmt::format("telegram-{}", answers[index].update_id);
  self->request(settings.accounting, caf::infinite, calibrate_atom_v, used_bytes, request_id)
    .then(
      [=](const event& calibrated) mutable {
        const auto& context = self->state.settings.context;
        send_answer(self, std::move(answers), index,
                    format_calibrated_answer(calibrated.calibrated_from_bytes,
                                             calibrated.usage.counted_bytes, context),
                    1);
      },
      [=](caf::error& failure) mutable {
        self->state.settings.log->error("/calibrate could not be applied: {}",
                                        caf::to_string(failure));
        answer_next(self, std::move(answers), index + 1);
      });
}

void answer_next(self_pointer self, std::vector<pending_answer> answers, std::size_t index) {
  if (index == answers.size()) {
    call_telegram(self);
    return;
  }
  const auto& settings = self->state.settings;
  settings.log->info("/{} from chat {} (update {})", answers[index].command.name,
                     answers[index].chat_id, answers[index].update_id);
  self->request(settings.accounting, caf::infinite, figures_atom_v)
    .then(
      [=](published_figures& published) mutable {
        const auto& settings = self->state.settings;
        const auto& command = answers[index].command;
        // Before the first cycle is settled there is nothing to show or calibrate.
        std::optional<published_figures> figures;
        if (published.usage.cycle.end != moment{})
          figures = std::move(published);
        if (command.kind == bot_command_kind::calibrate && figures) {
          const auto& unit = settings.context.unit;
          if (auto used = parse_amount(command.argument, unit.name, unit.bytes)) {
            calibrate_and_answer(self, std::move(answers), index, *used);
            return;
          }
        }
        auto text = answer_for(command, figures, settings.context, settings.now());
        send_answer(self, std::move(answers), index, std::move(text), 1);
      },
      [=](caf::error& failure) mutable {
        self->state.settings.log->error("no figures for the answer: {}", caf::to_string(failure));
        answer_next(self, std::move(answers), index + 1);
      });
}

// Sorts the updates of one poll into answers, logs the rest, has the offset saved past them
// all, then answers in order.
void take_updates(self_pointer self, const std::vector<bot_update>& updates, bool backlog) {
  auto& state = self->state;
  const auto& settings = state.settings;
  if (updates.empty()) {
    call_telegram(self);
    return;
  }
  std::vector<pending_answer> answers;
  const auto now = settings.now();
  for (const auto& update : updates) {
    const auto decision = judge_update(update, settings.allowed_chats, state.bot_username, now,
                                       backlog);
    using verdict = update_decision::verdict;
    switch (decision.action) {
      case verdict::answer:
        answers.push_back({update.update_id, update.chat_id, decision.command});
        break;
      case verdict::foreign_chat:
        if (state.foreign_chats_logged.insert(update.chat_id).second)
          settings.log->warn("messages from chat {}{} are ignored: it is not in TELEGRAM_CHAT_ID",
                             update.chat_id,
                             update.chat_username.empty() ? ""
                                                          : " (@" + update.chat_username + ")");
        break;
      case verdict::stale:
        settings.log->info("a command from chat {} sent at {} waited at Telegram while the "
                           "monitor was not polling: confirmed without an answer",
                           update.chat_id, local_iso8601(update.sent_at));
        break;
      case verdict::ignore:
        break;
    }
  }
  const auto offset = next_offset(settings.offset, updates);
  self->request(settings.accounting, caf::infinite, offset_atom_v, offset)
    .then(
      [=](bool saved) mutable {
        self->state.settings.offset = offset;
        if (!saved)
          self->state.settings.log->warn("the update offset could not be saved: a restart "
                                         "before the next save may answer these commands again");
        answer_next(self, std::move(answers), 0);
      },
      [=](caf::error& failure) {
        self->state.settings.log->error("the update offset was not taken: {}; commands are no "
                                        "longer answered",
                                        caf::to_string(failure));
      });
}

void poll(self_pointer self) {
  const auto& settings = self->state.settings;
  auto on_verdict = [=](const poll_verdict& verdict) {
    if (verdict.action != poll_verdict::next_step::proceed) {
      after_failure(self, verdict);
      return;
    }
    after_success(self->state);
    const bool backlog = !self->state.listening;
    self->state.listening = true;
    take_updates(self, verdict.updates, backlog);
  };
  auto request = get_updates_request(settings.api_base, settings.token, settings.offset);
  // Once a poll went through, the quiet ones that follow stay with the client: only news, a
  // refusal or a failure comes back here. Until then every reply does, so that the end of a
  // streak of failures is seen (and logged) at once.
  if (self->state.listening)
    ask(self, poll_atom_v, std::move(request), on_verdict);
  else
    ask(self, http_atom_v, std::move(request), on_verdict);
}

// getMe, once: the bot's name, which commands in groups carry. The menu is registered on the
// way.
void introduce(self_pointer self) {
  const auto& settings = self->state.settings;
  ask(self, http_atom_v, get_me_request(settings.api_base, settings.token),
      [=](const poll_verdict& verdict) {
        auto& state = self->state;
        if (verdict.action != poll_verdict::next_step::proceed || verdict.bot_username.empty()) {
          after_failure(self, verdict);
          return;
        }
        after_success(state);
        state.bot_username = verdict.bot_username;
        state.settings.log->info("answering commands to @{} from TELEGRAM_CHAT_ID's chats",
                                 state.bot_username);
        ask(self, http_atom_v,
            set_commands_request(state.settings.api_base, state.settings.token,
                                 state.settings.context.language),
            [=](const poll_verdict& registered) {
              if (registered.action != poll_verdict::next_step::proceed)
                self->state.settings.log->warn("the command menu was not registered ({}); the "
                                               "commands work without it",
                                               registered.reason);
              poll(self);
            });
      });
}

void call_telegram(self_pointer self) {
  if (self->state.bot_username.empty())
    introduce(self);
  else
    poll(self);
}

} // namespace

commands_actor::behavior_type commands(commands_actor::stateful_pointer<commands_state> self,
                                       commands_settings settings) {
  self->state.settings = std::move(settings);
  call_telegram(self);
  return {
    [=](public_ip_atom, std::string& address) {
      self->state.settings.context.public_ipv4 = std::move(address);
    },
    [=](poll_atom) { call_telegram(self); },
  };
}

} // namespace tmon
