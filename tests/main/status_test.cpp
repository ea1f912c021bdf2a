#define CAF_SUITE status
#include <caf/test/unit_test.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <sstream>

#include "actors/accounting/state_file.hpp"
#include "main/monitor.hpp"
#include "main/status.hpp"
#include "test_support.hpp"

using namespace tmon;

namespace {

struct fixture {
  test::scoped_time_zone zone{"Asia/Shanghai"};
  config settings;
  monitor_state state;
  // Two and a half days before the cycle's end, 30 s after the last sample.
  moment now = test::utc(2026, 11, 28, 12, 0, 30);

  status_context context(std::vector<std::string> interfaces) {
    return status_context{settings, std::move(interfaces), now};
  }

  // What a monitor counting 150 of 200 GiB in both directions on ens5 records.
  counting_settings monitor_settings() {
    counting_settings recorded;
    recorded.quota_bytes = 200ull << 30;
    recorded.unit = {"GiB", 1ull << 30};
    recorded.direction = traffic_direction::bidirectional;
    recorded.interfaces = {"ens5"};
    recorded.thresholds = {80_percent, 90_percent, 95_percent};
    recorded.reset_day = 1;
    recorded.time_zone = "";
    return recorded;
  }

  fixture() {
    settings.quota_bytes = 1000;
    settings.direction = traffic_direction::max;
    state.cycle = {test::utc(2026, 10, 31, 16), test::utc(2026, 11, 30, 16)};
    state.cycle_rx_bytes = 300;
    state.cycle_tx_bytes = 450;
    state.thresholds_alerted = {25_percent, 40_percent};
    state.last_sample_at = test::utc(2026, 11, 28, 12);
  }
};

} // namespace

CAF_TEST(health allows three intervals and thirty seconds) {
  CAF_CHECK(!fresh_state_file(std::nullopt, test::at(1000), std::chrono::seconds{60}));
  CAF_CHECK(fresh_state_file(test::at(1000), test::at(1000), std::chrono::seconds{60}));
  CAF_CHECK(fresh_state_file(test::at(1000), test::at(1000 + 210), std::chrono::seconds{60}));
  auto stale = fresh_state_file(test::at(1000), test::at(1000 + 211), std::chrono::seconds{60});
  CAF_REQUIRE(!stale);
  CAF_CHECK(stale.error.find("211 s ago") != std::string::npos);
  CAF_CHECK(fresh_state_file(test::at(1000), test::at(1000 + 33), std::chrono::seconds{1}));
  CAF_CHECK(!fresh_state_file(test::at(1000), test::at(1000 + 34), std::chrono::seconds{1}));
}

CAF_TEST(health refuses a state file dated in the future) {
  CAF_CHECK(fresh_state_file(test::at(1000 + 90), test::at(1000), std::chrono::seconds{60}));
  auto ahead = fresh_state_file(test::at(1000 + 91), test::at(1000), std::chrono::seconds{60});
  CAF_REQUIRE(!ahead);
  CAF_CHECK(ahead.error.find("dated 91 s in the future") != std::string::npos);
  CAF_CHECK(ahead.error.find("clock") != std::string::npos);
  CAF_CHECK(
    !fresh_state_file(test::at(1000 + 86400 * 365), test::at(1000), std::chrono::seconds{60}));
}

CAF_TEST(health fails while a configured interface is missing for more than three intervals) {
  monitor_state state;
  CAF_CHECK(no_interface_missing(state, test::at(5000), std::chrono::seconds{60}));
  state.missing_since = {{"eht0", test::at(1000)}};
  CAF_CHECK(no_interface_missing(state, test::at(1000), std::chrono::seconds{60}));
  CAF_CHECK(no_interface_missing(state, test::at(1180), std::chrono::seconds{60}));
  const auto missing = no_interface_missing(state, test::at(1181), std::chrono::seconds{60});
  CAF_REQUIRE(!missing);
  CAF_CHECK(missing.error.find("eht0") != std::string::npos);
  CAF_CHECK(missing.error.find("181 s") != std::string::npos);
  CAF_CHECK(missing.error.find("NETWORK_INTERFACE") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE(status_tests, fixture)

CAF_TEST(the JSON status carries the figures and local times with offset) {
  auto status = nlohmann::json::parse(status_json(state, context({"eth0", "wg0"})));
  CAF_CHECK_EQUAL(status["cycle_start"].get<std::string>(), "2026-11-01T00:00:00+08:00");
  CAF_CHECK_EQUAL(status["cycle_end"].get<std::string>(), "2026-12-01T00:00:00+08:00");
  CAF_CHECK_EQUAL(status["rx_bytes"].get<std::uint64_t>(), 300u);
  CAF_CHECK_EQUAL(status["tx_bytes"].get<std::uint64_t>(), 450u);
  CAF_CHECK_EQUAL(status["counted_bytes"].get<std::uint64_t>(), 450u);
  CAF_CHECK_EQUAL(status["quota_bytes"].get<std::uint64_t>(), 1000u);
  CAF_CHECK_EQUAL(status["percent"].get<double>(), 45.0);
  CAF_CHECK_EQUAL(status["thresholds_alerted"], nlohmann::json::parse("[25, 40]"));
  CAF_CHECK_EQUAL(status["direction"].get<std::string>(), "max");
  CAF_CHECK_EQUAL(status["interfaces"], nlohmann::json::parse(R"(["eth0", "wg0"])"));
  CAF_CHECK_EQUAL(status["last_sample_at"].get<std::string>(), "2026-11-28T20:00:00+08:00");
}

CAF_TEST(the text status shows amounts and exact bytes) {
  auto text = status_text(state, context({"eth0"}));
  CAF_CHECK(text.find("2026-11-01T00:00:00+08:00 to 2026-12-01T00:00:00+08:00")
            != std::string::npos);
  CAF_CHECK(text.find("(450 bytes)") != std::string::npos);
  CAF_CHECK(text.find("(45.0%, max)") != std::string::npos);
  CAF_CHECK(text.find("alerted:    25%, 40%") != std::string::npos);
}

CAF_TEST(the JSON status adds days left remaining quota projection and sample age) {
  state.days_since = state.cycle.start;
  for (int day = 21; day <= 27; ++day)
    add_to_day(state.days, fmt::format("2026-11-{}", day), 3, 10);
  add_to_day(state.days, "2026-11-28", 1, 5);
  auto status = nlohmann::json::parse(status_json(state, context({"eth0"})));
  CAF_CHECK_EQUAL(status["days_left"].get<int>(), 3);
  CAF_CHECK_EQUAL(status["remaining_bytes"].get<std::uint64_t>(), 550u);
  CAF_CHECK_EQUAL(status["daily_average_bytes"].get<std::uint64_t>(), 10u);
  // 450 bytes and 10 a day for the 2 days 3 h 59 min 30 s left: 471.66.
  CAF_CHECK_EQUAL(status["projected_bytes"].get<std::uint64_t>(), 471u);
  CAF_CHECK_EQUAL(status["daily_budget_bytes"].get<std::uint64_t>(), 550u / 3);
  CAF_CHECK_EQUAL(status["adjustment_bytes"].get<std::int64_t>(), 0);
  CAF_CHECK_EQUAL(status["last_sample_age_seconds"].get<std::int64_t>(), 30);
  CAF_CHECK_EQUAL(status["settings_recorded"].get<bool>(), false);
}

CAF_TEST(the JSON status has no projection without a full day of data) {
  state.days_since = test::utc(2026, 11, 28, 1);
  add_to_day(state.days, "2026-11-28", 1, 5);
  auto status = nlohmann::json::parse(status_json(state, context({"eth0"})));
  CAF_CHECK(status["projected_bytes"].is_null());
  CAF_CHECK(status["daily_average_bytes"].is_null());
  CAF_CHECK_EQUAL(status["daily_budget_bytes"].get<std::uint64_t>(), 550u / 3);
  CAF_CHECK(status_text(state, context({"eth0"})).find("not enough data yet") != std::string::npos);
}

CAF_TEST(the status counts the calibration in every figure) {
  state.cycle_adjustment_bytes = -400;
  auto status = nlohmann::json::parse(status_json(state, context({"eth0"})));
  CAF_CHECK_EQUAL(status["adjustment_bytes"].get<std::int64_t>(), -400);
  CAF_CHECK_EQUAL(status["counted_bytes"].get<std::uint64_t>(), 50u);
  CAF_CHECK_EQUAL(status["remaining_bytes"].get<std::uint64_t>(), 950u);
  CAF_CHECK_EQUAL(status["percent"].get<double>(), 5.0);
  CAF_CHECK(status_text(state, context({"eth0"})).find("calibrated: -400 bytes")
            != std::string::npos);
}

CAF_TEST(the remaining quota is zero once it is used up) {
  state.cycle_tx_bytes = 1200;
  auto status = nlohmann::json::parse(status_json(state, context({"eth0"})));
  CAF_CHECK_EQUAL(status["remaining_bytes"].get<std::uint64_t>(), 0u);
  CAF_CHECK(status_text(state, context({"eth0"})).find("remaining:  0") != std::string::npos);
}

CAF_TEST(over limit is true only while the state says so within its cycle) {
  test::temp_dir dir;
  std::ostringstream out;
  CAF_CHECK_EQUAL(check_over_limit(dir.path(), now, out), 1);
  CAF_CHECK(out.str().find("not over the limit: no state") == 0);
  CAF_REQUIRE(save_state(dir.path(), state));
  out.str("");
  CAF_CHECK_EQUAL(check_over_limit(dir.path(), now, out), 1);
  CAF_CHECK(out.str().find("not over the limit in the cycle 2026-11-01T00:00:00+08:00") == 0);
  state.over_limit_since = test::utc(2026, 11, 27);
  CAF_REQUIRE(save_state(dir.path(), state));
  out.str("");
  CAF_CHECK_EQUAL(check_over_limit(dir.path(), now, out), 0);
  CAF_CHECK_EQUAL(out.str(), "over the limit since 2026-11-27T08:00:00+08:00, until "
                             "2026-12-01T00:00:00+08:00 at the latest\n");
  // A state left by a monitor stopped before the reset says nothing of the next cycle.
  CAF_CHECK_EQUAL(check_over_limit(dir.path(), state.cycle.end, out), 1);
}

CAF_TEST(a state never sampled has no sample age) {
  state.last_sample_at = moment{};
  auto status = nlohmann::json::parse(status_json(state, context({"eth0"})));
  CAF_CHECK(status["last_sample_age_seconds"].is_null());
}

CAF_TEST(the text status adds days left remaining quota projection and sample age) {
  state.days_since = state.cycle.start;
  add_to_day(state.days, "2026-11-27", 3, 406);
  auto text = status_text(state, context({"eth0"}));
  CAF_MESSAGE(text);
  CAF_CHECK(text.find("days left:  3 (today included)\n") != std::string::npos);
  CAF_CHECK(text.find("remaining:  ") != std::string::npos);
  // 406 bytes over 7 full days is 58 a day; 450 + 58 * 187170 / 86400 = 575.
  CAF_CHECK(text.find("projected:  0.00 GiB (57.5%) at the cycle's end, within quota")
            != std::string::npos);
  CAF_CHECK(text.find("(30 s ago)") != std::string::npos);
}

CAF_TEST(status shows the figures with the settings the monitor recorded) {
  state.recorded_settings = monitor_settings();
  state.cycle_rx_bytes = 100ull << 30;
  state.cycle_tx_bytes = 50ull << 30;
  auto status = nlohmann::json::parse(status_json(state, context({"eth0"})));
  CAF_CHECK_EQUAL(status["quota_bytes"].get<std::uint64_t>(), 200ull << 30);
  CAF_CHECK_EQUAL(status["counted_bytes"].get<std::uint64_t>(), 150ull << 30);
  CAF_CHECK_EQUAL(status["direction"].get<std::string>(), "bidirectional");
  CAF_CHECK_EQUAL(status["interfaces"], nlohmann::json::parse(R"(["ens5"])"));
  CAF_CHECK_EQUAL(status["unit"].get<std::string>(), "GiB");
  CAF_CHECK_EQUAL(status["settings_recorded"].get<bool>(), true);
  const auto differ = status["settings_differ"];
  CAF_CHECK(differ
            == nlohmann::json::parse(
              R"(["MONTHLY_TRAFFIC_GB", "TRAFFIC_DIRECTION", "NETWORK_INTERFACE"])"));
  auto text = status_text(state, context({"eth0"}));
  CAF_CHECK(text.find("150.00 GiB of 200.00 GiB (75.0%, bidirectional)") != std::string::npos);
  CAF_CHECK(text.find("interfaces: ens5\n") != std::string::npos);
  CAF_CHECK(text.find("note: this shell's settings differ from the running monitor's")
            != std::string::npos);
  CAF_CHECK(text.find("MONTHLY_TRAFFIC_GB") != std::string::npos);
  CAF_CHECK(text.find("TRAFFIC_DIRECTION") != std::string::npos);
  CAF_CHECK(text.find("NETWORK_INTERFACE") != std::string::npos);
  CAF_CHECK(text.find("RESET_DAY") == std::string::npos);
}

CAF_TEST(status names every recorded setting the shell differs in) {
  state.recorded_settings = counting_settings_of(settings, {"eth0"});
  CAF_CHECK(status_text(state, context({"eth0"})).find("note:") == std::string::npos);
  CAF_CHECK(nlohmann::json::parse(status_json(state, context({"eth0"})))["settings_differ"]
            == nlohmann::json::array());
  auto& recorded = *state.recorded_settings;
  recorded.unit = {"GB", 1000000000};
  recorded.thresholds = {50_percent};
  recorded.reset_day = 15;
  recorded.time_zone = "Asia/Tokyo";
  auto differ = nlohmann::json::parse(status_json(state, context({"eth0"})))["settings_differ"];
  CAF_CHECK(differ
            == nlohmann::json::parse(R"(["TRAFFIC_UNIT", "THRESHOLDS", "RESET_DAY", "TZ"])"));
}

CAF_TEST(status says when the state does not record the settings yet) {
  auto text = status_text(state, context({"eth0"}));
  CAF_CHECK(text.find("does not record the monitor's settings yet") != std::string::npos);
  CAF_CHECK(text.find("(45.0%, max)") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()

CAF_TEST(the figures served by the metrics listener are those of status) {
  fixture f;
  f.state.outbox.resize(2);
  f.state.over_limit_since = test::utc(2026, 11, 20);
  const auto figures = figures_of(f.state, f.settings, {"eth0"}, f.now);
  CAF_CHECK_EQUAL(figures.usage.rx_bytes, 300u);
  CAF_CHECK_EQUAL(figures.usage.tx_bytes, 450u);
  // The larger direction counts.
  CAF_CHECK_EQUAL(figures.usage.counted_bytes, 450u);
  CAF_CHECK_EQUAL(figures.usage.quota_bytes, 1000u);
  CAF_CHECK_EQUAL(figures.usage.cycle, f.state.cycle);
  CAF_CHECK_EQUAL(figures.last_sample_at, f.state.last_sample_at);
  CAF_CHECK_EQUAL(figures.events_pending, 2u);
  CAF_CHECK(figures.limit_reached);
  // No day recorded: no projection.
  CAF_CHECK_EQUAL(figures.outlook.full_days, 0u);
  CAF_CHECK_EQUAL(figures.status_json, status_json(f.state, f.context({"eth0"})));
  const auto history = nlohmann::json::parse(figures.history_json);
  CAF_CHECK_EQUAL(history.at("counted_bytes").get<std::uint64_t>(), 450u);
}
