#define CAF_SUITE status
#include <caf/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "main/status.hpp"
#include "test_support.hpp"

using namespace tmon;

namespace {

struct fixture {
  test::scoped_time_zone zone{"Asia/Shanghai"};
  config settings;
  monitor_state state;

  fixture() {
    settings.quota_bytes = 1000;
    settings.direction = traffic_direction::max;
    state.cycle = {test::utc(2026, 10, 31, 16), test::utc(2026, 11, 30, 16)};
    state.cycle_rx_bytes = 300;
    state.cycle_tx_bytes = 450;
    state.thresholds_alerted = {25, 40};
    state.last_sample_at = test::utc(2026, 11, 28, 12);
  }
};

} // namespace

CAF_TEST(health allows three intervals and thirty seconds) {
  CAF_CHECK(health_problem(std::nullopt, 1000, 60).has_value());
  CAF_CHECK(!health_problem(1000, 1000, 60).has_value());
  CAF_CHECK(!health_problem(1000, 1000 + 210, 60).has_value());
  auto stale = health_problem(1000, 1000 + 211, 60);
  CAF_REQUIRE(stale.has_value());
  CAF_CHECK(stale->find("211 s ago") != std::string::npos);
  CAF_CHECK(!health_problem(1000, 1000 + 33, 1).has_value());
  CAF_CHECK(health_problem(1000, 1000 + 34, 1).has_value());
}

CAF_TEST(health fails while a configured interface is missing for more than three intervals) {
  monitor_state state;
  CAF_CHECK(!missing_interface_problem(state, 5000, 60).has_value());
  state.missing_since = {{"eht0", 1000}};
  CAF_CHECK(!missing_interface_problem(state, 1000, 60).has_value());
  CAF_CHECK(!missing_interface_problem(state, 1180, 60).has_value());
  const auto missing = missing_interface_problem(state, 1181, 60);
  CAF_REQUIRE(missing.has_value());
  CAF_CHECK(missing->find("eht0") != std::string::npos);
  CAF_CHECK(missing->find("181 s") != std::string::npos);
  CAF_CHECK(missing->find("NETWORK_INTERFACE") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE(status_tests, fixture)

CAF_TEST(the JSON status carries the figures and local times with offset) {
  auto status = nlohmann::json::parse(status_json(state, status_context{settings, {"eth0", "wg0"}}));
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
  auto text = status_text(state, status_context{settings, {"eth0"}});
  CAF_CHECK(text.find("2026-11-01T00:00:00+08:00 to 2026-12-01T00:00:00+08:00") != std::string::npos);
  CAF_CHECK(text.find("(450 bytes)") != std::string::npos);
  CAF_CHECK(text.find("(45.0%, max)") != std::string::npos);
  CAF_CHECK(text.find("alerted:    25%, 40%") != std::string::npos);
}

CAF_TEST_FIXTURE_SCOPE_END()
