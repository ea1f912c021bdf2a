#define CAF_SUITE ledger
#include <caf/test/unit_test.hpp>

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "actors/accounting/forecast.hpp"
#include "actors/accounting/ledger.hpp"
#include "actors/scheduler/calendar.hpp"
#include "messages/messages.hpp"
#include "test_support.hpp"

using namespace tmon;
using namespace std::chrono_literals;
using tmon::test::at;

namespace {

constexpr std::uint64_t uint64_max = std::numeric_limits<std::uint64_t>::max();

const std::string boot_a = "6f1c2a60-0d4e-4b8e-9a57-3c1e2f4b5a01";
const std::string boot_b = "9b2d4e71-1f5a-4c9f-8b68-4d2f3a5c6b12";

const cycle_bounds march{test::utc(2024, 3, 1), test::utc(2024, 4, 1)};
const cycle_bounds april{test::utc(2024, 4, 1), test::utc(2024, 5, 1)};

interface_counters nic(const std::string& name, std::uint64_t rx, std::uint64_t tx) {
  return interface_counters{name, rx, tx};
}

sample sample_of(moment taken_at, const std::string& boot_id,
                 std::vector<interface_counters> interfaces) {
  sample s;
  s.taken_at = taken_at;
  s.boot_id = boot_id;
  s.interfaces = std::move(interfaces);
  return s;
}

// A reading that lacks the configured interfaces `missing`.
sample missing_from(moment taken_at, const std::string& boot_id,
                    std::vector<interface_counters> interfaces, std::vector<std::string> missing) {
  sample s = sample_of(taken_at, boot_id, std::move(interfaces));
  s.missing_interfaces = std::move(missing);
  return s;
}

// Applies `s` without a bandwidth limit; whether the state changed.
bool apply(monitor_state& state, const sample& s) {
  return apply_sample(state, s, ledger_rules{}).changed;
}

// A state in March that has applied `first` as its baseline.
monitor_state baselined_on(const sample& first) {
  monitor_state state;
  state.cycle = march;
  apply(state, first);
  return state;
}

ledger_rules rules_of(traffic_direction direction, std::uint64_t quota,
                      std::vector<percentage> thresholds = {}) {
  ledger_rules rules;
  rules.direction = direction;
  rules.quota_bytes = quota;
  rules.thresholds = std::move(thresholds);
  return rules;
}

// Outbound rules with a 1000-byte quota, so that percent and bytes are easy to read.
ledger_rules thousand_byte_rules(std::vector<percentage> thresholds) {
  return rules_of(traffic_direction::outbound, 1000, std::move(thresholds));
}

monitor_state state_with_sent(std::uint64_t tx_bytes) {
  monitor_state state;
  state.cycle = march;
  state.cycle_tx_bytes = tx_bytes;
  return state;
}

event event_of_kind(event_kind kind, moment raised_at = march.start) {
  event e;
  e.kind = kind;
  e.raised_at = raised_at;
  return e;
}

std::vector<std::uint64_t> outbox_ids(const monitor_state& state) {
  std::vector<std::uint64_t> ids;
  for (const auto& e : state.outbox)
    ids.push_back(e.id);
  return ids;
}

std::vector<std::uint64_t> ids_of(const std::vector<event>& events) {
  std::vector<std::uint64_t> ids;
  for (const auto& e : events)
    ids.push_back(e.id);
  return ids;
}

// The threshold named by the event newly_crossed_threshold returns; 0 when there is none.
percentage crossed_percent(monitor_state& state, const ledger_rules& rules) {
  const auto crossed = newly_crossed_threshold(state, rules, state.cycle.start);
  return crossed ? crossed->threshold_percent : 0_percent;
}

void check_reading(const monitor_state& state, const std::string& name, std::uint64_t rx,
                   std::uint64_t tx) {
  const auto found = state.last_counters.find(name);
  CAF_REQUIRE(found != state.last_counters.end());
  CAF_CHECK_EQUAL(found->second.rx_bytes, rx);
  CAF_CHECK_EQUAL(found->second.tx_bytes, tx);
}

void check_totals(const monitor_state& state, std::uint64_t rx, std::uint64_t tx) {
  CAF_CHECK_EQUAL(state.cycle_rx_bytes, rx);
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, tx);
}

} // namespace

// --- counter_delta ---

CAF_TEST(a counter that grew within one boot counts its growth) {
  CAF_CHECK_EQUAL(counter_delta(1000, 1500, true), 500u);
  CAF_CHECK_EQUAL(counter_delta(1500, 1500, true), 0u);
}

CAF_TEST(a counter that went down within one boot restarted from zero) {
  CAF_CHECK_EQUAL(counter_delta(1500, 200, true), 200u);
  CAF_CHECK_EQUAL(counter_delta(1500, 0, true), 0u);
}

CAF_TEST(a 32 bit wrap is never guessed) {
  CAF_CHECK_EQUAL(counter_delta(4294967000u, 100, true), 100u);
}

CAF_TEST(after a reboot the whole counter is new traffic) {
  CAF_CHECK_EQUAL(counter_delta(100, 500, false), 500u);
  CAF_CHECK_EQUAL(counter_delta(500, 100, false), 100u);
  CAF_CHECK_EQUAL(counter_delta(500, 500, false), 500u);
}

CAF_TEST(deltas use the full 64 bits) {
  CAF_CHECK_EQUAL(counter_delta(0, uint64_max, true), uint64_max);
  CAF_CHECK_EQUAL(counter_delta(uint64_max - 1, uint64_max, true), 1u);
}

// --- counted_bytes ---

CAF_TEST(each direction counts its own traffic) {
  CAF_CHECK_EQUAL(counted_bytes(300, 700, traffic_direction::outbound), 700u);
  CAF_CHECK_EQUAL(counted_bytes(300, 700, traffic_direction::inbound), 300u);
  CAF_CHECK_EQUAL(counted_bytes(300, 700, traffic_direction::bidirectional), 1000u);
  CAF_CHECK_EQUAL(counted_bytes(300, 700, traffic_direction::max), 700u);
  CAF_CHECK_EQUAL(counted_bytes(900, 700, traffic_direction::max), 900u);
}

CAF_TEST(both directions together saturate instead of wrapping) {
  CAF_CHECK_EQUAL(counted_bytes(uint64_max - 1, 1, traffic_direction::bidirectional), uint64_max);
  CAF_CHECK_EQUAL(counted_bytes(uint64_max, 1, traffic_direction::bidirectional), uint64_max);
  CAF_CHECK_EQUAL(counted_bytes(uint64_max, uint64_max, traffic_direction::bidirectional),
                  uint64_max);
}

// --- apply_sample ---

CAF_TEST(the first sample only sets the baseline) {
  monitor_state state;
  CAF_CHECK(apply(state, sample_of(at(100), boot_a, {nic("eth0", 5000, 7000), nic("eth1", 1, 2)})));
  CAF_CHECK_EQUAL(state.boot_id, boot_a);
  CAF_CHECK_EQUAL(state.last_sample_at, at(100));
  CAF_CHECK_EQUAL(state.last_counters.size(), 2u);
  check_reading(state, "eth0", 5000, 7000);
  check_reading(state, "eth1", 1, 2);
  check_totals(state, 0, 0);
}

CAF_TEST(a first sample without interfaces still records the boot) {
  monitor_state state;
  CAF_CHECK(apply(state, sample_of(at(100), boot_a, {})));
  CAF_CHECK_EQUAL(state.boot_id, boot_a);
  CAF_CHECK_EQUAL(state.last_sample_at, at(100));
  CAF_CHECK(state.last_counters.empty());
  // The interface shows up later in the same boot: its earlier traffic is not ours.
  CAF_CHECK(apply(state, sample_of(at(160), boot_a, {nic("eth0", 5000, 7000)})));
  check_totals(state, 0, 0);
  check_reading(state, "eth0", 5000, 7000);
}

CAF_TEST(deltas of every interface add up) {
  auto state = baselined_on(
    sample_of(at(100), boot_a, {nic("eth0", 1000, 2000), nic("eth1", 10, 20)}));
  CAF_CHECK(
    apply(state, sample_of(at(160), boot_a, {nic("eth0", 1500, 2700), nic("eth1", 15, 60)})));
  check_totals(state, 505, 740);
  CAF_CHECK(
    apply(state, sample_of(at(220), boot_a, {nic("eth0", 1600, 2700), nic("eth1", 15, 61)})));
  check_totals(state, 605, 741);
  check_reading(state, "eth0", 1600, 2700);
  check_reading(state, "eth1", 15, 61);
  CAF_CHECK_EQUAL(state.last_sample_at, at(220));
}

CAF_TEST(after a reboot every interface counts from zero) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 900000, 800000)}));
  CAF_CHECK(apply(state, sample_of(at(400), boot_b, {nic("eth0", 300, 400), nic("eth1", 50, 60)})));
  check_totals(state, 350, 460);
  CAF_CHECK_EQUAL(state.boot_id, boot_b);
  check_reading(state, "eth0", 300, 400);
  check_reading(state, "eth1", 50, 60);
}

CAF_TEST(a reboot counts counters that happen to be higher than before in full) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 100, 100)}));
  CAF_CHECK(apply(state, sample_of(at(400), boot_b, {nic("eth0", 150, 120)})));
  check_totals(state, 150, 120);
}

CAF_TEST(a counter that dropped within one boot counts its new value) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 4294967000u, 5000)}));
  CAF_CHECK(apply(state, sample_of(at(160), boot_a, {nic("eth0", 100, 5200)})));
  check_totals(state, 100, 200);
}

CAF_TEST(an interface first seen within the same boot is baselined) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 1000, 1000)}));
  CAF_CHECK(
    apply(state, sample_of(at(160), boot_a, {nic("eth0", 1100, 1200), nic("wg0", 70000, 80000)})));
  check_totals(state, 100, 200);
  check_reading(state, "wg0", 70000, 80000);
  CAF_CHECK(
    apply(state, sample_of(at(220), boot_a, {nic("eth0", 1100, 1200), nic("wg0", 70005, 80009)})));
  check_totals(state, 105, 209);
}

CAF_TEST(an interface missing from a reading loses its baseline and is remembered) {
  auto state = baselined_on(
    sample_of(at(100), boot_a, {nic("eth0", 1000, 1000), nic("wg0", 500, 600)}));
  CAF_CHECK(apply(state, missing_from(at(160), boot_a, {nic("eth0", 1010, 1020)}, {"wg0"})));
  check_totals(state, 10, 20);
  CAF_CHECK_EQUAL(state.last_counters.count("wg0"), 0u);
  CAF_CHECK_EQUAL(state.missing_since, (std::map<std::string, moment>{{"wg0", at(160)}}));
  // Still missing: since when stays the first reading that lacked it.
  CAF_CHECK(apply(state, missing_from(at(220), boot_a, {nic("eth0", 1010, 1020)}, {"wg0"})));
  CAF_CHECK_EQUAL(state.missing_since, (std::map<std::string, moment>{{"wg0", at(160)}}));
}

CAF_TEST(an interface re - created with higher counters counts its whole counter) {
  // Issue 9, finding 4 (b): wg0 read at 800, deleted, re-created and already at 900.
  auto state = baselined_on(
    sample_of(at(100), boot_a, {nic("eth0", 1000, 1000), nic("wg0", 500, 800)}));
  apply(state, missing_from(at(160), boot_a, {nic("eth0", 1000, 1000)}, {"wg0"}));
  CAF_CHECK(
    apply(state, sample_of(at(220), boot_a, {nic("eth0", 1000, 1000), nic("wg0", 700, 900)})));
  check_totals(state, 700, 900);
  check_reading(state, "wg0", 700, 900);
  CAF_CHECK(state.missing_since.empty());
  CAF_CHECK(
    apply(state, sample_of(at(280), boot_a, {nic("eth0", 1000, 1000), nic("wg0", 710, 905)})));
  check_totals(state, 710, 905);
}

CAF_TEST(an interface re - created with lower counters counts its whole counter) {
  auto state = baselined_on(
    sample_of(at(100), boot_a, {nic("eth0", 1000, 1000), nic("wg0", 500, 600)}));
  apply(state, missing_from(at(160), boot_a, {nic("eth0", 1000, 1000)}, {"wg0"}));
  CAF_CHECK(
    apply(state, sample_of(at(220), boot_a, {nic("eth0", 1000, 1000), nic("wg0", 40, 30)})));
  check_totals(state, 40, 30);
  check_reading(state, "wg0", 40, 30);
}

CAF_TEST(an interface missing after a reboot counts its whole counter when it appears) {
  // Issue 9, finding 4 (a): wg0 at tx 5000 before the reboot, absent from the first reading
  // after it, then at 7000.
  auto state = baselined_on(
    sample_of(at(100), boot_a, {nic("eth0", 0, 1000), nic("wg0", 0, 5000)}));
  CAF_CHECK(apply(state, missing_from(at(400), boot_b, {nic("eth0", 0, 300)}, {"wg0"})));
  check_totals(state, 0, 300);
  CAF_CHECK_EQUAL(state.last_counters.count("wg0"), 0u);
  CAF_CHECK(apply(state, sample_of(at(460), boot_b, {nic("eth0", 0, 300), nic("wg0", 0, 7000)})));
  check_totals(state, 0, 7300);
}

CAF_TEST(an interface configured but missing at the first start counts once it appears) {
  monitor_state state;
  apply(state, missing_from(at(100), boot_a, {nic("eth0", 1000, 1000)}, {"wg0"}));
  CAF_CHECK(
    apply(state, sample_of(at(160), boot_a, {nic("eth0", 1000, 1000), nic("wg0", 20, 30)})));
  check_totals(state, 20, 30);
}

CAF_TEST(an interface no longer configured is forgotten and baselined when configured again) {
  auto state = baselined_on(
    sample_of(at(100), boot_a, {nic("eth0", 1000, 1000), nic("wg0", 500, 600)}));
  CAF_CHECK(apply(state, sample_of(at(160), boot_a, {nic("eth0", 1000, 1000)})));
  CAF_CHECK_EQUAL(state.last_counters.count("wg0"), 0u);
  CAF_CHECK(state.missing_since.empty());
  CAF_CHECK(
    apply(state, sample_of(at(220), boot_a, {nic("eth0", 1000, 1000), nic("wg0", 9000, 9000)})));
  check_totals(state, 0, 0);
}

CAF_TEST(an interface that stays missing changes nothing) {
  auto state = baselined_on(missing_from(at(100), boot_a, {nic("eth0", 1, 2)}, {"wg0"}));
  const auto before = state;
  CAF_CHECK(!apply(state, missing_from(at(100), boot_a, {nic("eth0", 1, 2)}, {"wg0"})));
  CAF_CHECK(state == before);
}

CAF_TEST(cycle totals saturate instead of wrapping) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 0, 0)}));
  state.cycle_rx_bytes = uint64_max - 10;
  state.cycle_tx_bytes = uint64_max - 10;
  CAF_CHECK(apply(state, sample_of(at(160), boot_a, {nic("eth0", 10, 11)})));
  check_totals(state, uint64_max, uint64_max);
  CAF_CHECK(apply(state, sample_of(at(220), boot_a, {nic("eth0", 20, 21)})));
  check_totals(state, uint64_max, uint64_max);
}

CAF_TEST(interfaces summed after a reboot saturate) {
  auto state = baselined_on(sample_of(at(100), boot_a, {}));
  CAF_CHECK(apply(state, sample_of(at(160), boot_b,
                                   {nic("eth0", uint64_max, 1), nic("eth1", 1, uint64_max)})));
  check_totals(state, uint64_max, uint64_max);
}

CAF_TEST(the same sample again changes nothing) {
  const auto same = sample_of(at(100), boot_a, {nic("eth0", 1000, 2000)});
  auto state = baselined_on(same);
  const auto before = state;
  CAF_CHECK(!apply(state, same));
  CAF_CHECK(state == before);
}

CAF_TEST(a later sample with unchanged counters changes only the sample time) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 1000, 2000)}));
  auto expected = state;
  expected.last_sample_at = at(160);
  CAF_CHECK(apply(state, sample_of(at(160), boot_a, {nic("eth0", 1000, 2000)})));
  CAF_CHECK(state == expected);
}

CAF_TEST(changed counters at the same time are a change) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 1000, 2000)}));
  CAF_CHECK(apply(state, sample_of(at(100), boot_a, {nic("eth0", 1000, 2001)})));
  check_totals(state, 0, 1);
}

CAF_TEST(a new interface with zero counters is a change) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 1000, 2000)}));
  CAF_CHECK(apply(state, sample_of(at(100), boot_a, {nic("eth0", 1000, 2000), nic("wg0", 0, 0)})));
  check_reading(state, "wg0", 0, 0);
}

CAF_TEST(a reboot with the same counters at the same time is a change) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 1000, 2000)}));
  CAF_CHECK(apply(state, sample_of(at(100), boot_b, {nic("eth0", 1000, 2000)})));
  CAF_CHECK_EQUAL(state.boot_id, boot_b);
  check_totals(state, 1000, 2000);
}

CAF_TEST(a sample older than the last one still counts) {
  auto state = baselined_on(sample_of(at(1000), boot_a, {nic("eth0", 1000, 2000)}));
  CAF_CHECK(apply(state, sample_of(at(400), boot_a, {nic("eth0", 1300, 2500)})));
  check_totals(state, 300, 500);
  CAF_CHECK_EQUAL(state.last_sample_at, at(400));
}

// --- bandwidth limit ---

constexpr std::uint64_t bytes_per_second_at_10000_mbit = 1'250'000'000;

CAF_TEST(the limit allows the rate for the elapsed seconds plus one) {
  CAF_CHECK_EQUAL(bytes_allowed(10000, std::chrono::seconds{60}),
                  std::optional<std::uint64_t>{61 * bytes_per_second_at_10000_mbit});
  CAF_CHECK_EQUAL(bytes_allowed(8, std::chrono::seconds{0}),
                  std::optional<std::uint64_t>{1'000'000});
  CAF_CHECK_EQUAL(bytes_allowed(1, std::chrono::seconds{1}), std::optional<std::uint64_t>{250'000});
}

CAF_TEST(no limit or an unknown time allows anything) {
  CAF_CHECK_EQUAL(bytes_allowed(0, std::chrono::seconds{60}), std::nullopt);
  CAF_CHECK_EQUAL(bytes_allowed(10000, std::chrono::seconds{-1}), std::nullopt);
  CAF_CHECK_EQUAL(bytes_allowed(10000, std::chrono::seconds{-86400}), std::nullopt);
}

CAF_TEST(the limit saturates instead of wrapping) {
  constexpr auto longest = std::chrono::seconds::max();
  CAF_CHECK_EQUAL(bytes_allowed(uint64_max, longest), std::optional<std::uint64_t>{uint64_max});
  CAF_CHECK_EQUAL(bytes_allowed(1'000'000, longest), std::optional<std::uint64_t>{uint64_max});
}

namespace {

ledger_rules limited_to(std::uint64_t mbit) {
  ledger_rules rules;
  rules.max_bandwidth_mbit = mbit;
  return rules;
}

constexpr std::uint64_t gib = 1024ull * 1024 * 1024;

} // namespace

CAF_TEST(a small dip in a big counter is not counted and becomes the baseline) {
  // Issue 9, finding 6: tx at 500 GiB dips by 4 KiB.
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 7000, 500 * gib)}));
  const auto effect = apply_sample(state,
                                   sample_of(at(160), boot_a,
                                             {nic("eth0", 7100, 500 * gib - 4096)}),
                                   limited_to(10000));
  CAF_CHECK(effect.changed);
  check_totals(state, 100, 0);
  check_reading(state, "eth0", 7100, 500 * gib - 4096);
  CAF_REQUIRE_EQUAL(effect.rejected.size(), 1u);
  const auto& jump = effect.rejected.front();
  CAF_CHECK_EQUAL(jump.interface, "eth0");
  CAF_CHECK_EQUAL(jump.direction, "tx");
  CAF_CHECK_EQUAL(jump.previous, 500 * gib);
  CAF_CHECK_EQUAL(jump.current, 500 * gib - 4096);
  CAF_CHECK_EQUAL(jump.delta, 500 * gib - 4096);
  CAF_CHECK_EQUAL(jump.allowed, 61 * bytes_per_second_at_10000_mbit);
  // Counting goes on from the new baseline.
  CAF_CHECK(apply_sample(state, sample_of(at(220), boot_a, {nic("eth0", 7100, 500 * gib)}),
                         limited_to(10000))
              .rejected.empty());
  check_totals(state, 100, 4096);
}

CAF_TEST(growth up to the limit counts and beyond it does not ) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 0, 0)}));
  // 8 Mbit/s is 10^6 bytes a second; 59 s plus one to spare.
  CAF_CHECK(
    apply_sample(state, sample_of(at(159), boot_a, {nic("eth0", 60'000'000, 0)}), limited_to(8))
      .rejected.empty());
  check_totals(state, 60'000'000, 0);
  CAF_CHECK_EQUAL(apply_sample(state, sample_of(at(218), boot_a, {nic("eth0", 120'000'001, 0)}),
                               limited_to(8))
                    .rejected.size(),
                  1u);
  check_totals(state, 60'000'000, 0);
  check_reading(state, "eth0", 120'000'001, 0);
}

CAF_TEST(two readings within the same second allow a second of traffic) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 0, 0)}));
  CAF_CHECK(
    apply_sample(state, sample_of(at(100), boot_a, {nic("eth0", 1'000'000, 0)}), limited_to(8))
      .rejected.empty());
  check_totals(state, 1'000'000, 0);
}

CAF_TEST(after a reboot the limit applies to the time since the boot) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 0, 0)}));
  auto rebooted = sample_of(at(5000), boot_b, {nic("eth0", 30'000'000, 31'000'001)});
  rebooted.uptime = 29s;
  const auto effect = apply_sample(state, rebooted, limited_to(8));
  check_totals(state, 30'000'000, 0);
  CAF_REQUIRE_EQUAL(effect.rejected.size(), 1u);
  CAF_CHECK_EQUAL(effect.rejected.front().direction, "tx");
  CAF_CHECK_EQUAL(effect.rejected.front().previous, 0u);
  CAF_CHECK_EQUAL(effect.rejected.front().allowed, 30'000'000u);
  check_reading(state, "eth0", 30'000'000, 31'000'001);
}

CAF_TEST(after a reboot with an unknown uptime everything counts) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 0, 0)}));
  const auto effect = apply_sample(state, sample_of(at(5000), boot_b, {nic("eth0", 0, 500 * gib)}),
                                   limited_to(8));
  CAF_CHECK(effect.rejected.empty());
  check_totals(state, 0, 500 * gib);
}

CAF_TEST(a re - created interface is limited to the time since the last reading) {
  auto state = baselined_on(missing_from(at(100), boot_a, {nic("eth0", 0, 0)}, {"wg0"}));
  const auto effect = apply_sample(state,
                                   sample_of(at(109), boot_a,
                                             {nic("eth0", 0, 0),
                                              nic("wg0", 10'000'000, 10'000'001)}),
                                   limited_to(8));
  check_totals(state, 10'000'000, 0);
  CAF_CHECK_EQUAL(effect.rejected.size(), 1u);
}

CAF_TEST(a wall clock that went back turns the limit off for that reading) {
  auto state = baselined_on(sample_of(at(1000), boot_a, {nic("eth0", 0, 0)}));
  CAF_CHECK(
    apply_sample(state, sample_of(at(400), boot_a, {nic("eth0", 0, 500 * gib)}), limited_to(8))
      .rejected.empty());
  check_totals(state, 0, 500 * gib);
}

CAF_TEST(without a limit any jump counts) {
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 0, 500 * gib)}));
  CAF_CHECK(
    apply_sample(state, sample_of(at(101), boot_a, {nic("eth0", 0, 500 * gib - 1)}), limited_to(0))
      .rejected.empty());
  check_totals(state, 0, 500 * gib - 1);
}

// --- describe_interfaces ---

CAF_TEST(the start - up event names the counted and missing interfaces and those that exist) {
  auto reading = missing_from(at(100), boot_a, {nic("eth0", 1, 2)}, {"eht0"});
  reading.visible_interfaces = {"lo", "eth0"};
  event started;
  started.kind = event_kind::monitor_started;
  describe_interfaces(started, reading);
  CAF_CHECK_EQUAL(started.interfaces, std::vector<std::string>{"eth0"});
  CAF_CHECK_EQUAL(started.missing_interfaces, std::vector<std::string>{"eht0"});
  CAF_CHECK_EQUAL(started.visible_interfaces, (std::vector<std::string>{"lo", "eth0"}));
}

// --- current_usage ---

CAF_TEST(usage shows the open cycle counted by the rules) {
  monitor_state state;
  state.cycle = march;
  state.cycle_rx_bytes = 300;
  state.cycle_tx_bytes = 700;
  usage_figures expected;
  expected.cycle = march;
  expected.rx_bytes = 300;
  expected.tx_bytes = 700;
  expected.counted_bytes = 1000;
  expected.quota_bytes = 5000;
  CAF_CHECK_EQUAL(current_usage(state, rules_of(traffic_direction::bidirectional, 5000)), expected);
  CAF_CHECK_EQUAL(current_usage(state, rules_of(traffic_direction::inbound, 9)).counted_bytes,
                  300u);
  CAF_CHECK_EQUAL(current_usage(state, rules_of(traffic_direction::inbound, 9)).quota_bytes, 9u);
  CAF_CHECK_EQUAL(current_usage(state, rules_of(traffic_direction::outbound, 9)).counted_bytes,
                  700u);
  CAF_CHECK_EQUAL(current_usage(state, rules_of(traffic_direction::max, 9)).counted_bytes, 700u);
}

// --- newly_crossed_threshold ---

CAF_TEST(a threshold is reached at exactly its share of the quota) {
  const auto rules = thousand_byte_rules({80_percent});
  auto below = state_with_sent(799);
  CAF_CHECK(!newly_crossed_threshold(below, rules, march.start + 60s));
  CAF_CHECK(below.thresholds_alerted.empty());

  auto at = state_with_sent(800);
  const auto crossed = newly_crossed_threshold(at, rules, march.start + 60s);
  CAF_REQUIRE(crossed);
  CAF_CHECK_EQUAL(at.thresholds_alerted, std::vector<percentage>{80_percent});
}

CAF_TEST(a threshold event carries the usage and is not yet raised) {
  const auto rules = thousand_byte_rules({80_percent});
  auto state = state_with_sent(812);
  state.cycle_rx_bytes = 33;
  const auto crossed = newly_crossed_threshold(state, rules, march.start + 3600s);
  CAF_REQUIRE(crossed);
  CAF_CHECK_EQUAL(crossed->kind, event_kind::threshold_crossed);
  CAF_CHECK_EQUAL(crossed->raised_at, march.start + 3600s);
  CAF_CHECK_EQUAL(crossed->usage, current_usage(state, rules));
  CAF_CHECK_EQUAL(crossed->usage.counted_bytes, 812u);
  CAF_CHECK_EQUAL(crossed->threshold_percent, 80_percent);
  CAF_CHECK_EQUAL(crossed->id, 0u);
  CAF_CHECK_EQUAL(state.next_event_id, 1u);
  CAF_CHECK(state.outbox.empty());
}

CAF_TEST(a decimal threshold means the decimal and not its nearest double) {
  // As doubles, 14.3 would be slightly more than 14.3 and 33.3 slightly less.
  const auto rules = thousand_byte_rules({14.3_percent, 33.3_percent});
  auto below_first = state_with_sent(142);
  CAF_CHECK_EQUAL(crossed_percent(below_first, rules), 0_percent);
  auto at_first = state_with_sent(143);
  CAF_CHECK_EQUAL(crossed_percent(at_first, rules), 14.3_percent);
  auto below_second = state_with_sent(332);
  CAF_CHECK_EQUAL(crossed_percent(below_second, rules), 14.3_percent);
  auto at_second = state_with_sent(333);
  CAF_CHECK_EQUAL(crossed_percent(at_second, rules), 33.3_percent);
}

CAF_TEST(thresholds stay exact for quotas near 2 to the 60) {
  // 33.3 % of 2^60 bytes is 383922861034080043.008 bytes.
  const auto rules = rules_of(traffic_direction::outbound, std::uint64_t{1} << 60, {33.3_percent});
  auto below = state_with_sent(383922861034080043u);
  CAF_CHECK(!newly_crossed_threshold(below, rules, march.start));
  auto at = state_with_sent(383922861034080044u);
  CAF_CHECK(newly_crossed_threshold(at, rules, march.start));
}

CAF_TEST(thresholds stay exact for the largest quota) {
  // 80 % of 2^64 - 1 is exactly 14757395258967641292.
  const auto rules = rules_of(traffic_direction::outbound, uint64_max, {80_percent, 100_percent});
  auto below = state_with_sent(14757395258967641291u);
  CAF_CHECK(!newly_crossed_threshold(below, rules, march.start));
  auto at = state_with_sent(14757395258967641292u);
  CAF_CHECK_EQUAL(crossed_percent(at, rules), 80_percent);
  auto full = state_with_sent(uint64_max);
  CAF_CHECK_EQUAL(crossed_percent(full, rules), 100_percent);
}

CAF_TEST(crossing several thresholds at once names the highest and marks all) {
  const auto rules = thousand_byte_rules({50_percent, 80_percent, 90_percent});
  auto state = state_with_sent(850);
  const auto crossed = newly_crossed_threshold(state, rules, march.start);
  CAF_REQUIRE(crossed);
  CAF_CHECK_EQUAL(crossed->threshold_percent, 80_percent);
  CAF_CHECK_EQUAL(state.thresholds_alerted, (std::vector<percentage>{50_percent, 80_percent}));

  state.cycle_tx_bytes = 950;
  const auto next = newly_crossed_threshold(state, rules, march.start + 60s);
  CAF_REQUIRE(next);
  CAF_CHECK_EQUAL(next->threshold_percent, 90_percent);
  CAF_CHECK_EQUAL(state.thresholds_alerted,
                  (std::vector<percentage>{50_percent, 80_percent, 90_percent}));
}

CAF_TEST(an alerted threshold does not alert again in the same cycle) {
  const auto rules = thousand_byte_rules({80_percent, 90_percent});
  auto state = state_with_sent(800);
  CAF_REQUIRE(newly_crossed_threshold(state, rules, march.start));
  CAF_CHECK(!newly_crossed_threshold(state, rules, march.start + 60s));
  state.cycle_tx_bytes = 899;
  CAF_CHECK(!newly_crossed_threshold(state, rules, march.start + 120s));
  CAF_CHECK_EQUAL(state.thresholds_alerted, std::vector<percentage>{80_percent});
}

CAF_TEST(thresholds are re - armed by the next cycle) {
  const auto rules = thousand_byte_rules({80_percent});
  auto state = state_with_sent(800);
  CAF_REQUIRE(newly_crossed_threshold(state, rules, march.start));
  close_cycle(state, rules, april, april.start);
  state.cycle_tx_bytes = 800;
  const auto again = newly_crossed_threshold(state, rules, april.start + 60s);
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->usage.cycle, april);
}

CAF_TEST(thresholds over one hundred percent work) {
  const auto rules = thousand_byte_rules({100_percent, 150_percent});
  auto state = state_with_sent(1499);
  CAF_CHECK_EQUAL(crossed_percent(state, rules), 100_percent);
  state.cycle_tx_bytes = 1500;
  CAF_CHECK_EQUAL(crossed_percent(state, rules), 150_percent);
}

CAF_TEST(an alerted threshold no longer configured is harmless) {
  const auto rules = thousand_byte_rules({80_percent, 90_percent});
  auto state = state_with_sent(950);
  state.thresholds_alerted = {85_percent};
  const auto crossed = newly_crossed_threshold(state, rules, march.start);
  CAF_REQUIRE(crossed);
  CAF_CHECK_EQUAL(crossed->threshold_percent, 90_percent);
  CAF_CHECK_EQUAL(state.thresholds_alerted,
                  (std::vector<percentage>{80_percent, 85_percent, 90_percent}));
}

CAF_TEST(thresholds follow the counted direction) {
  const auto rules = rules_of(traffic_direction::inbound, 1000, {80_percent});
  auto state = state_with_sent(5000);
  state.cycle_rx_bytes = 799;
  CAF_CHECK(!newly_crossed_threshold(state, rules, march.start));
  state.cycle_rx_bytes = 800;
  CAF_CHECK(newly_crossed_threshold(state, rules, march.start));
}

CAF_TEST(a raised quota re - arms the thresholds usage is now below) {
  // Issue 9, finding 5: quota 1000, 80 % alerted at 850; the quota becomes 2000.
  auto state = state_with_sent(850);
  CAF_REQUIRE(
    newly_crossed_threshold(state, thousand_byte_rules({50_percent, 80_percent}), march.start));
  CAF_CHECK_EQUAL(state.thresholds_alerted, (std::vector<percentage>{50_percent, 80_percent}));
  const auto doubled = rules_of(traffic_direction::outbound, 2000, {50_percent, 80_percent});
  CAF_CHECK(!newly_crossed_threshold(state, doubled, march.start + 60s));
  CAF_CHECK_EQUAL(state.thresholds_alerted, std::vector<percentage>{});
  state.cycle_tx_bytes = 1700;
  CAF_CHECK_EQUAL(crossed_percent(state, doubled), 80_percent);
  CAF_CHECK_EQUAL(state.thresholds_alerted, (std::vector<percentage>{50_percent, 80_percent}));
}

CAF_TEST(a threshold still reached under new rules stays alerted) {
  auto state = state_with_sent(950);
  state.thresholds_alerted = {80_percent, 90_percent};
  CAF_CHECK(
    !newly_crossed_threshold(state, thousand_byte_rules({80_percent, 90_percent}), march.start));
  // A lower quota or a changed direction: still at or above both.
  CAF_CHECK(!newly_crossed_threshold(state,
                                     rules_of(traffic_direction::outbound, 1100, {80_percent}),
                                     march.start));
  CAF_CHECK_EQUAL(state.thresholds_alerted, (std::vector<percentage>{80_percent}));
}

CAF_TEST(a changed direction re - arms the thresholds usage is now below) {
  auto state = state_with_sent(900);
  state.cycle_rx_bytes = 100;
  CAF_REQUIRE(newly_crossed_threshold(state, thousand_byte_rules({80_percent}), march.start));
  const auto inbound = rules_of(traffic_direction::inbound, 1000, {80_percent});
  CAF_CHECK(!newly_crossed_threshold(state, inbound, march.start + 60s));
  CAF_CHECK(state.thresholds_alerted.empty());
  state.cycle_rx_bytes = 800;
  CAF_CHECK_EQUAL(crossed_percent(state, inbound), 80_percent);
}

CAF_TEST(no quota means no threshold alerts) {
  const auto rules = rules_of(traffic_direction::outbound, 0, {80_percent});
  auto state = state_with_sent(5000);
  CAF_CHECK(!newly_crossed_threshold(state, rules, march.start));
  CAF_CHECK(state.thresholds_alerted.empty());
}

// --- raise_event ---

CAF_TEST(raised events get consecutive ids) {
  monitor_state state;
  std::vector<event> dropped;
  auto report = event_of_kind(event_kind::usage_report, march.start + 5s);
  report.id = 99;
  report.outlook.projected_bytes = 1234;
  const auto first = raise_event(state, report, 10, dropped);
  CAF_CHECK_EQUAL(first.id, 1u);
  CAF_CHECK_EQUAL(first.outlook.projected_bytes, 1234u);
  CAF_CHECK_EQUAL(first.raised_at, march.start + 5s);
  const auto second = raise_event(state, event_of_kind(event_kind::cycle_closed), 10, dropped);
  CAF_CHECK_EQUAL(second.id, 2u);
  CAF_CHECK_EQUAL(state.next_event_id, 3u);
  CAF_REQUIRE_EQUAL(state.outbox.size(), 2u);
  CAF_CHECK_EQUAL(state.outbox.front(), first);
  CAF_CHECK_EQUAL(state.outbox.back(), second);
  CAF_CHECK(dropped.empty());
}

CAF_TEST(a full outbox drops the oldest event that is not an alert) {
  monitor_state state;
  std::vector<event> dropped;
  raise_event(state, event_of_kind(event_kind::threshold_crossed), 3, dropped);
  raise_event(state, event_of_kind(event_kind::usage_report), 3, dropped);
  raise_event(state, event_of_kind(event_kind::threshold_crossed), 3, dropped);
  CAF_CHECK(dropped.empty());
  raise_event(state, event_of_kind(event_kind::cycle_closed), 3, dropped);
  CAF_CHECK_EQUAL(ids_of(dropped), std::vector<std::uint64_t>{2});
  CAF_CHECK_EQUAL(outbox_ids(state), (std::vector<std::uint64_t>{1, 3, 4}));
  raise_event(state, event_of_kind(event_kind::monitor_started), 3, dropped);
  CAF_CHECK_EQUAL(ids_of(dropped), (std::vector<std::uint64_t>{2, 4}));
  CAF_CHECK_EQUAL(outbox_ids(state), (std::vector<std::uint64_t>{1, 3, 5}));
}

CAF_TEST(an outbox of alerts drops the oldest alert) {
  monitor_state state;
  std::vector<event> dropped;
  for (int i = 0; i < 3; ++i)
    raise_event(state, event_of_kind(event_kind::threshold_crossed), 2, dropped);
  CAF_REQUIRE_EQUAL(dropped.size(), 1u);
  CAF_CHECK_EQUAL(dropped.front().id, 1u);
  CAF_CHECK_EQUAL(dropped.front().kind, event_kind::threshold_crossed);
  CAF_CHECK_EQUAL(outbox_ids(state), (std::vector<std::uint64_t>{2, 3}));
}

CAF_TEST(a new event that is the only one not an alert is dropped itself) {
  monitor_state state;
  std::vector<event> dropped;
  raise_event(state, event_of_kind(event_kind::threshold_crossed), 2, dropped);
  raise_event(state, event_of_kind(event_kind::threshold_crossed), 2, dropped);
  const auto report = raise_event(state, event_of_kind(event_kind::usage_report), 2, dropped);
  CAF_REQUIRE_EQUAL(dropped.size(), 1u);
  CAF_CHECK_EQUAL(dropped.front(), report);
  CAF_CHECK_EQUAL(outbox_ids(state), (std::vector<std::uint64_t>{1, 2}));
  CAF_CHECK_EQUAL(state.next_event_id, 4u);
}

CAF_TEST(dropped events are appended to what was dropped before) {
  monitor_state state;
  std::vector<event> dropped{event_of_kind(event_kind::monitor_started)};
  raise_event(state, event_of_kind(event_kind::usage_report), 1, dropped);
  raise_event(state, event_of_kind(event_kind::usage_report), 1, dropped);
  CAF_REQUIRE_EQUAL(dropped.size(), 2u);
  CAF_CHECK_EQUAL(dropped.front().id, 0u);
  CAF_CHECK_EQUAL(dropped.back().id, 1u);
  CAF_CHECK_EQUAL(outbox_ids(state), std::vector<std::uint64_t>{2});
}

CAF_TEST(an outbox limit of zero keeps nothing) {
  monitor_state state;
  std::vector<event> dropped;
  const auto raised = raise_event(state, event_of_kind(event_kind::cycle_closed), 0, dropped);
  CAF_CHECK(state.outbox.empty());
  CAF_REQUIRE_EQUAL(dropped.size(), 1u);
  CAF_CHECK_EQUAL(dropped.front(), raised);
  CAF_CHECK_EQUAL(raised.id, 1u);
}

// --- close_cycle ---

CAF_TEST(closing a cycle freezes its figures and opens the next one empty) {
  const auto rules = rules_of(traffic_direction::bidirectional, 1000, {50_percent, 80_percent});
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 1000, 2000)}));
  state.cycle_rx_bytes = 400;
  state.cycle_tx_bytes = 450;
  state.thresholds_alerted = {50_percent, 80_percent};
  state.last_report_at = march.start + 86400s;
  std::vector<event> dropped;
  raise_event(state, event_of_kind(event_kind::usage_report), 10, dropped);
  const auto frozen = current_usage(state, rules);
  auto expected = state;
  expected.cycle = april;
  expected.cycle_rx_bytes = 0;
  expected.cycle_tx_bytes = 0;
  expected.thresholds_alerted.clear();
  expected.previous_cycle = cycle_record{march, 400, 450, 0, {}};
  expected.days_since = april.start;

  const auto closed = close_cycle(state, rules, april, april.start + 2s);
  CAF_CHECK_EQUAL(closed.kind, event_kind::cycle_closed);
  CAF_CHECK_EQUAL(closed.raised_at, april.start + 2s);
  CAF_CHECK_EQUAL(closed.usage, frozen);
  CAF_CHECK_EQUAL(closed.usage.cycle, march);
  CAF_CHECK_EQUAL(closed.usage.counted_bytes, 850u);
  CAF_CHECK_EQUAL(closed.id, 0u);
  CAF_CHECK(!closed.late);
  CAF_CHECK(state == expected);
}

CAF_TEST(a close within the grace period is on time) {
  const auto rules = thousand_byte_rules({});
  auto at_end = state_with_sent(1);
  CAF_CHECK(!close_cycle(at_end, rules, april, march.end).late);
  auto at_grace = state_with_sent(1);
  CAF_CHECK(!close_cycle(at_grace, rules, april, march.end + late_close_after).late);
}

CAF_TEST(a close after the grace period is late) {
  const auto rules = thousand_byte_rules({});
  auto just_after = state_with_sent(1);
  CAF_CHECK(close_cycle(just_after, rules, april, march.end + late_close_after + 1s).late);
  auto days_after = state_with_sent(1);
  CAF_CHECK(close_cycle(days_after, rules, april, march.end + 3 * 86400s).late);
}

CAF_TEST(the next cycle counts on from the last counters) {
  const auto rules = thousand_byte_rules({});
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 1000, 2000)}));
  apply(state, sample_of(at(160), boot_a, {nic("eth0", 1500, 2600)}));
  close_cycle(state, rules, april, april.start);
  check_totals(state, 0, 0);
  apply(state, sample_of(april.start + 60s, boot_a, {nic("eth0", 1530, 2640)}));
  check_totals(state, 30, 40);
}

// --- decide_cycle ---

namespace {

cycle_transition transition_of(const cycle_bounds& stored, const cycle_bounds& named, moment now) {
  return decide_cycle(stored, named, now).transition;
}

} // namespace

CAF_TEST(the first cycle is adopted) {
  CAF_CHECK(transition_of({}, march, march.start + 5s) == cycle_transition::adopt);
}

CAF_TEST(the same cycle is kept) {
  CAF_CHECK(transition_of(march, march, march.start) == cycle_transition::keep);
  CAF_CHECK(transition_of(march, march, march.end - 1s) == cycle_transition::keep);
}

CAF_TEST(a cycle advances at its end without skipping any) {
  const auto decision = decide_cycle(march, april, march.end);
  CAF_CHECK(decision.transition == cycle_transition::advance);
  CAF_CHECK_EQUAL(decision.skipped_cycles, 0u);
  CAF_CHECK_EQUAL(decision.skipped_span, cycle_bounds{});
}

CAF_TEST(an advance across several cycles names the skipped ones) {
  test::scoped_time_zone zone{"UTC"};
  const cycle_bounds june{test::utc(2024, 6, 1), test::utc(2024, 7, 1)};
  const auto decision = decide_cycle(march, june, june.start + 3 * 86400s);
  CAF_CHECK(decision.transition == cycle_transition::advance);
  CAF_CHECK_EQUAL(decision.skipped_cycles, 2u);
  CAF_CHECK_EQUAL(decision.skipped_span, (cycle_bounds{april.start, june.start}));
}

CAF_TEST(skipped cycles are counted in local months across a daylight saving change) {
  test::scoped_time_zone zone{"America/New_York"};
  // Standard time in January and February, daylight saving time from 8 March 2026.
  const cycle_bounds january{test::local(2026, 1, 1), test::local(2026, 2, 1)};
  const cycle_bounds april_2026{test::local(2026, 4, 1), test::local(2026, 5, 1)};
  const auto decision = decide_cycle(january, april_2026, april_2026.start + 3600s);
  CAF_CHECK(decision.transition == cycle_transition::advance);
  CAF_CHECK_EQUAL(decision.skipped_cycles, 2u);
  CAF_CHECK_EQUAL(decision.skipped_span, (cycle_bounds{january.end, april_2026.start}));
}

CAF_TEST(the calendar names the same cycle on both sides of a daylight saving change) {
  test::scoped_time_zone zone{"America/New_York"};
  const auto stored = cycle_containing(test::local(2026, 3, 2, 12), 1);
  const auto now = test::local(2026, 3, 20, 12);
  CAF_CHECK(transition_of(stored, cycle_containing(now, 1), now) == cycle_transition::keep);
}

CAF_TEST(a change of time zone within the cycle re - bounds it) {
  // Counted with TZ unset (UTC) until 20 November, then restarted in New York.
  const cycle_bounds utc_november{test::utc(2026, 11, 1), test::utc(2026, 12, 1)};
  const auto now = test::utc(2026, 11, 20, 12);
  test::scoped_time_zone zone{"America/New_York"};
  const auto named = cycle_containing(now, 1);
  CAF_REQUIRE_EQUAL(named, (cycle_bounds{test::utc(2026, 11, 1, 4), test::utc(2026, 12, 1, 5)}));
  CAF_CHECK(transition_of(utc_november, named, now) == cycle_transition::settings_changed);
}

CAF_TEST(a change to a zone east of utc within the cycle re - bounds it) {
  const cycle_bounds utc_november{test::utc(2026, 11, 1), test::utc(2026, 12, 1)};
  const auto now = test::utc(2026, 11, 20, 12);
  test::scoped_time_zone zone{"Asia/Shanghai"};
  const auto named = cycle_containing(now, 1);
  CAF_REQUIRE_EQUAL(named,
                    (cycle_bounds{test::utc(2026, 10, 31, 16), test::utc(2026, 11, 30, 16)}));
  CAF_CHECK(transition_of(utc_november, named, now) == cycle_transition::settings_changed);
}

CAF_TEST(a change of reset day within the cycle re - bounds it either way) {
  test::scoped_time_zone zone{"UTC"};
  const auto now = test::utc(2026, 1, 20, 12);
  const auto from_the_1st = cycle_containing(now, 1);
  const auto from_the_15th = cycle_containing(now, 15);
  CAF_REQUIRE_EQUAL(from_the_15th, (cycle_bounds{test::utc(2026, 1, 15), test::utc(2026, 2, 15)}));
  CAF_CHECK(transition_of(from_the_1st, from_the_15th, now) == cycle_transition::settings_changed);
  CAF_CHECK(transition_of(from_the_15th, from_the_1st, now) == cycle_transition::settings_changed);
}

CAF_TEST(a change of reset day while stopped past the cycle end re
         - bounds when the cycles overlap) {
  test::scoped_time_zone zone{"UTC"};
  const cycle_bounds from_the_15th{test::utc(2026, 1, 15), test::utc(2026, 2, 15)};
  // The new calendar's cycle began on 1 February, inside the stored one: closing the stored
  // cycle would leave 1 to 15 February's traffic out of the new one.
  const auto now = test::utc(2026, 2, 20);
  CAF_CHECK(transition_of(from_the_15th, cycle_containing(now, 1), now)
            == cycle_transition::settings_changed);
  // Once the new calendar's cycle begins after the stored one's end, the stored one closes.
  const auto later = test::utc(2026, 3, 20);
  const auto decision = decide_cycle(from_the_15th, cycle_containing(later, 1), later);
  CAF_CHECK(decision.transition == cycle_transition::advance);
  CAF_CHECK_EQUAL(decision.skipped_cycles, 1u);
  CAF_CHECK_EQUAL(decision.skipped_span,
                  (cycle_bounds{test::utc(2026, 2, 15), test::utc(2026, 3, 1)}));
}

CAF_TEST(a clock set back by up to a day keeps the cycle) {
  CAF_CHECK(transition_of(april, march, april.start - 1s) == cycle_transition::keep);
  CAF_CHECK(transition_of(april, march, april.start - 3600s) == cycle_transition::keep);
  CAF_CHECK(transition_of(april, march, april.start - clock_step_back_tolerance)
            == cycle_transition::keep);
}

CAF_TEST(a cycle starting more than a day after the clock was made by a wrong clock) {
  CAF_CHECK(transition_of(april, march, april.start - clock_step_back_tolerance - 1s)
            == cycle_transition::wrong_clock);
  test::scoped_time_zone zone{"UTC"};
  const cycle_bounds june_2030{test::utc(2030, 6, 1), test::utc(2030, 7, 1)};
  const auto now = test::utc(2026, 11, 20, 12);
  CAF_CHECK(transition_of(june_2030, cycle_containing(now, 1), now)
            == cycle_transition::wrong_clock);
}

// --- rebound_cycle ---

CAF_TEST(re - bounding keeps everything counted and names the old bounds) {
  const auto rules = thousand_byte_rules({50_percent, 80_percent});
  auto state = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 1000, 2000)}));
  state.cycle_rx_bytes = 300;
  state.cycle_tx_bytes = 700;
  state.thresholds_alerted = {50_percent};
  state.last_report_at = march.start + 86400s;
  std::vector<event> dropped;
  raise_event(state, event_of_kind(event_kind::usage_report), 10, dropped);
  const cycle_bounds shifted{march.start + 4 * 3600s, april.start + 4 * 3600s};
  auto expected = state;
  expected.cycle = shifted;

  const auto changed = rebound_cycle(state, rules, shifted, false, march.start + 19 * 86400s);
  CAF_CHECK(state == expected);
  CAF_CHECK_EQUAL(changed.kind, event_kind::cycle_changed);
  CAF_CHECK_EQUAL(changed.id, 0u);
  CAF_CHECK_EQUAL(changed.raised_at, march.start + 19 * 86400s);
  CAF_CHECK_EQUAL(changed.previous_cycle, march);
  CAF_CHECK_EQUAL(changed.usage.cycle, shifted);
  CAF_CHECK_EQUAL(changed.usage.counted_bytes, 700u);
  CAF_CHECK(!changed.wrong_clock);
  CAF_CHECK(rebound_cycle(state, rules, march, true, march.start).wrong_clock);
}

// --- forget_future_report ---

CAF_TEST(a last report more than a day ahead of the clock is forgotten) {
  auto state = state_with_sent(0);
  const auto now = march.start + 86400s;
  state.last_report_at = now + clock_step_back_tolerance + 1s;
  CAF_CHECK(forget_future_report(state, now));
  CAF_CHECK_EQUAL(state.last_report_at, now);
}

CAF_TEST(a last report up to a day ahead of the clock or behind it stays) {
  auto state = state_with_sent(0);
  const auto now = march.start + 86400s;
  for (const moment last : {now - 3600s, now, now + 3600s, now + clock_step_back_tolerance}) {
    state.last_report_at = last;
    CAF_CHECK(!forget_future_report(state, now));
    CAF_CHECK_EQUAL(state.last_report_at, last);
  }
}

// --- report_if_due ---

CAF_TEST(a report inside the cycle is due) {
  const auto rules = thousand_byte_rules({});
  auto state = state_with_sent(100);
  const auto due_at = march.start + 7 * 86400s;
  const auto report = report_if_due(state, rules, due_at, due_at + 30s);
  CAF_REQUIRE(report);
  CAF_CHECK_EQUAL(report->kind, event_kind::usage_report);
  CAF_CHECK_EQUAL(report->raised_at, due_at + 30s);
  CAF_CHECK_EQUAL(report->usage, current_usage(state, rules));
  CAF_CHECK_EQUAL(report->outlook, outlook_of(state, rules, due_at + 30s));
  CAF_CHECK_EQUAL(report->id, 0u);
  CAF_CHECK_EQUAL(state.last_report_at, due_at);
}

CAF_TEST(a report is due from the first second of the cycle up to now) {
  const auto rules = thousand_byte_rules({});
  auto at_start = state_with_sent(0);
  CAF_CHECK(report_if_due(at_start, rules, march.start, march.start + 10s));
  auto at_now = state_with_sent(0);
  CAF_CHECK(report_if_due(at_now, rules, march.start + 500s, march.start + 500s));
  CAF_CHECK_EQUAL(at_now.last_report_at, march.start + 500s);
}

CAF_TEST(a report instant outside the cycle is not due) {
  const auto rules = thousand_byte_rules({});
  auto state = state_with_sent(0);
  const auto before = state;
  CAF_CHECK(!report_if_due(state, rules, march.start - 1s, march.start + 10s));
  CAF_CHECK(!report_if_due(state, rules, march.end, march.end + 10s));
  CAF_CHECK(!report_if_due(state, rules, march.end + 86400s, march.end + 86400s));
  CAF_CHECK(state == before);
}

CAF_TEST(a report instant in the future is not due) {
  const auto rules = thousand_byte_rules({});
  auto state = state_with_sent(0);
  CAF_CHECK(!report_if_due(state, rules, march.start + 601s, march.start + 600s));
  CAF_CHECK_EQUAL(state.last_report_at, at(0));
}

CAF_TEST(a report instant already reported is not due again) {
  const auto rules = thousand_byte_rules({});
  auto state = state_with_sent(0);
  const auto due_at = march.start + 86400s;
  CAF_REQUIRE(report_if_due(state, rules, due_at, due_at));
  CAF_CHECK(!report_if_due(state, rules, due_at, due_at + 3600s));
  CAF_CHECK(!report_if_due(state, rules, due_at - 1s, due_at + 3600s));
  CAF_CHECK(report_if_due(state, rules, due_at + 1s, due_at + 3600s));
}

CAF_TEST(a report of the last cycle does not hold back the next one) {
  const auto rules = thousand_byte_rules({});
  auto state = state_with_sent(0);
  CAF_REQUIRE(report_if_due(state, rules, march.end - 1s, march.end - 1s));
  close_cycle(state, rules, april, april.start);
  const auto report = report_if_due(state, rules, april.start, april.start + 5s);
  CAF_REQUIRE(report);
  CAF_CHECK_EQUAL(report->usage.cycle, april);
}

// --- acknowledge_event ---

CAF_TEST(only the newest start - up notice and report are owed) {
  monitor_state state;
  std::vector<event> dropped;
  for (auto kind :
       {event_kind::monitor_started, event_kind::usage_report, event_kind::threshold_crossed,
        event_kind::cycle_closed, event_kind::monitor_started, event_kind::threshold_crossed,
        event_kind::usage_report, event_kind::cycle_closed, event_kind::monitor_started,
        event_kind::state_file_reset, event_kind::state_file_reset})
    raise_event(state, event_of_kind(kind), 100, dropped);
  CAF_CHECK_EQUAL(superseded_events(state.outbox), (std::vector<std::uint64_t>{1, 2, 5}));
  CAF_CHECK(superseded_events({}).empty());
}

CAF_TEST(acknowledging removes only that event) {
  monitor_state state;
  std::vector<event> dropped;
  for (int i = 0; i < 3; ++i)
    raise_event(state, event_of_kind(event_kind::usage_report), 10, dropped);
  CAF_CHECK(acknowledge_event(state, 2));
  CAF_CHECK_EQUAL(outbox_ids(state), (std::vector<std::uint64_t>{1, 3}));
  CAF_CHECK(!acknowledge_event(state, 2));
  CAF_CHECK(!acknowledge_event(state, 42));
  CAF_CHECK_EQUAL(outbox_ids(state), (std::vector<std::uint64_t>{1, 3}));
}

// --- equality ---

CAF_TEST(counter readings are equal when both counters are) {
  CAF_CHECK(counter_reading{1, 2} == counter_reading{1, 2});
  CAF_CHECK(!(counter_reading{1, 2} == counter_reading{9, 2}));
  CAF_CHECK(!(counter_reading{1, 2} == counter_reading{1, 9}));
}

CAF_TEST(monitor states differ when any field does) {
  monitor_state base = baselined_on(sample_of(at(100), boot_a, {nic("eth0", 1, 2)}));
  base.cycle_rx_bytes = 3;
  base.cycle_tx_bytes = 4;
  base.thresholds_alerted = {80_percent};
  base.last_report_at = at(5);
  std::vector<event> dropped;
  raise_event(base, event_of_kind(event_kind::usage_report), 10, dropped);
  CAF_CHECK(base == monitor_state{base});

  const std::vector<std::function<void(monitor_state&)>> changes{
    [](monitor_state& x) { x.boot_id = boot_b; },
    [](monitor_state& x) { x.last_counters["eth0"].rx_bytes = 7; },
    [](monitor_state& x) { x.last_counters["eth1"] = counter_reading{}; },
    [](monitor_state& x) { x.last_sample_at = at(7); },
    [](monitor_state& x) { x.cycle = april; },
    [](monitor_state& x) { x.cycle_rx_bytes = 7; },
    [](monitor_state& x) { x.cycle_tx_bytes = 7; },
    [](monitor_state& x) { x.thresholds_alerted.push_back(90_percent); },
    [](monitor_state& x) { x.last_report_at = at(7); },
    [](monitor_state& x) { x.outbox.front().outlook.projected_bytes = 7; },
    [](monitor_state& x) { x.cycle_adjustment_bytes = -7; },
    [](monitor_state& x) {
      x.days.push_back({"2026-03-02", 1, 2});
    },
    [](monitor_state& x) { x.days_since = at(7); },
    [](monitor_state& x) { x.previous_cycle = cycle_record{}; },
    [](monitor_state& x) { x.forecast_alerted = true; },
    [](monitor_state& x) { x.last_calibration_id = "7"; },
    [](monitor_state& x) { x.over_limit_since = at(7); },
    [](monitor_state& x) { x.next_event_id = 7; },
    [](monitor_state& x) { x.recorded_settings = counting_settings{}; },
    [](monitor_state& x) { x.missing_since["wg0"] = at(7); },
  };
  for (const auto& change : changes) {
    auto changed = base;
    change(changed);
    CAF_CHECK(!(changed == base));
  }
}

CAF_TEST(counting settings differ when any field does) {
  counting_settings base;
  base.quota_bytes = 200;
  base.unit = {"GiB", 1u << 30};
  base.direction = traffic_direction::bidirectional;
  base.interfaces = {"ens5"};
  base.thresholds = {80_percent, 90_percent};
  base.reset_day = 15;
  base.time_zone = "Asia/Shanghai";
  CAF_CHECK(base == counting_settings{base});
  const std::vector<std::function<void(counting_settings&)>> changes{
    [](counting_settings& x) { x.quota_bytes = 7; },
    [](counting_settings& x) { x.unit.name = "GB"; },
    [](counting_settings& x) { x.unit.bytes = 1000; },
    [](counting_settings& x) { x.direction = traffic_direction::max; },
    [](counting_settings& x) { x.interfaces.push_back("wg0"); },
    [](counting_settings& x) { x.thresholds.pop_back(); },
    [](counting_settings& x) { x.reset_day = 1; },
    [](counting_settings& x) { x.time_zone.clear(); },
  };
  for (const auto& change : changes) {
    auto changed = base;
    change(changed);
    CAF_CHECK(changed != base);
    monitor_state with_base;
    with_base.recorded_settings = base;
    monitor_state with_changed;
    with_changed.recorded_settings = changed;
    CAF_CHECK(!(with_base == with_changed));
  }
}
