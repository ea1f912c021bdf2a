// The typed interfaces of the actors (sampler, accounting, scheduler, notifier and the HTTP
// clients it sends through), the atoms that tag their messages, and the inspect() overloads
// that let CAF carry and print the plain structs of types.hpp.
#pragma once

#include <cstdint>
#include <tuple>

#include <caf/atom.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/types.hpp"

namespace tmon {

using sample_atom = caf::atom_constant<caf::atom("sample")>;
using subscribe_atom = caf::atom_constant<caf::atom("subscribe")>;
using cycle_atom = caf::atom_constant<caf::atom("cycle")>;
using report_atom = caf::atom_constant<caf::atom("report")>;
using usage_atom = caf::atom_constant<caf::atom("usage")>;
using flush_atom = caf::atom_constant<caf::atom("flush")>;
using deliver_atom = caf::atom_constant<caf::atom("deliver")>;
using delivered_atom = caf::atom_constant<caf::atom("delivered")>;
using tick_atom = caf::atom_constant<caf::atom("tick")>;
using http_atom = caf::atom_constant<caf::atom("http")>;
using retry_atom = caf::atom_constant<caf::atom("retry")>;
using lookup_atom = caf::atom_constant<caf::atom("lookup")>;
using clock_atom = caf::atom_constant<caf::atom("clock")>;
using address_wait_atom = caf::atom_constant<caf::atom("addrwait")>;

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, interface_counters& x) {
  return f(caf::meta::type_name("interface_counters"), x.name, x.rx_bytes, x.tx_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sample& x) {
  return f(caf::meta::type_name("sample"), x.taken_at, x.boot_id, x.interfaces, x.uptime_seconds,
           x.missing_interfaces, x.visible_interfaces);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cycle_bounds& x) {
  return f(caf::meta::type_name("cycle_bounds"), x.start, x.end);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, usage_figures& x) {
  return f(caf::meta::type_name("usage_figures"), x.cycle, x.rx_bytes, x.tx_bytes, x.counted_bytes,
           x.quota_bytes);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, event& x) {
  return std::apply([&f](auto&... fields) { return f(caf::meta::type_name("event"), fields...); },
                    tie_fields(x));
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, http_request& x) {
  return f(caf::meta::type_name("http_request"), x.method, x.url, x.body, x.connect_timeout,
           x.total_timeout, x.ipv4_only);
}

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, http_response& x) {
  return f(caf::meta::type_name("http_response"), x.status, x.body, x.error);
}

// Owns calendar time: wakes at cycle resets and report instants, at least hourly.
using scheduler_actor = caf::typed_actor<
  // Self-sent timer with the number of the wake-up that armed it: recompute the calendar
  // from the wall clock and re-arm; a timer outdated by a later wake-up is ignored.
  caf::reacts_to<tick_atom, std::uint64_t>,
  // From accounting: a sample is dated past the cycle's end, so the wall clock jumped or the
  // host was suspended; look at the clock now instead of at the next timer.
  caf::reacts_to<clock_atom>>;

// Owns the persisted state: applies samples, closes cycles, raises events.
using accounting_actor = caf::typed_actor<
  // A periodic reading from the sampler.
  caf::reacts_to<sample_atom, sample>,
  // From the scheduler: the billing cycle that contains the current time, and the scheduler
  // to ask again when a sample shows the clock has passed the cycle's end.
  caf::reacts_to<cycle_atom, cycle_bounds, scheduler_actor>,
  // From the scheduler: the latest report instant due so far in this cycle.
  caf::reacts_to<report_atom, cycle_bounds, epoch_seconds>,
  // The current cycle's figures.
  caf::replies_to<usage_atom>::with<usage_figures>,
  // Takes one last sample and persists it; answered once the state is on disk.
  caf::replies_to<flush_atom>::with<bool>>;

// Reads the interface counters.
using sampler_actor = caf::typed_actor<
  // Starts sending periodic samples to this accounting actor.
  caf::reacts_to<subscribe_atom, accounting_actor>,
  // Self-sent timer: take the periodic sample and re-arm.
  caf::reacts_to<tick_atom>,
  // A sample taken right now (at a cycle boundary or at shutdown).
  caf::replies_to<sample_atom>::with<sample>>;

// Performs blocking HTTP calls, one at a time; runs on a thread of its own in production.
using http_client_actor = caf::typed_actor<
  // One HTTP exchange.
  caf::replies_to<http_atom, http_request>::with<http_response>>;

// Turns events into messages and delivers them.
using notifier_actor = caf::typed_actor<
  // Delivers one event; answered with its id once every recipient has it or refused it.
  // The flag is true when the event was raised in this run, false when it was left in the
  // outbox by an earlier one (its text was logged then).
  caf::replies_to<deliver_atom, event, bool>::with<delivered_atom, std::uint64_t>,
  // Self-sent timer: the back-off for the chat at this index is over; try its next message.
  caf::reacts_to<retry_atom, std::size_t>,
  // Self-sent timer: look up the public IPv4 address again.
  caf::reacts_to<lookup_atom>,
  // Self-sent timer: the start-up message has waited long enough for the first lookup.
  caf::reacts_to<address_wait_atom>>;

} // namespace tmon
