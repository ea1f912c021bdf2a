#define CAF_SUITE scheduler
#include <caf/test/unit_test.hpp>

#include "actor_fixture.hpp"

#include "actors/scheduler/scheduler.hpp"

using namespace tmon;
using namespace std::chrono_literals;

namespace {

struct fixture : test::actor_fixture {
  test::scoped_time_zone zone{"UTC"};
  std::shared_ptr<test::accounting_record> record = std::make_shared<test::accounting_record>();
  accounting_actor sink = sys.spawn(test::recording_accounting, record);
  sampler_actor readings = sys.spawn(test::dated_sampler, wall());
  scheduler_actor subject;

  explicit fixture(moment start_at = test::utc(2026, 2, 27, 23, 59, 50))
      : actor_fixture(start_at) {}

  ~fixture() override {
    self->send_exit(subject, caf::exit_reason::user_shutdown);
    self->send_exit(readings, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void start(int reset_day, int report_interval_days = 0) {
    scheduler_settings settings;
    settings.reset_day = reset_day;
    settings.report_interval_days = report_interval_days;
    settings.report_time = {9, 0};
    settings.now = wall();
    settings.log = logger("scheduler");
    settings.accounting = sink;
    settings.sampler = readings;
    settings.check_interval = 60s;
    subject = sys.spawn(scheduler, std::move(settings));
    sched.run();
  }

  // A reading taken now, as at the next check interval.
  void reading_now() {
    self->send(subject, sample_atom_v);
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(scheduler_tests, fixture)

CAF_TEST(the cycle is announced at start and again exactly at the reset) {
  start(28);
  cycle_bounds february{test::utc(2026, 1, 28), test::utc(2026, 2, 28)};
  cycle_bounds march{test::utc(2026, 2, 28), test::utc(2026, 3, 28)};
  CAF_REQUIRE_EQUAL(record->cycles.size(), 1u);
  CAF_CHECK_EQUAL(record->cycles[0], february);
  pass(9s);
  CAF_CHECK_EQUAL(record->cycles.size(), 1u);
  pass(1s);
  CAF_REQUIRE_EQUAL(record->cycles.size(), 2u);
  CAF_CHECK_EQUAL(record->cycles[1], march);
  CAF_CHECK_EQUAL(now(), march.start);
}

CAF_TEST(every check interval a reading is taken and passed on to accounting) {
  start(15);
  CAF_CHECK(record->samples.empty());
  pass(59s);
  CAF_CHECK(record->samples.empty());
  pass(1s);
  CAF_REQUIRE_EQUAL(record->samples.size(), 1u);
  CAF_CHECK_EQUAL(record->samples[0].taken_at, now());
  pass(60s);
  CAF_CHECK_EQUAL(record->samples.size(), 2u);
}

CAF_TEST(a reset day missing from the month falls on its last day) {
  start(31);
  CAF_REQUIRE_EQUAL(record->cycles.size(), 1u);
  CAF_CHECK_EQUAL(record->cycles[0].end, test::utc(2026, 2, 28));
  pass(10s);
  CAF_REQUIRE_EQUAL(record->cycles.size(), 2u);
  CAF_CHECK_EQUAL(record->cycles[1],
                  (cycle_bounds{test::utc(2026, 2, 28), test::utc(2026, 3, 31)}));
}

CAF_TEST(a reading past the cycle makes it look at the clock at once and keep one timer) {
  start(28);
  pass(10s); // 28 Feb 00:00
  CAF_REQUIRE_EQUAL(record->cycles.size(), 2u);
  calendar_start += std::chrono::seconds{40 * 86400}; // the clock jumps to 9 April
  reading_now();
  CAF_REQUIRE_EQUAL(record->cycles.size(), 3u);
  CAF_CHECK_EQUAL(record->cycles.back(),
                  (cycle_bounds{test::utc(2026, 3, 28), test::utc(2026, 4, 28)}));
  // The timer armed before the jump fires too, within the hour, and is ignored.
  pass(3600s);
  CAF_CHECK_EQUAL(record->cycles.size(), 4u);
}

CAF_TEST(a reading dated well past the end of the cycle makes it look at the clock once) {
  start(28);
  CAF_REQUIRE_EQUAL(record->cycles.size(), 1u);
  // The wall clock moves while the timer set for the reset has not fired yet.
  calendar_start += std::chrono::seconds{60}; // 28 Feb 00:00:50, a reading at the reset itself
  reading_now();
  CAF_CHECK_EQUAL(record->cycles.size(), 1u);
  calendar_start += std::chrono::seconds{60}; // 00:01:50
  reading_now();
  CAF_CHECK_EQUAL(record->cycles.size(), 2u);
  CAF_CHECK_EQUAL(record->cycles.back(),
                  (cycle_bounds{test::utc(2026, 2, 28), test::utc(2026, 3, 28)}));
  calendar_start += std::chrono::seconds{180};
  reading_now();
  CAF_CHECK_EQUAL(record->cycles.size(), 2u);
  calendar_start += std::chrono::seconds{31 * 86400}; // the clock jumps past the end of March
  reading_now();
  CAF_CHECK_EQUAL(record->cycles.size(), 3u);
  CAF_CHECK_EQUAL(lines_containing("looking at the clock now"), 2u);
}

CAF_TEST(a reading dated more than a day before the cycle makes it look at the clock once) {
  start(28);
  pass(10s); // 28 Feb 00:00, the cycle of March
  CAF_REQUIRE_EQUAL(record->cycles.size(), 2u);
  calendar_start -= std::chrono::seconds{
    86400}; // a day back from the start of March: within the tolerance
  reading_now();
  CAF_CHECK_EQUAL(record->cycles.size(), 2u);
  calendar_start -= std::chrono::seconds{3600};
  reading_now();
  CAF_CHECK_EQUAL(record->cycles.size(), 3u);
  CAF_CHECK_EQUAL(record->cycles.back(),
                  (cycle_bounds{test::utc(2026, 1, 28), test::utc(2026, 2, 28)}));
  reading_now();
  CAF_CHECK_EQUAL(record->cycles.size(), 3u);
  CAF_CHECK_EQUAL(lines_containing("more than a day before the cycle"), 1u);
}

CAF_TEST(it never sleeps longer than an hour) {
  start(15);
  CAF_REQUIRE_EQUAL(record->cycles.size(), 1u);
  pass(3599s);
  CAF_CHECK_EQUAL(record->cycles.size(), 1u);
  pass(1s);
  CAF_CHECK_EQUAL(record->cycles.size(), 2u);
  CAF_CHECK_EQUAL(record->cycles[1], record->cycles[0]);
  pass(3600s);
  CAF_CHECK_EQUAL(record->cycles.size(), 3u);
}

CAF_TEST(reports fall due at the report time and are announced then) {
  start(28, 7);
  // At start the latest instant already due is named; accounting decides whether it is owed.
  CAF_REQUIRE_EQUAL(record->reports.size(), 1u);
  CAF_CHECK_EQUAL(record->reports[0], test::utc(2026, 2, 25, 9));
  // The cycle that begins on 28 Feb has its first report on 7 March at 09:00.
  auto first_report = test::utc(2026, 3, 7, 9);
  while (now() < first_report - std::chrono::hours{1})
    pass(3600s);
  pass(first_report - std::chrono::seconds{1} - now());
  CAF_CHECK(record->reports.back() != first_report);
  pass(1s);
  CAF_CHECK_EQUAL(record->reports.back(), first_report);
}

CAF_TEST_FIXTURE_SCOPE_END()
