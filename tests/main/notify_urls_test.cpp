#define CAF_SUITE notify_urls
#include <caf/test/unit_test.hpp>

#include "main/notify_urls.hpp"

using namespace tmon;

namespace {

const std::string api_base = "https://api.telegram.org";

struct expected_form {
  std::string url;
  channel kind;
  std::string shown;
  std::string endpoint;
  // A secret of the URL that must appear in neither shown nor id, and that masking covers.
  std::string secret;
};

outcome<std::vector<delivery_target>> parse(const std::string& list) {
  return parse_notify_urls(list, api_base);
}

std::string refusal_of(const std::string& list) {
  auto parsed = parse(list);
  CAF_CHECK(!parsed);
  return parsed ? std::string{} : parsed.error;
}

} // namespace

CAF_TEST(every documented form is read into its target) {
  const std::vector<expected_form> forms{
    {"tgram://123456:ABCdefghij/-1001234", channel::telegram, "tgram://123456:***/-1001234",
     "https://api.telegram.org/bot123456:ABCdefghij/sendMessage", "ABCdefghij"},
    {"wecombot://wecomkey123", channel::wecom, "wecombot://***",
     "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecomkey123", "wecomkey123"},
    {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecomkey123", channel::wecom,
     "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***",
     "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=wecomkey123", "wecomkey123"},
    {"dingtalk://dtoken123456", channel::dingtalk, "dingtalk://***",
     "https://oapi.dingtalk.com/robot/send?access_token=dtoken123456", "dtoken123456"},
    {"dingtalk://SECsecret99@dtoken123456", channel::dingtalk, "dingtalk://***@***",
     "https://oapi.dingtalk.com/robot/send?access_token=dtoken123456", "SECsecret99"},
    {"https://oapi.dingtalk.com/robot/send?access_token=dtoken123456&secret=SECsecret99",
     channel::dingtalk, "https://oapi.dingtalk.com/robot/send?access_token=***&secret=***",
     "https://oapi.dingtalk.com/robot/send?access_token=dtoken123456", "SECsecret99"},
    {"feishu://ftoken123456", channel::feishu, "feishu://***",
     "https://open.feishu.cn/open-apis/bot/v2/hook/ftoken123456", "ftoken123456"},
    {"lark://ltoken123456?secret=lsecret99", channel::feishu, "lark://***?secret=***",
     "https://open.larksuite.com/open-apis/bot/v2/hook/ltoken123456", "lsecret99"},
    {"https://open.feishu.cn/open-apis/bot/v2/hook/ftoken123456", channel::feishu,
     "https://open.feishu.cn/open-apis/bot/v2/hook/***",
     "https://open.feishu.cn/open-apis/bot/v2/hook/ftoken123456", "ftoken123456"},
    {"https://open.larksuite.com/open-apis/bot/v2/hook/ltoken123456", channel::feishu,
     "https://open.larksuite.com/open-apis/bot/v2/hook/***",
     "https://open.larksuite.com/open-apis/bot/v2/hook/ltoken123456", "ltoken123456"},
    {"bark://bark.example.com:8080/devicekey1", channel::bark, "bark://bark.example.com:8080/***",
     "http://bark.example.com:8080", "devicekey1"},
    {"barks://bark.example.com/devicekey1", channel::bark, "barks://bark.example.com/***",
     "https://bark.example.com", "devicekey1"},
    {"https://api.day.app/devicekey1", channel::bark, "https://api.day.app/***",
     "https://api.day.app", "devicekey1"},
    {"ntfy://mytopic123", channel::ntfy, "ntfy://***", "https://ntfy.sh/mytopic123", "mytopic123"},
    {"ntfy://127.0.0.1:8091/mytopic123", channel::ntfy, "ntfy://127.0.0.1:8091/***",
     "http://127.0.0.1:8091/mytopic123", "mytopic123"},
    {"ntfys://ntfy.example.com/mytopic123", channel::ntfy, "ntfys://ntfy.example.com/***",
     "https://ntfy.example.com/mytopic123", "mytopic123"},
    {"ntfys://tk_token123@ntfy.example.com/mytopic123", channel::ntfy,
     "ntfys://***@ntfy.example.com/***", "https://tk_token123@ntfy.example.com/mytopic123",
     "tk_token123"},
    {"discord://123456/dtoken-abcdef", channel::discord, "discord://***",
     "https://discord.com/api/webhooks/123456/dtoken-abcdef", "dtoken-abcdef"},
    {"https://discord.com/api/webhooks/123456/dtoken-abcdef", channel::discord,
     "https://discord.com/api/webhooks/***",
     "https://discord.com/api/webhooks/123456/dtoken-abcdef", "dtoken-abcdef"},
    {"slack://T000/B000/XXXX1234", channel::slack, "slack://***",
     "https://hooks.slack.com/services/T000/B000/XXXX1234", "XXXX1234"},
    {"https://hooks.slack.com/services/T000/B000/XXXX1234", channel::slack,
     "https://hooks.slack.com/services/***", "https://hooks.slack.com/services/T000/B000/XXXX1234",
     "XXXX1234"},
    {"pushplus://pptoken123", channel::pushplus, "pushplus://***", "https://www.pushplus.plus/send",
     "pptoken123"},
    {"schan://SCTsendkey1", channel::serverchan, "schan://***",
     "https://sctapi.ftqq.com/SCTsendkey1.send", "SCTsendkey1"},
    {"mailto://me%40example.com:pa55word@smtp.example.com?to=a@b.cn,c@d.cn", channel::email,
     "mailto://***@smtp.example.com:587?to=a@b.cn,c@d.cn", "smtp://smtp.example.com:587",
     "pa55word"},
    {"mailtos://mailer:pa55word@smtp.example.com:2465?to=a@b.cn", channel::email,
     "mailtos://***@smtp.example.com:2465?to=a@b.cn", "smtps://smtp.example.com:2465", "pa55word"},
    {"json://127.0.0.1:9000/hooks/secretpath", channel::json_webhook, "json://127.0.0.1:9000/***",
     "http://127.0.0.1:9000/hooks/secretpath", "secretpath"},
    {"jsons://user:pa55word@hooks.example.com/in", channel::json_webhook,
     "jsons://***@hooks.example.com/***", "https://user:pa55word@hooks.example.com/in", "pa55word"},
    {"https://ha.example.com/api/webhook/secretwebhookid", channel::json_webhook,
     "https://ha.example.com/***", "https://ha.example.com/api/webhook/secretwebhookid",
     "secretwebhookid"},
    {"http://[::1]:8123/api/webhook/secretwebhookid", channel::json_webhook,
     "http://[::1]:8123/***", "http://[::1]:8123/api/webhook/secretwebhookid", "secretwebhookid"},
  };
  for (const auto& form : forms) {
    CAF_MESSAGE(form.url);
    auto parsed = parse(form.url);
    CAF_REQUIRE(parsed);
    CAF_REQUIRE_EQUAL(parsed->size(), 1u);
    const auto& target = parsed->front();
    CAF_CHECK(target.kind == form.kind);
    CAF_CHECK_EQUAL(target.shown, form.shown);
    CAF_CHECK_EQUAL(target.endpoint, form.endpoint);
    CAF_CHECK_EQUAL(target.id.rfind(form.shown + "#", 0), 0u);
    CAF_CHECK_EQUAL(target.id.size(), form.shown.size() + 9);
    CAF_CHECK_EQUAL(target.id.find(form.secret), std::string::npos);
    CAF_CHECK(
      std::any_of(target.secrets.begin(), target.secrets.end(), [&](const std::string& secret) {
        return secret.find(form.secret) != std::string::npos;
      }));
  }
}

CAF_TEST(secrets of the forms land where the requests need them) {
  auto dingtalk = parse("dingtalk://SECsecret99@dtoken123456");
  CAF_REQUIRE(dingtalk);
  CAF_CHECK_EQUAL(dingtalk->front().key, "SECsecret99");
  auto mail = parse("mailto://mailer:pa55word@mail.example.com?to=a@b.cn");
  CAF_REQUIRE(mail);
  CAF_CHECK_EQUAL(mail->front().user, "mailer");
  CAF_CHECK_EQUAL(mail->front().mail_from, "mailer@mail.example.com");
  CAF_CHECK(mail->front().require_tls);
  auto relay = parse("mailto://localhost:25?to=a@b.cn&from=monitor@vps.example.com");
  CAF_REQUIRE(relay);
  CAF_CHECK(!relay->front().require_tls);
  CAF_CHECK(relay->front().user.empty());
  CAF_CHECK_EQUAL(relay->front().mail_from, "monitor@vps.example.com");
}

CAF_TEST(a telegram entry gives a target per chat through the api base) {
  auto parsed = parse_notify_urls("tgram://123456:ABCdefghij/-1001/@ops_channel",
                                  "http://127.0.0.1:9000");
  CAF_REQUIRE(parsed);
  CAF_REQUIRE_EQUAL(parsed->size(), 2u);
  CAF_CHECK_EQUAL((*parsed)[0].chat_id, "-1001");
  CAF_CHECK_EQUAL((*parsed)[1].chat_id, "@ops_channel");
  CAF_CHECK_EQUAL((*parsed)[0].endpoint, "http://127.0.0.1:9000/bot123456:ABCdefghij/sendMessage");
  CAF_CHECK_NOT_EQUAL((*parsed)[0].id, (*parsed)[1].id);
}

CAF_TEST(entries are split at commas that start a URL and at line breaks) {
  auto entries = split_notify_urls(
    " ntfy://a1b2c3,mailto://m:p@h?to=x@y.cn,z@w.cn ,\n\njson://h/p\r\nbark://h/k,");
  CAF_REQUIRE_EQUAL(entries.size(), 4u);
  CAF_CHECK_EQUAL(entries[0], "ntfy://a1b2c3");
  CAF_CHECK_EQUAL(entries[1], "mailto://m:p@h?to=x@y.cn,z@w.cn");
  CAF_CHECK_EQUAL(entries[2], "json://h/p");
  CAF_CHECK_EQUAL(entries[3], "bark://h/k");
  auto parsed = parse(
    "ntfy://topic123, wecombot://wecomkey123\nmailto://m:pa55word@h.cn?to=x@y.cn,z@w.cn");
  CAF_REQUIRE(parsed);
  CAF_CHECK_EQUAL(parsed->size(), 3u);
  CAF_CHECK_EQUAL((*parsed)[2].mail_to, (std::vector<std::string>{"x@y.cn", "z@w.cn"}));
}

CAF_TEST(ids tell apart targets that look alike once masked and stay the same) {
  auto first = parse("wecombot://wecomkey123,wecombot://wecomkey456");
  CAF_REQUIRE(first);
  CAF_CHECK_EQUAL((*first)[0].shown, (*first)[1].shown);
  CAF_CHECK_NOT_EQUAL((*first)[0].id, (*first)[1].id);
  auto again = parse("wecombot://wecomkey456");
  CAF_REQUIRE(again);
  CAF_CHECK_EQUAL(again->front().id, (*first)[1].id);
}

CAF_TEST(a bad entry is refused naming its position and kind but never its secret) {
  struct refused {
    std::string list;
    std::string starts;
    std::string secret;
  };
  const std::vector<refused> cases{
    {"ntfy://ok123,foo://secretvalue1", "NOTIFY_URLS entry 2 (foo://) is not a kind of target",
     "secretvalue1"},
    {"secretvalue1", "NOTIFY_URLS entry 1 (no scheme) is not a URL", "secretvalue1"},
    {"wecombot://", "NOTIFY_URLS entry 1 (wecombot://) has no key", ""},
    {"wecombot://bad$key99", "NOTIFY_URLS entry 1 (wecombot://) has a key with", "bad$key99"},
    {"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?nokey=secretvalue1",
     "NOTIFY_URLS entry 1 (https://qyapi.weixin.qq.com) has no key", "secretvalue1"},
    {"dingtalk://", "NOTIFY_URLS entry 1 (dingtalk://) has no access token", ""},
    {"dingtalk://bad&secret@token123", "NOTIFY_URLS entry 1 (dingtalk://) has a signing secret",
     "bad&secret"},
    {"feishu://", "NOTIFY_URLS entry 1 (feishu://) has no token", ""},
    {"bark://host.example.com", "NOTIFY_URLS entry 1 (bark://) has no device key", ""},
    {"bark://host:99999/devicekey1", "NOTIFY_URLS entry 1 (bark://) has no host, or a port",
     "devicekey1"},
    {"ntfy://", "NOTIFY_URLS entry 1 (ntfy://) has no topic", ""},
    {"discord://abc/secretvalue1", "NOTIFY_URLS entry 1 (discord://) has no numeric webhook id",
     "secretvalue1"},
    {"slack://T000/secretvalue1", "NOTIFY_URLS entry 1 (slack://) does not have the three parts",
     "secretvalue1"},
    {"pushplus://", "NOTIFY_URLS entry 1 (pushplus://) has no token", ""},
    {"schan://", "NOTIFY_URLS entry 1 (schan://) has no SendKey", ""},
    {"mailto://u:secretvalue1@smtp.example.com",
     "NOTIFY_URLS entry 1 (mailto://) names no recipient", "secretvalue1"},
    {"mailto://u:secretvalue1@smtp.example.com?to=not-an-address",
     "NOTIFY_URLS entry 1 (mailto://) has a recipient \"not-an-address\"", "secretvalue1"},
    {"mailto://smtp.example.com?to=a@b.cn", "NOTIFY_URLS entry 1 (mailto://) has no sender", ""},
    {"json://", "NOTIFY_URLS entry 1 (json://) has no host", ""},
    {"tgram://notatoken/-1001", "NOTIFY_URLS entry 1 (tgram://) has no bot token", "notatoken"},
    {"tgram://123456:ABCdefghij", "NOTIFY_URLS entry 1 (tgram://) names no chat", "ABCdefghij"},
    {"tgram://123456:ABCdefghij/01", "NOTIFY_URLS entry 1 (tgram://) has a chat id \"01\"",
     "ABCdefghij"},
    {"https://hooks.example.com/a b", "NOTIFY_URLS entry 1 (https://) has white space", ""},
    {"ntfy://topic123,wecombot://wecomkey123,ntfy://topic123",
     "NOTIFY_URLS entry 3 (ntfy://***) is listed twice", "topic123"},
  };
  for (const auto& bad : cases) {
    CAF_MESSAGE(bad.list);
    const auto error = refusal_of(bad.list);
    CAF_CHECK_EQUAL(error.rfind(bad.starts, 0), 0u);
    CAF_CHECK(error.find(": expected ") != std::string::npos);
    CAF_CHECK_EQUAL(error.back(), '.');
    CAF_CHECK_EQUAL(error.find('\n'), std::string::npos);
    if (!bad.secret.empty())
      CAF_CHECK_EQUAL(error.find(bad.secret), std::string::npos);
  }
}
