#define CAF_SUITE state_file
#include <caf/test/unit_test.hpp>

#include <climits>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "actors/accounting/ledger.hpp"
#include "actors/accounting/state_file.hpp"
#include "test_support.hpp"

using namespace tmon;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t max_counter = std::numeric_limits<std::uint64_t>::max();
// The first integer a double cannot hold: it proves counters never pass through one.
constexpr std::uint64_t beyond_double = (std::uint64_t{1} << 53) + 1;

usage_figures some_usage(std::uint64_t seed) {
  usage_figures usage;
  usage.cycle = {test::utc(2026, 3, 1), test::utc(2026, 4, 1)};
  usage.rx_bytes = seed + 1;
  usage.tx_bytes = seed + 2;
  usage.counted_bytes = seed + 3;
  usage.quota_bytes = max_counter - seed;
  return usage;
}

// Every field set, whatever the kind, so that a field the file forgets shows up.
event some_event(std::uint64_t id, event_kind kind) {
  event e;
  e.id = id;
  e.kind = kind;
  e.raised_at = test::utc(2026, 3, 10, 8, 0, static_cast<int>(id));
  e.usage = some_usage(id * 1000);
  e.threshold_percent = 92.5_percent;
  e.late = true;
  e.outlook = {beyond_double, 1, 2, 3, beyond_double + id, test::utc(2026, 3, 20), 4, 5,
               "2026-03-09",  6};
  e.detail = "moved to /var/lib/x \"quoted\"\n\u00e9tat";
  e.previous_cycle = {test::utc(2026, 2, 1), test::utc(2026, 3, 1)};
  e.wrong_clock = true;
  e.skipped_cycles = 3;
  e.skipped_span = {test::utc(2025, 11, 1), test::utc(2026, 2, 1)};
  e.undated_bytes = beyond_double + 2 * id;
  e.calibrated_from_bytes = beyond_double + 3 * id;
  e.targets_left = {"telegram:-1001", "telegram:@channel"};
  e.targets_assigned = true;
  return e;
}

counting_settings recorded_settings() {
  counting_settings settings;
  settings.quota_bytes = 200ull << 30;
  settings.unit = {"GiB", 1ull << 30};
  settings.direction = traffic_direction::bidirectional;
  settings.interfaces = {"ens5", "wg0"};
  settings.thresholds = {80_percent, 92.5_percent, 99999.9999999999_percent};
  settings.reset_day = 15;
  settings.time_zone = "Asia/Shanghai";
  return settings;
}

monitor_state rich_state() {
  monitor_state state;
  state.boot_id = "5d6c2d8f-3b0e-4c1a-9a55-0c8e2f1b7a01";
  state.last_counters = {{"eth0", {max_counter, beyond_double}},
                         {"ens3", {0, 12345}},
                         {"wg0", {beyond_double, max_counter}}};
  state.last_sample_at = test::utc(2026, 3, 14, 15, 9, 26);
  state.cycle = {test::utc(2026, 3, 1), test::utc(2026, 4, 1)};
  state.cycle_rx_bytes = max_counter;
  state.cycle_tx_bytes = beyond_double;
  state.thresholds_alerted = {80_percent, 90_percent, 92.5_percent, 99999.9999999999_percent};
  state.last_report_at = test::utc(2026, 3, 8, 9);
  state.outbox =
    {some_event(1, event_kind::monitor_started),  some_event(2, event_kind::threshold_crossed),
     some_event(3, event_kind::cycle_closed),     some_event(4, event_kind::usage_report),
     some_event(5, event_kind::state_file_reset), some_event(6, event_kind::cycle_changed),
     some_event(7, event_kind::usage_calibrated), some_event(8, event_kind::forecast_exceeded),
     some_event(9, event_kind::limit_reached),    some_event(10, event_kind::limit_lifted)};
  state.outbox[2].late = false;
  state.outbox[3].threshold_percent = 0_percent;
  state.next_event_id = 11;
  state.recorded_settings = recorded_settings();
  state.outbox[0].interfaces = {"eth0"};
  state.outbox[0].missing_interfaces = {"eht0"};
  state.outbox[0].visible_interfaces = {"lo", "eth0"};
  state.missing_since = {{"eht0", test::utc(2026, 3, 14, 15, 8)}, {"wg0", moment{}}};
  state.cycle_adjustment_bytes = std::numeric_limits<std::int64_t>::min();
  state.days = {{"2026-03-13", max_counter, 1}, {"2026-03-14", beyond_double, 0}};
  state.days_since = test::utc(2026, 3, 1);
  state.previous_cycle = cycle_record{{test::utc(2026, 2, 1), test::utc(2026, 3, 1)},
                                      beyond_double,
                                      7,
                                      std::numeric_limits<std::int64_t>::max(),
                                      {{"2026-02-27", 5, 6}, {"2026-02-28", 7, beyond_double}}};
  state.forecast_alerted = true;
  state.last_calibration_id = "0123456789abcdef0123456789abcdef";
  state.over_limit_since = test::utc(2026, 3, 14, 15);
  state.telegram_update_offset = 912345678;
  return state;
}

// The rich state's text after `edit` changed its JSON.
std::string edited(const std::function<void(json&)>& edit) {
  json document = json::parse(encode_state(rich_state()));
  edit(document);
  return document.dump(2);
}

std::string set_at(const std::string& pointer, json value) {
  return edited([&](json& document) { document[json::json_pointer(pointer)] = value; });
}

std::string erased_at(const std::string& parent, const std::string& key) {
  return edited([&](json& document) { document[json::json_pointer(parent)].erase(key); });
}

// The state's text with the cycle's rx total written as `number`, byte for byte.
std::string with_rx_total_written_as(const std::string& number) {
  monitor_state state;
  state.cycle_rx_bytes = 777777;
  std::string text = encode_state(state);
  const auto at = text.find("777777");
  return text.replace(at, 6, number);
}

void check_mentions(const std::string& sentence, const std::string& part) {
  CAF_CHECK(sentence.find(part) != std::string::npos);
  if (sentence.find(part) == std::string::npos)
    CAF_MESSAGE("expected \"" << part << "\" in: " << sentence);
}

// The sentence decode_state fails with; a failed check when it succeeds.
std::string decode_error(const std::string& text) {
  const auto decoded = decode_state(text);
  CAF_CHECK(!decoded);
  if (decoded)
    CAF_MESSAGE("unexpectedly decoded: " << text);
  CAF_CHECK(!decoded.error.empty());
  return decoded.error;
}

std::set<std::string> entries_of(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir))
    names.insert(entry.path().filename().string());
  return names;
}

std::string temporary_path(const std::string& dir) {
  return state_file_path(dir) + ".tmp";
}

struct data_dir_fixture {
  test::temp_dir root;
  std::string dir = root.path() + "/data";
  std::string path = state_file_path(dir);
  test::scoped_time_zone zone{"UTC"};
  moment now = test::utc(2026, 2, 28, 23, 59, 50);
  std::string corrupt_path = path + ".corrupt-20260228T235950";

  data_dir_fixture() { fs::create_directories(dir); }
};

} // namespace

CAF_TEST(state_file_path_is_state_json_in_the_data_dir) {
  CAF_CHECK_EQUAL(state_file_path("/data"), "/data/state.json");
  CAF_CHECK_EQUAL(state_file_path("relative/dir"), "relative/dir/state.json");
}

CAF_TEST(rich_state_round_trips_exactly) {
  const monitor_state original = rich_state();
  const auto decoded = decode_state(encode_state(original));
  CAF_REQUIRE(decoded);
  CAF_CHECK(*decoded == original);
  CAF_CHECK_EQUAL(decoded->cycle_rx_bytes, max_counter);
  CAF_CHECK_EQUAL(decoded->cycle_tx_bytes, beyond_double);
  CAF_CHECK_EQUAL(decoded->last_counters.at("eth0").tx_bytes, beyond_double);
  CAF_CHECK_EQUAL(decoded->thresholds_alerted.at(2), 92.5_percent);
  CAF_CHECK_EQUAL(decoded->thresholds_alerted.at(3), 99999.9999999999_percent);
  CAF_CHECK_EQUAL(decoded->outbox.at(4).detail, original.outbox.at(4).detail);
}

CAF_TEST(fresh_state_round_trips) {
  const auto decoded = decode_state(encode_state(monitor_state{}));
  CAF_REQUIRE(decoded);
  CAF_CHECK(*decoded == monitor_state{});
}

CAF_TEST(encoding_follows_the_documented_layout) {
  const std::string text = encode_state(rich_state());
  CAF_CHECK_EQUAL(text.rfind("{\n  \"schema_version\": 3,\n  \"boot_id\": ", 0), 0u);
  CAF_CHECK_EQUAL(text.back(), '\n');
  check_mentions(text, "\"cycle_rx_bytes\": 18446744073709551615");
  check_mentions(text, "\"cycle_tx_bytes\": 9007199254740993");
  const json document = json::parse(text);
  CAF_CHECK_EQUAL(document["last_counters"]["eth0"]["rx_bytes"].get<std::uint64_t>(), max_counter);
  CAF_CHECK(document["last_sample_at"].is_number_integer());
  CAF_CHECK_EQUAL(document["cycle"]["start"].get<std::int64_t>(),
                  to_epoch_seconds(test::utc(2026, 3, 1)));
  CAF_CHECK_EQUAL(document["thresholds_alerted"][2].get<double>(), 92.5);
  const std::vector<std::string> kinds = {"monitor_started",  "threshold_crossed", "cycle_closed",
                                          "usage_report",     "state_file_reset",  "cycle_changed",
                                          "usage_calibrated", "forecast_exceeded", "limit_reached",
                                          "limit_lifted"};
  CAF_REQUIRE_EQUAL(document["outbox"].size(), kinds.size());
  for (std::size_t i = 0; i < kinds.size(); ++i)
    CAF_CHECK_EQUAL(document["outbox"][i]["kind"].get<std::string>(), kinds[i]);
  CAF_CHECK_EQUAL(document["outbox"][1]["usage"]["cycle"]["end"].get<std::int64_t>(),
                  to_epoch_seconds(test::utc(2026, 4, 1)));
}

CAF_TEST(decode_rejects_text_that_is_not_json) {
  check_mentions(decode_error("{not json"), "not valid JSON");
  check_mentions(decode_error("{\"schema_version\": 1,"), "not valid JSON");
  const std::string whole = encode_state(rich_state());
  check_mentions(decode_error(whole.substr(0, whole.size() / 2)), "not valid JSON");
  check_mentions(decode_error(whole.substr(0, whole.size() - 3)), "not valid JSON");
  CAF_CHECK(decode_error("{}  trailing").find("[json.exception") == std::string::npos);
}

CAF_TEST(decode_rejects_empty_text) {
  check_mentions(decode_error(""), "empty");
  check_mentions(decode_error(" \n\t\r\n"), "empty");
}

CAF_TEST(decode_rejects_json_that_is_not_an_object) {
  check_mentions(decode_error("[1, 2]"), "JSON object");
  check_mentions(decode_error("null"), "JSON object");
  check_mentions(decode_error("1"), "JSON object");
}

CAF_TEST(decode_rejects_a_missing_schema_version) {
  const std::string error = decode_error(erased_at("", "schema_version"));
  check_mentions(error, "schema_version");
  check_mentions(error, "unknown version");
}

CAF_TEST(decode_rejects_a_newer_schema_version) {
  const std::string error = decode_error(set_at("/schema_version", 4));
  check_mentions(error, "schema_version 4");
  check_mentions(error, "newer version");
}

CAF_TEST(decode_rejects_schema_versions_no_build_writes) {
  for (const json& version : {json(0), json(-1), json("1"), json(2.0), json(nullptr)}) {
    CAF_MESSAGE("schema_version " << version.dump());
    const std::string error = decode_error(set_at("/schema_version", version));
    check_mentions(error, "unknown version");
  }
}

CAF_TEST(decode_requires_every_top_level_field) {
  for (const char* key : {"boot_id", "last_sample_at", "last_counters", "cycle", "cycle_rx_bytes",
                          "cycle_tx_bytes", "last_report_at", "next_event_id"}) {
    CAF_MESSAGE("without " << key);
    check_mentions(decode_error(erased_at("", key)),
                   std::string("the field \"") + key + "\" is missing");
  }
}

CAF_TEST(decode_requires_every_nested_field) {
  check_mentions(decode_error(erased_at("/cycle", "end")),
                 "at /cycle: the field \"end\" is missing");
  check_mentions(decode_error(erased_at("/last_counters/eth0", "tx_bytes")),
                 "at /last_counters/eth0: the field \"tx_bytes\" is missing");
  check_mentions(decode_error(erased_at("/outbox/1/usage/cycle", "start")),
                 "at /outbox/1/usage/cycle: the field \"start\" is missing");
  for (const char* key :
       {"id", "kind", "raised_at", "usage", "threshold_percent", "late", "detail"}) {
    CAF_MESSAGE("event without " << key);
    check_mentions(decode_error(erased_at("/outbox/3", key)),
                   std::string("at /outbox/3: the field \"") + key + "\" is missing");
  }
  for (const char* key : {"rx_bytes", "tx_bytes", "counted_bytes", "quota_bytes"}) {
    CAF_MESSAGE("usage without " << key);
    check_mentions(decode_error(erased_at("/outbox/0/usage", key)),
                   std::string("at /outbox/0/usage: the field \"") + key + "\" is missing");
  }
}

CAF_TEST(decode_reads_a_missing_outbox_or_thresholds_as_empty) {
  monitor_state expected = rich_state();
  expected.outbox.clear();
  expected.thresholds_alerted.clear();
  const auto decoded = decode_state(edited([](json& document) {
    document.erase("outbox");
    document.erase("thresholds_alerted");
  }));
  CAF_REQUIRE(decoded);
  CAF_CHECK(*decoded == expected);
}

CAF_TEST(decode_reads_fields_older_files_lack_as_empty) {
  monitor_state expected = rich_state();
  expected.missing_since.clear();
  expected.outbox[0].interfaces.clear();
  expected.outbox[0].missing_interfaces.clear();
  expected.outbox[0].visible_interfaces.clear();
  const auto decoded = decode_state(edited([](json& document) {
    document.erase("missing_since");
    for (const char* key : {"interfaces", "missing_interfaces", "visible_interfaces"})
      document["outbox"][0].erase(key);
  }));
  CAF_REQUIRE(decoded);
  CAF_CHECK(*decoded == expected);
}

CAF_TEST(decode_reads_events_written_before_the_calendar_fields_as_without_them) {
  monitor_state expected = rich_state();
  for (auto& e : expected.outbox) {
    e.previous_cycle = {};
    e.wrong_clock = false;
    e.skipped_cycles = 0;
    e.skipped_span = {};
    e.undated_bytes = 0;
  }
  const auto decoded = decode_state(edited([](json& document) {
    for (auto& e : document["outbox"])
      for (const char* key :
           {"previous_cycle", "wrong_clock", "skipped_cycles", "skipped_span", "undated_bytes"})
        e.erase(key);
  }));
  CAF_REQUIRE(decoded);
  CAF_CHECK(*decoded == expected);
}

CAF_TEST(a_version_2_file_is_read_without_calibration_history_or_forecast) {
  monitor_state expected = rich_state();
  expected.cycle_adjustment_bytes = 0;
  expected.days.clear();
  expected.days_since = moment{};
  expected.previous_cycle.reset();
  expected.forecast_alerted = false;
  expected.last_calibration_id.clear();
  expected.over_limit_since = moment{};
  expected.telegram_update_offset = 0;
  // Version 2 had no events of the four kinds added with it.
  expected.outbox.resize(expected.outbox.size() - 4);
  for (auto& e : expected.outbox) {
    e.outlook = {};
    e.usage.adjustment_bytes = 0;
    e.calibrated_from_bytes = 0;
    e.targets_left.clear();
    e.targets_assigned = false;
  }
  const auto decoded = decode_state(edited([](json& document) {
    document["schema_version"] = 2;
    for (const char* key :
         {"cycle_adjustment_bytes", "days", "days_since", "previous_cycle", "forecast_alerted",
          "last_calibration_id", "over_limit_since", "telegram_update_offset"})
      document.erase(key);
    for (int i = 0; i < 4; ++i)
      document["outbox"].erase(document["outbox"].size() - 1);
    for (auto& e : document["outbox"]) {
      e.erase("outlook");
      e.erase("calibrated_from_bytes");
      e.erase("targets_left");
      e["usage"].erase("adjustment_bytes");
      // What version 2 wrote instead of the outlook.
      e["projected_bytes"] = 5;
    }
  }));
  CAF_REQUIRE(decoded);
  CAF_CHECK(*decoded == expected);
}

CAF_TEST(decode_rejects_days_out_of_order_or_repeated) {
  check_mentions(decode_error(set_at("/days/1/date", "2026-03-12")),
                 "at /days/1: the days must be in ascending order, each once");
  check_mentions(decode_error(set_at("/previous_cycle/days/1/date", "2026-02-27")),
                 "at /previous_cycle/days/1:");
}

CAF_TEST(decode_rejects_mistyped_missing_interfaces_naming_them) {
  check_mentions(decode_error(edited([](json& d) { d["missing_since"]["eht0"] = "soon"; })),
                 "at /missing_since/eht0:");
  check_mentions(decode_error(edited([](json& d) { d["missing_since"] = json::array(); })),
                 "at /missing_since:");
  check_mentions(decode_error(edited([](json& d) { d["outbox"][0]["interfaces"] = {1}; })),
                 "at /outbox/0/interfaces/0:");
}

CAF_TEST(decode_rejects_mistyped_fields_naming_them) {
  struct mistyped {
    std::string pointer;
    json value;
  };
  const std::vector<mistyped> cases = {
    {"/boot_id", 42},
    {"/last_sample_at", "yesterday"},
    {"/last_sample_at", 1.5},
    {"/last_sample_at", json::number_unsigned_t{9223372036854775808u}},
    {"/last_counters", json::array()},
    {"/last_counters/eth0", 5},
    {"/cycle", "march"},
    {"/cycle/start", json::object()},
    {"/cycle_rx_bytes", "12"},
    {"/cycle_rx_bytes", true},
    {"/cycle_tx_bytes", nullptr},
    {"/thresholds_alerted", 80},
    {"/thresholds_alerted/1", "90"},
    {"/last_report_at", false},
    {"/next_event_id", -1},
    {"/outbox", json::object()},
    {"/outbox/2", "event"},
    {"/outbox/0/id", "1"},
    {"/outbox/0/kind", 3},
    {"/outbox/0/raised_at", "now"},
    {"/outbox/0/usage", json::array()},
    {"/outbox/0/usage/cycle/end", "x"},
    {"/outbox/0/threshold_percent", "92.5"},
    {"/outbox/0/late", 1},
    {"/outbox/0/outlook/projected_bytes", 2.5},
    {"/outbox/0/outlook/runs_out_at", 1.5},
    {"/outbox/0/outlook/busiest_day", 3},
    {"/outbox/0/usage/adjustment_bytes", 1.5},
    {"/outbox/0/usage/adjustment_bytes", 9223372036854775808.0},
    {"/outbox/6/calibrated_from_bytes", -1},
    {"/cycle_adjustment_bytes", "5"},
    {"/cycle_adjustment_bytes", 9223372036854775808u},
    {"/days", json::object()},
    {"/days/0/date", "13 March"},
    {"/days/0/date", "2026-3-13"},
    {"/days/1/tx_bytes", -1},
    {"/days_since", "yesterday"},
    {"/previous_cycle/days/1/rx_bytes", 0.5},
    {"/previous_cycle/adjustment_bytes", "x"},
    {"/forecast_alerted", 1},
    {"/last_calibration_id", 5},
    {"/over_limit_since", "now"},
    {"/telegram_update_offset", "12"},
    {"/telegram_update_offset", 1.5},
    {"/outbox/0/detail", nullptr},
    {"/outbox/5/previous_cycle/start", "x"},
    {"/outbox/5/wrong_clock", "yes"},
    {"/outbox/5/skipped_cycles", -2},
    {"/outbox/5/skipped_span", 7},
    {"/outbox/5/undated_bytes", 1.5},
  };
  for (const auto& [pointer, value] : cases) {
    CAF_MESSAGE(pointer << " = " << value.dump());
    check_mentions(decode_error(set_at(pointer, value)), "at " + pointer + ":");
  }
}

CAF_TEST(decode_rejects_negative_counters) {
  const std::string error = decode_error(set_at("/cycle_rx_bytes", -1));
  check_mentions(error, "at /cycle_rx_bytes:");
  check_mentions(error, "-1");
  check_mentions(decode_error(set_at("/last_counters/eth0/rx_bytes", -5)),
                 "at /last_counters/eth0/rx_bytes:");
  check_mentions(decode_error(set_at("/outbox/1/usage/quota_bytes", -1)),
                 "at /outbox/1/usage/quota_bytes:");
  check_mentions(decode_error(set_at("/outbox/4/id", -3)), "at /outbox/4/id:");
}

CAF_TEST(decode_rejects_fractional_float_and_oversized_counters) {
  CAF_REQUIRE(decode_state(with_rx_total_written_as("777777")));
  for (const char* number : {"777777.5", "1.0", "1e3", "18446744073709551616"}) {
    CAF_MESSAGE("cycle_rx_bytes written as " << number);
    check_mentions(decode_error(with_rx_total_written_as(number)), "at /cycle_rx_bytes:");
  }
}

CAF_TEST(decode_accepts_whole_numbers_as_percentages) {
  const auto decoded = decode_state(edited([](json& document) {
    document["thresholds_alerted"][0] = 80;
    document["outbox"][1]["threshold_percent"] = 90;
  }));
  CAF_REQUIRE(decoded);
  CAF_CHECK_EQUAL(decoded->thresholds_alerted.at(0), 80_percent);
  CAF_CHECK_EQUAL(decoded->outbox.at(1).threshold_percent, 90_percent);
}

CAF_TEST(a stored decimal threshold reads back exactly and counts as already alerted) {
  auto state = decode_state(
    edited([](json& document) { document["thresholds_alerted"] = json::parse("[92.5]"); }));
  CAF_REQUIRE(state);
  CAF_CHECK_EQUAL(state->thresholds_alerted, std::vector<percentage>{92.5_percent});
  ledger_rules rules;
  rules.quota_bytes = 1000;
  rules.thresholds = {92.5_percent};
  state->cycle_rx_bytes = 0;
  state->cycle_tx_bytes = 930;
  state->cycle_adjustment_bytes = 0;
  CAF_CHECK(!newly_crossed_threshold(*state, rules, state->cycle.start));
  CAF_CHECK_EQUAL(state->thresholds_alerted, std::vector<percentage>{92.5_percent});
  check_mentions(encode_state(*state), "\"thresholds_alerted\": [\n    92.5\n  ]");
}

CAF_TEST(decode_rejects_a_percentage_below_zero_or_beyond_a_count) {
  check_mentions(decode_error(set_at("/thresholds_alerted/0", -1)), "at /thresholds_alerted/0:");
  check_mentions(decode_error(set_at("/settings/thresholds/1", 1e10)),
                 "at /settings/thresholds/1:");
  check_mentions(decode_error(set_at("/outbox/1/threshold_percent", -0.5)),
                 "at /outbox/1/threshold_percent:");
}

CAF_TEST(decode_rejects_an_unknown_event_kind) {
  for (const char* kind : {"quota_exceeded", "Threshold_Crossed", ""}) {
    CAF_MESSAGE("kind \"" << kind << "\"");
    const std::string error = decode_error(set_at("/outbox/2/kind", kind));
    check_mentions(error, "at /outbox/2/kind:");
    check_mentions(error, std::string("unknown event kind \"") + kind + "\"");
  }
}

CAF_TEST(decode_ignores_unknown_fields) {
  const auto decoded = decode_state(edited([](json& document) {
    document["comment"] = "edited by hand";
    document["cycle"]["time_zone"] = "Asia/Shanghai";
    document["last_counters"]["eth0"]["rx_packets"] = 17;
    document["outbox"][0]["priority"] = json::array({1, 2});
  }));
  CAF_REQUIRE(decoded);
  CAF_CHECK(*decoded == rich_state());
}

CAF_TEST_FIXTURE_SCOPE(state_file_on_disk, data_dir_fixture)

CAF_TEST(load_without_a_state_file_gives_a_fresh_state) {
  const loaded_state loaded = load_state(dir, now);
  CAF_CHECK(loaded.status == state_file_status::absent);
  CAF_CHECK(loaded.state == monitor_state{});
  CAF_CHECK(!loaded.set_aside_to);
  CAF_CHECK_EQUAL(loaded.problem, "");
  CAF_CHECK(entries_of(dir).empty());
}

CAF_TEST(load_from_a_missing_data_dir_gives_a_fresh_state) {
  const loaded_state loaded = load_state(dir + "/absent", now);
  CAF_CHECK(loaded.status == state_file_status::absent);
  CAF_CHECK(loaded.state == monitor_state{});
  CAF_CHECK(!loaded.set_aside_to);
  CAF_CHECK_EQUAL(loaded.problem, "");
}

CAF_TEST(save_then_load_gives_the_same_state) {
  CAF_REQUIRE_EQUAL(save_state(dir, rich_state()).error, "");
  CAF_CHECK_EQUAL(test::read_file(path), encode_state(rich_state()));
  const loaded_state loaded = load_state(dir, now);
  CAF_CHECK(loaded.status == state_file_status::loaded);
  CAF_CHECK(loaded.state == rich_state());
  CAF_CHECK(!loaded.set_aside_to);
  CAF_CHECK_EQUAL(loaded.problem, "");
}

CAF_TEST(save_replaces_an_existing_file_and_leaves_no_temporary_file) {
  CAF_REQUIRE_EQUAL(save_state(dir, rich_state()).error, "");
  monitor_state later;
  later.boot_id = "after";
  later.cycle_tx_bytes = 99;
  CAF_REQUIRE_EQUAL(save_state(dir, later).error, "");
  CAF_CHECK_EQUAL(test::read_file(path), encode_state(later));
  CAF_CHECK(load_state(dir, now).state == later);
  CAF_CHECK(entries_of(dir) == std::set<std::string>{"state.json"});
}

CAF_TEST(a_temporary_file_left_by_a_killed_save_is_reused_not_piled_up) {
  test::write_file(temporary_path(dir), std::string(5000, 'x'));
  CAF_REQUIRE_EQUAL(save_state(dir, rich_state()).error, "");
  CAF_CHECK_EQUAL(test::read_file(path), encode_state(rich_state()));
  CAF_CHECK(entries_of(dir) == std::set<std::string>{"state.json"});
}

CAF_TEST(save_writes_a_file_others_may_read) {
  CAF_REQUIRE_EQUAL(save_state(dir, rich_state()).error, "");
  struct stat status {};
  CAF_REQUIRE_EQUAL(::stat(path.c_str(), &status), 0);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  CAF_CHECK_EQUAL(status.st_mode & 0777, 0644u & ~mask);
}

CAF_TEST(save_into_a_missing_directory_fails_with_a_sentence) {
  const std::string missing = dir + "/absent";
  const std::string error = save_state(missing, rich_state()).error;
  check_mentions(error, "cannot create " + temporary_path(missing));
  check_mentions(error, "No such file or directory");
  CAF_CHECK(!test::file_exists(missing));
}

CAF_TEST(save_into_a_directory_it_cannot_write_keeps_the_old_file) {
  CAF_REQUIRE_EQUAL(save_state(dir, rich_state()).error, "");
  const std::string before = test::read_file(path);
  if (::geteuid() != 0) {
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
    const std::string error = save_state(dir, monitor_state{}).error;
    fs::permissions(dir, fs::perms::owner_all);
    check_mentions(error, "cannot create " + temporary_path(dir));
    check_mentions(error, "Permission denied");
  } else {
    // Permissions do not stop root: a data dir below a regular file fails for everyone.
    const std::string below_file = path + "/nested";
    const std::string error = save_state(below_file, monitor_state{}).error;
    check_mentions(error, "cannot create " + temporary_path(below_file));
    check_mentions(error, "Not a directory");
  }
  CAF_CHECK_EQUAL(test::read_file(path), before);
  CAF_CHECK(entries_of(dir) == std::set<std::string>{"state.json"});
}

CAF_TEST(failure_to_create_the_temporary_file_keeps_the_old_file_byte_for_byte) {
  const std::string before = "{ \"hand written\": true }";
  test::write_file(path, before);
  test::write_file(temporary_path(dir) + "/blocker", "x");
  const std::string error = save_state(dir, rich_state()).error;
  check_mentions(error, "cannot create " + temporary_path(dir));
  check_mentions(error, "Is a directory");
  CAF_CHECK_EQUAL(test::read_file(path), before);
}

CAF_TEST(failed_rename_removes_the_temporary_file) {
  test::write_file(path + "/inside", "kept");
  const std::string error = save_state(dir, rich_state()).error;
  check_mentions(error, "cannot rename " + temporary_path(dir) + " to " + path);
  check_mentions(error, "Is a directory");
  CAF_CHECK(!test::file_exists(temporary_path(dir)));
  CAF_CHECK_EQUAL(test::read_file(path + "/inside"), "kept");
}

CAF_TEST(a_corrupt_file_is_moved_aside_with_the_local_time) {
  test::write_file(path, "{garbage");
  const loaded_state loaded = load_state(dir, now);
  CAF_CHECK(loaded.status == state_file_status::set_aside);
  CAF_CHECK(loaded.state == monitor_state{});
  CAF_REQUIRE(loaded.set_aside_to);
  CAF_CHECK_EQUAL(*loaded.set_aside_to, corrupt_path);
  check_mentions(loaded.problem, "not valid JSON");
  CAF_CHECK_EQUAL(test::read_file(corrupt_path), "{garbage");
  CAF_CHECK(!test::file_exists(path));
}

CAF_TEST(each_corrupt_file_gets_its_own_name) {
  const std::vector<std::string> expected = {corrupt_path, corrupt_path + "-1",
                                             corrupt_path + "-2"};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    test::write_file(path, "corrupt #" + std::to_string(i));
    const loaded_state loaded = load_state(dir, now);
    CAF_REQUIRE(loaded.set_aside_to);
    CAF_CHECK_EQUAL(*loaded.set_aside_to, expected[i]);
  }
  for (std::size_t i = 0; i < expected.size(); ++i) {
    CAF_REQUIRE(test::file_exists(expected[i]));
    CAF_CHECK_EQUAL(test::read_file(expected[i]), "corrupt #" + std::to_string(i));
  }
}

CAF_TEST(an_empty_file_is_moved_aside) {
  test::write_file(path, "");
  const loaded_state loaded = load_state(dir, now);
  CAF_CHECK(loaded.status == state_file_status::set_aside);
  CAF_CHECK(loaded.set_aside_to == corrupt_path);
  check_mentions(loaded.problem, "empty");
  CAF_CHECK(test::file_exists(corrupt_path));
}

CAF_TEST(a_file_from_a_newer_version_stops_the_load_and_stays_untouched) {
  const std::string newer = set_at("/schema_version", 4);
  test::write_file(path, newer);
  const loaded_state loaded = load_state(dir, now);
  CAF_CHECK(loaded.status == state_file_status::unusable);
  CAF_CHECK(!loaded.set_aside_to);
  check_mentions(loaded.problem, path);
  check_mentions(loaded.problem, "schema_version 4");
  check_mentions(loaded.problem, "upgrade, or restore a backup");
  CAF_CHECK_EQUAL(test::read_file(path), newer);
  CAF_CHECK(entries_of(dir) == std::set<std::string>{"state.json"});
}

CAF_TEST(a_newer_file_that_is_not_valid_json_is_corrupt) {
  test::write_file(path, "{\"schema_version\": 3, ");
  const loaded_state loaded = load_state(dir, now);
  CAF_CHECK(loaded.status == state_file_status::set_aside);
  CAF_CHECK(loaded.set_aside_to == corrupt_path);
}

CAF_TEST(a_file_that_cannot_be_read_stops_the_load_and_stays_untouched) {
  test::write_file(path + "/inside", "kept");
  const loaded_state loaded = load_state(dir, now);
  CAF_CHECK(loaded.status == state_file_status::unusable);
  CAF_CHECK(loaded.state == monitor_state{});
  CAF_CHECK(!loaded.set_aside_to);
  check_mentions(loaded.problem, "cannot read " + path);
  check_mentions(loaded.problem, "Is a directory");
  CAF_CHECK_EQUAL(test::read_file(path + "/inside"), "kept");
  CAF_CHECK(entries_of(dir) == std::set<std::string>{"state.json"});
}

CAF_TEST(a_file_that_cannot_be_opened_stops_the_load) {
  // A data dir below a regular file: opening fails with ENOTDIR, for root too.
  const std::string below_file = dir + "/plain";
  test::write_file(below_file, "not a directory");
  const loaded_state loaded = load_state(below_file, now);
  CAF_CHECK(loaded.status == state_file_status::unusable);
  check_mentions(loaded.problem, "cannot open " + state_file_path(below_file));
  check_mentions(loaded.problem, "Not a directory");
  CAF_CHECK_EQUAL(test::read_file(below_file), "not a directory");
}

CAF_TEST(a_corrupt_file_that_cannot_be_moved_aside_is_reported_with_both_reasons) {
  // A path so long that the state file's name fits and the longer corrupt name does not:
  // the rename fails with ENAMETOOLONG, for root too.
  std::string deep = dir;
  const std::size_t room = PATH_MAX - 1 - std::string("/state.json").size() - 4;
  while (deep.size() + 201 <= room)
    deep += "/" + std::string(200, 'd');
  deep += "/" + std::string(room - deep.size() - 1, 'e');
  fs::create_directories(deep);
  const std::string deep_path = state_file_path(deep);
  CAF_REQUIRE(deep_path.size() < PATH_MAX);
  test::write_file(deep_path, "{garbage");
  const loaded_state loaded = load_state(deep, now);
  CAF_CHECK(loaded.status == state_file_status::set_aside);
  CAF_CHECK(loaded.state == monitor_state{});
  CAF_CHECK(!loaded.set_aside_to);
  check_mentions(loaded.problem, "not valid JSON");
  check_mentions(loaded.problem, "could not be moved aside");
  check_mentions(loaded.problem, "cannot rename " + deep_path);
  CAF_CHECK_EQUAL(test::read_file(deep_path), "{garbage");
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(decode_rejects_duplicate_keys_naming_them) {
  const std::string whole = encode_state(rich_state());
  std::string twice = whole;
  twice.insert(twice.find("\"cycle_rx_bytes\""), "\"cycle_rx_bytes\": 0,\n  ");
  check_mentions(decode_error(twice), "\"cycle_rx_bytes\" twice");
  std::string nested = whole;
  const auto end_of_cycle = nested.find("\"end\"");
  nested.insert(end_of_cycle, "\"end\": 1,\n    ");
  check_mentions(decode_error(nested), "\"end\" twice");
}

CAF_TEST(decode_rejects_a_cycle_that_does_not_start_before_its_end) {
  const std::int64_t start = to_epoch_seconds(test::utc(2026, 3, 1));
  for (const std::int64_t end : {start, start - 1, std::int64_t{0}}) {
    CAF_MESSAGE("cycle ending at " << end);
    const std::string error = decode_error(set_at("/cycle/end", end));
    check_mentions(error, "at /cycle:");
    check_mentions(error, "start before its end");
  }
  check_mentions(decode_error(
                   set_at("/outbox/2/usage/cycle/start", to_epoch_seconds(test::utc(2026, 4, 1)))),
                 "at /outbox/2/usage/cycle:");
}

CAF_TEST(decode_accepts_the_empty_cycle_of_a_state_without_one_yet) {
  const auto decoded = decode_state(edited([](json& document) {
    document["cycle"] = json{{"start", 0}, {"end", 0}};
    document["outbox"][4]["usage"]["cycle"] = json{{"start", 0}, {"end", 0}};
  }));
  CAF_REQUIRE(decoded);
  CAF_CHECK(decoded->cycle == cycle_bounds{});
}

CAF_TEST(the_recorded_settings_are_written_in_full) {
  const json document = json::parse(encode_state(rich_state()));
  const json& settings = document.at("settings");
  CAF_CHECK_EQUAL(settings.at("quota_bytes").get<std::uint64_t>(), 200ull << 30);
  CAF_CHECK_EQUAL(settings.at("unit").get<std::string>(), "GiB");
  CAF_CHECK_EQUAL(settings.at("unit_bytes").get<std::uint64_t>(), 1ull << 30);
  CAF_CHECK_EQUAL(settings.at("direction").get<std::string>(), "bidirectional");
  CAF_CHECK_EQUAL(settings.at("interfaces"), json::parse(R"(["ens5", "wg0"])"));
  CAF_CHECK_EQUAL(settings.at("thresholds").at(1).get<double>(), 92.5);
  CAF_CHECK_EQUAL(settings.at("reset_day").get<int>(), 15);
  CAF_CHECK_EQUAL(settings.at("time_zone").get<std::string>(), "Asia/Shanghai");
  const auto decoded = decode_state(encode_state(rich_state()));
  CAF_REQUIRE(decoded);
  CAF_CHECK(decoded->recorded_settings == recorded_settings());
}

CAF_TEST(a_state_without_recorded_settings_round_trips_without_them) {
  monitor_state state = rich_state();
  state.recorded_settings.reset();
  const std::string text = encode_state(state);
  CAF_CHECK(!json::parse(text).contains("settings"));
  const auto decoded = decode_state(text);
  CAF_REQUIRE(decoded);
  CAF_CHECK(*decoded == state);
}

CAF_TEST(a_version_1_file_is_read_without_recorded_settings) {
  const auto decoded = decode_state(edited([](json& document) {
    document["schema_version"] = 1;
    document.erase("settings");
  }));
  CAF_REQUIRE(decoded);
  monitor_state expected = rich_state();
  expected.recorded_settings.reset();
  CAF_CHECK(*decoded == expected);
}

CAF_TEST(decode_rejects_invalid_recorded_settings_naming_them) {
  struct invalid {
    std::string pointer;
    json value;
    std::string complaint;
  };
  const std::vector<invalid> cases = {
    {"/settings", 5, "at /settings:"},
    {"/settings/quota_bytes", -1, "at /settings/quota_bytes:"},
    {"/settings/unit", 1, "at /settings/unit:"},
    {"/settings/unit_bytes", "GiB", "at /settings/unit_bytes:"},
    {"/settings/direction", "sideways", "at /settings/direction:"},
    {"/settings/interfaces", "ens5", "at /settings/interfaces:"},
    {"/settings/interfaces/1", 3, "at /settings/interfaces/1:"},
    {"/settings/thresholds/0", "80", "at /settings/thresholds/0:"},
    {"/settings/reset_day", 0, "at /settings/reset_day:"},
    {"/settings/reset_day", 32, "at /settings/reset_day:"},
    {"/settings/reset_day", 1.5, "at /settings/reset_day:"},
    {"/settings/time_zone", nullptr, "at /settings/time_zone:"},
  };
  for (const auto& [pointer, value, complaint] : cases) {
    CAF_MESSAGE(pointer << " = " << value.dump());
    check_mentions(decode_error(set_at(pointer, value)), complaint);
  }
  for (const char* key : {"quota_bytes", "unit", "unit_bytes", "direction", "interfaces",
                          "thresholds", "reset_day", "time_zone"}) {
    CAF_MESSAGE("settings without " << key);
    check_mentions(decode_error(erased_at("/settings", key)),
                   std::string("at /settings: the field \"") + key + "\" is missing");
  }
}
