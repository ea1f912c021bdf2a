// The typed interfaces of the actors, the atoms that tag their messages, and the
// inspect() overloads that let CAF carry and print the plain structs of types.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <tuple>

#include <caf/atom.hpp>
#include <caf/error.hpp>
#include <caf/meta/load_callback.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/none.hpp>
#include <caf/replies_to.hpp>
#include <caf/type_id.hpp>
#include <caf/typed_actor.hpp>

#include "messages/types.hpp"

// Atoms and message types of this project, after CAF's own (flush_atom and tick_atom are
// CAF's and are used as caf::flush_atom_v and so on).
CAF_BEGIN_TYPE_ID_BLOCK(tmon, caf::first_custom_type_id)
CAF_ADD_ATOM(tmon, tmon, sample_atom, "sample")
CAF_ADD_ATOM(tmon, tmon, cycle_atom, "cycle")
CAF_ADD_ATOM(tmon, tmon, report_atom, "report")
CAF_ADD_ATOM(tmon, tmon, usage_atom, "usage")
CAF_ADD_ATOM(tmon, tmon, deliver_atom, "deliver")
CAF_ADD_ATOM(tmon, tmon, delivered_atom, "delivered")
CAF_ADD_ATOM(tmon, tmon, http_atom, "http")
CAF_ADD_ATOM(tmon, tmon, retry_atom, "retry")
CAF_ADD_ATOM(tmon, tmon, lookup_atom, "lookup")
CAF_ADD_ATOM(tmon, tmon, address_wait_atom, "addrwait")
CAF_ADD_ATOM(tmon, tmon, public_ip_atom, "public_ip")
CAF_ADD_ATOM(tmon, tmon, figures_atom, "figures")
CAF_ADD_ATOM(tmon, tmon, attempt_atom, "attempt")
CAF_ADD_ATOM(tmon, tmon, deadline_atom, "deadline")
CAF_ADD_ATOM(tmon, tmon, poll_atom, "poll")
CAF_ADD_ATOM(tmon, tmon, offset_atom, "offset")
CAF_ADD_ATOM(tmon, tmon, calibrate_atom, "calibrate")
CAF_ADD_TYPE_ID(tmon, (tmon::interface_counters))
CAF_ADD_TYPE_ID(tmon, (tmon::sample))
CAF_ADD_TYPE_ID(tmon, (tmon::cycle_bounds))
CAF_ADD_TYPE_ID(tmon, (tmon::usage_figures))
CAF_ADD_TYPE_ID(tmon, (tmon::cycle_outlook))
CAF_ADD_TYPE_ID(tmon, (tmon::event))
CAF_ADD_TYPE_ID(tmon, (tmon::published_figures))
CAF_ADD_TYPE_ID(tmon, (tmon::delivery_counts))
CAF_ADD_TYPE_ID(tmon, (tmon::http_request))
CAF_ADD_TYPE_ID(tmon, (tmon::http_response))
CAF_END_TYPE_ID_BLOCK(tmon)

namespace tmon {

// As its count of units; a loaded count becomes the percentage again.
template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, percentage& x) {
  auto units = x.units();
  return f(caf::meta::type_name("percentage"), units, caf::meta::load_callback([&]() -> caf::error {
             x = percentage::from_units(units);
             return caf::none;
           }));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interface_counters& x) {
  return f(caf::meta::type_name("interface_counters"), x.name, x.rx_bytes, x.tx_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sample& x) {
  return f(caf::meta::type_name("sample"), x.taken_at, x.boot_id, x.interfaces, x.uptime,
           x.missing_interfaces, x.visible_interfaces);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cycle_bounds& x) {
  return f(caf::meta::type_name("cycle_bounds"), x.start, x.end);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, usage_figures& x) {
  return f(caf::meta::type_name("usage_figures"), x.cycle, x.rx_bytes, x.tx_bytes, x.counted_bytes,
           x.quota_bytes, x.adjustment_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cycle_outlook& x) {
  return f(caf::meta::type_name("cycle_outlook"), x.today_bytes, x.yesterday_bytes, x.full_days,
           x.daily_average_bytes, x.projected_bytes, x.runs_out_at, x.days_left,
           x.daily_budget_bytes, x.busiest_day, x.busiest_day_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event& x) {
  return std::apply([&f](auto&... fields) { return f(caf::meta::type_name("event"), fields...); },
                    tie_fields(x));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, published_figures& x) {
  return f(caf::meta::type_name("published_figures"), x.usage, x.outlook, x.last_sample_at,
           x.events_pending, x.limit_reached, x.status_json, x.history_json);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, delivery_counts& x) {
  return f(caf::meta::type_name("delivery_counts"), x.sent, x.failed);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, http_request& x) {
  return f(caf::meta::type_name("http_request"), x.method, x.url, x.body, x.content_type, x.headers,
           x.connect_timeout, x.total_timeout, x.ipv4_only, x.user, x.password, x.mail_from,
           x.mail_to, x.require_tls);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, http_response& x) {
  return f(caf::meta::type_name("http_response"), x.status, x.body, x.error);
}

// Owns calendar time and alone decides when the cycle changes: wakes at cycle resets and
// report instants and at least hourly, and every check interval asks the sampler for the
// periodic reading, which it passes on to accounting; a reading dated outside the announced
// cycle makes it look at the clock at once.
using scheduler_actor = caf::typed_actor<
  // Self-sent timer with the number of the wake-up that armed it: recompute the calendar
  // from the wall clock and re-arm; a timer outdated by a later wake-up is ignored.
  caf::reacts_to<caf::tick_atom, std::uint64_t>,
  // Self-sent timer, every check interval: take the periodic reading and re-arm.
  caf::reacts_to<sample_atom>>;

// Owns the persisted state: applies samples, closes cycles, raises events.
using accounting_actor = caf::typed_actor<
  // From the notifier: this delivery target has the event (or refused it for good).
  caf::reacts_to<delivered_atom, std::uint64_t, std::string>,
  // From the scheduler: one periodic reading.
  caf::reacts_to<sample_atom, sample>,
  // From the scheduler: the billing cycle that contains the current time.
  caf::reacts_to<cycle_atom, cycle_bounds>,
  // From the scheduler: the latest report instant due so far in this cycle.
  caf::reacts_to<report_atom, cycle_bounds, moment>,
  // From main on SIGUSR1: the current cycle's figures.
  caf::replies_to<usage_atom>::with<usage_figures>,
  // From the command poller and the metrics listener: the figures as they are now.
  caf::replies_to<figures_atom>::with<published_figures>,
  // From the command poller: Telegram's updates before this id are answered or skipped, so
  // that none is answered again after a restart; answered once saved (true) or not (false).
  caf::replies_to<offset_atom, std::int64_t>::with<bool>,
  // From the command poller: /calibrate, the bytes used in the open cycle, and an id for the
  // record; answered with the usage_calibrated event raised for every target.
  caf::replies_to<calibrate_atom, std::uint64_t, std::string>::with<event>,
  // Takes one last sample and persists it; answered once the state is on disk.
  caf::replies_to<caf::flush_atom>::with<bool>>;

// Reads the interface counters when asked: for the scheduler's periodic readings, and for
// accounting's at a cycle boundary, at start-up and at shutdown.
using sampler_actor = caf::typed_actor<
  // A reading taken right now.
  caf::replies_to<sample_atom>::with<sample>>;

// Performs blocking HTTP calls, one at a time; runs on a thread of its own in production.
using http_client_actor = caf::typed_actor<
  // One HTTP exchange.
  caf::replies_to<http_atom, http_request>::with<http_response>>;

// The Telegram bot's calls, on a thread of its own in production.
using bot_client_actor = http_client_actor::extend<
  // A getUpdates long poll, made again at once while Telegram answers that it has no updates;
  // answered with the first other reply (updates, a refusal or a failure).
  caf::replies_to<poll_atom, http_request>::with<http_response>>;

// Turns events into messages and delivers them.
using notifier_actor = caf::typed_actor<
  // Delivers one event to the targets it has left; tells the requester as each target has
  // it or refused it for good, and answers with its id once all are done. The flag is true
  // when the event was raised in this run, false when it was left in the outbox by an
  // earlier one (its text was logged then).
  caf::replies_to<deliver_atom, event, bool>::with<delivered_atom, std::uint64_t>,
  // Self-sent timer: the back-off or pacing of the target at this index is over; try its
  // next message.
  caf::reacts_to<retry_atom, std::size_t>,
  // From the public-IP lookup after each round: the address messages name (empty: none
  // known yet).
  caf::reacts_to<public_ip_atom, std::string>,
  // Self-sent timer: the start-up message has waited long enough for the first lookup.
  caf::reacts_to<address_wait_atom>,
  // From the metrics listener: the delivery attempts since start.
  caf::replies_to<attempt_atom>::with<delivery_counts>>;

// What takes the public address that messages name.
using address_listener_actor = caf::typed_actor<
  // After each round of the lookup: the address (empty: none known yet).
  caf::reacts_to<public_ip_atom, std::string>>;

// Answers Telegram commands: long-polls getUpdates on an HTTP client of its own and answers
// the configured chats with accounting's figures.
using commands_actor = caf::typed_actor<
  // From the public-IP lookup: the address answers name.
  caf::reacts_to<public_ip_atom, std::string>,
  // Self-sent timer: the wait after a failed or refused call is over; call Telegram again.
  caf::reacts_to<poll_atom>>;

// Looks up the host's public IPv4 address and sends it to the notifier and the commands.
using public_ip_actor = caf::typed_actor<
  // Self-sent timer: ask the services again.
  caf::reacts_to<lookup_atom>>;

} // namespace tmon
