#define CAF_SUITE bot_api
#include <caf/test/unit_test.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

#include "actors/commands/bot_api.hpp"

using namespace tmon;
using namespace std::chrono_literals;
using next_step = poll_verdict::next_step;
using verdict = update_decision::verdict;

namespace {

std::optional<bot_command_kind> kind_of(std::string_view text) {
  auto command = parse_command(text, "Quota_Bot");
  if (!command)
    return std::nullopt;
  return command->kind;
}

bot_update message_from(std::string chat_id, std::string text, moment sent_at,
                        std::string username = {}) {
  bot_update update;
  update.update_id = 10;
  update.has_message = true;
  update.chat_id = std::move(chat_id);
  update.chat_username = std::move(username);
  update.sent_at = sent_at;
  update.text = std::move(text);
  return update;
}

message_context english() {
  message_context context;
  context.language = message_language::en;
  context.unit = {"GB", 1000ull * 1000 * 1000};
  context.host_name = "vps-1";
  context.public_ipv4 = "203.0.113.9";
  return context;
}

published_figures some_figures() {
  published_figures f;
  f.usage.cycle = {test::utc(2026, 11, 1), test::utc(2026, 12, 1)};
  f.usage.rx_bytes = 40'000'000'000;
  f.usage.tx_bytes = 250'000'000'000;
  f.usage.counted_bytes = 250'000'000'000;
  f.usage.quota_bytes = 1'000'000'000'000;
  f.outlook.full_days = 7;
  f.outlook.daily_average_bytes = 10'000'000'000;
  f.outlook.projected_bytes = 400'000'000'000;
  f.outlook.daily_budget_bytes = 50'000'000'000;
  f.last_sample_at = test::utc(2026, 11, 16, 8, 30);
  return f;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

} // namespace

CAF_TEST(commands are read with their argument and may name this bot) {
  CAF_CHECK(kind_of("/status") == bot_command_kind::status);
  CAF_CHECK(kind_of("  /report  ") == bot_command_kind::report);
  CAF_CHECK(kind_of("/history") == bot_command_kind::history);
  CAF_CHECK(kind_of("/help") == bot_command_kind::help);
  CAF_CHECK(kind_of("/start") == bot_command_kind::help);
  CAF_CHECK(kind_of("/STATUS") == bot_command_kind::status);
  CAF_CHECK(kind_of("/status@Quota_Bot") == bot_command_kind::status);
  CAF_CHECK(kind_of("/status@quota_bot") == bot_command_kind::status);
  CAF_CHECK(kind_of("/reboot") == bot_command_kind::unknown);
  const auto calibrate = parse_command("/calibrate@Quota_Bot   312.5 GB ", "Quota_Bot");
  CAF_REQUIRE(calibrate);
  CAF_CHECK(calibrate->kind == bot_command_kind::calibrate);
  CAF_CHECK_EQUAL(calibrate->argument, "312.5 GB");
  CAF_CHECK_EQUAL(calibrate->name, "calibrate");
  const auto multi_line = parse_command("/calibrate\n1.2TiB", "Quota_Bot");
  CAF_REQUIRE(multi_line);
  CAF_CHECK_EQUAL(multi_line->argument, "1.2TiB");
  const auto unknown = parse_command("/Reboot now", "Quota_Bot");
  CAF_REQUIRE(unknown);
  CAF_CHECK_EQUAL(unknown->name, "reboot");
}

CAF_TEST(text that is no command or is addressed to another bot is not read) {
  for (auto text : {"", "status", "hello /status", "/", "/ status", "/@Quota_Bot", "/sta-tus",
                    "/status@Other_Bot", "/status@", "/status@Quota_Bot_2",
                    "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}) {
    CAF_MESSAGE("text " << text);
    CAF_CHECK(!parse_command(text, "Quota_Bot"));
  }
}

CAF_TEST(getUpdates replies give the messages in order and skip what they cannot read) {
  const auto reply = R"({"ok":true,"result":[
    {"update_id":7,"message":{"message_id":1,"date":1764547200,
      "chat":{"id":123456,"type":"private","username":"owner"},"text":"/status"}},
    {"update_id":8,"edited_message":{"message_id":1,"date":1764547201,
      "chat":{"id":123456,"type":"private"},"text":"/report"}},
    {"update_id":9,"channel_post":{"message_id":2,"date":1764547202,
      "chat":{"id":-1001234567890,"type":"channel","username":"ops"},"text":"/history"}},
    {"update_id":10,"message":{"message_id":3,"date":1764547203,
      "chat":{"id":123456,"type":"private"},"sticker":{}}},
    {"update_id":"11"},
    {"update_id":12,"message":{"chat":{"id":"x"},"date":1,"text":"/status"}},
    [1,2]
  ]})";
  const auto verdict = judge_poll_reply({200, reply, {}});
  CAF_REQUIRE(verdict.action == next_step::proceed);
  CAF_REQUIRE_EQUAL(verdict.updates.size(), 5u);
  const auto& first = verdict.updates[0];
  CAF_CHECK_EQUAL(first.update_id, 7);
  CAF_CHECK(first.has_message);
  CAF_CHECK_EQUAL(first.chat_id, "123456");
  CAF_CHECK_EQUAL(first.chat_username, "owner");
  CAF_CHECK_EQUAL(first.sent_at, test::at(1764547200));
  CAF_CHECK_EQUAL(first.text, "/status");
  // An edit is confirmed with the others but carries no message to answer.
  CAF_CHECK_EQUAL(verdict.updates[1].update_id, 8);
  CAF_CHECK(!verdict.updates[1].has_message);
  CAF_CHECK_EQUAL(verdict.updates[2].chat_id, "-1001234567890");
  CAF_CHECK_EQUAL(verdict.updates[2].text, "/history");
  CAF_CHECK(verdict.updates[3].has_message);
  CAF_CHECK_EQUAL(verdict.updates[3].text, "");
  CAF_CHECK_EQUAL(verdict.updates[4].update_id, 12);
  CAF_CHECK(!verdict.updates[4].has_message);
  CAF_CHECK_EQUAL(next_offset(0, verdict.updates), 13);
  CAF_CHECK_EQUAL(next_offset(20, verdict.updates), 20);
  CAF_CHECK_EQUAL(next_offset(5, {}), 5);
}

CAF_TEST(only an accepted getUpdates reply without any update is quiet) {
  CAF_CHECK(is_quiet_poll({200, R"({"ok":true,"result":[]})", {}}));
  CAF_CHECK(is_quiet_poll({200, R"({ "result" : [ ], "ok" : true })", {}}));
  // An update the poller cannot read still has to be confirmed: the reply is news.
  CAF_CHECK(!is_quiet_poll({200, R"({"ok":true,"result":[{"poll":{}}]})", {}}));
  CAF_CHECK(!is_quiet_poll({200, R"({"ok":true,"result":[{"update_id":7}]})", {}}));
  for (const http_response& other :
       std::vector<http_response>{{200, R"({"ok":false,"result":[]})", {}},
                                  {200, R"({"ok":true})", {}},
                                  {200, R"({"ok":true,"result":{}})", {}},
                                  {200, R"([])", {}},
                                  {200, "<html>proxy</html>", {}},
                                  {409, R"({"ok":false,"error_code":409})", {}},
                                  {404, R"({"ok":true,"result":[]})", {}},
                                  {0, {}, "Connection refused"}})
    CAF_CHECK(!is_quiet_poll(other));
}

CAF_TEST(getMe gives the bot name) {
  const auto verdict = judge_poll_reply(
    {200, R"({"ok":true,"result":{"id":1,"is_bot":true,"username":"Quota_Bot"}})", {}});
  CAF_CHECK(verdict.action == next_step::proceed);
  CAF_CHECK_EQUAL(verdict.bot_username, "Quota_Bot");
}

CAF_TEST(a conflict a refused token and failures get their own verdicts) {
  const auto conflict = judge_poll_reply(
    {409,
     R"({"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request"})",
     {}});
  CAF_CHECK(conflict.action == next_step::conflict);
  CAF_CHECK(contains(conflict.reason, "terminated by other getUpdates"));
  CAF_CHECK(judge_poll_reply({401, R"({"ok":false})", {}}).action == next_step::unauthorized);
  const auto limited = judge_poll_reply(
    {429, R"({"ok":false,"parameters":{"retry_after":17}})", {}});
  CAF_CHECK(limited.action == next_step::retry);
  CAF_CHECK(limited.retry_after == std::optional<std::chrono::seconds>{17s});
  for (const http_response& failed : std::vector<http_response>{{0, {}, "Connection refused"},
                                                                {502, "<html>", {}},
                                                                {404, "Not Found", {}},
                                                                {200, "<html>proxy</html>", {}},
                                                                {200, R"({"ok":true})", {}}}) {
    CAF_MESSAGE("status " << failed.status << " body " << failed.body);
    CAF_CHECK(judge_poll_reply(failed).action == next_step::retry);
  }
}

CAF_TEST(requests name the method and hold the poll open) {
  CAF_CHECK_EQUAL(bot_method_url("http://127.0.0.1:8081", "1:a", "getMe"),
                  "http://127.0.0.1:8081/bot1:a/getMe");
  const auto first = get_updates_request("https://api.telegram.org", "1:a", 0);
  CAF_CHECK_EQUAL(first.url, "https://api.telegram.org/bot1:a/getUpdates");
  const auto body = nlohmann::json::parse(first.body);
  CAF_CHECK(body.find("offset") == body.end());
  CAF_CHECK_EQUAL(body.at("timeout").get<int>(), 50);
  CAF_CHECK_EQUAL(body.at("allowed_updates").dump(), R"(["message","channel_post"])");
  CAF_CHECK(first.total_timeout > long_poll_hold);
  CAF_CHECK_EQUAL(first.connect_timeout.count(), 0);
  const auto later = nlohmann::json::parse(get_updates_request("b", "t", 42).body);
  CAF_CHECK_EQUAL(later.at("offset").get<std::int64_t>(), 42);
  const auto menu = nlohmann::json::parse(
    set_commands_request("b", "t", message_language::zh).body);
  const auto& commands = menu.at("commands");
  CAF_REQUIRE_EQUAL(commands.size(), 5u);
  CAF_CHECK_EQUAL(commands[0].at("command").get<std::string>(), "status");
  CAF_CHECK(contains(commands[0].at("description").get<std::string>(), "本周期"));
  CAF_CHECK_EQUAL(commands[3].at("command").get<std::string>(), "calibrate");
}

CAF_TEST(only configured chats are answered) {
  const auto now = test::at(1764547200);
  const std::vector<std::string> allowed{"123456", "@Ops_Channel"};
  const auto mine = judge_update(message_from("123456", "/status", now), allowed, "Quota_Bot", now,
                                 true);
  CAF_CHECK(mine.action == verdict::answer);
  CAF_CHECK(mine.command.kind == bot_command_kind::status);
  const auto channel = judge_update(message_from("-1001", "/report", now, "ops_channel"), allowed,
                                    "Quota_Bot", now, true);
  CAF_CHECK(channel.action == verdict::answer);
  CAF_CHECK(
    judge_update(message_from("654321", "/status", now), allowed, "Quota_Bot", now, false).action
    == verdict::foreign_chat);
  // A stranger is named in the log even when the text is no command.
  CAF_CHECK(
    judge_update(message_from("-1001", "hi", now, "other"), allowed, "Quota_Bot", now, false).action
    == verdict::foreign_chat);
  CAF_CHECK(
    judge_update(message_from("123456", "thanks", now), allowed, "Quota_Bot", now, false).action
    == verdict::ignore);
  CAF_CHECK(
    judge_update(message_from("123456", "/status@Other_Bot", now), allowed, "Quota_Bot", now, false)
      .action
    == verdict::ignore);
  bot_update edit;
  edit.update_id = 3;
  CAF_CHECK(judge_update(edit, allowed, "Quota_Bot", now, true).action == verdict::ignore);
}

CAF_TEST(a command that waited while nobody polled is stale after five minutes) {
  const auto now = test::at(1764547200);
  const std::vector<std::string> allowed{"123456"};
  const auto judge = [&](moment sent_at, bool backlog) {
    return judge_update(message_from("123456", "/status", sent_at), allowed, "Quota_Bot", now,
                        backlog)
      .action;
  };
  CAF_CHECK(judge(now - 300s, true) == verdict::answer);
  CAF_CHECK(judge(now - 301s, true) == verdict::stale);
  CAF_CHECK(judge(now - 3600s, true) == verdict::stale);
  // Sent while the monitor was listening: a clock that is wrong does not make it stale.
  CAF_CHECK(judge(now - 3600s, false) == verdict::answer);
  CAF_CHECK(judge(now + 3600s, true) == verdict::answer);
}

CAF_TEST(the history answer shows the last seven days) {
  nlohmann::json history{{"days", nlohmann::json::array()}};
  for (int day = 1; day <= 9; ++day)
    history["days"].push_back({{"date", fmt::format("2026-11-{:02}", day)},
                               {"rx_bytes", day * 1'000'000'000ull},
                               {"tx_bytes", day * 2'000'000'000ull},
                               {"counted_bytes", day * 2'000'000'000ull}});
  const auto days = days_of_history(history.dump());
  CAF_REQUIRE_EQUAL(days.size(), 9u);
  CAF_CHECK_EQUAL(days[8].date, "2026-11-09");
  CAF_CHECK_EQUAL(days[8].counted_bytes, 18'000'000'000u);
  auto figures = some_figures();
  figures.history_json = history.dump();
  bot_command command;
  command.kind = bot_command_kind::history;
  const auto text = answer_for(command, figures, english(), test::utc(2026, 11, 9, 12));
  CAF_CHECK(contains(text, "last 7 days"));
  CAF_CHECK(!contains(text, "2026-11-02"));
  CAF_CHECK(contains(text, "2026-11-03: 6.00 GB (rx 3.00 GB, tx 6.00 GB)"));
  CAF_CHECK(contains(text, "2026-11-09: 18.00 GB (rx 9.00 GB, tx 18.00 GB)"));
  CAF_CHECK(contains(text, "Host: vps-1"));
  CAF_CHECK(days_of_history("{").empty());
  CAF_CHECK(days_of_history(R"({"days":{}})").empty());
  figures.history_json = R"({"days":[]})";
  CAF_CHECK(contains(answer_for(command, figures, english(), test::utc(2026, 11, 9)),
                     "No day of this cycle is recorded yet."));
}

CAF_TEST(status and report are answered from the figures) {
  test::scoped_time_zone utc{"UTC"};
  bot_command status;
  status.kind = bot_command_kind::status;
  const auto now = test::utc(2026, 11, 16, 9);
  auto figures = some_figures();
  const auto text = answer_for(status, figures, english(), now);
  CAF_CHECK(text.rfind("📍 Traffic status\nHost: vps-1\nPublic IPv4: 203.0.113.9\n", 0) == 0);
  CAF_CHECK(contains(text, "Used / quota: 250.00 GB / 1000.00 GB (25.0%)"));
  CAF_CHECK(contains(text, "Left in the quota: 750.00 GB"));
  CAF_CHECK(contains(text, "Projected at cycle end: 400.00 GB (40.0% of the quota), within quota"));
  CAF_CHECK(contains(text, "Last reading: 2026-11-16 08:30"));
  CAF_CHECK(contains(text, "Days left: 15"));
  CAF_CHECK(!contains(text, "Over the traffic limit"));
  figures.limit_reached = true;
  figures.outlook.full_days = 0;
  const auto limited = answer_for(status, figures, english(), now);
  CAF_CHECK(contains(limited, "Over the traffic limit"));
  CAF_CHECK(contains(limited, "Forecast: not enough data yet"));
  bot_command report;
  report.kind = bot_command_kind::report;
  CAF_CHECK(answer_for(report, some_figures(), english(), now).rfind("📊 Traffic report\n", 0) == 0);
  CAF_CHECK_EQUAL(answer_for(report, std::nullopt, english(), now),
                  "No figures yet: the first reading is still to come.");
}

CAF_TEST(help and unknown commands get the list and a bad amount gets what to give) {
  bot_command unknown;
  unknown.kind = bot_command_kind::unknown;
  const auto list = answer_for(unknown, std::nullopt, english(), test::at(0));
  CAF_CHECK(list.rfind("Commands:\n/status – ", 0) == 0);
  for (auto name : {"/report", "/history", "/calibrate", "/help"})
    CAF_CHECK(contains(list, name));
  bot_command calibrate;
  calibrate.kind = bot_command_kind::calibrate;
  calibrate.argument = "lots";
  const auto refused = answer_for(calibrate, some_figures(), english(), test::at(0));
  CAF_CHECK(contains(refused, "\"lots\" is not an amount"));
  CAF_CHECK(contains(refused, "(without a unit: GB)"));
  auto chinese = english();
  chinese.language = message_language::zh;
  CAF_CHECK(answer_for(unknown, std::nullopt, chinese, test::at(0)).rfind("可用命令：", 0) == 0);
}
