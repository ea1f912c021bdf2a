#define CAF_SUITE accounting
#include <caf/test/unit_test.hpp>

#include "actor_fixture.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "actors/accounting/accounting.hpp"
#include "actors/accounting/calibration_request.hpp"
#include "actors/accounting/limit_flag.hpp"
#include "actors/accounting/state_file.hpp"
#include "actors/sampler/sampler.hpp"
#include "common/local_time.hpp"

using namespace tmon;
using namespace std::chrono_literals;

namespace {

// A notifier that takes events and never confirms them, as while Telegram is unreachable.
notifier_actor::behavior_type silent_notifier(notifier_actor::pointer self,
                                              std::shared_ptr<std::vector<event>> received) {
  return {
    [=](deliver_atom, const event& e, bool) -> caf::result<delivered_atom, std::uint64_t> {
      received->push_back(e);
      return self->make_response_promise<delivered_atom, std::uint64_t>();
    },
    [](retry_atom, std::size_t) {},
    [](public_ip_atom, const std::string&) {},
    [](address_wait_atom) {},
    [](attempt_atom) { return delivery_counts{}; },
  };
}

struct fixture : test::actor_fixture {
  test::fake_proc proc;
  test::temp_dir data;
  std::shared_ptr<std::vector<event>> delivered = std::make_shared<std::vector<event>>();
  sampler_actor sampler_handle;
  notifier_actor notifier_handle;
  accounting_actor subject;
  // The scheduler's periodic readings, from the first cycle on.
  caf::actor periodic;
  // 28 Feb 2026 00:00 UTC is the cycle boundary when the fixture's calendar starts on
  // 27 Feb 23:59:50 with reset day 28.
  cycle_bounds february{test::utc(2026, 1, 28), test::utc(2026, 2, 28)};
  cycle_bounds march{test::utc(2026, 2, 28), test::utc(2026, 3, 28)};
  std::uint64_t max_bandwidth_mbit = 0;
  std::optional<percentage> limit;
  std::vector<std::string> interfaces{"eth0"};
  std::vector<std::string> targets;

  fixture() { proc.set_counters({{"eth0", 1000, 5000}}); }

  ~fixture() override {
    for (auto handle :
         {caf::actor_cast<caf::actor>(subject), caf::actor_cast<caf::actor>(sampler_handle),
          caf::actor_cast<caf::actor>(notifier_handle), periodic})
      self->send_exit(handle, caf::exit_reason::user_shutdown);
    sched.run();
  }

  ledger_rules rules() {
    ledger_rules result;
    result.direction = traffic_direction::outbound;
    result.quota_bytes = 10000;
    result.thresholds = {50_percent, 80_percent};
    result.max_bandwidth_mbit = max_bandwidth_mbit;
    result.limit = limit;
    return result;
  }

  void start(bool confirming_notifier = true) {
    start_with(load_state(data.path(), wall()()), confirming_notifier);
  }

  void start_with(loaded_state loaded, bool confirming_notifier = true) {
    sched.run();
    sampler_handle = sys.spawn(sampler, sampler_settings{proc.root(), interfaces, wall(),
                                                         logger("sampler")});
    notifier_handle = confirming_notifier ? sys.spawn(test::recording_notifier, delivered)
                                          : sys.spawn(silent_notifier, delivered);
    accounting_settings settings;
    settings.data_dir = data.path();
    settings.loaded = std::move(loaded);
    settings.rules = rules();
    settings.now = wall();
    settings.log = logger("accounting");
    settings.sampler = sampler_handle;
    settings.notifier = notifier_handle;
    settings.targets = targets;
    settings.publish = [](const monitor_state& state, moment) {
      published_figures figures;
      figures.usage.tx_bytes = state.cycle_tx_bytes;
      figures.last_sample_at = state.last_sample_at;
      figures.events_pending = state.outbox.size();
      return figures;
    };
    subject = sys.spawn(accounting, std::move(settings));
    sched.run();
  }

  void tell_cycle(const cycle_bounds& cycle) {
    self->send(subject, cycle_atom_v, cycle);
    sched.run();
    if (!periodic) {
      periodic = sys.spawn(test::periodic_readings, sampler_handle, subject, 60s);
      sched.run();
    }
  }

  monitor_state on_disk() {
    auto decoded = decode_state(test::read_file(state_file_path(data.path())));
    CAF_REQUIRE(decoded.value.has_value());
    return *decoded;
  }

  // A state file of the same boot as the fake proc tree, last read at eth0 {1000, 5000}.
  void saved_earlier(const cycle_bounds& cycle, std::uint64_t tx_bytes,
                     moment last_report_at = moment{}) {
    monitor_state earlier;
    earlier.boot_id = "5d6c2d8f-3b0e-4c1a-9a55-0c8e2f1b7a01";
    earlier.last_counters["eth0"] = {1000, 5000};
    earlier.last_sample_at = cycle.start + 1h;
    earlier.cycle = cycle;
    earlier.cycle_tx_bytes = tx_bytes;
    earlier.last_report_at = last_report_at;
    CAF_REQUIRE_EQUAL(save_state(data.path(), earlier).error, "");
  }

  const event& delivered_of_kind(event_kind kind) {
    for (const auto& e : *delivered)
      if (e.kind == kind)
        return e;
    CAF_FAIL("no event of that kind was delivered");
  }

  // The `skip`-th event of `kind` delivered, counting from 0; a default event (and a failed
  // check) when there are fewer.
  event delivered_of_kind_after(event_kind kind, std::size_t skip) {
    for (const auto& e : *delivered)
      if (e.kind == kind && skip-- == 0)
        return e;
    CAF_CHECK(!"so many events of that kind were delivered");
    return {};
  }

  std::size_t delivered_count(event_kind kind) {
    return static_cast<std::size_t>(
      std::count_if(delivered->begin(), delivered->end(),
                    [kind](const event& e) { return e.kind == kind; }));
  }

  // Stops accounting and its neighbours as a killed process would, and starts them again from
  // the state file.
  void restart(bool confirming_notifier = true) {
    for (auto handle :
         {caf::actor_cast<caf::actor>(subject), caf::actor_cast<caf::actor>(sampler_handle),
          caf::actor_cast<caf::actor>(notifier_handle), periodic})
      self->send_exit(handle, caf::exit_reason::kill);
    sched.run();
    periodic = nullptr;
    start(confirming_notifier);
  }

  std::vector<event_kind> delivered_kinds() {
    std::vector<event_kind> kinds;
    for (const auto& e : *delivered)
      kinds.push_back(e.kind);
    return kinds;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(accounting_tests, fixture)

CAF_TEST(a first start baselines the counters of today and counts from zero) {
  start();
  CAF_CHECK(!test::file_exists(state_file_path(data.path())));
  tell_cycle(february);
  CAF_CHECK_EQUAL(delivered_kinds(), std::vector<event_kind>{event_kind::monitor_started});
  auto state = on_disk();
  CAF_CHECK_EQUAL(state.cycle, february);
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, 0u);
  CAF_CHECK_EQUAL(state.last_counters.at("eth0"), (counter_reading{1000, 5000}));
  CAF_CHECK(state.outbox.empty());
  proc.set_counters({{"eth0", 1100, 5300}});
  pass(60s);
  state = on_disk();
  CAF_CHECK_EQUAL(state.cycle_rx_bytes, 100u);
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, 300u);
}

CAF_TEST(crossing two thresholds at once alerts once naming the higher) {
  start();
  tell_cycle(february);
  proc.set_counters({{"eth0", 1000, 5000 + 8500}});
  pass(60s);
  CAF_REQUIRE_EQUAL(delivered->size(), 2u);
  CAF_CHECK_EQUAL(delivered->back().kind, event_kind::threshold_crossed);
  CAF_CHECK_EQUAL(delivered->back().threshold_percent, 80_percent);
  CAF_CHECK_EQUAL(delivered->back().usage.counted_bytes, 8500u);
  auto state = on_disk();
  CAF_CHECK_EQUAL(state.thresholds_alerted, (std::vector<percentage>{50_percent, 80_percent}));
  CAF_CHECK(state.outbox.empty());
  proc.set_counters({{"eth0", 1000, 5000 + 9900}});
  pass(60s);
  CAF_CHECK_EQUAL(delivered->size(), 2u);
}

CAF_TEST(a reset at the boundary counts traffic up to that instant in the old cycle) {
  start();
  tell_cycle(february);
  proc.set_counters({{"eth0", 1000, 5000 + 700}});
  pass(10s); // 28 Feb 00:00:00
  CAF_REQUIRE_EQUAL(now(), march.start);
  tell_cycle(march);
  CAF_REQUIRE_EQUAL(delivered->size(), 2u);
  const auto& reset = delivered->back();
  CAF_CHECK_EQUAL(reset.kind, event_kind::cycle_closed);
  CAF_CHECK_EQUAL(reset.usage.cycle, february);
  CAF_CHECK_EQUAL(reset.usage.counted_bytes, 700u);
  CAF_CHECK(!reset.late);
  auto state = on_disk();
  CAF_CHECK_EQUAL(state.cycle, march);
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, 0u);
  CAF_CHECK(state.thresholds_alerted.empty());
  proc.set_counters({{"eth0", 1000, 5000 + 750}});
  pass(60s);
  CAF_CHECK_EQUAL(on_disk().cycle_tx_bytes, 50u);
}

CAF_TEST(a clock that moved back does not reopen or repeat a cycle) {
  start();
  tell_cycle(march);
  tell_cycle(february);
  tell_cycle(march);
  CAF_CHECK_EQUAL(delivered_kinds(), std::vector<event_kind>{event_kind::monitor_started});
  CAF_CHECK_EQUAL(on_disk().cycle, march);
}

CAF_TEST(a change of the calendar within the cycle re - bounds it and keeps its totals) {
  test::scoped_time_zone zone{"UTC"};
  // Counted with reset day 1; the calendar now names the cycle of reset day 28.
  const cycle_bounds reset_on_the_1st{test::utc(2026, 2, 1), test::utc(2026, 3, 1)};
  saved_earlier(reset_on_the_1st, 4500);
  proc.set_counters({{"eth0", 1000, 5000 + 500}});
  start();
  tell_cycle(february);
  CAF_CHECK_EQUAL(delivered_kinds(),
                  (std::vector<event_kind>{event_kind::cycle_changed, event_kind::monitor_started,
                                           event_kind::threshold_crossed}));
  const auto& changed = delivered_of_kind(event_kind::cycle_changed);
  CAF_CHECK_EQUAL(changed.previous_cycle, reset_on_the_1st);
  CAF_CHECK_EQUAL(changed.usage.cycle, february);
  CAF_CHECK_EQUAL(changed.usage.counted_bytes, 5000u);
  CAF_CHECK(!changed.wrong_clock);
  CAF_CHECK_EQUAL(delivered_of_kind(event_kind::threshold_crossed).threshold_percent, 50_percent);
  auto state = on_disk();
  CAF_CHECK_EQUAL(state.cycle, february);
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, 5000u);
  CAF_CHECK_EQUAL(lines_containing("[accounting] info billing cycle changed: was "
                                   "2026-02-01T00:00:00+00:00 to 2026-03-01T00:00:00+00:00, now "
                                   "2026-01-28T00:00:00+00:00 to 2026-02-28T00:00:00+00:00"),
                  1u);
  CAF_CHECK_EQUAL(lines_containing("closed"), 0u);
}

CAF_TEST(a stored cycle far in the future was made by a wrong clock and is re - bounded) {
  test::scoped_time_zone zone{"UTC"};
  const cycle_bounds june_2030{test::utc(2030, 6, 1), test::utc(2030, 7, 1)};
  saved_earlier(june_2030, 300, test::utc(2030, 6, 15, 9));
  start();
  tell_cycle(february);
  CAF_CHECK_EQUAL(delivered_kinds(), (std::vector<event_kind>{event_kind::cycle_changed,
                                                              event_kind::monitor_started}));
  const auto& changed = delivered_of_kind(event_kind::cycle_changed);
  CAF_CHECK(changed.wrong_clock);
  CAF_CHECK_EQUAL(changed.previous_cycle, june_2030);
  auto state = on_disk();
  CAF_CHECK_EQUAL(state.cycle, february);
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, 300u);
  CAF_CHECK_EQUAL(state.last_report_at, now());
  CAF_CHECK_EQUAL(lines_containing("[accounting] warning billing cycle changed: was "
                                   "2030-06-01T00:00:00+00:00 to 2030-07-01T00:00:00+00:00, now "
                                   "2026-01-28T00:00:00+00:00 to 2026-02-28T00:00:00+00:00"),
                  1u);
  CAF_CHECK_EQUAL(lines_containing("made by a wrong clock"), 1u);
  // Reports work again.
  pass(5s);
  self->send(subject, report_atom_v, february, now());
  sched.run();
  CAF_CHECK_EQUAL(delivered->back().kind, event_kind::usage_report);
}

CAF_TEST(a clock corrected by more than a day while running re - bounds the cycle) {
  const cycle_bounds june_2030{test::utc(2030, 6, 1), test::utc(2030, 7, 1)};
  start();
  tell_cycle(june_2030);
  proc.set_counters({{"eth0", 1000, 5000 + 700}});
  pass(60s);
  tell_cycle(march);
  CAF_CHECK_EQUAL(delivered_kinds(), (std::vector<event_kind>{event_kind::monitor_started,
                                                              event_kind::cycle_changed}));
  CAF_CHECK(delivered->back().wrong_clock);
  CAF_CHECK_EQUAL(delivered->back().usage.counted_bytes, 700u);
  CAF_CHECK_EQUAL(on_disk().cycle, march);
  CAF_CHECK_EQUAL(on_disk().cycle_tx_bytes, 700u);
}

CAF_TEST(after a stop the start - up notice and an owed report show the traffic of the gap) {
  saved_earlier(february, 2000, test::utc(2026, 2, 20, 9));
  proc.set_counters({{"eth0", 1000, 5000 + 3000}});
  start();
  // As the scheduler does: the cycle, then the latest report due.
  self->send(subject, cycle_atom_v, february);
  self->send(subject, report_atom_v, february, test::utc(2026, 2, 27, 9));
  sched.run();
  CAF_CHECK_EQUAL(delivered_kinds(), (std::vector<event_kind>{event_kind::monitor_started,
                                                              event_kind::threshold_crossed,
                                                              event_kind::usage_report}));
  CAF_CHECK_EQUAL(delivered_of_kind(event_kind::monitor_started).usage.counted_bytes, 5000u);
  CAF_CHECK_EQUAL(delivered_of_kind(event_kind::usage_report).usage.counted_bytes, 5000u);
  CAF_CHECK_EQUAL(on_disk().cycle_tx_bytes, 5000u);
}

CAF_TEST(a missed reset is announced with the traffic of the gap and the alert it caused) {
  test::scoped_time_zone zone{"UTC"};
  const cycle_bounds january{test::utc(2025, 12, 28), test::utc(2026, 1, 28)};
  saved_earlier(january, 4000);
  proc.set_counters({{"eth0", 1000, 5000 + 6000}});
  start();
  tell_cycle(february);
  CAF_CHECK_EQUAL(delivered_kinds(),
                  (std::vector<event_kind>{event_kind::cycle_closed, event_kind::monitor_started,
                                           event_kind::threshold_crossed}));
  const auto& closed = delivered_of_kind(event_kind::cycle_closed);
  CAF_CHECK(closed.late);
  CAF_CHECK_EQUAL(closed.usage.counted_bytes, 4000u);
  CAF_CHECK_EQUAL(closed.undated_bytes, 6000u);
  CAF_CHECK_EQUAL(closed.skipped_cycles, 0u);
  CAF_CHECK_EQUAL(delivered_of_kind(event_kind::monitor_started).usage.counted_bytes, 6000u);
  CAF_CHECK_EQUAL(lines_containing("cycle 2025-12-28T00:00:00+00:00 to "
                                   "2026-01-28T00:00:00+00:00 closed late"),
                  1u);
}

CAF_TEST(a stop across several cycles names the skipped ones in the late notice) {
  test::scoped_time_zone zone{"UTC"};
  const cycle_bounds october{test::utc(2025, 10, 28), test::utc(2025, 11, 28)};
  saved_earlier(october, 4000);
  proc.set_counters({{"eth0", 1000, 5000 + 1500}});
  start();
  tell_cycle(february);
  const auto& closed = delivered_of_kind(event_kind::cycle_closed);
  CAF_CHECK(closed.late);
  CAF_CHECK_EQUAL(closed.usage.cycle, october);
  CAF_CHECK_EQUAL(closed.skipped_cycles, 2u);
  CAF_CHECK_EQUAL(closed.skipped_span,
                  (cycle_bounds{test::utc(2025, 11, 28), test::utc(2026, 1, 28)}));
  CAF_CHECK_EQUAL(closed.undated_bytes, 1500u);
  CAF_CHECK_EQUAL(on_disk().cycle_tx_bytes, 1500u);
  CAF_CHECK_EQUAL(lines_containing("2 cycles skipped while stopped, from "
                                   "2025-11-28T00:00:00+00:00 to 2026-01-28T00:00:00+00:00"),
                  1u);
}

CAF_TEST(a start - up without a reading still announces what is known) {
  saved_earlier(february, 2000);
  test::write_file(proc.root() + "/net/dev", "not a table\n");
  start();
  tell_cycle(february);
  CAF_CHECK_EQUAL(delivered_kinds(), std::vector<event_kind>{event_kind::monitor_started});
  CAF_CHECK_EQUAL(delivered->front().usage.counted_bytes, 2000u);
  CAF_CHECK_EQUAL(lines_containing("no reading at start-up"), 1u);
}

CAF_TEST(a cycle that ended while stopped is closed late and the gap counts in the new one) {
  monitor_state earlier;
  earlier.boot_id = "5d6c2d8f-3b0e-4c1a-9a55-0c8e2f1b7a01";
  earlier.last_counters["eth0"] = {1000, 5000};
  earlier.last_sample_at = test::utc(2026, 1, 20);
  earlier.cycle = {test::utc(2025, 12, 28), test::utc(2026, 1, 28)};
  earlier.cycle_tx_bytes = 4000;
  CAF_REQUIRE_EQUAL(save_state(data.path(), earlier).error, "");
  proc.set_counters({{"eth0", 1000, 5000 + 2500}});
  start();
  tell_cycle(february);
  CAF_REQUIRE_EQUAL(delivered->size(), 2u);
  const auto& reset = delivered->at(0);
  CAF_CHECK_EQUAL(reset.kind, event_kind::cycle_closed);
  CAF_CHECK(reset.late);
  CAF_CHECK_EQUAL(reset.usage.cycle, earlier.cycle);
  CAF_CHECK_EQUAL(reset.usage.counted_bytes, 4000u);
  CAF_CHECK_EQUAL(delivered->at(1).kind, event_kind::monitor_started);
  auto state = on_disk();
  CAF_CHECK_EQUAL(state.cycle, february);
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, 2500u);
}

CAF_TEST(a due report is sent once) {
  start();
  tell_cycle(february);
  auto due = test::utc(2026, 2, 25, 9);
  self->send(subject, report_atom_v, february, due);
  sched.run();
  self->send(subject, report_atom_v, february, due);
  sched.run();
  CAF_CHECK_EQUAL(delivered_kinds(), (std::vector<event_kind>{event_kind::monitor_started}));
  CAF_CHECK_EQUAL(on_disk().last_report_at, now());
  // A first start owes no report for earlier instants; a later one is sent.
  pass(5s);
  self->send(subject, report_atom_v, february, now());
  sched.run();
  self->send(subject, report_atom_v, february, now());
  sched.run();
  CAF_CHECK_EQUAL(delivered_kinds(),
                  (std::vector<event_kind>{event_kind::monitor_started, event_kind::usage_report}));
}

CAF_TEST(undelivered events stay in the state file) {
  start(false);
  tell_cycle(february);
  proc.set_counters({{"eth0", 1000, 5000 + 6000}});
  pass(60s);
  auto state = on_disk();
  CAF_REQUIRE_EQUAL(state.outbox.size(), 2u);
  CAF_CHECK_EQUAL(state.outbox[0].kind, event_kind::monitor_started);
  CAF_CHECK_EQUAL(state.outbox[1].kind, event_kind::threshold_crossed);
  CAF_CHECK_EQUAL(state.thresholds_alerted, std::vector<percentage>{50_percent});
}

CAF_TEST(an unreadable state file is set aside and reported) {
  test::write_file(state_file_path(data.path()), "{\"schema_version\": 1, \"cycle\": [");
  start();
  tell_cycle(february);
  CAF_REQUIRE_EQUAL(delivered->size(), 2u);
  CAF_CHECK_EQUAL(delivered->at(0).kind, event_kind::state_file_reset);
  CAF_CHECK(delivered->at(0).detail.find("state.json.corrupt-") != std::string::npos);
  CAF_CHECK(test::file_exists(delivered->at(0).detail));
  CAF_CHECK_EQUAL(on_disk().cycle, february);
}

CAF_TEST(a corrupt state file that could not be moved aside is not reported as moved) {
  loaded_state not_moved;
  not_moved.status = state_file_status::set_aside;
  not_moved.problem = "the state file is empty, and it could not be moved aside: ...";
  start_with(not_moved);
  tell_cycle(february);
  CAF_REQUIRE_EQUAL(delivered->size(), 2u);
  CAF_CHECK_EQUAL(delivered->at(0).kind, event_kind::state_file_reset);
  CAF_CHECK_EQUAL(delivered->at(0).detail, "");
}

CAF_TEST(a flush takes a last sample and saves it) {
  start();
  tell_cycle(february);
  proc.set_counters({{"eth0", 1000, 5000 + 42}});
  pass(5s);
  auto pending = self->request(subject, caf::infinite, caf::flush_atom_v);
  sched.run();
  bool saved = false;
  pending.receive([&](bool ok) { saved = ok; },
                  [&](caf::error& e) { CAF_FAIL(caf::to_string(e)); });
  CAF_CHECK(saved);
  CAF_CHECK_EQUAL(on_disk().cycle_tx_bytes, 42u);
}

CAF_TEST(a counter jump beyond the bandwidth limit is logged and not counted) {
  max_bandwidth_mbit = 8; // 10^6 bytes a second: 61 * 10^6 bytes in a minute, one to spare
  start();
  tell_cycle(february);
  proc.set_counters({{"eth0", 1000, 5000 + 100'000'000}});
  pass(60s);
  CAF_CHECK_EQUAL(lines_containing("eth0 tx went from 5000 to 100005000 bytes"), 1u);
  CAF_CHECK_EQUAL(lines_containing("more than MAX_BANDWIDTH_MBIT=8 allows (61000000 bytes)"), 1u);
  auto state = on_disk();
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, 0u);
  CAF_CHECK_EQUAL(state.last_counters.at("eth0"), (counter_reading{1000, 100'005'000}));
  proc.set_counters({{"eth0", 1000, 100'005'000 + 700}});
  pass(60s);
  CAF_CHECK_EQUAL(on_disk().cycle_tx_bytes, 700u);
}

CAF_TEST(the start - up notice names the counted and missing interfaces and those that exist) {
  interfaces = {"eth0", "eht1"};
  start();
  tell_cycle(february);
  CAF_REQUIRE(!delivered->empty());
  const auto& started = delivered->front();
  CAF_REQUIRE_EQUAL(started.kind, event_kind::monitor_started);
  CAF_CHECK_EQUAL(started.interfaces, std::vector<std::string>{"eth0"});
  CAF_CHECK_EQUAL(started.missing_interfaces, std::vector<std::string>{"eht1"});
  CAF_CHECK(std::count(started.visible_interfaces.begin(), started.visible_interfaces.end(), "eth0")
            == 1);
}

CAF_TEST(a missing interface is recorded in the state with the time it went missing) {
  interfaces = {"eth0", "wg0"};
  start();
  tell_cycle(february);
  const auto went_missing = now();
  pass(120s);
  CAF_CHECK_EQUAL(on_disk().missing_since, (std::map<std::string, moment>{{"wg0", went_missing}}));
}

CAF_TEST(a calibration request is applied once with thresholds re - armed and crossed) {
  start();
  tell_cycle(february);
  proc.set_counters({{"eth0", 1000, 5000 + 8500}});
  pass(60s);
  CAF_REQUIRE_EQUAL(on_disk().thresholds_alerted,
                    (std::vector<percentage>{50_percent, 80_percent}));

  CAF_REQUIRE(submit_calibration(data.path(), {"lower", 3000, now()}));
  pass(60s);
  const auto& lowered = delivered_of_kind(event_kind::usage_calibrated);
  CAF_CHECK_EQUAL(lowered.calibrated_from_bytes, 8500u);
  CAF_CHECK_EQUAL(lowered.usage.counted_bytes, 3000u);
  CAF_CHECK_EQUAL(lowered.usage.adjustment_bytes, -5500);
  auto state = on_disk();
  CAF_CHECK_EQUAL(state.last_calibration_id, "lower");
  CAF_CHECK_EQUAL(state.cycle_adjustment_bytes, -5500);
  CAF_CHECK(state.thresholds_alerted.empty());
  CAF_CHECK(!test::file_exists(calibration_request_path(data.path())));
  CAF_CHECK_EQUAL(lines_containing("usage calibrated (request lower): the cycle's counted usage "
                                   "was 8500 bytes and is now 3000 bytes"),
                  1u);
  pass(60s);
  CAF_CHECK_EQUAL(delivered_count(event_kind::usage_calibrated), 1u);

  // Raised to beyond both thresholds: one alert, naming the higher.
  CAF_REQUIRE(submit_calibration(data.path(), {"higher", 9000, now()}));
  pass(60s);
  CAF_REQUIRE_GREATER_OR_EQUAL(delivered->size(), 2u);
  CAF_CHECK_EQUAL(delivered->at(delivered->size() - 2).kind, event_kind::usage_calibrated);
  CAF_CHECK_EQUAL(delivered->back().kind, event_kind::threshold_crossed);
  CAF_CHECK_EQUAL(delivered->back().threshold_percent, 80_percent);
  CAF_CHECK_EQUAL(delivered->back().usage.counted_bytes, 9000u);
  // Later traffic adds to the calibrated figure.
  proc.set_counters({{"eth0", 1000, 5000 + 8600}});
  pass(60s);
  state = on_disk();
  CAF_CHECK_EQUAL(current_usage(state, rules()).counted_bytes, 9100u);
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, 8600u);
}

CAF_TEST(a request applied before a stop is removed and not applied again) {
  saved_earlier(february, 2000);
  auto earlier = on_disk();
  earlier.last_calibration_id = "applied";
  earlier.cycle_adjustment_bytes = 1000;
  CAF_REQUIRE(save_state(data.path(), earlier));
  // The monitor stopped after saving the state and before removing the request.
  CAF_REQUIRE(submit_calibration(data.path(), {"applied", 7777, now()}));
  start();
  tell_cycle(february);
  pass(60s);
  CAF_CHECK_EQUAL(delivered_count(event_kind::usage_calibrated), 0u);
  CAF_CHECK(!test::file_exists(calibration_request_path(data.path())));
  CAF_CHECK_EQUAL(on_disk().cycle_adjustment_bytes, 1000);
}

CAF_TEST(a request left while the monitor was stopped is applied after the start) {
  saved_earlier(february, 2000);
  CAF_REQUIRE(submit_calibration(data.path(), {"waiting", 7777, now()}));
  start();
  tell_cycle(february);
  pass(60s);
  CAF_CHECK_EQUAL(delivered_count(event_kind::usage_calibrated), 1u);
  CAF_CHECK_EQUAL(current_usage(on_disk(), rules()).counted_bytes, 7777u);
  restart();
  tell_cycle(february);
  pass(60s);
  CAF_CHECK_EQUAL(delivered_count(event_kind::usage_calibrated), 1u);
  CAF_CHECK_EQUAL(current_usage(on_disk(), rules()).counted_bytes, 7777u);
}

CAF_TEST(an invalid request is logged and removed) {
  start();
  tell_cycle(february);
  test::write_file(calibration_request_path(data.path()), "{\"id\": 5}");
  pass(60s);
  CAF_CHECK_EQUAL(lines_containing("the calibration request is invalid"), 1u);
  CAF_CHECK(!test::file_exists(calibration_request_path(data.path())));
  CAF_CHECK_EQUAL(on_disk().cycle_adjustment_bytes, 0);
}

CAF_TEST(the limit creates the flag file once and the reset lifts it) {
  test::scoped_time_zone zone{"UTC"};
  limit = 90_percent;
  const auto flag = over_limit_path(data.path());
  start();
  tell_cycle(february);
  CAF_CHECK(!test::file_exists(flag));
  proc.set_counters({{"eth0", 1000, 5000 + 9000}});
  pass(60s);
  CAF_REQUIRE_EQUAL(delivered_count(event_kind::limit_reached), 1u);
  const auto reached_at = on_disk().over_limit_since;
  CAF_CHECK_EQUAL(reached_at, now());
  CAF_REQUIRE(test::file_exists(flag));
  const auto contents = nlohmann::json::parse(test::read_file(flag));
  CAF_CHECK_EQUAL(contents["counted_bytes"].get<std::uint64_t>(), 9000u);
  CAF_CHECK_EQUAL(contents["quota_bytes"].get<std::uint64_t>(), 10000u);
  CAF_CHECK_EQUAL(contents["percent"].get<double>(), 90.0);
  CAF_CHECK_EQUAL(contents["cycle_start"].get<std::string>(), "2026-01-28T00:00:00+00:00");
  CAF_CHECK_EQUAL(contents["reached_at"].get<std::string>(), local_iso8601(reached_at));
  CAF_CHECK_EQUAL(lines_containing("reached LIMIT_PERCENT=90%"), 1u);
  proc.set_counters({{"eth0", 1000, 5000 + 9500}});
  pass(60s);
  CAF_CHECK_EQUAL(delivered_count(event_kind::limit_reached), 1u);

  // A restart in the same cycle announces nothing again, and makes a lost flag file again.
  std::remove(flag.c_str());
  restart();
  tell_cycle(february);
  pass(60s);
  CAF_CHECK_EQUAL(delivered_count(event_kind::limit_reached), 1u);
  CAF_CHECK(test::file_exists(flag));
  CAF_CHECK_EQUAL(on_disk().over_limit_since, reached_at);

  tell_cycle(march);
  CAF_CHECK_EQUAL(delivered->back().kind, event_kind::limit_lifted);
  CAF_CHECK_EQUAL(delivered->back().usage.cycle, march);
  CAF_CHECK_EQUAL(delivered_count(event_kind::limit_lifted), 1u);
  CAF_CHECK(!test::file_exists(flag));
  CAF_CHECK_EQUAL(on_disk().over_limit_since, moment{});
}

CAF_TEST(a calibration below the limit lifts it) {
  limit = 90_percent;
  start();
  tell_cycle(february);
  proc.set_counters({{"eth0", 1000, 5000 + 9500}});
  pass(60s);
  CAF_REQUIRE(test::file_exists(over_limit_path(data.path())));
  CAF_REQUIRE(submit_calibration(data.path(), {"lower", 1000, now()}));
  pass(60s);
  CAF_CHECK_EQUAL(delivered->back().kind, event_kind::limit_lifted);
  CAF_CHECK_EQUAL(delivered->back().usage.counted_bytes, 1000u);
  CAF_CHECK(!test::file_exists(over_limit_path(data.path())));
}

CAF_TEST(an event goes after a restart only to the targets that had not confirmed it) {
  targets = {"telegram:-1001", "telegram:-1002"};
  start(false);
  tell_cycle(february);
  proc.set_counters({{"eth0", 1000, 5000 + 6000}});
  pass(60s);
  CAF_REQUIRE_EQUAL(delivered_count(event_kind::threshold_crossed), 1u);
  const auto alert = delivered->back();
  CAF_CHECK(alert.targets_assigned);
  CAF_CHECK_EQUAL(alert.targets_left, targets);
  self->send(subject, delivered_atom_v, alert.id, std::string{"telegram:-1001"});
  sched.run();
  const auto saved = on_disk().outbox;
  CAF_REQUIRE_EQUAL(saved.size(), 2u);
  CAF_CHECK_EQUAL(saved[1].id, alert.id);
  CAF_CHECK_EQUAL(saved[1].targets_left, std::vector<std::string>{"telegram:-1002"});
  restart(false);
  tell_cycle(february);
  CAF_REQUIRE_EQUAL(delivered_count(event_kind::threshold_crossed), 2u);
  const auto handed_again = delivered_of_kind_after(event_kind::threshold_crossed, 1);
  CAF_CHECK_EQUAL(handed_again.id, alert.id);
  CAF_CHECK_EQUAL(handed_again.targets_left, std::vector<std::string>{"telegram:-1002"});
}

CAF_TEST(a target no longer configured drops its messages and a new one gets only new ones) {
  saved_earlier(february, 100);
  auto earlier = on_disk();
  event kept;
  kept.id = 1;
  kept.kind = event_kind::threshold_crossed;
  kept.targets_left = {"telegram:-1001", "telegram:-1002"};
  kept.targets_assigned = true;
  event only_removed = kept;
  only_removed.id = 2;
  only_removed.targets_left = {"telegram:-1002"};
  earlier.outbox = {kept, only_removed};
  earlier.next_event_id = 3;
  CAF_REQUIRE(save_state(data.path(), earlier));
  targets = {"telegram:-1001", "telegram:-1003"};
  start(false);
  tell_cycle(february);
  CAF_CHECK_EQUAL(lines_containing("telegram:-1002 is no longer configured: 2 undelivered "
                                   "message(s) for it dropped"),
                  1u);
  const auto handed = delivered_of_kind(event_kind::threshold_crossed);
  CAF_CHECK_EQUAL(handed.id, 1u);
  CAF_CHECK_EQUAL(handed.targets_left, std::vector<std::string>{"telegram:-1001"});
  CAF_CHECK_EQUAL(delivered_count(event_kind::threshold_crossed), 1u);
  // The start-up notice, new, is owed to both.
  CAF_CHECK_EQUAL(delivered_of_kind(event_kind::monitor_started).targets_left, targets);
}

CAF_TEST(the forecast alert comes once per cycle and the history rolls at the reset) {
  test::scoped_time_zone zone{"UTC"};
  start();
  tell_cycle(february);
  pass(10s); // 28 Feb 00:00
  tell_cycle(march);
  proc.set_counters({{"eth0", 1000, 5000 + 1000}});
  pass(60s);
  CAF_CHECK_EQUAL(on_disk().days, (std::vector<day_traffic>{{"2026-02-28", 0, 1000}}));
  CAF_CHECK_EQUAL(delivered_count(event_kind::forecast_exceeded), 0u);
  // 1 March: one full day at 1000 bytes projects 28,000 of 10,000.
  pass(24h);
  CAF_REQUIRE_EQUAL(delivered_count(event_kind::forecast_exceeded), 1u);
  const auto forecast = delivered_of_kind(event_kind::forecast_exceeded);
  CAF_CHECK_EQUAL(forecast.outlook.full_days, 1u);
  CAF_CHECK_EQUAL(forecast.outlook.daily_average_bytes, 1000u);
  CAF_CHECK_GREATER(forecast.outlook.projected_bytes, 27'000u);
  // 9000 bytes left at 1000 a day.
  CAF_CHECK_EQUAL(local_date(forecast.outlook.runs_out_at), "2026-03-10");
  CAF_CHECK(on_disk().forecast_alerted);
  pass(60s);
  restart();
  tell_cycle(march);
  pass(60s);
  CAF_CHECK_EQUAL(delivered_count(event_kind::forecast_exceeded), 1u);

  pass(27 * 24h); // 28 March: the reset
  const cycle_bounds april{test::utc(2026, 3, 28), test::utc(2026, 4, 28)};
  tell_cycle(april);
  CAF_REQUIRE_EQUAL(delivered->back().kind, event_kind::cycle_closed);
  const auto reset = delivered->back();
  CAF_CHECK_EQUAL(reset.outlook.busiest_day, "2026-02-28");
  CAF_CHECK_EQUAL(reset.outlook.busiest_day_bytes, 1000u);
  CAF_CHECK_EQUAL(reset.outlook.full_days, 28u);
  const auto state = on_disk();
  CAF_REQUIRE(state.previous_cycle);
  CAF_CHECK_EQUAL(state.previous_cycle->cycle, march);
  CAF_CHECK_EQUAL(state.previous_cycle->days, (std::vector<day_traffic>{{"2026-02-28", 0, 1000}}));
  CAF_CHECK(state.days.empty());
  CAF_CHECK(!state.forecast_alerted);
  CAF_CHECK_EQUAL(state.days_since, april.start);
}

CAF_TEST(the figures are answered as they are in memory) {
  start(false);
  tell_cycle(february);
  auto figures = [&] {
    published_figures result;
    auto asking = self->request(subject, caf::infinite, figures_atom_v);
    sched.run();
    asking.receive([&](const published_figures& asked) { result = asked; },
                   [](const caf::error& failure) { CAF_FAIL(caf::to_string(failure)); });
    return result;
  };
  CAF_CHECK_EQUAL(figures().usage.tx_bytes, 0u);
  CAF_CHECK_EQUAL(figures().events_pending, 1u);
  proc.set_counters({{"eth0", 1000, 5300}});
  pass(60s);
  CAF_CHECK_EQUAL(figures().usage.tx_bytes, 300u);
  CAF_CHECK_EQUAL(figures().last_sample_at, on_disk().last_sample_at);
  // Also while the state file cannot be written: a directory stands where its temporary copy
  // goes.
  std::filesystem::create_directory(data.path() + "/state.json.tmp");
  proc.set_counters({{"eth0", 1000, 5400}});
  pass(60s);
  CAF_CHECK_EQUAL(lines_containing("counting goes on in memory"), 1u);
  CAF_CHECK_EQUAL(figures().usage.tx_bytes, 400u);
  CAF_CHECK_EQUAL(on_disk().cycle_tx_bytes, 300u);
}

CAF_TEST(the telegram update offset is saved before it is confirmed and read back) {
  start();
  tell_cycle(february);
  auto saving = self->request(subject, caf::infinite, offset_atom_v, std::int64_t{912345});
  sched.run();
  saving.receive([](bool saved) { CAF_CHECK(saved); },
                 [](const caf::error& failure) { CAF_FAIL(caf::to_string(failure)); });
  CAF_CHECK_EQUAL(on_disk().telegram_update_offset, 912345);
  restart();
  tell_cycle(february);
  CAF_CHECK_EQUAL(on_disk().telegram_update_offset, 912345);
}

CAF_TEST(a calibration from the command poller is applied and its notice delivered) {
  start();
  tell_cycle(february);
  proc.set_counters({{"eth0", 1000, 5000 + 2000}});
  pass(60s);
  event answered;
  auto calibrating = self->request(subject, caf::infinite, calibrate_atom_v, std::uint64_t{9000},
                                   std::string{"telegram-77"});
  sched.run();
  calibrating.receive([&](const event& calibrated) { answered = calibrated; },
                      [](const caf::error& failure) { CAF_FAIL(caf::to_string(failure)); });
  CAF_CHECK_EQUAL(answered.kind, event_kind::usage_calibrated);
  CAF_CHECK_EQUAL(answered.calibrated_from_bytes, 2000u);
  CAF_CHECK_EQUAL(answered.usage.counted_bytes, 9000u);
  CAF_CHECK_EQUAL(delivered_of_kind(event_kind::usage_calibrated).id, answered.id);
  // Beyond both thresholds: one alert, naming the higher.
  CAF_CHECK_EQUAL(delivered->back().kind, event_kind::threshold_crossed);
  CAF_CHECK_EQUAL(delivered->back().threshold_percent, 80_percent);
  const auto state = on_disk();
  CAF_CHECK_EQUAL(state.last_calibration_id, "telegram-77");
  CAF_CHECK_EQUAL(current_usage(state, rules()).counted_bytes, 9000u);
}

CAF_TEST_FIXTURE_SCOPE_END()
