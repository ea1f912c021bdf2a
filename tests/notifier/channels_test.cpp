#define CAF_SUITE channels
#include <caf/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

#include "actors/notifier/channels.hpp"
#include "main/notify_urls.hpp"

using namespace tmon;
using next_step = send_verdict::next_step;
using nlohmann::json;

namespace {

constexpr std::uint64_t gib = 1024ull * 1024 * 1024;

delivery_target target_from(const std::string& url) {
  auto parsed = parse_notify_urls(url, "https://api.telegram.org");
  CAF_REQUIRE(parsed);
  CAF_REQUIRE_EQUAL(parsed->size(), 1u);
  return parsed->front();
}

event threshold_event() {
  event e;
  e.id = 42;
  e.kind = event_kind::threshold_crossed;
  e.raised_at = test::at(1764604800);
  e.usage.cycle = {test::at(1764547200), test::at(1767225600)};
  e.usage.counted_bytes = 860 * gib;
  e.usage.quota_bytes = 1000 * gib;
  e.threshold_percent = 80_percent;
  return e;
}

message_context context(message_language language = message_language::en) {
  message_context c;
  c.language = language;
  c.host_name = "vps-tokyo-1";
  c.public_ipv4 = "203.0.113.7";
  return c;
}

outgoing_message alert(message_language language = message_language::en) {
  const auto e = threshold_event();
  return outgoing_message_of(e, context(language), format_message(e, context(language)));
}

json body_of(const http_request& request) {
  return json::parse(request.body);
}

const moment sent_at = test::at(1764604800);

} // namespace

CAF_TEST(a message is split into its title line and body and alerts are urgent) {
  const auto message = alert();
  CAF_CHECK_EQUAL(message.event_id, 42u);
  CAF_CHECK_EQUAL(message.title + "\n" + message.body, message.text);
  CAF_CHECK(message.title.find("Traffic alert") != std::string::npos);
  CAF_CHECK(message.body.find("vps-tokyo-1") != std::string::npos);
  CAF_CHECK(message.urgent);
  auto report = threshold_event();
  report.kind = event_kind::usage_report;
  CAF_CHECK(!outgoing_message_of(report, context(), "Report\nbody").urgent);
}

CAF_TEST(the generic webhook body carries the figures automation acts on) {
  auto payload = json::parse(alert().webhook_json);
  CAF_CHECK_EQUAL(payload.at("event_id").get<std::uint64_t>(), 42u);
  CAF_CHECK_EQUAL(payload.at("kind").get<std::string>(), "threshold");
  CAF_CHECK(payload.at("title").get<std::string>().find("Traffic alert") != std::string::npos);
  CAF_CHECK_EQUAL(payload.at("message").get<std::string>(), alert().text);
  CAF_CHECK_EQUAL(payload.at("host").get<std::string>(), "vps-tokyo-1");
  CAF_CHECK_EQUAL(payload.at("ip").get<std::string>(), "203.0.113.7");
  CAF_CHECK_EQUAL(payload.at("cycle_start").get<std::string>(), "2025-12-01T00:00:00+00:00");
  CAF_CHECK_EQUAL(payload.at("cycle_end").get<std::string>(), "2026-01-01T00:00:00+00:00");
  CAF_CHECK_EQUAL(payload.at("counted_bytes").get<std::uint64_t>(), 860 * gib);
  CAF_CHECK_EQUAL(payload.at("quota_bytes").get<std::uint64_t>(), 1000 * gib);
  CAF_CHECK_EQUAL(payload.at("percent").dump(), "86.0");
  CAF_CHECK_EQUAL(payload.at("threshold_percent").dump(), "80.0");
  // No address yet, no threshold for a report.
  auto report = threshold_event();
  report.kind = event_kind::usage_report;
  report.usage.counted_bytes = 573 * gib; // 57.3 %
  auto unknown_ip = context();
  unknown_ip.public_ipv4.clear();
  auto quiet = json::parse(webhook_payload(report, unknown_ip, "Traffic report\nx"));
  CAF_CHECK_EQUAL(quiet.at("kind").get<std::string>(), "report");
  CAF_CHECK(quiet.at("ip").is_null());
  CAF_CHECK(quiet.at("threshold_percent").is_null());
  CAF_CHECK_EQUAL(quiet.at("percent").dump(), "57.3");
}

CAF_TEST(every event kind has a webhook kind of its own) {
  std::set<std::string> kinds;
  for (auto kind :
       {event_kind::monitor_started, event_kind::threshold_crossed, event_kind::cycle_closed,
        event_kind::usage_report, event_kind::state_file_reset, event_kind::cycle_changed,
        event_kind::usage_calibrated, event_kind::forecast_exceeded, event_kind::limit_reached,
        event_kind::limit_lifted}) {
    auto e = threshold_event();
    e.kind = kind;
    kinds.insert(json::parse(webhook_payload(e, context(), "t")).at("kind").get<std::string>());
  }
  CAF_CHECK_EQUAL(kinds.size(), 10u);
  CAF_CHECK(kinds.count("limit_reached") == 1 && kinds.count("calibrated") == 1
            && kinds.count("started") == 1 && kinds.count("forecast") == 1);
}

CAF_TEST(wecom gets a text message at its webhook) {
  auto request = delivery_request(target_from("wecombot://wecomkey123"), alert(), sent_at);
  CAF_CHECK_EQUAL(request.method, "POST");
  CAF_CHECK_EQUAL(request.url, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecomkey123");
  CAF_CHECK_EQUAL(request.content_type, "application/json");
  auto body = body_of(request);
  CAF_CHECK_EQUAL(body.at("msgtype").get<std::string>(), "text");
  CAF_CHECK_EQUAL(body.at("text").at("content").get<std::string>(), alert().text);
}

CAF_TEST(dingtalk signs with the timestamp and secret as its documentation says) {
  const std::string secret = "SECd0b1c2a3e4f5061728394a5b6c7d8e9f00112233445566778899aabbccddeeff";
  // Computed independently (Python's hmac) from DingTalk's description of the algorithm.
  CAF_CHECK_EQUAL(dingtalk_signature(secret, 1764604800000),
                  "Hc1X3Y4fvACA0iZMCV4kUCd8O0QdPMjEOq7ygmcp27c=");
  auto request = delivery_request(target_from("dingtalk://" + secret + "@dtoken123"), alert(),
                                  test::at(1764604800));
  CAF_CHECK_EQUAL(request.url, "https://oapi.dingtalk.com/robot/send?access_token=dtoken123"
                               "&timestamp=1764604800000"
                               "&sign=Hc1X3Y4fvACA0iZMCV4kUCd8O0QdPMjEOq7ygmcp27c%3D");
  auto body = body_of(request);
  CAF_CHECK_EQUAL(body.at("msgtype").get<std::string>(), "text");
  CAF_CHECK_EQUAL(body.at("text").at("content").get<std::string>(), alert().text);
  // Unsigned: no timestamp, no sign.
  CAF_CHECK_EQUAL(delivery_request(target_from("dingtalk://dtoken123"), alert(), sent_at).url,
                  "https://oapi.dingtalk.com/robot/send?access_token=dtoken123");
}

CAF_TEST(feishu gets a titled post and signs in the body as its documentation says) {
  // Computed independently (Python's hmac): the key is "<timestamp>\n<secret>", the message
  // empty.
  CAF_CHECK_EQUAL(feishu_signature("feishusecret01", 1764604800),
                  "3XFXEUeuqP+uphCY2lkCo0C9eRfjG37QuBPpZ5Goc7I=");
  auto request = delivery_request(target_from("feishu://ftoken123?secret=feishusecret01"),
                                  alert(message_language::zh), test::at(1764604800));
  CAF_CHECK_EQUAL(request.url, "https://open.feishu.cn/open-apis/bot/v2/hook/ftoken123");
  auto body = body_of(request);
  CAF_CHECK_EQUAL(body.at("timestamp").get<std::string>(), "1764604800");
  CAF_CHECK_EQUAL(body.at("sign").get<std::string>(),
                  "3XFXEUeuqP+uphCY2lkCo0C9eRfjG37QuBPpZ5Goc7I=");
  CAF_CHECK_EQUAL(body.at("msg_type").get<std::string>(), "post");
  const auto& post = body.at("content").at("post").at("zh_cn");
  CAF_CHECK_EQUAL(post.at("title").get<std::string>(), alert(message_language::zh).title);
  std::string lines;
  for (const auto& paragraph : post.at("content"))
    lines += paragraph.at(0).at("text").get<std::string>() + "\n";
  CAF_CHECK_EQUAL(lines, alert(message_language::zh).body + "\n");
  auto lark = delivery_request(target_from("lark://ltoken123"), alert(), sent_at);
  CAF_CHECK_EQUAL(lark.url, "https://open.larksuite.com/open-apis/bot/v2/hook/ltoken123");
  CAF_CHECK(!body_of(lark).contains("sign"));
  CAF_CHECK(body_of(lark).at("content").at("post").contains("en_us"));
}

CAF_TEST(bark gets the title and body and alerts are time sensitive) {
  auto request = delivery_request(target_from("bark://127.0.0.1:8090/devicekey1"), alert(),
                                  sent_at);
  CAF_CHECK_EQUAL(request.url, "http://127.0.0.1:8090/push");
  auto body = body_of(request);
  CAF_CHECK_EQUAL(body.at("device_key").get<std::string>(), "devicekey1");
  CAF_CHECK_EQUAL(body.at("title").get<std::string>(), alert().title);
  CAF_CHECK_EQUAL(body.at("body").get<std::string>(), alert().body);
  CAF_CHECK_EQUAL(body.at("level").get<std::string>(), "timeSensitive");
  CAF_CHECK_EQUAL(delivery_request(target_from("https://api.day.app/devicekey1"), alert(), sent_at)
                    .url,
                  "https://api.day.app/push");
  CAF_CHECK_EQUAL(
    delivery_request(target_from("barks://bark.example.com/base/devicekey1"), alert(), sent_at).url,
    "https://bark.example.com/base/push");
}

CAF_TEST(ntfy gets the body with the title and priority in headers) {
  auto request = delivery_request(target_from("ntfy://127.0.0.1:8091/alerts"), alert(), sent_at);
  CAF_CHECK_EQUAL(request.url, "http://127.0.0.1:8091/alerts");
  CAF_CHECK_EQUAL(request.content_type, "text/plain; charset=utf-8");
  CAF_CHECK_EQUAL(request.body, alert().body);
  // RFC 2047 keeps the header ASCII whatever the language.
  auto zh = delivery_request(target_from("ntfy://alerts"), alert(message_language::zh), sent_at);
  CAF_CHECK_EQUAL(zh.url, "https://ntfy.sh/alerts");
  CAF_REQUIRE_EQUAL(zh.headers.size(), 3u);
  CAF_CHECK_EQUAL(zh.headers[0].rfind("Title: =?UTF-8?B?", 0), 0u);
  CAF_CHECK_EQUAL(zh.headers[1], "Priority: high");
  auto report = threshold_event();
  report.kind = event_kind::usage_report;
  auto calm = outgoing_message_of(report, context(), "Report\nbody");
  const auto calm_headers =
    delivery_request(target_from("ntfys://ntfy.example.com/alerts"), calm, sent_at).headers;
  CAF_REQUIRE_EQUAL(calm_headers.size(), 3u);
  CAF_CHECK_EQUAL(calm_headers[1], "Priority: default");
  CAF_CHECK_EQUAL(delivery_request(target_from("ntfys://user:pa55word@ntfy.example.com/alerts"),
                                   calm, sent_at)
                    .url,
                  "https://user:pa55word@ntfy.example.com/alerts");
}

CAF_TEST(discord slack pushplus and serverchan get their own bodies) {
  auto discord = delivery_request(target_from("discord://1234/dtoken-abc"), alert(), sent_at);
  CAF_CHECK_EQUAL(discord.url, "https://discord.com/api/webhooks/1234/dtoken-abc?wait=true");
  CAF_CHECK_EQUAL(body_of(discord).at("content").get<std::string>(), alert().text);
  auto slack = delivery_request(target_from("slack://T000/B000/XXXX1234"), alert(), sent_at);
  CAF_CHECK_EQUAL(slack.url, "https://hooks.slack.com/services/T000/B000/XXXX1234");
  CAF_CHECK_EQUAL(body_of(slack).at("text").get<std::string>(), alert().text);
  auto pushplus = delivery_request(target_from("pushplus://pptoken123"), alert(), sent_at);
  CAF_CHECK_EQUAL(pushplus.url, "https://www.pushplus.plus/send");
  CAF_CHECK_EQUAL(body_of(pushplus).at("token").get<std::string>(), "pptoken123");
  CAF_CHECK_EQUAL(body_of(pushplus).at("template").get<std::string>(), "txt");
  CAF_CHECK_EQUAL(body_of(pushplus).at("content").get<std::string>(), alert().body);
  auto turbo = delivery_request(target_from("schan://SCT123abc"), alert(), sent_at);
  CAF_CHECK_EQUAL(turbo.url, "https://sctapi.ftqq.com/SCT123abc.send");
  CAF_CHECK_EQUAL(body_of(turbo).at("title").get<std::string>(), alert().title);
  CAF_CHECK_EQUAL(body_of(turbo).at("desp").get<std::string>(), alert().body);
  CAF_CHECK_EQUAL(delivery_request(target_from("schan://sctp4321tKEYabc"), alert(), sent_at).url,
                  "https://4321.push.ft07.com/send/sctp4321tKEYabc.send");
}

CAF_TEST(the generic webhook gets the JSON payload) {
  auto request = delivery_request(target_from("json://127.0.0.1:9000/hooks/traffic?x=1"), alert(),
                                  sent_at);
  CAF_CHECK_EQUAL(request.url, "http://127.0.0.1:9000/hooks/traffic?x=1");
  CAF_CHECK_EQUAL(request.body, alert().webhook_json);
  CAF_CHECK_EQUAL(
    delivery_request(target_from("https://n8n.example.com/webhook/abc"), alert(), sent_at).url,
    "https://n8n.example.com/webhook/abc");
}

CAF_TEST(an e - mail is submitted over SMTP with a UTF - 8 subject and a base64 body) {
  auto target = target_from("mailto://me%40example.com:pa55word@smtp.example.com?to=a@b.cn,c@d.cn");
  auto request = delivery_request(target, alert(message_language::zh), sent_at);
  CAF_CHECK_EQUAL(request.method, "MAIL");
  CAF_CHECK_EQUAL(request.url, "smtp://smtp.example.com:587");
  CAF_CHECK_EQUAL(request.user, "me@example.com");
  CAF_CHECK_EQUAL(request.password, "pa55word");
  CAF_CHECK_EQUAL(request.mail_from, "me@example.com");
  CAF_CHECK_EQUAL(request.mail_to, (std::vector<std::string>{"a@b.cn", "c@d.cn"}));
  CAF_CHECK(request.require_tls);
  const auto& mail = request.body;
  CAF_CHECK(mail.find("Date: Mon, 01 Dec 2025 16:00:00 +0000\r\n") != std::string::npos);
  CAF_CHECK(mail.find("From: traffic-monitor <me@example.com>\r\n") != std::string::npos);
  CAF_CHECK(mail.find("To: <a@b.cn>, <c@d.cn>\r\n") != std::string::npos);
  CAF_CHECK(mail.find("Subject: =?UTF-8?B?") != std::string::npos);
  CAF_CHECK(mail.find("Content-Transfer-Encoding: base64\r\n\r\n") != std::string::npos);
  CAF_CHECK(mail.find("Message-ID: <traffic-monitor.42.") != std::string::npos);
  // No line longer than SMTP allows, and the same message for every attempt.
  for (std::size_t start = 0, end; (end = mail.find("\r\n", start)) != std::string::npos;
       start = end + 2)
    CAF_CHECK_LESS_OR_EQUAL(end - start, 998u);
  CAF_CHECK_EQUAL(delivery_request(target, alert(message_language::zh), sent_at).body, mail);
  auto implicit = target_from("mailtos://mailer:pa55word@smtp.example.com?to=a@b.cn&from=x@y.cn");
  auto tls = delivery_request(implicit, alert(), sent_at);
  CAF_CHECK_EQUAL(tls.url, "smtps://smtp.example.com:465");
  CAF_CHECK_EQUAL(tls.mail_from, "x@y.cn");
  // A relay on this host may go without TLS.
  CAF_CHECK(!target_from("mailto://127.0.0.1:2525?to=a@b.cn&from=m@h.cn").require_tls);
}

CAF_TEST(replies of wecom and dingtalk are judged by errcode) {
  for (auto kind : {channel::wecom, channel::dingtalk}) {
    CAF_CHECK(judge_delivery_reply(kind, {200, R"({"errcode":0,"errmsg":"ok"})", {}}).action
              == next_step::delivered);
    CAF_CHECK(judge_delivery_reply(kind, {200, R"({"errcode":-1,"errmsg":"busy"})", {}}).action
              == next_step::retry);
    CAF_CHECK(judge_delivery_reply(kind, {200, "<html>proxy</html>", {}}).action
              == next_step::retry);
    CAF_CHECK(judge_delivery_reply(kind, {502, "", {}}).action == next_step::retry);
    CAF_CHECK(judge_delivery_reply(kind, {0, "", "Connection refused"}).action == next_step::retry);
  }
  CAF_CHECK(judge_delivery_reply(channel::wecom,
                                 {200, R"({"errcode":45009,"errmsg":"api freq out of limit"})", {}})
              .action
            == next_step::retry);
  auto wrong_key = judge_delivery_reply(channel::wecom,
                                        {200,
                                         R"({"errcode":93000,"errmsg":"invalid webhook url"})",
                                         {}});
  CAF_CHECK(wrong_key.action == next_step::drop);
  CAF_CHECK(wrong_key.reason.find("93000") != std::string::npos);
  CAF_CHECK(wrong_key.reason.find("invalid webhook url") != std::string::npos);
  CAF_CHECK(judge_delivery_reply(channel::dingtalk,
                                 {200, R"({"errcode":130101,"errmsg":"send too fast"})", {}})
              .action
            == next_step::retry);
  for (auto refused : {310000, 300001, 300005, 400013})
    CAF_CHECK(judge_delivery_reply(channel::dingtalk,
                                   {200, json{{"errcode", refused}, {"errmsg", "x"}}.dump(), {}})
                .action
              == next_step::drop);
}

CAF_TEST(replies of feishu are judged by code or the older StatusCode) {
  CAF_CHECK(
    judge_delivery_reply(channel::feishu, {200, R"({"code":0,"msg":"success","data":{}})", {}})
      .action
    == next_step::delivered);
  CAF_CHECK(judge_delivery_reply(channel::feishu,
                                 {200, R"({"StatusCode":0,"StatusMessage":"success"})", {}})
              .action
            == next_step::delivered);
  CAF_CHECK(
    judge_delivery_reply(channel::feishu, {200, R"({"code":11232,"msg":"frequency limited"})", {}})
      .action
    == next_step::retry);
  for (auto refused : {19001, 19021, 19022, 19024, 9499})
    CAF_CHECK(judge_delivery_reply(channel::feishu,
                                   {200,
                                    json{{"code", refused}, {"msg", "x"}, {"StatusCode", 0}}.dump(),
                                    {}})
                .action
              == next_step::drop);
}

CAF_TEST(replies of bark pushplus and serverchan are judged by their codes) {
  CAF_CHECK(
    judge_delivery_reply(channel::bark, {200, R"({"code":200,"message":"success"})", {}}).action
    == next_step::delivered);
  CAF_CHECK(
    judge_delivery_reply(channel::bark,
                         {400, R"({"code":400,"message":"failed to get device token"})", {}})
      .action
    == next_step::drop);
  CAF_CHECK(
    judge_delivery_reply(channel::bark, {500, R"({"code":500,"message":"push failed"})", {}}).action
    == next_step::retry);
  // A self-hosted server behind a proxy that is being redeployed.
  CAF_CHECK(judge_delivery_reply(channel::bark, {404, "404 page not found", {}}).action
            == next_step::retry_later);
  CAF_CHECK(judge_delivery_reply(channel::pushplus, {200, R"({"code":200,"msg":"ok"})", {}}).action
            == next_step::delivered);
  CAF_CHECK(
    judge_delivery_reply(channel::pushplus, {200, R"({"code":500,"msg":"error"})", {}}).action
    == next_step::retry);
  for (auto refused : {903, 900, 999})
    CAF_CHECK(
      judge_delivery_reply(channel::pushplus, {200, json{{"code", refused}}.dump(), {}}).action
      == next_step::drop);
  CAF_CHECK(
    judge_delivery_reply(channel::serverchan, {200, R"({"code":0,"message":""})", {}}).action
    == next_step::delivered);
  CAF_CHECK(
    judge_delivery_reply(channel::serverchan, {200, R"({"code":40001,"message":"bad key"})", {}})
      .action
    == next_step::drop);
}

CAF_TEST(replies of discord slack ntfy and webhooks are judged by the HTTP status) {
  for (auto kind : {channel::discord, channel::slack, channel::ntfy, channel::json_webhook}) {
    CAF_CHECK(judge_delivery_reply(kind, {204, "", {}}).action == next_step::delivered);
    CAF_CHECK(judge_delivery_reply(kind, {200, "ok", {}}).action == next_step::delivered);
    CAF_CHECK(judge_delivery_reply(kind, {429, "", {}}).action == next_step::retry);
    CAF_CHECK(judge_delivery_reply(kind, {503, "", {}}).action == next_step::retry);
    CAF_CHECK(judge_delivery_reply(kind, {408, "", {}}).action == next_step::retry);
    CAF_CHECK(judge_delivery_reply(kind, {0, "", "timeout"}).action == next_step::retry);
    CAF_CHECK(judge_delivery_reply(kind, {400, "bad", {}}).action == next_step::drop);
    CAF_CHECK(judge_delivery_reply(kind, {403, "", {}}).action == next_step::drop);
  }
  // A deleted Discord webhook or Slack channel is gone; a 404 before a webhook of the user's
  // own may be a proxy being redeployed.
  CAF_CHECK(judge_delivery_reply(channel::discord, {404, R"({"code":10015})", {}}).action
            == next_step::drop);
  CAF_CHECK(judge_delivery_reply(channel::slack, {410, "channel_is_archived", {}}).action
            == next_step::drop);
  CAF_CHECK(judge_delivery_reply(channel::json_webhook, {404, "", {}}).action
            == next_step::retry_later);
  CAF_CHECK(judge_delivery_reply(channel::ntfy, {404, "", {}}).action == next_step::retry_later);
  auto discord_wait = judge_delivery_reply(channel::discord,
                                           {429, R"({"retry_after":2.5,"global":false})", {}});
  CAF_REQUIRE(discord_wait.retry_after.has_value());
  CAF_CHECK_EQUAL(discord_wait.retry_after->count(), 3);
}

CAF_TEST(replies of an smtp server are judged by its code) {
  CAF_CHECK(judge_delivery_reply(channel::email, {250, "", {}}).action == next_step::delivered);
  CAF_CHECK(judge_delivery_reply(channel::email, {0, "", "Couldn't connect"}).action
            == next_step::retry);
  CAF_CHECK(judge_delivery_reply(channel::email, {421, "", "try later"}).action
            == next_step::retry);
  auto login = judge_delivery_reply(channel::email, {535, "", "Login denied"});
  CAF_CHECK(login.action == next_step::drop);
  CAF_CHECK(login.reason.find("535") != std::string::npos);
  CAF_CHECK(judge_delivery_reply(channel::email, {550, "", "no such user"}).action
            == next_step::drop);
  // A reply code of success with a failure is no delivery.
  CAF_CHECK(judge_delivery_reply(channel::email, {250, "", "upload failed"}).action
            == next_step::retry);
}

CAF_TEST(a reply quoting a secret is logged without it) {
  auto bark = target_from("bark://127.0.0.1/devicekey1");
  CAF_CHECK_EQUAL(without_secrets(bark, "failed to get [devicekey1] device token"),
                  "failed to get [***] device token");
  // Short secrets are masked only inside their URL.
  auto short_key = target_from("wecombot://k1");
  CAF_CHECK_EQUAL(without_secrets(short_key, "k1 k1"), "k1 k1");
}

CAF_TEST(a refusal names the entry to check) {
  auto wecom = target_from("wecombot://wecomkey123");
  CAF_CHECK_EQUAL(hint_for_refusal(wecom, 200),
                  "check the WeCom entry wecombot://*** of NOTIFY_URLS");
  auto chat = telegram_chat_target("https://api.telegram.org/bot1:x/sendMessage", "1:x", "-1001");
  CAF_CHECK(hint_for_refusal(chat, 401).find("TELEGRAM_BOT_TOKEN") != std::string::npos);
}

CAF_TEST(nothing throws whatever a reply holds) {
  for (auto kind : {channel::telegram, channel::wecom, channel::dingtalk, channel::feishu,
                    channel::bark, channel::ntfy, channel::discord, channel::slack,
                    channel::pushplus, channel::serverchan, channel::email, channel::json_webhook})
    for (const auto& body :
         {std::string{}, std::string{"\xff\xfe"}, std::string{"[1,2]"},
          std::string{R"({"errcode":"0","code":1e999,"retry_after":-1})"}, std::string(300, '{')})
      for (long status : {0L, 200L, 404L, 429L, 500L})
        CAF_CHECK(!judge_delivery_reply(kind, {status, body, {}}).reason.empty());
}
