#define CAF_SUITE bot_client
#include <caf/test/unit_test.hpp>

#include <deque>
#include <memory>

#include "actor_fixture.hpp"

#include "actors/commands/bot_client.hpp"

using namespace tmon;

namespace {

const http_response quiet{200, R"({"ok":true,"result":[]})", {}};
const http_response news{200, R"({"ok":true,"result":[{"update_id":7,"message":{}}]})", {}};
const http_response conflict{409, R"({"ok":false,"error_code":409})", {}};

struct fixture : test::actor_fixture {
  // The replies the transport gives, in order, and how many calls it took.
  std::shared_ptr<std::deque<http_response>> replies =
    std::make_shared<std::deque<http_response>>();
  std::shared_ptr<int> calls = std::make_shared<int>(0);
  bot_client_actor subject;

  fixture() {
    subject = sys.spawn(bot_client, [replies = replies, calls = calls](const http_request&) {
      ++*calls;
      CAF_REQUIRE(!replies->empty());
      auto reply = replies->front();
      replies->pop_front();
      return reply;
    });
  }

  ~fixture() override {
    self->send_exit(subject, caf::exit_reason::user_shutdown);
    sched.run();
  }

  template <class Call>
  http_response ask(Call call) {
    auto pending = self->request(subject, caf::infinite, call, http_request{});
    sched.run();
    http_response result;
    pending.receive([&](const http_response& reply) { result = reply; },
                    [](caf::error& failure) { CAF_FAIL(caf::to_string(failure)); });
    return result;
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(bot_client_tests, fixture)

CAF_TEST(a long poll is made again while it ends quiet and answered with the news) {
  *replies = {quiet, quiet, news, quiet};
  CAF_CHECK_EQUAL(ask(poll_atom_v).body, news.body);
  CAF_CHECK_EQUAL(*calls, 3);
}

CAF_TEST(a refusal or a failure ends the long poll) {
  *replies = {quiet, conflict, {0, {}, "stopped"}};
  CAF_CHECK_EQUAL(ask(poll_atom_v).status, 409);
  CAF_CHECK_EQUAL(ask(poll_atom_v).error, "stopped");
  CAF_CHECK_EQUAL(*calls, 3);
}

CAF_TEST(a plain call is made once whatever it answers) {
  *replies = {quiet, quiet};
  CAF_CHECK_EQUAL(ask(http_atom_v).body, quiet.body);
  CAF_CHECK_EQUAL(*calls, 1);
}

CAF_TEST_FIXTURE_SCOPE_END()
