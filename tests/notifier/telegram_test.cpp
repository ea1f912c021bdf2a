#define CAF_SUITE telegram
#include <caf/test/unit_test.hpp>

#include <deque>

#include <nlohmann/json.hpp>

#include "actors/notifier/telegram.hpp"

using namespace tmon;
using namespace std::chrono_literals;
using next_step = send_verdict::next_step;

CAF_TEST(the request names the bot and carries the chat and the plain text) {
  CAF_CHECK_EQUAL(send_message_url("https://api.telegram.org", "123:abc"),
                  "https://api.telegram.org/bot123:abc/sendMessage");
  auto numeric = nlohmann::json::parse(send_message_body("-1001234567890", "用量 80%\n<b>&"));
  CAF_CHECK(numeric.at("chat_id").is_number_integer());
  CAF_CHECK_EQUAL(numeric.at("chat_id").get<std::int64_t>(), -1001234567890);
  CAF_CHECK_EQUAL(numeric.at("text").get<std::string>(), "用量 80%\n<b>&");
  CAF_CHECK_EQUAL(numeric.at("disable_web_page_preview").get<bool>(), true);
  CAF_CHECK(numeric.find("parse_mode") == numeric.end());
  auto channel = nlohmann::json::parse(send_message_body("@ops_channel", "x"));
  CAF_CHECK_EQUAL(channel.at("chat_id").get<std::string>(), "@ops_channel");
  // A broken byte in a host name must not cost the message.
  auto broken = nlohmann::json::parse(send_message_body("1", std::string{"host \xff"}));
  CAF_CHECK_EQUAL(broken.at("text").get<std::string>(), "host \xef\xbf\xbd");
}

CAF_TEST(an accepted message is delivered) {
  auto verdict = judge_send_reply({200, R"({"ok":true,"result":{"message_id":5}})", {}});
  CAF_CHECK(verdict.action == next_step::delivered);
}

CAF_TEST(a 2xx without a readable ok answer is retried) {
  for (auto body :
       {"", "<html>proxy</html>", R"({"ok":false})", R"({"ok":"true"})", "[1]", R"({"ok":tru)"}) {
    CAF_MESSAGE("body " << body);
    CAF_CHECK(judge_send_reply({200, body, {}}).action == next_step::retry);
  }
}

CAF_TEST(no response and 5xx and 429 are retried) {
  auto none = judge_send_reply({0, {}, "Could not connect to server"});
  CAF_CHECK(none.action == next_step::retry);
  CAF_CHECK_EQUAL(none.reason, "Could not connect to server");
  auto bad_gateway = judge_send_reply({502, "<html>Bad Gateway</html>", {}});
  CAF_CHECK(bad_gateway.action == next_step::retry);
  CAF_CHECK_EQUAL(bad_gateway.reason, "HTTP 502");
  auto limited = judge_send_reply(
    {429,
     R"({"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}})",
     {}});
  CAF_CHECK(limited.action == next_step::retry);
  CAF_REQUIRE(limited.retry_after.has_value());
  CAF_CHECK_EQUAL(*limited.retry_after, 7s);
  CAF_CHECK_EQUAL(limited.reason, "HTTP 429: Too Many Requests: retry after 7");
}

CAF_TEST(odd retry_after values are bounded or ignored) {
  auto huge = judge_send_reply({429, R"({"parameters":{"retry_after":99999999}})", {}});
  CAF_CHECK_EQUAL(huge.retry_after.value_or(0s), 86400s);
  auto negative = judge_send_reply({429, R"({"parameters":{"retry_after":-5}})", {}});
  CAF_CHECK(!negative.retry_after.has_value());
  auto text = judge_send_reply({429, R"({"parameters":{"retry_after":"5"}})", {}});
  CAF_CHECK(!text.retry_after.has_value());
  auto garbage = judge_send_reply({429, "slow down", {}});
  CAF_CHECK(garbage.action == next_step::retry);
  CAF_CHECK(!garbage.retry_after.has_value());
}

CAF_TEST(a 408 is retried like a server error) {
  auto verdict = judge_send_reply({408, "<html>Request Timeout</html>", {}});
  CAF_CHECK(verdict.action == next_step::retry);
  CAF_CHECK_EQUAL(verdict.reason, "HTTP 408");
}

CAF_TEST(a 401 or 404 keeps the message and tries again after ten minutes) {
  // A wrong token or API base, or a proxy being redeployed: every message would meet the
  // same answer, so none is dropped until the address works again.
  for (long status : {401L, 404L}) {
    auto verdict = judge_send_reply({status, R"({"ok":false,"description":"Not Found"})", {}});
    CAF_CHECK(verdict.action == next_step::retry_later);
    CAF_CHECK_EQUAL(verdict.reason, "HTTP " + std::to_string(status) + ": Not Found");
  }
  CAF_CHECK_EQUAL(configuration_retry_delay, 600s);
}

CAF_TEST(client errors of one chat drop the message with the description Telegram gave) {
  for (long status : {400L, 403L, 413L}) {
    auto verdict = judge_send_reply(
      {status, R"({"ok":false,"description":"Bad Request: chat not found"})", {}});
    CAF_CHECK(verdict.action == next_step::drop);
    CAF_CHECK_EQUAL(verdict.reason,
                    "HTTP " + std::to_string(status) + ": Bad Request: chat not found");
  }
}

CAF_TEST(each refusal points at the setting that is probably wrong) {
  CAF_CHECK(hint_for_rejection(401).find("TELEGRAM_BOT_TOKEN") != std::string::npos);
  CAF_CHECK(hint_for_rejection(400).find("TELEGRAM_CHAT_ID") != std::string::npos);
  CAF_CHECK(hint_for_rejection(403).find("/start") != std::string::npos);
  CAF_CHECK(hint_for_rejection(404).find("TELEGRAM_API_BASE") != std::string::npos);
  CAF_CHECK(hint_for_rejection(418).find("TELEGRAM_API_BASE") != std::string::npos);
}

CAF_TEST(back - off doubles from one second and is capped at five minutes) {
  std::vector<long long> delays;
  for (int attempt = 1; attempt <= 12; ++attempt)
    delays.push_back(backoff_delay(attempt, 0.0).count());
  CAF_CHECK_EQUAL(delays, (std::vector<long long>{1000, 2000, 4000, 8000, 16000, 32000, 64000,
                                                  128000, 256000, 300000, 300000, 300000}));
  CAF_CHECK_EQUAL(backoff_delay(1, 0.5).count(), 1100);
  CAF_CHECK_EQUAL(backoff_delay(3, 0.999).count(), 4799);
  CAF_CHECK_EQUAL(backoff_delay(9, 0.99).count(), 300000);
  CAF_CHECK_EQUAL(backoff_delay(0, 0.0).count(), 1000);
  CAF_CHECK_EQUAL(backoff_delay(1'000'000, 0.0).count(), 300000);
  CAF_CHECK_EQUAL(backoff_delay(2, 7.0).count(), 2400);
}

// -- pacing -------------------------------------------------------------------------------

namespace {

using steady = std::chrono::steady_clock;
const steady::time_point t0{std::chrono::hours{1}};

} // namespace

CAF_TEST(group chats are the negative ids and the channel names) {
  CAF_CHECK(is_group_chat("-1001234567890"));
  CAF_CHECK(is_group_chat("-42"));
  CAF_CHECK(is_group_chat("@ops_channel"));
  CAF_CHECK(!is_group_chat("123456789"));
}

CAF_TEST(a chat gets at most one message a second) {
  CAF_CHECK(next_send_time({}, false) == steady::time_point::min());
  CAF_CHECK(next_send_time({t0}, false) == t0 + 1s);
  CAF_CHECK(next_send_time({t0, t0 + 5s}, false) == t0 + 6s);
  CAF_CHECK(next_send_time({t0}, true) == t0 + 1s);
}

CAF_TEST(a group gets at most twenty messages a minute) {
  std::deque<steady::time_point> sends;
  for (int i = 0; i < 19; ++i)
    sends.push_back(t0 + std::chrono::seconds{i});
  CAF_CHECK(next_send_time(sends, true) == t0 + 19s);
  sends.push_back(t0 + 19s);
  // The twenty-first waits until the first of the twenty is a minute old.
  CAF_CHECK(next_send_time(sends, true) == t0 + 60s);
  CAF_CHECK(next_send_time(sends, false) == t0 + 20s);
  // Older sends than the last twenty do not matter.
  sends.push_front(t0 - 1s);
  CAF_CHECK(next_send_time(sends, true) == t0 + 60s);
}
