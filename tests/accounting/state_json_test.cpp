#define CAF_SUITE state_json
#include <caf/test/unit_test.hpp>

#include <cstddef>
#include <tuple>
#include <utility>
#include <vector>

#include "actors/accounting/state_json.hpp"

using namespace tmon;

namespace {

// Every field differs from a default event's, so that a field the file forgets shows up.
event every_field_set() {
  event e;
  e.id = 7;
  e.kind = event_kind::cycle_changed;
  e.raised_at = from_epoch_seconds(1'773'100'800);
  e.usage =
    {{from_epoch_seconds(1'772'323'200), from_epoch_seconds(1'775'001'600)}, 1, 2, 3, 4, -5};
  e.threshold_percent = 92.5_percent;
  e.late = true;
  e.outlook = {
    1, 2, 3, (std::uint64_t{1} << 53) + 1, 5, from_epoch_seconds(1'774'000'000), 6, 7, "2026-03-05",
    8};
  e.detail = "moved aside";
  e.interfaces = {"eth0"};
  e.missing_interfaces = {"eht0"};
  e.visible_interfaces = {"lo", "eth0"};
  e.previous_cycle = {from_epoch_seconds(1'769'904'000), from_epoch_seconds(1'772'323'200)};
  e.wrong_clock = true;
  e.skipped_cycles = 3;
  e.skipped_span = {from_epoch_seconds(1'761'955'200), from_epoch_seconds(1'769'904'000)};
  e.undated_bytes = 5;
  e.calibrated_from_bytes = 9;
  e.targets_left = {"telegram:-1001"};
  e.targets_assigned = true;
  return e;
}

// For each field of event, in tie_fields' order: a default event with that one field taken
// from `sample`.
template <std::size_t... Index>
std::vector<event> each_field_alone(const event& sample, std::index_sequence<Index...>) {
  std::vector<event> events(sizeof...(Index));
  ((std::get<Index>(tie_fields(events[Index])) = std::get<Index>(tie_fields(sample))), ...);
  return events;
}

std::vector<event> each_field_alone(const event& sample) {
  constexpr std::size_t fields = std::tuple_size_v<decltype(tie_fields(sample))>;
  return each_field_alone(sample, std::make_index_sequence<fields>{});
}

} // namespace

// Fails for a field added to event and tie_fields but not set above, or one that operator==
// (or the CAF inspect() built like it) does not compare.
CAF_TEST(each_field_of_the_sample_event_makes_it_differ_from_a_default_one) {
  const std::vector<event> events = each_field_alone(every_field_set());
  for (std::size_t i = 0; i < events.size(); ++i) {
    CAF_MESSAGE("field " << i << " of tie_fields");
    CAF_CHECK(!(events[i] == event{}));
  }
}

CAF_TEST(every_field_of_an_event_survives_the_state_file) {
  monitor_state state;
  state.outbox = {every_field_set()};
  state.next_event_id = 8;
  const auto decoded = decode_state(encode_state(state));
  CAF_REQUIRE(decoded);
  CAF_REQUIRE_EQUAL(decoded->outbox.size(), 1u);
  CAF_CHECK(decoded->outbox.front() == every_field_set());
}
