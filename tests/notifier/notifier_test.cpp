#define CAF_SUITE notifier
#include <caf/test/unit_test.hpp>

#include "actor_fixture.hpp"

#include "actors/notifier/notifier.hpp"

using namespace tmon;

namespace {

struct fixture : test::actor_fixture {
  test::scoped_time_zone zone{"UTC"};
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(notifier_tests, fixture)

CAF_TEST(without a bot the message goes to the log and the event is confirmed) {
  message_context context;
  context.language = message_language::en;
  context.host_name = "vps-tokyo-1";
  auto subject = sys.spawn(notifier, notifier_settings{context, logger("notifier")});
  sched.run();
  event alert;
  alert.id = 7;
  alert.kind = event_kind::threshold_crossed;
  alert.raised_at = now();
  alert.threshold_percent = 80;
  alert.usage = {{test::utc(2026, 2, 1), test::utc(2026, 3, 1)}, 0, 800, 800, 1000};
  auto pending = self->request(subject, caf::infinite, deliver_atom::value, alert);
  sched.run();
  std::uint64_t confirmed = 0;
  pending.receive([&](delivered_atom, std::uint64_t id) { confirmed = id; },
                  [&](caf::error& e) { CAF_FAIL(caf::to_string(e)); });
  CAF_CHECK_EQUAL(confirmed, 7u);
  CAF_CHECK_EQUAL(lines_containing("[notifier] info message (log only):"), 1u);
  CAF_CHECK_EQUAL(lines_containing("Traffic alert"), 1u);
  CAF_CHECK_EQUAL(lines_containing("vps-tokyo-1"), 1u);
}

CAF_TEST_FIXTURE_SCOPE_END()
