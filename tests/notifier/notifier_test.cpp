#define CAF_SUITE notifier
#include <caf/test/unit_test.hpp>

#include <deque>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "actor_fixture.hpp"

#include "actors/accounting/accounting.hpp"
#include "actors/accounting/state_file.hpp"
#include "actors/http/http_client.hpp"
#include "actors/notifier/notifier.hpp"
#include "actors/public_ip/public_ip.hpp"
#include "actors/sampler/sampler.hpp"
#include "common/crypto.hpp"
#include "main/notify_urls.hpp"

using namespace tmon;
using namespace std::chrono_literals;

namespace {

const http_response sent{200, R"({"ok":true,"result":{"message_id":1}})", {}};
const http_response timed_out{0, {}, "Operation timed out after 30000 milliseconds"};
const http_response server_error{502, "<html>Bad Gateway</html>", {}};
const http_response unauthorized{401,
                                 R"({"ok":false,"error_code":401,"description":"Unauthorized"})",
                                 {}};

http_response too_many_requests(int retry_after) {
  return {429,
          R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after )"
            + std::to_string(retry_after) + R"(","parameters":{"retry_after":)"
            + std::to_string(retry_after) + "}}",
          {}};
}

// An HTTP client whose requests never end, as for a chat behind a hanging proxy.
http_client_actor::behavior_type hanging_client(http_client_actor::pointer self, int) {
  return {
    [=](http_atom, const http_request&) -> caf::result<http_response> {
      return self->make_response_promise<http_response>();
    },
  };
}

// A server that answers from a script (then succeeds) and remembers every request and when.
struct fake_server {
  struct call {
    moment at;
    http_request request;
  };
  std::deque<http_response> script;
  std::vector<call> calls;
  http_response otherwise = sent;
};

struct fixture : test::actor_fixture {
  test::scoped_time_zone zone{"UTC"};
  std::shared_ptr<fake_server> telegram = std::make_shared<fake_server>();
  std::shared_ptr<fake_server> ip_service = std::make_shared<fake_server>();
  std::vector<caf::actor> actors;
  notifier_actor subject;

  ~fixture() override {
    for (auto& handle : actors)
      self->send_exit(handle, caf::exit_reason::user_shutdown);
    sched.run();
  }

  http_transport transport_of(std::shared_ptr<fake_server> server) {
    return [this, server](const http_request& request) {
      server->calls.push_back({now(), request});
      if (server->script.empty())
        return server->otherwise;
      auto reply = server->script.front();
      server->script.pop_front();
      return reply;
    };
  }

  template <class Handle>
  Handle keep(Handle handle) {
    actors.push_back(caf::actor_cast<caf::actor>(handle));
    return handle;
  }

  notifier_settings settings(std::vector<std::string> chats) {
    notifier_settings result;
    result.context.language = message_language::en;
    result.context.host_name = "vps-tokyo-1";
    result.log = logger("notifier");
    for (const auto& chat : chats) {
      result.targets.push_back(
        telegram_chat_target("http://127.0.0.1:1/bot123456:secret/sendMessage", "123456:secret",
                             chat));
      result.clients.push_back(keep(sys.spawn(http_client, transport_of(telegram))));
    }
    result.now = [this] { return now(); };
    result.jitter = [] { return 0.0; };
    return result;
  }

  // Settings with the targets of a NOTIFY_URLS list, each answered by its own server (by
  // default one that succeeds as the service would).
  notifier_settings settings_for(const std::string& urls,
                                 std::vector<std::shared_ptr<fake_server>> servers) {
    notifier_settings result = settings({});
    auto targets = parse_notify_urls(urls, "http://127.0.0.1:1");
    CAF_REQUIRE(targets);
    CAF_REQUIRE_EQUAL(targets->size(), servers.size());
    result.targets = *targets;
    for (const auto& server : servers)
      result.clients.push_back(keep(sys.spawn(http_client, transport_of(server))));
    return result;
  }

  // Collects what the notifier tells the requester of each target, as accounting does.
  std::vector<std::string> confirmations_for(std::uint64_t id) {
    std::vector<std::string> targets;
    bool more = true;
    while (more)
      self->receive(
        [&](delivered_atom, std::uint64_t event_id, const std::string& target) {
          if (event_id == id)
            targets.push_back(target);
        },
        [&](delivered_atom, std::uint64_t) {},
        caf::after(std::chrono::seconds{0}) >> [&] { more = false; });
    return targets;
  }

  void start(notifier_settings given) {
    subject = keep(sys.spawn(notifier, std::move(given)));
    sched.run();
  }

  void start(std::vector<std::string> chats = {"-1001"}) { start(settings(std::move(chats))); }

  // Starts the notifier with a public-IP lookup asking `urls` through `client` (by default
  // one answering from `ip_service`), as spawn_monitor wires them.
  void start_with_lookup(notifier_settings given, std::vector<std::string> urls,
                         http_client_actor client = {}) {
    given.address_from_lookup = true;
    subject = keep(sys.spawn(notifier, std::move(given)));
    public_ip_settings lookup;
    lookup.urls = std::move(urls);
    lookup.client = client ? client : keep(sys.spawn(http_client, transport_of(ip_service)));
    lookup.log = logger("public_ip");
    lookup.listeners.push_back(subject);
    keep(sys.spawn(public_ip, std::move(lookup)));
    sched.run();
  }

  event alert(std::uint64_t id) {
    event e;
    e.id = id;
    e.kind = event_kind::threshold_crossed;
    e.raised_at = now();
    e.threshold_percent = 80_percent;
    e.usage = {{test::utc(2026, 2, 1), test::utc(2026, 3, 1)}, 0, 800, 800, 1000};
    return e;
  }

  event started() {
    event e = alert(1);
    e.kind = event_kind::monitor_started;
    return e;
  }

  // Hands over an event; `confirmed` receives its id once the notifier answers.
  // `raised_now`: the event was raised in this run rather than left from an earlier one.
  void deliver(const event& e, std::vector<std::uint64_t>& confirmed, bool raised_now = true) {
    // Passed as spawn arguments rather than captured: CAF 0.17 binds a reference to a null
    // argument tuple when a function is spawned without arguments, which UBSan reports.
    auto client = [](caf::event_based_actor* self, notifier_actor target, event to_deliver,
                     bool fresh, std::vector<std::uint64_t>* answers) -> caf::behavior {
      self->request(target, caf::infinite, deliver_atom_v, to_deliver, fresh)
        .then([=](delivered_atom, std::uint64_t id) { answers->push_back(id); },
              [](caf::error& failure) { CAF_FAIL(caf::to_string(failure)); });
      // As accounting does, it is told of each chat on the way.
      return {[](delivered_atom, std::uint64_t, const std::string&) {}};
    };
    sys.spawn(client, subject, e, raised_now, &confirmed);
    sched.run();
  }

  // Delivers `count` alerts numbered from 1, then lets virtual time pass second by second
  // until all are confirmed or `limit` has passed.
  std::vector<std::uint64_t> deliver_many(std::size_t count, std::chrono::seconds limit) {
    std::vector<std::uint64_t> confirmed;
    for (std::uint64_t id = 1; id <= count; ++id)
      deliver(alert(id), confirmed);
    for (auto waited = 0s; waited < limit && confirmed.size() < count; waited += 1s)
      pass(1s);
    return confirmed;
  }

  // Seconds of each call after the first.
  std::vector<std::chrono::seconds> call_offsets() {
    std::vector<std::chrono::seconds> offsets;
    for (const auto& c : telegram->calls)
      offsets.push_back(c.at - telegram->calls.front().at);
    return offsets;
  }

  std::string text_of(const fake_server::call& c) {
    return nlohmann::json::parse(c.request.body).at("text").get<std::string>();
  }
};

// An IP service that answers only when the test sends it the reply.
struct held_lookups {
  std::vector<caf::response_promise> waiting;
};

caf::behavior holding_client(caf::event_based_actor* self, std::shared_ptr<held_lookups> held) {
  return {
    [=](http_atom, const http_request&) {
      held->waiting.push_back(self->make_response_promise());
      return held->waiting.back();
    },
    [=](const http_response& reply) {
      for (auto& promise : held->waiting)
        promise.deliver(reply);
      held->waiting.clear();
    },
  };
}

} // namespace

CAF_TEST_FIXTURE_SCOPE(notifier_tests, fixture)

CAF_TEST(without a bot the message goes to the log and the event is confirmed) {
  start(std::vector<std::string>{});
  std::vector<std::uint64_t> confirmed;
  deliver(alert(7), confirmed);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{7});
  CAF_CHECK_EQUAL(lines_containing("[notifier] info message 7 (log only):"), 1u);
  CAF_CHECK_EQUAL(lines_containing("Traffic alert"), 1u);
  CAF_CHECK_EQUAL(lines_containing("vps-tokyo-1"), 1u);
  CAF_CHECK(telegram->calls.empty());
}

CAF_TEST(a message is posted as JSON and confirmed once Telegram accepts it) {
  start();
  std::vector<std::uint64_t> confirmed;
  deliver(alert(3), confirmed);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{3});
  CAF_REQUIRE_EQUAL(telegram->calls.size(), 1u);
  const auto& request = telegram->calls[0].request;
  CAF_CHECK_EQUAL(request.method, "POST");
  CAF_CHECK_EQUAL(request.url, "http://127.0.0.1:1/bot123456:secret/sendMessage");
  CAF_CHECK_EQUAL(request.connect_timeout, 10s);
  CAF_CHECK_EQUAL(request.total_timeout, 30s);
  auto body = nlohmann::json::parse(request.body);
  CAF_CHECK_EQUAL(body.at("chat_id").get<std::int64_t>(), -1001);
  CAF_CHECK(body.at("disable_web_page_preview").get<bool>());
  CAF_CHECK(text_of(telegram->calls[0]).find("Traffic alert") != std::string::npos);
  CAF_CHECK_EQUAL(lines_containing("message 3 delivered to chat -1001"), 1u);
}

CAF_TEST(transient failures back off from one second and double) {
  telegram->script = {timed_out, timed_out, server_error, timed_out, timed_out};
  start();
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  for (int second = 0; second < 40 && confirmed.empty(); ++second)
    pass(1s);
  CAF_CHECK_EQUAL(call_offsets(), (std::vector<std::chrono::seconds>{0s, 1s, 3s, 7s, 15s, 31s}));
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{1});
  CAF_CHECK_EQUAL(lines_containing("attempt 5 failed, next in 16.0 s"), 1u);
  CAF_CHECK_EQUAL(lines_containing("Operation timed out"), 4u);
}

CAF_TEST(the back - off stops growing at five minutes) {
  telegram->script.assign(12, timed_out);
  start();
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  for (int minute = 0; minute < 60 && confirmed.empty(); ++minute)
    pass(60s);
  auto offsets = call_offsets();
  CAF_REQUIRE_EQUAL(offsets.size(), 13u);
  // Retries 1..9 wait 1, 2, ..., 256 s; from the tenth on, the cap.
  for (std::size_t i = 10; i < offsets.size(); ++i)
    CAF_CHECK_LESS_OR_EQUAL(offsets[i] - offsets[i - 1], 300s + 60s);
  CAF_CHECK_EQUAL(lines_containing("next in 300.0 s"), 3u);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{1});
}

CAF_TEST(a 429 waits at least as long as Telegram asks) {
  telegram->script = {too_many_requests(30)};
  start();
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  pass(29s);
  CAF_CHECK_EQUAL(telegram->calls.size(), 1u);
  pass(1s);
  CAF_CHECK_EQUAL(call_offsets(), (std::vector<std::chrono::seconds>{0s, 30s}));
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{1});
}

CAF_TEST(a 5xx is retried and then delivered) {
  telegram->script = {server_error};
  start();
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  CAF_CHECK(confirmed.empty());
  pass(1s);
  CAF_CHECK_EQUAL(call_offsets(), (std::vector<std::chrono::seconds>{0s, 1s}));
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{1});
  CAF_CHECK_EQUAL(lines_containing("HTTP 502"), 1u);
}

CAF_TEST(a 401 keeps the messages and tries every ten minutes until the token works) {
  // Seven refusals: the attempts at 0, 10, ..., 60 minutes; the one at 70 minutes works.
  telegram->script.assign(7, unauthorized);
  start();
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  deliver(alert(2), confirmed);
  pass(599s);
  CAF_CHECK_EQUAL(telegram->calls.size(), 1u);
  pass(1s);
  CAF_CHECK_EQUAL(call_offsets(), (std::vector<std::chrono::seconds>{0s, 600s}));
  CAF_CHECK(confirmed.empty());
  CAF_CHECK_EQUAL(lines_containing("[notifier] error"), 1u);
  CAF_CHECK_EQUAL(lines_containing("error Telegram refused message 1 for chat -1001 (HTTP 401: "
                                   "Unauthorized)"),
                  1u);
  CAF_CHECK_EQUAL(lines_containing("check TELEGRAM_BOT_TOKEN"), 1u);
  for (int step = 0; step < 5; ++step)
    pass(600s);
  // One error line an hour while the refusals go on.
  CAF_CHECK_EQUAL(telegram->calls.size(), 7u);
  CAF_CHECK_EQUAL(lines_containing("[notifier] error"), 2u);
  CAF_CHECK(confirmed.empty());
  pass(600s);
  pass(1s);
  CAF_CHECK_EQUAL(confirmed, (std::vector<std::uint64_t>{1, 2}));
  CAF_REQUIRE_EQUAL(telegram->calls.size(), 9u);
  // Kept: back() of a temporary would dangle inside the check's macro.
  const auto offsets = call_offsets();
  CAF_CHECK_EQUAL(offsets.back(), 4201s);
  CAF_CHECK_EQUAL(lines_containing("[notifier] error"), 2u);
  CAF_CHECK_EQUAL(lines_containing("secret"), 0u);
}

CAF_TEST(a 404 from a proxy being redeployed delays a message without losing it) {
  telegram->script = {{404, "<html>404 Not Found</html>", {}}};
  start();
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  CAF_CHECK_EQUAL(lines_containing("check TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE"), 1u);
  pass(600s);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{1});
  CAF_CHECK_EQUAL(telegram->calls.size(), 2u);
  // Working again: a later refusal is reported at once, not an hour after the last one.
  telegram->script = {{404, "<html>404 Not Found</html>", {}}};
  deliver(alert(2), confirmed);
  pass(1s);
  CAF_CHECK_EQUAL(lines_containing("[notifier] error"), 2u);
}

CAF_TEST(a 400 drops the message for that chat and says which setting to check) {
  telegram->script = {{400, R"({"ok":false,"description":"Bad Request: chat not found"})", {}}};
  start();
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  pass(600s);
  CAF_CHECK_EQUAL(telegram->calls.size(), 1u);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{1});
  CAF_CHECK_EQUAL(lines_containing("check TELEGRAM_CHAT_ID"), 1u);
}

CAF_TEST(messages to one chat keep their order through failures) {
  telegram->script = {timed_out, timed_out};
  start();
  std::vector<std::uint64_t> confirmed;
  auto first = alert(1);
  auto second = alert(2);
  second.kind = event_kind::usage_report;
  deliver(first, confirmed);
  deliver(second, confirmed);
  CAF_CHECK_EQUAL(telegram->calls.size(), 1u);
  pass(1s);
  pass(2s);
  // The next message to the same chat goes a second after the last one.
  pass(1s);
  CAF_REQUIRE_EQUAL(telegram->calls.size(), 4u);
  CAF_CHECK(text_of(telegram->calls[2]).find("Traffic alert") != std::string::npos);
  CAF_CHECK(text_of(telegram->calls[3]).find("Traffic report") != std::string::npos);
  CAF_CHECK_EQUAL(confirmed, (std::vector<std::uint64_t>{1, 2}));
}

CAF_TEST(each chat is retried on its own and the event waits for all) {
  telegram->script = {timed_out};
  start({"-1001", "@ops_channel"});
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  CAF_REQUIRE_EQUAL(telegram->calls.size(), 2u);
  CAF_CHECK_EQUAL(
    nlohmann::json::parse(telegram->calls[1].request.body).at("chat_id").get<std::string>(),
    "@ops_channel");
  CAF_CHECK_EQUAL(lines_containing("message 1 delivered to chat @ops_channel"), 1u);
  CAF_CHECK(confirmed.empty());
  pass(1s);
  CAF_CHECK_EQUAL(telegram->calls.size(), 3u);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{1});
}

CAF_TEST(the public IPv4 comes from the first service that names one) {
  ip_service->script = {{200, "<html>captive portal</html>", {}}, {200, " 203.0.113.9\n", {}}};
  start_with_lookup(settings({"-1001"}), {"http://127.0.0.1:2/a", "http://127.0.0.1:2/b"});
  CAF_REQUIRE_EQUAL(ip_service->calls.size(), 2u);
  CAF_CHECK(ip_service->calls[0].request.ipv4_only);
  CAF_CHECK_EQUAL(ip_service->calls[0].request.method, "GET");
  CAF_CHECK_EQUAL(ip_service->calls[0].request.total_timeout, 5s);
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  CAF_CHECK(text_of(telegram->calls.at(0)).find("203.0.113.9") != std::string::npos);
  ip_service->otherwise = {200, "198.51.100.4", {}};
  pass(6h - 1s);
  CAF_CHECK_EQUAL(ip_service->calls.size(), 2u);
  pass(1s);
  CAF_CHECK_EQUAL(ip_service->calls.size(), 3u);
  CAF_CHECK_EQUAL(lines_containing("public IPv4 address: 198.51.100.4"), 1u);
}

CAF_TEST(while no service answers the address shows as unknown and is asked again soon) {
  ip_service->otherwise = timed_out;
  start_with_lookup(settings({"-1001"}), {"http://127.0.0.1:2/a"});
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  CAF_CHECK(text_of(telegram->calls.at(0)).find("unknown") != std::string::npos);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{1});
  pass(300s);
  CAF_CHECK_EQUAL(ip_service->calls.size(), 2u);
}

CAF_TEST(a private address from an IP service is refused and the next one asked) {
  ip_service->script = {{200, "192.168.1.5\n", {}},
                        {200, "100.64.0.9", {}},
                        {200, "203.0.113.9", {}}};
  start_with_lookup(settings({"-1001"}),
                    {"http://127.0.0.1:2/a", "http://127.0.0.1:2/b", "http://127.0.0.1:2/c"});
  CAF_CHECK_EQUAL(ip_service->calls.size(), 3u);
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  auto text = text_of(telegram->calls.at(0));
  CAF_CHECK(text.find("203.0.113.9") != std::string::npos);
  CAF_CHECK(text.find("192.168.1.5") == std::string::npos);
}

CAF_TEST(the start-up message waits for the first address lookup but alerts do not) {
  auto held = std::make_shared<held_lookups>();
  auto lookups = sys.spawn(holding_client, held);
  actors.push_back(lookups);
  start_with_lookup(settings({"-1001"}), {"http://127.0.0.1:2/a"},
                    caf::actor_cast<http_client_actor>(lookups));
  CAF_REQUIRE_EQUAL(held->waiting.size(), 1u);
  std::vector<std::uint64_t> confirmed;
  deliver(started(), confirmed);
  pass(2s);
  CAF_CHECK(telegram->calls.empty());
  deliver(alert(2), confirmed);
  CAF_REQUIRE_EQUAL(telegram->calls.size(), 1u);
  CAF_CHECK(text_of(telegram->calls[0]).find("Traffic alert") != std::string::npos);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{2});
  self->send(lookups, http_response{200, "203.0.113.9", {}});
  sched.run();
  pass(1s);
  CAF_REQUIRE_EQUAL(telegram->calls.size(), 2u);
  auto text = text_of(telegram->calls[1]);
  CAF_CHECK(text.find("Traffic monitor started") != std::string::npos);
  CAF_CHECK(text.find("203.0.113.9") != std::string::npos);
  CAF_CHECK_EQUAL(confirmed, (std::vector<std::uint64_t>{2, 1}));
}

CAF_TEST(the start-up message waits for the address lookup ten seconds at most) {
  auto held = std::make_shared<held_lookups>();
  auto lookups = sys.spawn(holding_client, held);
  actors.push_back(lookups);
  start_with_lookup(settings({"-1001"}), {"http://127.0.0.1:2/a"},
                    caf::actor_cast<http_client_actor>(lookups));
  std::vector<std::uint64_t> confirmed;
  deliver(started(), confirmed);
  pass(9s);
  CAF_CHECK(telegram->calls.empty());
  pass(1s);
  CAF_REQUIRE_EQUAL(telegram->calls.size(), 1u);
  CAF_CHECK(text_of(telegram->calls[0]).find("Public IPv4: unknown") != std::string::npos);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{1});
  // A start-up message after the first lookup has ended does not wait.
  self->send(lookups, http_response{200, "203.0.113.9", {}});
  sched.run();
  auto again = started();
  again.id = 5;
  deliver(again, confirmed);
  pass(1s);
  CAF_CHECK_EQUAL(confirmed, (std::vector<std::uint64_t>{1, 5}));
}

CAF_TEST(a thousand messages to one chat go at most one a second) {
  start({"123456789"});
  auto confirmed = deliver_many(1000, 1100s);
  CAF_CHECK_EQUAL(confirmed.size(), 1000u);
  auto offsets = call_offsets();
  CAF_REQUIRE_EQUAL(offsets.size(), 1000u);
  for (std::size_t i = 1; i < offsets.size(); ++i)
    CAF_CHECK_GREATER_OR_EQUAL(offsets[i] - offsets[i - 1], 1s);
  CAF_CHECK_EQUAL(offsets.back(), 999s);
}

CAF_TEST(a group chat gets at most twenty messages a minute) {
  start({"-1001"});
  auto confirmed = deliver_many(45, 300s);
  CAF_CHECK_EQUAL(confirmed.size(), 45u);
  auto offsets = call_offsets();
  CAF_REQUIRE_EQUAL(offsets.size(), 45u);
  for (std::size_t i = 1; i < offsets.size(); ++i)
    CAF_CHECK_GREATER_OR_EQUAL(offsets[i] - offsets[i - 1], 1s);
  for (std::size_t i = 20; i < offsets.size(); ++i)
    CAF_CHECK_GREATER_OR_EQUAL(offsets[i] - offsets[i - 20], 60s);
  // Twenty in the first minute, not fewer.
  CAF_CHECK_EQUAL(offsets[19], 19s);
  CAF_CHECK_EQUAL(offsets[20], 60s);
}

CAF_TEST(a message text is logged when raised and not again when handed over after a restart) {
  start();
  std::vector<std::uint64_t> confirmed;
  deliver(alert(1), confirmed);
  CAF_CHECK_EQUAL(lines_containing("Traffic alert"), 1u);
  deliver(alert(2), confirmed, false);
  pass(1s);
  CAF_CHECK_EQUAL(confirmed, (std::vector<std::uint64_t>{1, 2}));
  CAF_CHECK_EQUAL(lines_containing("Traffic alert"), 1u);
  CAF_CHECK_EQUAL(lines_containing("message 2 delivered to chat -1001"), 1u);
}

CAF_TEST(a chat whose requests hang holds back no other and each chat confirms on its own) {
  auto given = settings({"-1001", "-1002"});
  given.clients[0] = keep(sys.spawn(hanging_client, 0));
  start(std::move(given));
  // A request, as accounting makes it: the confirmation goes to the one who asked.
  static_cast<void>(self->request(subject, caf::infinite, deliver_atom_v, alert(7), true));
  sched.run();
  CAF_REQUIRE_EQUAL(telegram->calls.size(), 1u);
  CAF_CHECK(telegram->calls[0].request.body.find("\"chat_id\":-1002") != std::string::npos);
  bool confirmed = false;
  self
    ->receive([&](delivered_atom, std::uint64_t id,
                  const std::string& target) { confirmed = id == 7 && target == "telegram:-1002"; },
              caf::after(std::chrono::seconds{0}) >> [] {});
  CAF_CHECK(confirmed);
}

CAF_TEST(every delivery attempt is counted for the metrics listener) {
  telegram->script = {server_error, timed_out};
  start(settings({"-1001"}));
  auto counts = [&] {
    delivery_counts result;
    auto asking = self->request(subject, caf::infinite, attempt_atom_v);
    sched.run();
    asking.receive([&](const delivery_counts& counted) { result = counted; },
                   [](const caf::error& failure) { CAF_FAIL(caf::to_string(failure)); });
    return result;
  };
  CAF_CHECK_EQUAL(counts().sent + counts().failed, 0u);
  std::vector<std::uint64_t> confirmed;
  deliver(alert(7), confirmed);
  pass(1s);
  pass(2s);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{7});
  CAF_CHECK_EQUAL(counts().sent, 1u);
  CAF_CHECK_EQUAL(counts().failed, 2u);
}

CAF_TEST(a webhook whose requests hang holds back no wecom bot) {
  auto wecom = std::make_shared<fake_server>();
  wecom->otherwise = {200, R"({"errcode":0,"errmsg":"ok"})", {}};
  auto given = settings_for("json://127.0.0.1:9/hook,wecombot://wecomkey123", {telegram, wecom});
  given.clients[0] = keep(sys.spawn(hanging_client, 0));
  const auto wecom_id = given.targets[1].id;
  start(std::move(given));
  static_cast<void>(self->request(subject, caf::infinite, deliver_atom_v, alert(7), true));
  sched.run();
  CAF_REQUIRE_EQUAL(wecom->calls.size(), 1u);
  CAF_CHECK_EQUAL(wecom->calls[0].at, now());
  CAF_CHECK_EQUAL(confirmations_for(7), std::vector<std::string>{wecom_id});
  CAF_CHECK_EQUAL(lines_containing("message 7 delivered to wecombot://***"), 1u);
}

CAF_TEST(a target refusing for good drops the message for itself alone) {
  auto wecom = std::make_shared<fake_server>();
  wecom->otherwise = {200, R"({"errcode":93000,"errmsg":"invalid webhook url"})", {}};
  auto ntfy = std::make_shared<fake_server>();
  auto given = settings_for("wecombot://wecomkey123,ntfy://127.0.0.1:9/alerts", {wecom, ntfy});
  const auto ids = std::vector<std::string>{given.targets[0].id, given.targets[1].id};
  start(std::move(given));
  std::vector<std::uint64_t> confirmed;
  deliver(alert(7), confirmed);
  pass(1s);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{7});
  CAF_CHECK_EQUAL(wecom->calls.size(), 1u);
  CAF_CHECK_EQUAL(ntfy->calls.size(), 1u);
  CAF_CHECK_EQUAL(lines_containing("error WeCom refused message 7 for wecombot://*** (HTTP 200: "
                                   "errcode 93000 (invalid webhook url)); check the WeCom entry "
                                   "wecombot://*** of NOTIFY_URLS. The message is dropped for "
                                   "this target"),
                  1u);
  CAF_CHECK_EQUAL(lines_containing("message 7 delivered to ntfy://127.0.0.1:9/***"), 1u);
}

CAF_TEST(each attempt to a signed dingtalk bot is signed at its own time) {
  auto dingtalk = std::make_shared<fake_server>();
  dingtalk->script = {server_error};
  dingtalk->otherwise = {200, R"({"errcode":0,"errmsg":"ok"})", {}};
  start(settings_for("dingtalk://SECsecret99@dtoken123", {dingtalk}));
  std::vector<std::uint64_t> confirmed;
  deliver(alert(7), confirmed);
  pass(1s);
  CAF_CHECK_EQUAL(confirmed, std::vector<std::uint64_t>{7});
  CAF_REQUIRE_EQUAL(dingtalk->calls.size(), 2u);
  for (const auto& call : dingtalk->calls) {
    const auto milliseconds = to_epoch_seconds(call.at) * 1000;
    CAF_CHECK_EQUAL(call.request.url,
                    fmt::format("https://oapi.dingtalk.com/robot/send?access_token=dtoken123"
                                "&timestamp={}&sign={}",
                                milliseconds,
                                percent_encode(dingtalk_signature("SECsecret99", milliseconds))));
  }
  CAF_CHECK_NOT_EQUAL(dingtalk->calls[0].request.url, dingtalk->calls[1].request.url);
}

CAF_TEST(a webhook behind a proxy answering 404 keeps its messages and gets them later) {
  auto webhook = std::make_shared<fake_server>();
  webhook->script = {{404, "<html>Not Found</html>", {}}};
  webhook->otherwise = {204, {}, {}};
  start(settings_for("json://127.0.0.1:9/hook", {webhook}));
  std::vector<std::uint64_t> confirmed;
  deliver(alert(7), confirmed);
  deliver(alert(8), confirmed);
  CAF_CHECK(confirmed.empty());
  CAF_CHECK_EQUAL(lines_containing("error webhook refused message 7 for json://127.0.0.1:9/***"),
                  1u);
  pass(600s);
  pass(1s);
  CAF_CHECK_EQUAL(confirmed, (std::vector<std::uint64_t>{7, 8}));
  CAF_CHECK_EQUAL(lines_containing("json://127.0.0.1:9/*** accepts messages again"), 1u);
}

CAF_TEST(an event from an earlier run goes only to the chats it has left) {
  start({"-1001", "-1002"});
  auto earlier = alert(3);
  earlier.targets_left = {"telegram:-1002"};
  earlier.targets_assigned = true;
  self->send(subject, deliver_atom_v, earlier, false);
  sched.run();
  CAF_REQUIRE_EQUAL(telegram->calls.size(), 1u);
  CAF_CHECK(telegram->calls[0].request.body.find("\"chat_id\":-1002") != std::string::npos);
  auto confirmed_by_nobody = alert(4);
  confirmed_by_nobody.targets_assigned = true;
  self->send(subject, deliver_atom_v, confirmed_by_nobody, false);
  sched.run();
  CAF_CHECK_EQUAL(telegram->calls.size(), 1u);
}

CAF_TEST(an alert raised during an outage leaves the outbox once delivered) {
  test::fake_proc proc;
  test::temp_dir data;
  proc.set_counters({{"eth0", 0, 0}});
  telegram->otherwise = timed_out;
  start();
  auto sampler_handle = keep(
    sys.spawn(sampler, sampler_settings{proc.root(), {"eth0"}, wall(), logger("sampler")}));
  accounting_settings accounts;
  accounts.data_dir = data.path();
  accounts.rules.quota_bytes = 1000;
  accounts.rules.thresholds = {80_percent};
  accounts.now = wall();
  accounts.log = logger("accounting");
  accounts.sampler = sampler_handle;
  accounts.notifier = subject;
  accounts.targets = {"telegram:-1001"};
  auto accounting_handle = keep(sys.spawn(accounting, std::move(accounts)));
  sched.run();
  self->send(accounting_handle, cycle_atom_v,
             cycle_bounds{test::utc(2026, 2, 1), test::utc(2026, 3, 1)});
  sched.run();
  keep(sys.spawn(test::periodic_readings, sampler_handle, accounting_handle, 60s));
  sched.run();
  proc.set_counters({{"eth0", 0, 900}});
  pass(60s);
  auto outbox_size = [&] {
    return decode_state(test::read_file(state_file_path(data.path())))->outbox.size();
  };
  CAF_CHECK_EQUAL(outbox_size(), 2u);
  telegram->otherwise = sent;
  pass(60s);
  // The alert follows the start-up message a second later.
  pass(1s);
  CAF_CHECK_EQUAL(outbox_size(), 0u);
}

CAF_TEST_FIXTURE_SCOPE_END()
