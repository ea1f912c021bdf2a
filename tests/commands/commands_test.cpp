#define CAF_SUITE commands
#include <caf/test/unit_test.hpp>

#include <deque>

#include <nlohmann/json.hpp>

#include "actor_fixture.hpp"

#include "actors/accounting/accounting.hpp"
#include "actors/accounting/state_file.hpp"
#include "actors/commands/commands.hpp"
#include "actors/sampler/sampler.hpp"

using namespace tmon;
using namespace std::chrono_literals;

namespace {

const http_response accepted{200, R"({"ok":true,"result":true})", {}};
const http_response conflict{
  409,
  R"({"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"})",
  {}};

// The Bot API as the poller's client sees it: getMe and setMyCommands answer at once;
// getUpdates answers from `polls`, and when that is empty it is held open, as Telegram holds
// a long poll, until the test releases it.
struct bot_api {
  struct call {
    moment at;
    std::string method;
    nlohmann::json body;
    // A getUpdates made by the client again by itself after a quiet one (poll_atom).
    bool repeated = false;
  };
  std::vector<call> calls;
  std::deque<http_response> polls;
  std::deque<http_response> sends;
  http_response me{200,
                   R"({"ok":true,"result":{"id":1,"is_bot":true,"username":"Quota_Bot"}})",
                   {}};
  caf::typed_response_promise<http_response> held;
  bool holding = false;
  // The held call is a poll_atom one, which the client makes again while it ends quiet.
  bool held_repeats = false;

  std::vector<std::string> methods() const {
    std::vector<std::string> result;
    for (const auto& c : calls)
      result.push_back(c.method);
    return result;
  }

  // The texts sent with sendMessage, in order.
  std::vector<std::string> answers() const {
    std::vector<std::string> result;
    for (const auto& c : calls)
      if (c.method == "sendMessage")
        result.push_back(c.body.at("text").get<std::string>());
    return result;
  }

  std::size_t count(const std::string& method) const {
    std::size_t n = 0;
    for (const auto& c : calls)
      n += c.method == method ? 1 : 0;
    return n;
  }

  const call& last(const std::string& method) const {
    for (auto c = calls.rbegin(); c != calls.rend(); ++c)
      if (c->method == method)
        return *c;
    CAF_FAIL("no call of " << method);
  }
};

// The client with one more message, by which the test answers the held long poll: a promise
// is delivered from within its actor.
using fake_client_actor = bot_client_actor::extend<caf::reacts_to<poll_atom, http_response>>;

fake_client_actor::behavior_type fake_bot_client(fake_client_actor::pointer self,
                                                 std::shared_ptr<bot_api> api, wall_clock now) {
  // getUpdates as poll_atom asks it: the quiet replies are the client's alone.
  auto poll_until_news = [=](const http_request& request) -> caf::result<http_response> {
    for (;;) {
      api->calls.push_back({now(), "getUpdates", nlohmann::json::parse(request.body), true});
      if (api->polls.empty())
        break;
      auto reply = api->polls.front();
      api->polls.pop_front();
      if (!is_quiet_poll(reply))
        return reply;
    }
    api->held = self->make_response_promise<http_response>();
    api->holding = true;
    api->held_repeats = true;
    return api->held;
  };
  return {
    [=](poll_atom, const http_response& reply) {
      if (api->held_repeats && is_quiet_poll(reply)) {
        const auto& asked = api->calls.back();
        api->calls.push_back({now(), asked.method, asked.body, true});
        return;
      }
      api->holding = false;
      api->held.deliver(reply);
    },
    [=](poll_atom, const http_request& request) { return poll_until_news(request); },
    [=](http_atom, const http_request& request) -> caf::result<http_response> {
      const auto method = request.url.substr(request.url.rfind('/') + 1);
      api->calls.push_back({now(), method, nlohmann::json::parse(request.body)});
      if (method == "getMe")
        return api->me;
      if (method == "sendMessage") {
        if (api->sends.empty())
          return accepted;
        auto reply = api->sends.front();
        api->sends.pop_front();
        return reply;
      }
      if (method != "getUpdates")
        return accepted;
      if (!api->polls.empty()) {
        auto reply = api->polls.front();
        api->polls.pop_front();
        return reply;
      }
      api->held = self->make_response_promise<http_response>();
      api->holding = true;
      api->held_repeats = false;
      return api->held;
    },
  };
}

// What the poller asked of accounting, in order with the Bot API calls.
struct accounting_calls {
  std::vector<std::int64_t> offsets;
  std::vector<std::uint64_t> calibrations;
  // The number of Bot API calls made when each offset was taken.
  std::vector<std::size_t> calls_before_offset;
  published_figures figures;
};

accounting_actor::behavior_type fake_accounting(accounting_actor::pointer,
                                                std::shared_ptr<accounting_calls> record,
                                                std::shared_ptr<bot_api> api) {
  return {
    [](sample_atom, const sample&) {},
    [](cycle_atom, const cycle_bounds&) {},
    [](report_atom, const cycle_bounds&, moment) {},
    [](usage_atom) { return usage_figures{}; },
    [=](figures_atom) { return record->figures; },
    [=](offset_atom, std::int64_t offset) {
      record->offsets.push_back(offset);
      record->calls_before_offset.push_back(api->calls.size());
      return true;
    },
    [=](calibrate_atom, std::uint64_t bytes, const std::string&) {
      record->calibrations.push_back(bytes);
      event calibrated;
      calibrated.kind = event_kind::usage_calibrated;
      calibrated.calibrated_from_bytes = 100'000'000'000;
      calibrated.usage.counted_bytes = bytes;
      return calibrated;
    },
    [](caf::flush_atom) { return true; },
    [](delivered_atom, std::uint64_t, const std::string&) {},
  };
}

std::string update(std::int64_t id, std::int64_t chat_id, const std::string& text, moment sent_at) {
  return nlohmann::json{{"update_id", id},
                        {"message",
                         {{"message_id", id},
                          {"date", to_epoch_seconds(sent_at)},
                          {"chat", {{"id", chat_id}, {"type", "private"}}},
                          {"text", text}}}}
    .dump();
}

http_response updates(const std::vector<std::string>& items) {
  std::string body = R"({"ok":true,"result":[)";
  for (std::size_t i = 0; i < items.size(); ++i)
    body += (i > 0 ? "," : "") + items[i];
  return {200, body + "]}", {}};
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct fixture : test::actor_fixture {
  test::scoped_time_zone zone{"UTC"};
  std::shared_ptr<bot_api> api = std::make_shared<bot_api>();
  std::shared_ptr<accounting_calls> record = std::make_shared<accounting_calls>();
  fake_client_actor client;
  accounting_actor accounts;
  commands_actor subject;
  std::vector<caf::actor> others;

  fixture() : test::actor_fixture(test::utc(2026, 11, 16, 9)) {
    record->figures.usage.cycle = {test::utc(2026, 11, 1), test::utc(2026, 12, 1)};
    record->figures.usage.counted_bytes = 250'000'000'000;
    record->figures.usage.tx_bytes = 250'000'000'000;
    record->figures.usage.quota_bytes = 1'000'000'000'000;
    record->figures.last_sample_at = test::utc(2026, 11, 16, 8, 59);
  }

  ~fixture() override {
    stop();
    for (auto& handle : others)
      self->send_exit(handle, caf::exit_reason::user_shutdown);
    sched.run();
  }

  void stop() {
    api->holding = false;
    for (auto handle : {caf::actor_cast<caf::actor>(subject), caf::actor_cast<caf::actor>(client),
                        caf::actor_cast<caf::actor>(accounts)})
      self->send_exit(handle, caf::exit_reason::user_shutdown);
    sched.run();
    api->held = {};
  }

  commands_settings settings(std::int64_t offset = 0) {
    commands_settings result;
    result.api_base = "http://127.0.0.1:1";
    result.token = "123456:secret";
    result.allowed_chats = {"1001", "@ops_channel"};
    result.context.language = message_language::en;
    result.context.unit = {"GB", 1000ull * 1000 * 1000};
    result.context.host_name = "vps-1";
    result.client = client;
    result.accounting = accounts;
    result.offset = offset;
    result.now = wall();
    result.jitter = [] { return 0.0; };
    result.log = logger("commands");
    return result;
  }

  void start(std::int64_t offset = 0) {
    client = sys.spawn(fake_bot_client, api, wall());
    if (!accounts)
      accounts = sys.spawn(fake_accounting, record, api);
    subject = sys.spawn(commands, settings(offset));
    sched.run();
  }

  // Answers the held long poll with `reply` and lets the poller react.
  void release(const http_response& reply) {
    CAF_REQUIRE(api->holding);
    self->send(client, poll_atom_v, reply);
    sched.run();
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(commands_tests, fixture)

CAF_TEST(the poller learns its name registers the menu and polls from the saved offset) {
  start(42);
  CAF_CHECK_EQUAL(api->methods(),
                  (std::vector<std::string>{"getMe", "setMyCommands", "getUpdates"}));
  CAF_CHECK(api->holding);
  CAF_CHECK_EQUAL(api->last("getUpdates").body.at("offset").get<std::int64_t>(), 42);
  CAF_CHECK_EQUAL(api->last("setMyCommands").body.at("commands").size(), 5u);
  CAF_CHECK_EQUAL(lines_containing("answering commands to @Quota_Bot"), 1u);
}

CAF_TEST(commands are answered in order once the offset is saved) {
  start();
  release(updates({update(7, 1001, "/status", now()), update(8, 1001, "/help", now()),
                   update(9, 1001, "/history@Quota_Bot", now())}));
  CAF_CHECK_EQUAL(record->offsets, std::vector<std::int64_t>{10});
  // Saved before the first answer went out.
  CAF_REQUIRE_EQUAL(record->calls_before_offset.size(), 1u);
  CAF_CHECK_EQUAL(record->calls_before_offset[0], 3u);
  const auto answers = api->answers();
  CAF_REQUIRE_EQUAL(answers.size(), 3u);
  CAF_CHECK(answers[0].rfind("📍 Traffic status", 0) == 0);
  CAF_CHECK(contains(answers[0], "Used / quota: 250.00 GB / 1000.00 GB (25.0%)"));
  CAF_CHECK(answers[1].rfind("Commands:", 0) == 0);
  CAF_CHECK(contains(answers[2], "last 7 days"));
  CAF_CHECK_EQUAL(api->last("sendMessage").body.at("chat_id").get<std::int64_t>(), 1001);
  // Then the next poll, from the new offset.
  CAF_CHECK(api->holding);
  CAF_CHECK_EQUAL(api->last("getUpdates").body.at("offset").get<std::int64_t>(), 10);
}

CAF_TEST(once a poll went through the quiet ones stay with the client until news come) {
  start();
  CAF_CHECK(!api->last("getUpdates").repeated);
  release(updates({}));
  CAF_CHECK_EQUAL(api->count("getUpdates"), 2u);
  CAF_CHECK(api->last("getUpdates").repeated);
  release(updates({}));
  release(updates({}));
  CAF_CHECK_EQUAL(api->count("getUpdates"), 4u);
  CAF_CHECK(api->answers().empty());
  // News after quiet polls arrived live: an hour between the clocks silences nothing.
  release(updates({update(1, 1001, "/help", now() - 1h)}));
  CAF_CHECK_EQUAL(api->answers().size(), 1u);
  CAF_CHECK_EQUAL(api->count("getUpdates"), 5u);
  CAF_CHECK(api->last("getUpdates").repeated);
  CAF_CHECK_EQUAL(api->last("getUpdates").body.at("offset").get<std::int64_t>(), 2);
  // After a failure every reply comes back again, so that the poller sees the end of it.
  release({502, "<html>", {}});
  pass(1s);
  CAF_CHECK_EQUAL(api->count("getUpdates"), 6u);
  CAF_CHECK(!api->last("getUpdates").repeated);
  release(updates({}));
  CAF_CHECK_EQUAL(lines_containing("Telegram answers the command poll again"), 1u);
  CAF_CHECK(api->last("getUpdates").repeated);
}

CAF_TEST(a foreign chat is ignored and named once and commands for another bot are ignored) {
  start();
  release(updates({update(1, 666, "/status", now()), update(2, 666, "/report", now()),
                   update(3, 1001, "/status@Other_Bot", now()), update(4, 1001, "hello", now())}));
  CAF_CHECK(api->answers().empty());
  CAF_CHECK_EQUAL(lines_containing("messages from chat 666 are ignored"), 1u);
  CAF_CHECK_EQUAL(record->offsets, std::vector<std::int64_t>{5});
  release(updates({update(5, 666, "/help", now())}));
  CAF_CHECK_EQUAL(lines_containing("messages from chat 666 are ignored"), 1u);
  CAF_CHECK(api->answers().empty());
}

CAF_TEST(commands that waited while the monitor was down are confirmed without an answer) {
  start();
  release(updates({update(1, 1001, "/status", now() - 10min), update(2, 1001, "/help", now())}));
  CAF_REQUIRE_EQUAL(api->answers().size(), 1u);
  CAF_CHECK(api->answers()[0].rfind("Commands:", 0) == 0);
  CAF_CHECK_EQUAL(record->offsets, std::vector<std::int64_t>{3});
  CAF_CHECK_EQUAL(lines_containing("confirmed without an answer"), 1u);
  // Once listening, a clock an hour ahead of Telegram's silences nothing.
  release(updates({update(3, 1001, "/help", now() - 1h)}));
  CAF_CHECK_EQUAL(api->answers().size(), 2u);
}

CAF_TEST(the offset saved survives a restart and no command is answered twice) {
  // The real accounting and its state file, so that the offset goes through the disk.
  test::temp_dir data;
  test::fake_proc proc;
  proc.set_counters({{"eth0", 1000, 5000}});
  auto spawn_accounting = [&] {
    auto sampler_handle = sys.spawn(sampler, sampler_settings{proc.root(),
                                                              {"eth0"},
                                                              wall(),
                                                              logger("sampler")});
    others.push_back(caf::actor_cast<caf::actor>(sampler_handle));
    auto delivered = std::make_shared<std::vector<event>>();
    auto notifier_handle = sys.spawn(test::recording_notifier, delivered);
    others.push_back(caf::actor_cast<caf::actor>(notifier_handle));
    accounting_settings settings;
    settings.data_dir = data.path();
    settings.loaded = load_state(data.path(), now());
    settings.rules.quota_bytes = 10'000;
    settings.now = wall();
    settings.log = logger("accounting");
    settings.sampler = sampler_handle;
    settings.notifier = notifier_handle;
    settings.publish = [](const monitor_state& state, moment) {
      published_figures figures;
      figures.usage.cycle = state.cycle;
      figures.usage.tx_bytes = state.cycle_tx_bytes;
      figures.usage.counted_bytes = state.cycle_tx_bytes;
      figures.usage.quota_bytes = 10'000;
      return figures;
    };
    const auto offset = settings.loaded.state.telegram_update_offset;
    accounts = sys.spawn(accounting, std::move(settings));
    self->send(accounts, cycle_atom_v,
               cycle_bounds{test::utc(2026, 11, 1), test::utc(2026, 12, 1)});
    sched.run();
    return offset;
  };
  start(spawn_accounting());
  release(updates({update(500, 1001, "/status", now())}));
  CAF_REQUIRE_EQUAL(api->answers().size(), 1u);
  // Counted from the sample accounting took at its start: 5000 bytes sent.
  CAF_CHECK(contains(api->answers()[0], "Used / quota: 0.00 GB / 0.00 GB"));
  stop();
  accounts = accounting_actor{};
  const auto offset = spawn_accounting();
  CAF_CHECK_EQUAL(offset, 501);
  start(offset);
  CAF_CHECK_EQUAL(api->last("getUpdates").body.at("offset").get<std::int64_t>(), 501);
  CAF_CHECK_EQUAL(api->answers().size(), 1u);
}

CAF_TEST(a conflict is logged once and asked again every five minutes) {
  api->polls = {conflict, conflict, conflict};
  start();
  CAF_CHECK_EQUAL(api->count("getUpdates"), 1u);
  pass(299s);
  CAF_CHECK_EQUAL(api->count("getUpdates"), 1u);
  pass(1s);
  CAF_CHECK_EQUAL(api->count("getUpdates"), 2u);
  pass(300s);
  CAF_CHECK_EQUAL(api->count("getUpdates"), 3u);
  CAF_CHECK_EQUAL(lines_containing("another host polls with the same TELEGRAM_BOT_TOKEN"), 1u);
  pass(300s);
  CAF_CHECK_EQUAL(api->count("getUpdates"), 4u);
  CAF_CHECK_EQUAL(lines_containing("Telegram answers the command poll again"), 0u);
  release(updates({}));
  CAF_CHECK_EQUAL(lines_containing("Telegram answers the command poll again"), 1u);
  CAF_CHECK_EQUAL(api->count("getUpdates"), 5u);
}

CAF_TEST(a refused token stops polling with one error) {
  api->me = {401, R"({"ok":false,"error_code":401,"description":"Unauthorized"})", {}};
  start();
  pass(24h);
  CAF_CHECK_EQUAL(api->methods(), std::vector<std::string>{"getMe"});
  CAF_CHECK_EQUAL(lines_containing("Telegram refuses TELEGRAM_BOT_TOKEN"), 1u);
}

CAF_TEST(failed polls back off and one warning covers the streak) {
  const http_response down{0, {}, "Connection refused"};
  api->polls = {down, down, down, {429, R"({"ok":false,"parameters":{"retry_after":30}})", {}}};
  start();
  std::vector<moment> expected{now()};
  pass(1s);
  expected.push_back(now());
  pass(2s);
  expected.push_back(now());
  pass(4s);
  expected.push_back(now());
  pass(29s);
  CAF_CHECK_EQUAL(api->count("getUpdates"), 4u);
  pass(1s);
  expected.push_back(now());
  std::vector<moment> polled;
  for (const auto& c : api->calls)
    if (c.method == "getUpdates")
      polled.push_back(c.at);
  CAF_CHECK_EQUAL(polled, expected);
  CAF_CHECK_EQUAL(lines_containing("did not answer a command poll"), 1u);
}

CAF_TEST(calibrate goes to accounting and a bad amount gets what to give) {
  start();
  release(
    updates({update(1, 1001, "/calibrate 312.5", now()), update(2, 1001, "/calibrate lots", now()),
             update(3, 1001, "/calibrate", now())}));
  CAF_CHECK_EQUAL(record->calibrations, std::vector<std::uint64_t>{312'500'000'000});
  const auto answers = api->answers();
  CAF_REQUIRE_EQUAL(answers.size(), 3u);
  CAF_CHECK_EQUAL(answers[0], "🎯 Calibrated: 100.00 GB → 312.50 GB. Every notification target "
                              "gets the notice.");
  CAF_CHECK(contains(answers[1], "\"lots\" is not an amount"));
  CAF_CHECK(contains(answers[2], "\"\" is not an amount"));
}

CAF_TEST(before the first cycle there are no figures and nothing to calibrate) {
  record->figures = {};
  start();
  release(updates({update(1, 1001, "/status", now()), update(2, 1001, "/calibrate 5GB", now())}));
  CAF_CHECK(record->calibrations.empty());
  CAF_CHECK_EQUAL(api->answers(), (std::vector<std::string>{
                                    "No figures yet: the first reading is still to come.",
                                    "No figures yet: the first reading is still to come."}));
}

CAF_TEST(an answer that fails is sent once more and a second failure is logged) {
  api->sends = {{502, "<html>", {}}, {502, "<html>", {}}, {502, "<html>", {}}};
  start();
  release(updates({update(1, 1001, "/help", now()), update(2, 1001, "/help", now())}));
  // The first answer twice, both failed; the second answer once more after a failure, then sent.
  CAF_CHECK_EQUAL(api->count("sendMessage"), 4u);
  CAF_CHECK_EQUAL(lines_containing("the answer to update 1 in chat 1001 was not delivered"), 1u);
  CAF_CHECK_EQUAL(lines_containing("the answer to update 2"), 0u);
  CAF_CHECK(api->holding);
}

CAF_TEST(the answers name the address the lookup found) {
  start();
  self->send(subject, public_ip_atom_v, std::string{"198.51.100.4"});
  sched.run();
  release(updates({update(1, 1001, "/status", now())}));
  CAF_REQUIRE_EQUAL(api->answers().size(), 1u);
  CAF_CHECK(contains(api->answers()[0], "Public IPv4: 198.51.100.4"));
}

CAF_TEST_FIXTURE_SCOPE_END()
