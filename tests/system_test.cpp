// The monitor as spawn_monitor wires it, under the test coordinator with a recording
// notifier: virtual time drives the calendar through a cycle reset and a report, and a second
// actor system picks up the state file the first one left.
#define CAF_SUITE system
#include <caf/test/unit_test.hpp>

#include "actor_fixture.hpp"

#include "actors/accounting/state_file.hpp"
#include "main/monitor.hpp"

using namespace tmon;
using namespace std::chrono_literals;

namespace {

struct monitor : test::actor_fixture {
  std::shared_ptr<std::vector<event>> delivered = std::make_shared<std::vector<event>>();
  monitor_handles handles;

  monitor(moment start_at, const std::string& proc_root, const std::string& data_dir)
      : actor_fixture(start_at) {
    config settings;
    settings.host_proc = proc_root;
    settings.data_dir = data_dir;
    settings.interfaces = {"eth0"};
    settings.direction = traffic_direction::bidirectional;
    settings.quota_bytes = 1'000'000;
    settings.thresholds = {50_percent, 90_percent};
    settings.max_bandwidth_mbit = 0;
    settings.reset_day = 28;
    settings.report_interval = days{1};
    settings.report_time = {9, 0};
    monitor_dependencies dependencies;
    dependencies.now = wall();
    dependencies.logger = [this](const std::string& name) { return logger(name); };
    dependencies.loaded = load_state(data_dir, wall()());
    dependencies.http_on_own_threads = false;
    dependencies.notifier = sys.spawn(test::recording_notifier, delivered);
    auto spawned = spawn_monitor(sys, settings, std::move(dependencies));
    CAF_REQUIRE(spawned);
    handles = std::move(*spawned);
    sched.run();
  }

  ~monitor() override {
    for (const auto& handle : handles.all())
      self->send_exit(handle, caf::exit_reason::user_shutdown);
    sched.run();
  }

  std::vector<event> of_kind(event_kind kind) {
    std::vector<event> result;
    for (const auto& e : *delivered)
      if (e.kind == kind)
        result.push_back(e);
    return result;
  }
};

monitor_state on_disk(const std::string& data_dir) {
  auto decoded = decode_state(test::read_file(state_file_path(data_dir)));
  CAF_REQUIRE(decoded.value.has_value());
  return *decoded;
}

} // namespace

CAF_TEST(a cycle resets at midnight and a restarted monitor goes on counting) {
  test::scoped_time_zone zone{"UTC"};
  test::fake_proc proc;
  test::temp_dir data;
  proc.set_counters({{"eth0", 7'000, 9'000}});
  cycle_bounds february{test::utc(2026, 1, 28), test::utc(2026, 2, 28)};
  cycle_bounds march{test::utc(2026, 2, 28), test::utc(2026, 3, 28)};
  {
    monitor first{test::utc(2026, 2, 27, 23, 59, 50), proc.root(), data.path()};
    CAF_CHECK_EQUAL(first.of_kind(event_kind::monitor_started).size(), 1u);
    proc.set_counters({{"eth0", 7'000 + 100, 9'000 + 200}});
    first.pass(10s);
    auto resets = first.of_kind(event_kind::cycle_closed);
    CAF_REQUIRE_EQUAL(resets.size(), 1u);
    CAF_CHECK_EQUAL(resets[0].usage.cycle, february);
    CAF_CHECK_EQUAL(resets[0].usage.counted_bytes, 300u);
    CAF_CHECK(!resets[0].late);
    CAF_CHECK_EQUAL(on_disk(data.path()).cycle, march);
    // Past half of the quota: one alert.
    proc.set_counters({{"eth0", 7'100 + 250'000, 9'200 + 300'000}});
    first.pass(60s);
    auto alerts = first.of_kind(event_kind::threshold_crossed);
    CAF_REQUIRE_EQUAL(alerts.size(), 1u);
    CAF_CHECK_EQUAL(alerts[0].threshold_percent, 50_percent);
    CAF_CHECK_EQUAL(alerts[0].usage.counted_bytes, 550'000u);
  }
  // Stopped for a while; traffic passes meanwhile and is counted at the next start.
  proc.set_counters({{"eth0", 257'100 + 1'000, 309'200 + 2'000}});
  {
    monitor second{test::utc(2026, 3, 1, 8, 0), proc.root(), data.path()};
    CAF_CHECK(second.of_kind(event_kind::cycle_closed).empty());
    CAF_CHECK(second.of_kind(event_kind::threshold_crossed).empty());
    // The report of 1 March 09:00 was not due yet at the start; it comes at 09:00.
    CAF_CHECK(second.of_kind(event_kind::usage_report).empty());
    auto state = on_disk(data.path());
    CAF_CHECK_EQUAL(state.cycle, march);
    CAF_CHECK_EQUAL(state.cycle_rx_bytes, 250'000u + 1'000u);
    CAF_CHECK_EQUAL(state.cycle_tx_bytes, 300'000u + 2'000u);
    CAF_CHECK_EQUAL(state.thresholds_alerted, std::vector<percentage>{50_percent});
    second.pass(3600s);
    auto reports = second.of_kind(event_kind::usage_report);
    CAF_REQUIRE_EQUAL(reports.size(), 1u);
    CAF_CHECK_EQUAL(reports[0].raised_at, test::utc(2026, 3, 1, 9));
    CAF_CHECK_EQUAL(reports[0].usage.counted_bytes, 553'000u);
    CAF_CHECK(on_disk(data.path()).outbox.empty());
  }
}

CAF_TEST(a report missed while stopped is sent once at the next start) {
  test::scoped_time_zone zone{"UTC"};
  test::fake_proc proc;
  test::temp_dir data;
  proc.set_counters({{"eth0", 0, 0}});
  {
    monitor first{test::utc(2026, 3, 1, 8, 0), proc.root(), data.path()};
    CAF_CHECK(first.of_kind(event_kind::usage_report).empty());
  }
  {
    // Stopped across the reports of 2 and 3 March: only the latest is sent.
    monitor second{test::utc(2026, 3, 3, 12, 0), proc.root(), data.path()};
    auto reports = second.of_kind(event_kind::usage_report);
    CAF_REQUIRE_EQUAL(reports.size(), 1u);
    CAF_CHECK_EQUAL(on_disk(data.path()).last_report_at, test::utc(2026, 3, 3, 9));
  }
  {
    monitor third{test::utc(2026, 3, 3, 12, 5), proc.root(), data.path()};
    CAF_CHECK(third.of_kind(event_kind::usage_report).empty());
  }
}

CAF_TEST(a clock jumped forward across the reset closes the cycle at the next reading) {
  test::scoped_time_zone zone{"UTC"};
  test::fake_proc proc;
  test::temp_dir data;
  proc.set_counters({{"eth0", 0, 0}});
  monitor running{test::utc(2026, 3, 20, 12, 0), proc.root(), data.path()};
  proc.set_counters({{"eth0", 400, 600}});
  running.pass(60s);
  running.calendar_start += std::chrono::seconds{
    10 * 86400}; // 30 March 12:01, past the reset of 28 March
  proc.set_counters({{"eth0", 500, 700}});
  running.pass(60s);
  auto resets = running.of_kind(event_kind::cycle_closed);
  CAF_REQUIRE_EQUAL(resets.size(), 1u);
  CAF_CHECK_EQUAL(resets[0].usage.cycle,
                  (cycle_bounds{test::utc(2026, 2, 28), test::utc(2026, 3, 28)}));
  CAF_CHECK_EQUAL(resets[0].usage.counted_bytes, 1'200u);
  CAF_CHECK_EQUAL(on_disk(data.path()).cycle,
                  (cycle_bounds{test::utc(2026, 3, 28), test::utc(2026, 4, 28)}));
}
