#define CAF_SUITE history
#include <caf/test/unit_test.hpp>

#include <sstream>

#include <nlohmann/json.hpp>

#include "actors/accounting/state_file.hpp"
#include "main/history.hpp"
#include "test_support.hpp"

using namespace tmon;

namespace {

constexpr std::uint64_t gib = 1ull << 30;

struct fixture {
  test::scoped_time_zone zone{"Asia/Shanghai"};
  counting_settings counted_with;
  cycle_record cycle;

  fixture() {
    counted_with.unit = {"GiB", gib};
    counted_with.direction = traffic_direction::max;
    cycle.cycle = {test::local(2026, 11, 1), test::local(2026, 12, 1)};
    cycle.days = {{"2026-11-01", 3 * gib, gib / 2}, {"2026-11-02", gib / 4, 2 * gib}};
    cycle.rx_bytes = 3 * gib + gib / 4;
    cycle.tx_bytes = 2 * gib + gib / 2;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(history_tests, fixture)

CAF_TEST(the table has a line per day and the total) {
  const auto text = history_text(cycle, counted_with);
  CAF_MESSAGE(text);
  CAF_CHECK(text.find("cycle 2026-11-01T00:00:00+08:00 to 2026-12-01T00:00:00+08:00\n") == 0);
  CAF_CHECK(text.find("date                received            sent         counted\n")
            != std::string::npos);
  CAF_CHECK(text.find("2026-11-01          3.00 GiB        0.50 GiB        3.00 GiB\n")
            != std::string::npos);
  CAF_CHECK(text.find("2026-11-02          0.25 GiB        2.00 GiB        2.00 GiB\n")
            != std::string::npos);
  CAF_CHECK(text.find("total               3.25 GiB        2.50 GiB        3.25 GiB\n")
            != std::string::npos);
  CAF_CHECK(text.find("calibration") == std::string::npos);
}

CAF_TEST(the total includes the calibration and says so) {
  cycle.adjustment_bytes = -static_cast<std::int64_t>(gib);
  const auto text = history_text(cycle, counted_with);
  CAF_CHECK(text.find("total               3.25 GiB        2.50 GiB        2.25 GiB\n")
            != std::string::npos);
  CAF_CHECK(text.find("the total counted includes the calibration, -1.00 GiB\n")
            != std::string::npos);
}

CAF_TEST(the JSON has the days and the cycle bounds) {
  cycle.adjustment_bytes = 5;
  const auto json = nlohmann::json::parse(history_json(cycle, counted_with));
  CAF_CHECK_EQUAL(json["cycle_start"], "2026-11-01T00:00:00+08:00");
  CAF_CHECK_EQUAL(json["cycle_end"], "2026-12-01T00:00:00+08:00");
  CAF_REQUIRE_EQUAL(json["days"].size(), 2u);
  CAF_CHECK_EQUAL(json["days"][0],
                  nlohmann::json::parse(R"({"date": "2026-11-01", "rx_bytes": 3221225472,
                                            "tx_bytes": 536870912, "counted_bytes": 3221225472})"));
  CAF_CHECK_EQUAL(json["days"][1]["counted_bytes"].get<std::uint64_t>(), 2 * gib);
  CAF_CHECK_EQUAL(json["counted_bytes"].get<std::uint64_t>(), 3 * gib + gib / 4 + 5);
  CAF_CHECK_EQUAL(json["adjustment_bytes"].get<std::int64_t>(), 5);
}

CAF_TEST(printing reads the state file and says when there is no closed cycle) {
  test::temp_dir dir;
  config settings;
  settings.data_dir = dir.path();
  monitor_state state;
  state.cycle = cycle.cycle;
  state.days = cycle.days;
  state.cycle_rx_bytes = cycle.rx_bytes;
  state.cycle_tx_bytes = cycle.tx_bytes;
  state.recorded_settings = counted_with;
  CAF_REQUIRE(save_state(dir.path(), state));
  const status_context context{settings, {"eth0"}, test::local(2026, 11, 3)};
  std::ostringstream out;
  std::ostringstream err;
  CAF_CHECK_EQUAL(print_history(context, false, true, out, err), 0);
  CAF_CHECK_EQUAL(nlohmann::json::parse(out.str())["days"].size(), 2u);
  std::ostringstream previous_out;
  CAF_CHECK_EQUAL(print_history(context, true, true, previous_out, err), 1);
  CAF_CHECK(
    nlohmann::json::parse(previous_out.str())["error"].get<std::string>().find("no closed cycle")
    != std::string::npos);
  state.previous_cycle = cycle;
  state.previous_cycle->days.pop_back();
  CAF_REQUIRE(save_state(dir.path(), state));
  std::ostringstream closed_out;
  CAF_CHECK_EQUAL(print_history(context, true, false, closed_out, err), 0);
  CAF_CHECK(closed_out.str().find("2026-11-01") != std::string::npos);
  CAF_CHECK(closed_out.str().find("2026-11-02") == std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
