#define CAF_SUITE config
#include <caf/test/unit_test.hpp>

#include "actors/public_ip/public_ip_reply.hpp"
#include "main/config.hpp"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "test_support.hpp"

using namespace tmon;

namespace {

using variables = std::map<std::string, std::string>;

constexpr std::uint64_t gib = 1024ull * 1024 * 1024;
constexpr std::uint64_t largest_quota = 18446744073709551615ull;

const std::string good_token = "987654321:AAHsecret-Part_42";
const std::string token_secret = "AAHsecret-Part_42";

environment_lookup lookup_in(variables vars) {
  return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
    auto found = vars.find(name);
    if (found == vars.end())
      return std::nullopt;
    return found->second;
  };
}

outcome<config> parse(variables vars) {
  return parse_config(lookup_in(std::move(vars)));
}

// The accepted settings; a refusal fails the check and shows the sentence.
config parsed(variables vars) {
  auto result = parse(std::move(vars));
  CAF_CHECK_EQUAL(result.error, "");
  return result.value.value_or(config{});
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

void check_starts_with(const std::string& text, const std::string& prefix) {
  CAF_CHECK_EQUAL(text.substr(0, prefix.size()), prefix);
}

bool is_one_sentence(const std::string& text) {
  return !text.empty() && text.back() == '.' && !contains(text, "\n");
}

// The refusal of `name`=`value` (with `others` also set): one sentence that starts by
// quoting the value and says what is accepted.
std::string refusal(const std::string& name, const std::string& value, variables others = {}) {
  others[name] = value;
  auto result = parse(others);
  CAF_CHECK(!result);
  auto quoted = name + "=\"" + value + "\"";
  check_starts_with(result.error, quoted);
  CAF_CHECK(contains(result.error, "expected"));
  CAF_CHECK(is_one_sentence(result.error));
  return result.error;
}

void check_refused_all(const std::string& name, const std::vector<std::string>& values,
                       const variables& others = {}) {
  for (const auto& value : values) {
    CAF_MESSAGE(name << "=\"" << value << "\"");
    refusal(name, value, others);
  }
}

// Every variable of the configuration set to `value`, which is blank, so each must fall back
// to its default; but LOG_FILE, whose empty value turns the log file off.
variables all_set_to(const std::string& value) {
  variables vars;
  for (const auto& name : config_variable_names())
    if (name != "LOG_FILE")
      vars[name] = value;
  return vars;
}

const std::string default_description = "TELEGRAM_BOT_TOKEN=(none)\n"
                                        "TELEGRAM_CHAT_ID=(none)\n"
                                        "TELEGRAM_API_BASE=https://api.telegram.org\n"
                                        "TELEGRAM_COMMANDS=off\n"
                                        "NOTIFY_URLS=(none)\n"
                                        "TRAFFIC_DIRECTION=outbound\n"
                                        "TRAFFIC_UNIT=GiB\n"
                                        "MONTHLY_TRAFFIC_GB=1024\n"
                                        "RESET_DAY=1\n"
                                        "THRESHOLDS=80,90,95\n"
                                        "FORECAST_ALERT=on\n"
                                        "LIMIT_PERCENT=(none)\n"
                                        "CHECK_INTERVAL_SECONDS=60\n"
                                        "NETWORK_INTERFACE=(default route)\n"
                                        "REPORT_INTERVAL_DAYS=7\n"
                                        "REPORT_TIME=09:00\n"
                                        "TZ=(system default, UTC+00:00)\n"
                                        "DATA_DIR=/data\n"
                                        "LOG_FILE=/data/traffic-monitor.log\n"
                                        "LOG_LEVEL=info\n"
                                        "HOST_PROC=/proc\n"
                                        "MESSAGE_LANG=zh\n"
                                        "SERVER_NAME=(host name)\n"
                                        "PUBLIC_IP=(looked up)\n"
                                        "PUBLIC_IP_URLS=https://api.ipify.org,"
                                        "https://ipv4.icanhazip.com,https://4.ipw.cn,"
                                        "https://v4.ident.me\n"
                                        "METRICS_LISTEN=(none)\n"
                                        "METRICS_TOKEN=(none)\n"
                                        "MAX_BANDWIDTH_MBIT=10000\n";

} // namespace

// ---- defaults and the empty rule -----------------------------------------------------------

CAF_TEST(defaults apply when nothing is set) {
  auto settings = parsed({});
  CAF_CHECK(settings.telegram_bot_token.empty());
  CAF_CHECK(settings.telegram_chat_ids.empty());
  CAF_CHECK_EQUAL(settings.telegram_api_base, "https://api.telegram.org");
  CAF_CHECK(settings.direction == traffic_direction::outbound);
  CAF_CHECK_EQUAL(settings.unit.name, "GiB");
  CAF_CHECK_EQUAL(settings.unit.bytes, gib);
  CAF_CHECK_EQUAL(settings.monthly_traffic, 1024.0);
  CAF_CHECK_EQUAL(settings.quota_bytes, 1024 * gib);
  CAF_CHECK_EQUAL(settings.reset_day, 1);
  CAF_CHECK_EQUAL(settings.thresholds,
                  std::vector<percentage>({80_percent, 90_percent, 95_percent}));
  CAF_CHECK(settings.forecast_alert);
  CAF_CHECK_EQUAL(settings.check_interval.count(), 60);
  CAF_CHECK(settings.interfaces.empty());
  CAF_CHECK_EQUAL(settings.report_interval.count(), 7);
  CAF_CHECK_EQUAL(settings.report_time.hour, 9);
  CAF_CHECK_EQUAL(settings.report_time.minute, 0);
  CAF_CHECK(settings.time_zone.empty());
  CAF_CHECK_EQUAL(settings.data_dir, "/data");
  CAF_CHECK_EQUAL(settings.log_file, "/data/traffic-monitor.log");
  CAF_CHECK(settings.level == log_level::info);
  CAF_CHECK_EQUAL(settings.host_proc, "/proc");
  CAF_CHECK(settings.language == message_language::zh);
  CAF_CHECK(settings.server_name.empty());
  CAF_CHECK(settings.public_ip.empty());
  CAF_CHECK_EQUAL(settings.public_ip_urls,
                  std::vector<std::string>({"https://api.ipify.org", "https://ipv4.icanhazip.com",
                                            "https://4.ipw.cn", "https://v4.ident.me"}));
}

CAF_TEST(empty or blank values count as unset) {
  for (const char* blank : {"", "  ", " \t\r\n"}) {
    CAF_MESSAGE("blank value \"" << blank << "\"");
    auto settings = parsed(all_set_to(blank));
    test::scoped_time_zone utc{"UTC"};
    CAF_CHECK_EQUAL(describe_config(settings, test::at(0)), default_description);
    CAF_CHECK_EQUAL(settings.quota_bytes, 1024 * gib);
  }
}

CAF_TEST(the bandwidth limit is a whole number of Mbit / s up to a million and 0 turns it off) {
  CAF_CHECK_EQUAL(parsed({}).max_bandwidth_mbit, 10000);
  CAF_CHECK_EQUAL(parsed({{"MAX_BANDWIDTH_MBIT", "0"}}).max_bandwidth_mbit, 0);
  CAF_CHECK_EQUAL(parsed({{"MAX_BANDWIDTH_MBIT", "1000000"}}).max_bandwidth_mbit, 1000000);
  check_refused_all("MAX_BANDWIDTH_MBIT", {"1000001", "-1", "10G", "1.5", "off"});
  CAF_CHECK_EQUAL(refusal("MAX_BANDWIDTH_MBIT", "10G"),
                  "MAX_BANDWIDTH_MBIT=\"10G\" is not valid: expected a whole number from 0 to "
                  "1000000.");
  CAF_CHECK(describe_config(parsed({{"MAX_BANDWIDTH_MBIT", "0"}}), test::at(0))
              .find("MAX_BANDWIDTH_MBIT=0\n")
            != std::string::npos);
}

CAF_TEST(the forecast alert is on or off) {
  CAF_CHECK(!parsed({{"FORECAST_ALERT", "off"}}).forecast_alert);
  CAF_CHECK(!parsed({{"FORECAST_ALERT", "OFF"}}).forecast_alert);
  CAF_CHECK(parsed({{"FORECAST_ALERT", "On"}}).forecast_alert);
  check_refused_all("FORECAST_ALERT", {"yes", "0", "1", "true", "of"});
  CAF_CHECK_EQUAL(refusal("FORECAST_ALERT", "yes"),
                  "FORECAST_ALERT=\"yes\" is not valid: expected on or off.");
  CAF_CHECK(
    describe_config(parsed({{"FORECAST_ALERT", "OFF"}}), test::at(0)).find("FORECAST_ALERT=off\n")
    != std::string::npos);
}

CAF_TEST(telegram commands are on or off and need the bot and its chats) {
  CAF_CHECK(!parsed({}).telegram_commands);
  const variables bot{{"TELEGRAM_BOT_TOKEN", good_token}, {"TELEGRAM_CHAT_ID", "123456"}};
  auto enabled = bot;
  enabled["TELEGRAM_COMMANDS"] = "On";
  CAF_CHECK(parsed(enabled).telegram_commands);
  CAF_CHECK_EQUAL(refusal("TELEGRAM_COMMANDS", "yes", bot),
                  "TELEGRAM_COMMANDS=\"yes\" is not valid: expected on or off.");
  CAF_CHECK_EQUAL(refusal("TELEGRAM_COMMANDS", "on"),
                  "TELEGRAM_COMMANDS=\"on\" needs TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID: "
                  "commands are read from the bot's chats and answered only in "
                  "TELEGRAM_CHAT_ID's; expected both set, or TELEGRAM_COMMANDS=off.");
  CAF_CHECK(!parsed({{"TELEGRAM_COMMANDS", "off"}}).telegram_commands);
}

CAF_TEST(the limit is one percentage above zero or none) {
  CAF_CHECK(!parsed({}).limit_percent);
  // Kept: the value inside a temporary's optional would dangle inside the check's macro.
  const auto limit = parsed({{"LIMIT_PERCENT", "95"}}).limit_percent;
  CAF_CHECK_EQUAL(limit, std::optional<percentage>{95_percent});
  const auto highest = parsed({{"LIMIT_PERCENT", "100000"}}).limit_percent;
  CAF_CHECK_EQUAL(highest, std::optional<percentage>{100000_percent});
  check_refused_all("LIMIT_PERCENT", {"0", "-5", "95%", "95,99", "100001", "1.00000000001", "x"});
  CAF_CHECK_EQUAL(refusal("LIMIT_PERCENT", "95%"),
                  "LIMIT_PERCENT=\"95%\" is not valid: expected a percentage above 0 and at most "
                  "100000 with at most 10 decimals, such as 95 or 99.5.");
}

// ---- strict numbers ------------------------------------------------------------------------

CAF_TEST(whole numbers are parsed strictly) {
  check_refused_all("CHECK_INTERVAL_SECONDS",
                    {"60s", "6 0", "+60", "0x10", "1e3", "nan", "inf", "-inf", "infinity",
                     "99999999999999999999", "-1", "60.0", "60,", "sixty", "\xd9\xa6\xd9\xa0"});
  CAF_CHECK_EQUAL(refusal("CHECK_INTERVAL_SECONDS", "60s"),
                  "CHECK_INTERVAL_SECONDS=\"60s\" is not valid: expected a whole number from 1 "
                  "to 86400.");
}

CAF_TEST(surrounding white space of a number is trimmed) {
  CAF_CHECK_EQUAL(parsed({{"CHECK_INTERVAL_SECONDS", " 60"}}).check_interval.count(), 60);
  CAF_CHECK_EQUAL(parsed({{"CHECK_INTERVAL_SECONDS", "\t120 \n"}}).check_interval.count(), 120);
  auto refused = parse({{"CHECK_INTERVAL_SECONDS", " 6 0 "}});
  CAF_CHECK_EQUAL(refused.error,
                  "CHECK_INTERVAL_SECONDS=\"6 0\" is not valid: expected a whole number from 1 "
                  "to 86400.");
}

CAF_TEST(reset day is a day of the month) {
  CAF_CHECK_EQUAL(parsed({{"RESET_DAY", "1"}}).reset_day, 1);
  CAF_CHECK_EQUAL(parsed({{"RESET_DAY", "15"}}).reset_day, 15);
  CAF_CHECK_EQUAL(parsed({{"RESET_DAY", "31"}}).reset_day, 31);
  CAF_CHECK_EQUAL(parsed({{"RESET_DAY", "07"}}).reset_day, 7);
  CAF_CHECK_EQUAL(refusal("RESET_DAY", "32"),
                  "RESET_DAY=\"32\" is not valid: expected a whole number from 1 to 31.");
  check_refused_all("RESET_DAY", {"0", "-1", "100", "1.5", "first", "+1"});
}

CAF_TEST(check interval is one second to one day) {
  CAF_CHECK_EQUAL(parsed({{"CHECK_INTERVAL_SECONDS", "1"}}).check_interval.count(), 1);
  CAF_CHECK_EQUAL(parsed({{"CHECK_INTERVAL_SECONDS", "86400"}}).check_interval.count(), 86400);
  check_refused_all("CHECK_INTERVAL_SECONDS", {"0", "86401", "2147483648"});
}

CAF_TEST(report interval is zero to fifteen days) {
  CAF_CHECK_EQUAL(parsed({{"REPORT_INTERVAL_DAYS", "0"}}).report_interval.count(), 0);
  CAF_CHECK_EQUAL(parsed({{"REPORT_INTERVAL_DAYS", "15"}}).report_interval.count(), 15);
  CAF_CHECK_EQUAL(parsed({{"REPORT_INTERVAL_DAYS", "3"}}).report_interval.count(), 3);
  check_refused_all("REPORT_INTERVAL_DAYS", {"16", "-1", "-0", "7d", "1e1"});
}

// ---- quota ---------------------------------------------------------------------------------

CAF_TEST(monthly traffic is a positive decimal number) {
  auto settings = parsed({{"MONTHLY_TRAFFIC_GB", "200.5"}});
  CAF_CHECK_EQUAL(settings.monthly_traffic, 200.5);
  CAF_CHECK_EQUAL(settings.quota_bytes, 200 * gib + gib / 2);
  CAF_CHECK_EQUAL(parsed({{"MONTHLY_TRAFFIC_GB", "0.5"}}).quota_bytes, gib / 2);
  CAF_CHECK_EQUAL(parsed({{"MONTHLY_TRAFFIC_GB", "000100"}}).quota_bytes, 100 * gib);
  CAF_CHECK_EQUAL(parsed({{"MONTHLY_TRAFFIC_GB", "1.000000000000000000000000001"}}).quota_bytes,
                  gib);
  check_refused_all("MONTHLY_TRAFFIC_GB",
                    {"0", "0.0", "000", ".5", "5.", "1,5", "-1", "+1", "1e3", "nan", "inf", "0x10",
                     "1 024", "abc", "1.2.3", "100GB", "1" + std::string(400, '0')});
}

CAF_TEST(quota is the amount in the unit rounded to the nearest byte) {
  auto in_gb = [](const std::string& amount) {
    return parsed({{"TRAFFIC_UNIT", "GB"}, {"MONTHLY_TRAFFIC_GB", amount}}).quota_bytes;
  };
  CAF_CHECK_EQUAL(in_gb("1.5"), 1500000000u);
  CAF_CHECK_EQUAL(in_gb("0.1"), 100000000u);
  CAF_CHECK_EQUAL(in_gb("0.0000000014"), 1u);
  CAF_CHECK_EQUAL(in_gb("0.0000000015"), 2u);
  CAF_CHECK_EQUAL(in_gb("0.0000000005"), 1u);
  CAF_CHECK_EQUAL(in_gb("0.00000000050000000001"), 1u);
  CAF_CHECK_EQUAL(parsed({{"MONTHLY_TRAFFIC_GB", "0.000000001"}}).quota_bytes, 1u);
  CAF_CHECK_EQUAL(parsed({{"MONTHLY_TRAFFIC_GB", "0.0000000014"}}).quota_bytes, 2u);
}

CAF_TEST(quota must be at least one byte) {
  auto refused = refusal("MONTHLY_TRAFFIC_GB", "0.00000000049999999999", {{"TRAFFIC_UNIT", "GB"}});
  CAF_CHECK(contains(refused, "0 bytes"));
  refusal("MONTHLY_TRAFFIC_GB", "0.0000000001");
}

CAF_TEST(quota must fit in 64 bits) {
  CAF_CHECK_EQUAL(refusal("MONTHLY_TRAFFIC_GB", "17179869184"),
                  "MONTHLY_TRAFFIC_GB=\"17179869184\" is not valid: expected a quota below 2^64 "
                  "bytes, but 17179869184 GiB is more.");
  CAF_CHECK_EQUAL(parsed({{"MONTHLY_TRAFFIC_GB", "17179869183.999999999"}}).quota_bytes,
                  largest_quota);
  auto in_gb = [](const std::string& amount) {
    return variables{{"TRAFFIC_UNIT", "GB"}, {"MONTHLY_TRAFFIC_GB", amount}};
  };
  CAF_CHECK_EQUAL(parsed(in_gb("18446744073.709551615")).quota_bytes, largest_quota);
  CAF_CHECK_EQUAL(parsed(in_gb("18446744073.7095516154")).quota_bytes, largest_quota);
  refusal("MONTHLY_TRAFFIC_GB", "18446744073.709551616", {{"TRAFFIC_UNIT", "GB"}});
  refusal("MONTHLY_TRAFFIC_GB", "18446744073.7095516155", {{"TRAFFIC_UNIT", "GB"}});
  refusal("MONTHLY_TRAFFIC_GB", "99999999999999999999999", {{"TRAFFIC_UNIT", "GB"}});
}

CAF_TEST(traffic unit is GiB or GB in any case) {
  for (const char* spelling : {"GiB", "gib", "GIB", "gIb"}) {
    auto settings = parsed({{"TRAFFIC_UNIT", spelling}, {"MONTHLY_TRAFFIC_GB", "2"}});
    CAF_CHECK_EQUAL(settings.unit.name, "GiB");
    CAF_CHECK_EQUAL(settings.unit.bytes, gib);
    CAF_CHECK_EQUAL(settings.quota_bytes, 2 * gib);
  }
  for (const char* spelling : {"GB", "gb", "Gb", " gB "}) {
    auto settings = parsed({{"TRAFFIC_UNIT", spelling}, {"MONTHLY_TRAFFIC_GB", "2"}});
    CAF_CHECK_EQUAL(settings.unit.name, "GB");
    CAF_CHECK_EQUAL(settings.unit.bytes, 1000000000u);
    CAF_CHECK_EQUAL(settings.quota_bytes, 2000000000u);
  }
  auto refused = refusal("TRAFFIC_UNIT", "MiB");
  CAF_CHECK(contains(refused, "GiB or GB"));
  check_refused_all("TRAFFIC_UNIT", {"TB", "G", "GiBs", "bytes"});
}

// ---- keywords ------------------------------------------------------------------------------

CAF_TEST(traffic direction is one of four keywords in any case) {
  auto direction = [](const std::string& text) {
    return parsed({{"TRAFFIC_DIRECTION", text}}).direction;
  };
  CAF_CHECK(direction("outbound") == traffic_direction::outbound);
  CAF_CHECK(direction("Inbound") == traffic_direction::inbound);
  CAF_CHECK(direction("BIDIRECTIONAL") == traffic_direction::bidirectional);
  CAF_CHECK(direction(" max ") == traffic_direction::max);
  auto refused = refusal("TRAFFIC_DIRECTION", "up");
  CAF_CHECK(contains(refused, "outbound, inbound, bidirectional or max"));
  check_refused_all("TRAFFIC_DIRECTION", {"tx", "both", "out bound", "maximum"});
}

CAF_TEST(log level is one of five keywords in any case) {
  auto level = [](const std::string& text) { return parsed({{"LOG_LEVEL", text}}).level; };
  CAF_CHECK(level("trace") == log_level::trace);
  CAF_CHECK(level("Debug") == log_level::debug);
  CAF_CHECK(level("INFO") == log_level::info);
  CAF_CHECK(level("warn") == log_level::warn);
  CAF_CHECK(level("ERROR") == log_level::error);
  auto refused = refusal("LOG_LEVEL", "verbose");
  CAF_CHECK(contains(refused, "trace, debug, info, warn or error"));
  check_refused_all("LOG_LEVEL", {"warning", "critical", "off", "3"});
}

CAF_TEST(message language is zh or en in any case) {
  CAF_CHECK(parsed({{"MESSAGE_LANG", "en"}}).language == message_language::en);
  CAF_CHECK(parsed({{"MESSAGE_LANG", "EN"}}).language == message_language::en);
  CAF_CHECK(parsed({{"MESSAGE_LANG", "Zh"}}).language == message_language::zh);
  auto refused = refusal("MESSAGE_LANG", "fr");
  CAF_CHECK(contains(refused, "zh or en"));
  check_refused_all("MESSAGE_LANG", {"english", "zh-CN", "cn"});
}

// ---- lists ---------------------------------------------------------------------------------

CAF_TEST(thresholds are sorted) {
  CAF_CHECK_EQUAL(parsed({{"THRESHOLDS", "95, 80,90 "}}).thresholds,
                  std::vector<percentage>({80_percent, 90_percent, 95_percent}));
  CAF_CHECK_EQUAL(parsed({{"THRESHOLDS", "150,50.5"}}).thresholds,
                  std::vector<percentage>({50.5_percent, 150_percent}));
  CAF_CHECK_EQUAL(parsed({{"THRESHOLDS", "0.5"}}).thresholds,
                  std::vector<percentage>({0.5_percent}));
}

CAF_TEST(thresholds refuse duplicates like the other lists) {
  CAF_CHECK(contains(refusal("THRESHOLDS", "95, 80,90 ,80"), "\"80\" is listed twice"));
  CAF_CHECK(contains(refusal("THRESHOLDS", "80,80.0"), "\"80.0\" is listed twice"));
  CAF_CHECK(contains(refusal("THRESHOLDS", "080,80"), "\"80\" is listed twice"));
}

CAF_TEST(thresholds are described as written and never in exponent notation) {
  test::scoped_time_zone utc{"UTC"};
  for (const char* written : {"0.0000000001", "99.95", "150", "0.5,150.25"}) {
    CAF_MESSAGE("THRESHOLDS=" << written);
    auto description = describe_config(parsed({{"THRESHOLDS", written}}), test::at(0));
    CAF_CHECK(contains(description, std::string{"\nTHRESHOLDS="} + written + "\n"));
  }
}

CAF_TEST(thresholds refuse empty and invalid items) {
  CAF_CHECK(contains(refusal("THRESHOLDS", "80,,90"), "empty item"));
  CAF_CHECK(contains(refusal("THRESHOLDS", "80,"), "empty item"));
  CAF_CHECK(contains(refusal("THRESHOLDS", ",80"), "empty item"));
  CAF_CHECK(contains(refusal("THRESHOLDS", "80, abc"), "\"abc\""));
  CAF_CHECK(contains(parse({{"THRESHOLDS", "80,9\x01"
                                           "0"}})
                       .error,
                     "item \"9\\x010\" is not"));
  check_refused_all("THRESHOLDS", {"0", "80,0.0", "-5", "1e2", "80;90", "80 90", "nan", "+80"});
}

CAF_TEST(thresholds are exact to ten decimals and at most 100000 percent) {
  CAF_CHECK_EQUAL(parsed({{"THRESHOLDS", "100000,0.0000000001,14.3"}}).thresholds,
                  (std::vector<percentage>{0.0000000001_percent, 14.3_percent, 100000_percent}));
  for (const char* written : {"80,0.00000000001", "92.12345678901", "100000.5", "1000000"}) {
    CAF_MESSAGE("THRESHOLDS=" << written);
    const auto refused = refusal("THRESHOLDS", written);
    CAF_CHECK(contains(refused, "at most 100000 with at most 10 decimals"));
    CAF_CHECK(contains(refused, " is not."));
  }
}

CAF_TEST(interfaces are a list of distinct linux interface names) {
  CAF_CHECK_EQUAL(parsed({{"NETWORK_INTERFACE", "eth0"}}).interfaces,
                  std::vector<std::string>({"eth0"}));
  CAF_CHECK_EQUAL(parsed({{"NETWORK_INTERFACE", " ens3 , wg0,enp0s31f6.100 "}}).interfaces,
                  std::vector<std::string>({"ens3", "wg0", "enp0s31f6.100"}));
  CAF_CHECK_EQUAL(parsed({{"NETWORK_INTERFACE", "a23456789012345"}}).interfaces,
                  std::vector<std::string>({"a23456789012345"}));
  CAF_CHECK(contains(refusal("NETWORK_INTERFACE", "eth0,eth0"), "\"eth0\" is listed twice"));
  CAF_CHECK(contains(refusal("NETWORK_INTERFACE", "eth0, ens3,eth0"), "listed twice"));
  CAF_CHECK(contains(refusal("NETWORK_INTERFACE", "eth0,,ens3"), "empty item"));
  CAF_CHECK(contains(refusal("NETWORK_INTERFACE", "eth0,"), "empty item"));
  CAF_CHECK(contains(refusal("NETWORK_INTERFACE", "eth0,eth/1"), "\"eth/1\""));
  check_refused_all("NETWORK_INTERFACE",
                    {"a234567890123456", "eth:0", "eth/0", ".", "..", "eth 0", "eth0, eth 1"});
  CAF_CHECK(parsed({{"NETWORK_INTERFACE", "..."}}).interfaces == std::vector<std::string>({"..."}));
}

// ---- telegram ------------------------------------------------------------------------------

CAF_TEST(telegram is off when neither token nor chat is set) {
  auto settings = parsed({{"TELEGRAM_BOT_TOKEN", ""}, {"TELEGRAM_CHAT_ID", " "}});
  CAF_CHECK(settings.telegram_bot_token.empty());
  CAF_CHECK(settings.telegram_chat_ids.empty());
}

CAF_TEST(telegram token and chat ids are read) {
  auto settings = parsed({{"TELEGRAM_BOT_TOKEN", " " + good_token + "\n"},
                          {"TELEGRAM_CHAT_ID", "-1001234567890, 12345 ,@my_channel"}});
  CAF_CHECK_EQUAL(settings.telegram_bot_token, good_token);
  CAF_CHECK_EQUAL(settings.telegram_chat_ids,
                  std::vector<std::string>({"-1001234567890", "12345", "@my_channel"}));
  CAF_CHECK_EQUAL(parsed({{"TELEGRAM_BOT_TOKEN", "1:a"}, {"TELEGRAM_CHAT_ID", "@abcde"}})
                    .telegram_chat_ids,
                  std::vector<std::string>({"@abcde"}));
  auto longest_channel = "@" + std::string(32, 'x');
  CAF_CHECK_EQUAL(parsed({{"TELEGRAM_BOT_TOKEN", "1:a"}, {"TELEGRAM_CHAT_ID", longest_channel}})
                    .telegram_chat_ids,
                  std::vector<std::string>({longest_channel}));
}

CAF_TEST(telegram token without chat names the chat variable) {
  auto result = parse({{"TELEGRAM_BOT_TOKEN", good_token}});
  CAF_CHECK(!result);
  check_starts_with(result.error, "TELEGRAM_CHAT_ID is not ");
  CAF_CHECK(is_one_sentence(result.error));
}

CAF_TEST(telegram chat without token names the token variable) {
  auto result = parse({{"TELEGRAM_CHAT_ID", "12345"}});
  CAF_CHECK(!result);
  check_starts_with(result.error, "TELEGRAM_BOT_TOKEN is not ");
  CAF_CHECK(is_one_sentence(result.error));
}

CAF_TEST(telegram token must have the bot token form) {
  for (const char* token : {"123456789", ":abc", "abc:def", "123:", "123:abc def", "123:abc!",
                            "-1:abc", "123::abc", "１２３:abc", "123:abc/def"}) {
    CAF_MESSAGE("token \"" << token << "\"");
    auto result = parse({{"TELEGRAM_BOT_TOKEN", token}, {"TELEGRAM_CHAT_ID", "12345"}});
    CAF_CHECK(!result);
    check_starts_with(result.error, "TELEGRAM_BOT_TOKEN=\"***\" ");
    CAF_CHECK(contains(result.error, "expected"));
    CAF_CHECK(is_one_sentence(result.error));
  }
}

CAF_TEST(telegram placeholders are refused as not replaced) {
  auto token = parse(
    {{"TELEGRAM_BOT_TOKEN", "YOUR_TELEGRAM_BOT_TOKEN"}, {"TELEGRAM_CHAT_ID", "12345"}});
  CAF_CHECK(!token);
  CAF_CHECK(contains(token.error, "TELEGRAM_BOT_TOKEN=\"YOUR_TELEGRAM_BOT_TOKEN\""));
  CAF_CHECK(contains(token.error, "placeholder"));
  CAF_CHECK(contains(token.error, "not replaced"));
  auto chat = refusal("TELEGRAM_CHAT_ID", "YOUR_TELEGRAM_CHAT_ID",
                      {{"TELEGRAM_BOT_TOKEN", good_token}});
  CAF_CHECK(contains(chat, "placeholder"));
  CAF_CHECK(contains(chat, "not replaced"));
}

CAF_TEST(telegram chat ids refuse invalid items) {
  variables with_token{{"TELEGRAM_BOT_TOKEN", good_token}};
  CAF_CHECK(contains(refusal("TELEGRAM_CHAT_ID", "12345,abc", with_token), "\"abc\""));
  CAF_CHECK(contains(refusal("TELEGRAM_CHAT_ID", "1,,2", with_token), "empty item"));
  CAF_CHECK(contains(refusal("TELEGRAM_CHAT_ID", "1,", with_token), "empty item"));
  check_refused_all("TELEGRAM_CHAT_ID",
                    {"12a", "@abcd", "@" + std::string(33, 'x'), "@bad-name", "@", "--1", "-", "01",
                     "-01", "0", "-0", "+12345", "99999999999999999999", "1 2", "abcdef",
                     "@my channel"},
                    with_token);
}

CAF_TEST(telegram chat ids refuse duplicates) {
  variables with_token{{"TELEGRAM_BOT_TOKEN", good_token}};
  CAF_CHECK(
    contains(refusal("TELEGRAM_CHAT_ID", "12345,12345", with_token), "\"12345\" is listed twice"));
  CAF_CHECK(
    contains(refusal("TELEGRAM_CHAT_ID", "-100123, 5,-100123", with_token), "listed twice"));
  CAF_CHECK(contains(refusal("TELEGRAM_CHAT_ID", "@My_Channel,@my_channel", with_token),
                     "\"@my_channel\" is listed twice"));
  CAF_CHECK_EQUAL(parsed({{"TELEGRAM_BOT_TOKEN", good_token}, {"TELEGRAM_CHAT_ID", "5,-5"}})
                    .telegram_chat_ids,
                  std::vector<std::string>({"5", "-5"}));
}

CAF_TEST(telegram token never appears in errors or description) {
  test::temp_dir dir;
  auto token_file = dir.path() + "/token";
  test::write_file(token_file, "987654321:AAHsecret-Part_42$");
  std::vector<variables> failing{
    {{"TELEGRAM_BOT_TOKEN", good_token}},
    {{"TELEGRAM_BOT_TOKEN", good_token}, {"TELEGRAM_CHAT_ID", "not-a-chat"}},
    {{"TELEGRAM_BOT_TOKEN", good_token}, {"TELEGRAM_CHAT_ID", "1,1"}},
    {{"TELEGRAM_BOT_TOKEN", good_token}, {"TELEGRAM_CHAT_ID", "YOUR_TELEGRAM_CHAT_ID"}},
    {{"TELEGRAM_BOT_TOKEN", good_token}, {"TELEGRAM_BOT_TOKEN_FILE", token_file}},
    {{"TELEGRAM_BOT_TOKEN", good_token + "$"}, {"TELEGRAM_CHAT_ID", "1"}},
    {{"TELEGRAM_BOT_TOKEN", good_token + " x"}, {"TELEGRAM_CHAT_ID", "1"}},
    {{"TELEGRAM_BOT_TOKEN_FILE", token_file}, {"TELEGRAM_CHAT_ID", "1"}},
    {{"TELEGRAM_BOT_TOKEN", good_token}, {"TELEGRAM_CHAT_ID", "1"}, {"RESET_DAY", "0"}},
  };
  for (const auto& vars : failing) {
    auto result = parse(vars);
    CAF_CHECK(!result);
    CAF_CHECK(!result.error.empty());
    CAF_CHECK(!contains(result.error, token_secret));
    CAF_CHECK(!contains(result.error, "AAH"));
  }
  auto settings = parsed({{"TELEGRAM_BOT_TOKEN", good_token}, {"TELEGRAM_CHAT_ID", "1"}});
  auto description = describe_config(settings, test::at(0));
  CAF_CHECK(contains(description, "TELEGRAM_BOT_TOKEN=987654321:***\n"));
  CAF_CHECK(!contains(description, token_secret));
}

// ---- secrets from files --------------------------------------------------------------------

CAF_TEST(telegram values are read from files) {
  test::temp_dir dir;
  test::write_file(dir.path() + "/token", "\n  " + good_token + "\n\n");
  test::write_file(dir.path() + "/chat", "-1001234567890,@my_channel\n");
  auto settings = parsed({{"TELEGRAM_BOT_TOKEN_FILE", dir.path() + "/token"},
                          {"TELEGRAM_CHAT_ID_FILE", " " + dir.path() + "/chat "}});
  CAF_CHECK_EQUAL(settings.telegram_bot_token, good_token);
  CAF_CHECK_EQUAL(settings.telegram_chat_ids,
                  std::vector<std::string>({"-1001234567890", "@my_channel"}));
  auto mixed = parsed({{"TELEGRAM_BOT_TOKEN", good_token},
                       {"TELEGRAM_BOT_TOKEN_FILE", ""},
                       {"TELEGRAM_CHAT_ID_FILE", dir.path() + "/chat"}});
  CAF_CHECK_EQUAL(mixed.telegram_bot_token, good_token);
  CAF_CHECK_EQUAL(mixed.telegram_chat_ids.size(), 2u);
}

CAF_TEST(an unreadable secret file is named with the reason) {
  test::temp_dir dir;
  auto missing = dir.path() + "/missing";
  auto result = parse({{"TELEGRAM_BOT_TOKEN_FILE", missing}, {"TELEGRAM_CHAT_ID", "1"}});
  CAF_CHECK(!result);
  CAF_CHECK_EQUAL(result.error, "TELEGRAM_BOT_TOKEN_FILE=\"" + missing
                                  + "\" cannot be read: No such file or directory.");
  auto directory = parse(
    {{"TELEGRAM_BOT_TOKEN", good_token}, {"TELEGRAM_CHAT_ID_FILE", dir.path()}});
  CAF_CHECK(!directory);
  CAF_CHECK_EQUAL(directory.error,
                  "TELEGRAM_CHAT_ID_FILE=\"" + dir.path() + "\" cannot be read: Is a directory.");
}

CAF_TEST(a secret file must be a regular file of at most 64 KiB) {
  test::temp_dir dir;
  auto device = refusal("TELEGRAM_BOT_TOKEN_FILE", "/dev/zero", {{"TELEGRAM_CHAT_ID", "1"}});
  CAF_CHECK(contains(device, "regular file"));
  auto chats = refusal("TELEGRAM_CHAT_ID_FILE", "/dev/zero", {{"TELEGRAM_BOT_TOKEN", good_token}});
  CAF_CHECK(contains(chats, "regular file"));
  auto large = dir.path() + "/large";
  test::write_file(large, good_token + std::string(64 * 1024, '\n'));
  CAF_CHECK(
    contains(refusal("TELEGRAM_BOT_TOKEN_FILE", large, {{"TELEGRAM_CHAT_ID", "1"}}), "64 KiB"));
  auto largest = dir.path() + "/largest";
  test::write_file(largest, good_token + std::string(64 * 1024 - good_token.size(), '\n'));
  CAF_CHECK_EQUAL(parsed({{"TELEGRAM_BOT_TOKEN_FILE", largest}, {"TELEGRAM_CHAT_ID", "1"}})
                    .telegram_bot_token,
                  good_token);
}

CAF_TEST(an empty secret file is refused) {
  test::temp_dir dir;
  test::write_file(dir.path() + "/token", " \n");
  auto path = dir.path() + "/token";
  auto refused = refusal("TELEGRAM_BOT_TOKEN_FILE", path, {{"TELEGRAM_CHAT_ID", "1"}});
  CAF_CHECK(contains(refused, "empty"));
}

CAF_TEST(notify urls are read from a file with one target per line) {
  test::temp_dir dir;
  test::write_file(dir.path() + "/urls", "wecombot://wecomkey123\nntfy://127.0.0.1:8091/alerts\n");
  auto settings = parsed({{"NOTIFY_URLS_FILE", dir.path() + "/urls"}});
  CAF_REQUIRE_EQUAL(settings.notify_targets.size(), 2u);
  CAF_CHECK(settings.notify_targets[0].kind == channel::wecom);
  CAF_CHECK(settings.notify_targets[1].kind == channel::ntfy);
  auto both = parse(
    {{"NOTIFY_URLS", "ntfy://alerts1"}, {"NOTIFY_URLS_FILE", dir.path() + "/urls"}});
  CAF_CHECK_EQUAL(both.error,
                  "NOTIFY_URLS and NOTIFY_URLS_FILE are both set: expected only one of them.");
  // A secret in a refused file never reaches the message.
  test::write_file(dir.path() + "/bad", "wecombot://wecomkey123,nope://secretvalue1\n");
  auto refused = parse({{"NOTIFY_URLS_FILE", dir.path() + "/bad"}});
  CAF_CHECK(contains(refused.error, "NOTIFY_URLS entry 2 (nope://)"));
  CAF_CHECK(!contains(refused.error, "secretvalue1"));
  CAF_CHECK(!contains(refused.error, "wecomkey123"));
}

CAF_TEST(secrets of notify urls are masked wherever a library quotes them) {
  auto settings = parsed({{"NOTIFY_URLS", "json://127.0.0.1:9/hooks/webhookSecret77,"
                                          "bark://127.0.0.1/barkKeySecret77,wecombot://k1"}});
  CAF_CHECK_EQUAL(mask_secrets("Failed to connect to http://127.0.0.1:9/hooks/webhookSecret77; "
                               "device barkKeySecret77; k1",
                               settings),
                  "Failed to connect to http://127.0.0.1:9/***; device ***; k1");
}

CAF_TEST(a variable and its file variant cannot both be set) {
  test::temp_dir dir;
  test::write_file(dir.path() + "/token", good_token);
  test::write_file(dir.path() + "/chat", "1");
  auto token = parse({{"TELEGRAM_BOT_TOKEN", good_token},
                      {"TELEGRAM_BOT_TOKEN_FILE", dir.path() + "/token"},
                      {"TELEGRAM_CHAT_ID", "1"}});
  CAF_CHECK_EQUAL(token.error,
                  "TELEGRAM_BOT_TOKEN and TELEGRAM_BOT_TOKEN_FILE are both set: expected only "
                  "one of them.");
  auto chat = parse({{"TELEGRAM_BOT_TOKEN", good_token},
                     {"TELEGRAM_CHAT_ID", "1"},
                     {"TELEGRAM_CHAT_ID_FILE", dir.path() + "/chat"}});
  CAF_CHECK_EQUAL(chat.error,
                  "TELEGRAM_CHAT_ID and TELEGRAM_CHAT_ID_FILE are both set: expected only one "
                  "of them.");
}

CAF_TEST(values from files get the same checks) {
  test::temp_dir dir;
  auto token_file = dir.path() + "/token";
  auto chat_file = dir.path() + "/chat";
  test::write_file(chat_file, "1");
  test::write_file(token_file, "not a token");
  auto bad_token = parse(
    {{"TELEGRAM_BOT_TOKEN_FILE", token_file}, {"TELEGRAM_CHAT_ID_FILE", chat_file}});
  check_starts_with(bad_token.error, "TELEGRAM_BOT_TOKEN=\"***\" ");
  CAF_CHECK(contains(bad_token.error, "TELEGRAM_BOT_TOKEN_FILE"));
  test::write_file(token_file, "YOUR_TELEGRAM_BOT_TOKEN\n");
  auto placeholder = parse(
    {{"TELEGRAM_BOT_TOKEN_FILE", token_file}, {"TELEGRAM_CHAT_ID_FILE", chat_file}});
  CAF_CHECK(contains(placeholder.error, "not replaced"));
  test::write_file(token_file, good_token);
  test::write_file(chat_file, "1,1");
  auto repeated = parse(
    {{"TELEGRAM_BOT_TOKEN_FILE", token_file}, {"TELEGRAM_CHAT_ID_FILE", chat_file}});
  CAF_CHECK(contains(repeated.error, "TELEGRAM_CHAT_ID=\"1,1\" (read from TELEGRAM_CHAT_ID_FILE)"));
  CAF_CHECK(contains(repeated.error, "listed twice"));
  auto missing_chat = parse({{"TELEGRAM_BOT_TOKEN_FILE", token_file}});
  check_starts_with(missing_chat.error, "TELEGRAM_CHAT_ID is not ");
}

// ---- URLs ----------------------------------------------------------------------------------

CAF_TEST(telegram api base is an http url without trailing slashes) {
  auto base = [](const std::string& text) {
    return parsed({{"TELEGRAM_API_BASE", text}}).telegram_api_base;
  };
  CAF_CHECK_EQUAL(base("http://127.0.0.1:8081"), "http://127.0.0.1:8081");
  CAF_CHECK_EQUAL(base("http://127.0.0.1:8081/"), "http://127.0.0.1:8081");
  CAF_CHECK_EQUAL(base("https://proxy.example.org/telegram//"),
                  "https://proxy.example.org/telegram");
  CAF_CHECK_EQUAL(base("HTTPS://Proxy.Example.org"), "HTTPS://Proxy.Example.org");
  CAF_CHECK_EQUAL(base("http://[::1]:8081/"), "http://[::1]:8081");
  CAF_CHECK_EQUAL(base("https://user@example.org"), "https://user@example.org");
  check_refused_all("TELEGRAM_API_BASE",
                    {"ftp://example.org", "api.telegram.org", "https://", "https:///bot",
                     "https://:443", "https://exa mple.org", "https://[]", "https://[::1",
                     "https:/example.org", "//example.org"});
  check_starts_with(parse({{"TELEGRAM_API_BASE", "http://user@"}}).error,
                    "TELEGRAM_API_BASE=\"http://***@\" is not valid: ");
}

CAF_TEST(public ip urls are a list of http urls) {
  CAF_CHECK_EQUAL(parsed({{"PUBLIC_IP_URLS", " http://a.example/ip , https://b.example"}})
                    .public_ip_urls,
                  std::vector<std::string>({"http://a.example/ip", "https://b.example"}));
  CAF_CHECK(
    contains(refusal("PUBLIC_IP_URLS", "https://a.example,,https://b.example"), "empty item"));
  CAF_CHECK(contains(refusal("PUBLIC_IP_URLS", "https://a.example,"), "empty item"));
  CAF_CHECK(contains(refusal("PUBLIC_IP_URLS", "https://a.example,b.example"), "\"b.example\""));
  check_refused_all("PUBLIC_IP_URLS", {"ftp://a.example", "https://"});
}

// ---- time ----------------------------------------------------------------------------------

CAF_TEST(report time is hours and two - digit minutes) {
  auto time = [](const std::string& text) { return parsed({{"REPORT_TIME", text}}).report_time; };
  CAF_CHECK_EQUAL(time("9:05").hour, 9);
  CAF_CHECK_EQUAL(time("9:05").minute, 5);
  CAF_CHECK_EQUAL(time("23:59").hour, 23);
  CAF_CHECK_EQUAL(time("23:59").minute, 59);
  CAF_CHECK_EQUAL(time("00:00").hour, 0);
  CAF_CHECK_EQUAL(time("0:00").minute, 0);
  CAF_CHECK_EQUAL(time(" 08:30 ").hour, 8);
  CAF_CHECK_EQUAL(time(" 08:30 ").minute, 30);
  check_refused_all("REPORT_TIME", {"24:00", "9:5", "9:60", "123:00", "0900", "9:00:00", ":30",
                                    "9:", "9h00", "-1:00", "+9:00", "9:+5", "9 :00", "09:5a"});
}

CAF_TEST(time zone names must exist under TZDIR) {
  test::temp_dir zones;
  test::write_file(zones.path() + "/Asia/Shanghai", "TZif2");
  variables with_dir{{"TZDIR", zones.path()}};
  auto known = parsed({{"TZDIR", zones.path()}, {"TZ", "Asia/Shanghai"}});
  CAF_CHECK_EQUAL(known.time_zone, "Asia/Shanghai");
  auto refused = refusal("TZ", "Asia/Shangai", with_dir);
  check_starts_with(refused, "TZ=\"Asia/Shangai\" is not a known time zone: ");
  CAF_CHECK(contains(refused, zones.path()));
  refusal("TZ", "Asia", with_dir);
  refusal("TZ", "asia/shanghai", with_dir);
}

CAF_TEST(time zone UTC needs no zone file) {
  test::temp_dir empty_zones;
  CAF_CHECK_EQUAL(parsed({{"TZDIR", empty_zones.path()}, {"TZ", "UTC"}}).time_zone, "UTC");
}

CAF_TEST(time zone names of the system database are accepted) {
  for (const char* zone : {"Asia/Shanghai", "Europe/Berlin", "UTC", "Etc/GMT-8", "Etc/GMT+5"}) {
    CAF_MESSAGE("TZ=" << zone);
    CAF_CHECK_EQUAL(parsed({{"TZ", zone}}).time_zone, zone);
  }
}

// POSIX counts offsets west of Greenwich, so "UTC+8" is eight hours behind UTC: the trap a
// user in China falls into. The hint names the zone for the offset as people write it.
CAF_TEST(time zone offsets written as posix rules are refused with a hint) {
  struct example {
    const char* zone;
    const char* hint;
    const char* posix_meaning;
  };
  for (const auto& [zone, hint, posix_meaning] :
       {example{"UTC+8", "Etc/GMT-8 for UTC+08:00", "UTC-08:00"},
        example{"GMT+8", "Etc/GMT-8 for UTC+08:00", "UTC-08:00"},
        example{"UTC-5", "Etc/GMT+5 for UTC-05:00", "UTC+05:00"},
        example{"CST-8", "Etc/GMT+8 for UTC-08:00", "UTC+08:00"},
        example{"<+08>-8", "Etc/GMT+8 for UTC-08:00", "UTC+08:00"},
        example{"EST5EDT,M3.2.0,M11.1.0", "Etc/GMT-5 for UTC+05:00", "UTC-05:00"},
        example{"UTC0", "UTC", "UTC+00:00"}}) {
    CAF_MESSAGE("TZ=" << zone);
    auto refused = refusal("TZ", zone);
    CAF_CHECK(contains(refused, "Asia/Shanghai"));
    CAF_CHECK(contains(refused, hint));
    CAF_CHECK(contains(refused, std::string{"would mean "} + posix_meaning));
  }
  // No Etc zone has a part of an hour or lies beyond UTC+14.
  for (const char* zone : {"UTC+5:30", "GMT-15"}) {
    auto refused = refusal("TZ", zone);
    CAF_CHECK(contains(refused, "Asia/Shanghai"));
    CAF_CHECK(!contains(refused, "Etc/GMT"));
  }
}

CAF_TEST(time zone names must be plain names of zone files) {
  test::temp_dir zones;
  test::write_file(zones.path() + "/Asia/Shanghai", "TZif2");
  test::write_file(zones.path() + "/Fake/Zone", "not a zone file");
  test::write_file(zones.path() + "/etc/passwd", "TZif2");
  variables with_dir{{"TZDIR", zones.path()}};
  check_refused_all("TZ",
                    {"Asia/Shanghai8", ":Nowhere/Zone", ":Asia/Shanghai", "../../etc/passwd",
                     "Asia/../Asia/Shanghai", "etc/../Asia/Shanghai", "./Asia/Shanghai",
                     "Fake/Zone", "Asia", "Asia/", zones.path() + "/Asia/Shanghai"},
                    with_dir);
  check_refused_all("TZ", {"../../etc/passwd", "/usr/share/zoneinfo/Asia/Shanghai",
                           "Asia/Shanghai8", ":Nowhere/Zone"});
}

CAF_TEST(time zone lookup defaults to the system zone directory) {
  for (const auto& vars : {variables{}, variables{{"TZDIR", ""}}}) {
    auto refused = refusal("TZ", "Nowhere/Atlantis", vars);
    CAF_CHECK(contains(refused, "/usr/share/zoneinfo"));
  }
}

CAF_TEST(time zone with surrounding white space is refused) {
  test::temp_dir zones;
  test::write_file(zones.path() + "/Asia/Shanghai", "TZif2");
  auto result = parse({{"TZDIR", zones.path()}, {"TZ", " Asia/Shanghai"}});
  CAF_CHECK(!result);
  check_starts_with(result.error, "TZ=\" Asia/Shanghai\" is not valid: ");
  CAF_CHECK(is_one_sentence(result.error));
}

// ---- paths and names -----------------------------------------------------------------------

CAF_TEST(paths are taken as given) {
  auto settings = parsed({{"DATA_DIR", " /var/lib/traffic "}, {"HOST_PROC", "/host/proc"}});
  CAF_CHECK_EQUAL(settings.data_dir, "/var/lib/traffic");
  CAF_CHECK_EQUAL(settings.host_proc, "/host/proc");
  CAF_CHECK_EQUAL(settings.log_file, "/var/lib/traffic/traffic-monitor.log");
}

CAF_TEST(log file defaults into the data dir and may be turned off) {
  CAF_CHECK_EQUAL(parsed({{"DATA_DIR", "/srv/tm/"}}).log_file, "/srv/tm/traffic-monitor.log");
  CAF_CHECK_EQUAL(parsed({{"DATA_DIR", "relative"}}).log_file, "relative/traffic-monitor.log");
  CAF_CHECK_EQUAL(parsed({{"LOG_FILE", " /var/log/tm.log "}}).log_file, "/var/log/tm.log");
  CAF_CHECK_EQUAL(parsed({{"LOG_FILE", ""}}).log_file, "");
  CAF_CHECK_EQUAL(parsed({{"LOG_FILE", "  "}}).log_file, "");
  CAF_CHECK_EQUAL(parsed({{"LOG_FILE", ""}, {"DATA_DIR", "/srv"}}).log_file, "");
}

CAF_TEST(server name is short text without control characters) {
  CAF_CHECK_EQUAL(parsed({{"SERVER_NAME", " web-1 (Tokyo) "}}).server_name, "web-1 (Tokyo)");
  std::string longest(64, 'n');
  CAF_CHECK_EQUAL(parsed({{"SERVER_NAME", longest}}).server_name, longest);
  std::string chinese;
  for (int i = 0; i < 32; ++i)
    chinese += "香港";
  CAF_CHECK_EQUAL(parsed({{"SERVER_NAME", chinese}}).server_name, chinese);
  check_refused_all("SERVER_NAME", {longest + "n", chinese + "岛"});
}

CAF_TEST(server name refusals show control characters escaped) {
  auto refused = [](const std::string& name) { return parse({{"SERVER_NAME", name}}).error; };
  check_starts_with(refused("a\tb"), "SERVER_NAME=\"a\\x09b\" is not valid: expected");
  check_starts_with(refused("a\nb"), "SERVER_NAME=\"a\\x0ab\" is not valid: expected");
  check_starts_with(refused("a\x7f"), "SERVER_NAME=\"a\\x7f\" is not valid: expected");
  check_starts_with(refused("\x1b[31mred"), "SERVER_NAME=\"\\x1b[31mred\" is not valid: ");
  CAF_CHECK(is_one_sentence(refused("a\nb")));
}

CAF_TEST(public ip must be a dotted ipv4 address) {
  CAF_CHECK_EQUAL(parsed({{"PUBLIC_IP", " 203.0.113.7 "}}).public_ip, "203.0.113.7");
  check_refused_all("PUBLIC_IP", {"203.0.113", "256.0.0.1", "::1", "example.org", "01.2.3.4"});
}

CAF_TEST(dotted ipv4 accepts four plain octets only) {
  for (const char* text : {"0.0.0.0", "255.255.255.255", "1.2.3.4", "10.0.100.99"})
    CAF_CHECK_EQUAL(is_dotted_ipv4(text), true);
  for (const char* text :
       {"",         "1.2.3",    "1.2.3.4.5", "256.1.1.1",  "1.2.3.256", "01.2.3.4",
        "1.2.3.00", "1..3.4",   "1.2.3.4 ",  " 1.2.3.4",   "1.2.3.4\n", "a.b.c.d",
        "+1.2.3.4", "1.2.3.-4", "0x1.2.3.4", "1.2.3.0004", "::1",       "1.2.3.4/24",
        "1.2.3.",   ".1.2.3",   "1000.2.3.4"}) {
    CAF_MESSAGE("\"" << text << "\"");
    CAF_CHECK_EQUAL(is_dotted_ipv4(text), false);
  }
}

// ---- describing ----------------------------------------------------------------------------

CAF_TEST(description of the defaults) {
  test::scoped_time_zone utc{"UTC"};
  CAF_CHECK_EQUAL(describe_config(parsed({}), test::at(0)), default_description);
}

CAF_TEST(description shows the current utc offset of the zone) {
  constexpr moment january = test::at(1768435200); // 2026-01-15T00:00:00Z
  constexpr moment july = test::at(1782864000);    // 2026-07-01T00:00:00Z
  struct example {
    const char* zone;
    moment now;
    const char* shown;
  };
  for (const auto& [zone, now, shown] :
       {example{"Asia/Shanghai", july, "TZ=Asia/Shanghai (UTC+08:00)\n"},
        example{"Europe/Berlin", january, "TZ=Europe/Berlin (UTC+01:00)\n"},
        example{"Europe/Berlin", july, "TZ=Europe/Berlin (UTC+02:00)\n"},
        example{"America/New_York", january, "TZ=America/New_York (UTC-05:00)\n"},
        example{"Asia/Kolkata", july, "TZ=Asia/Kolkata (UTC+05:30)\n"},
        example{"Etc/GMT-8", july, "TZ=Etc/GMT-8 (UTC+08:00)\n"},
        example{"UTC", july, "TZ=UTC (UTC+00:00)\n"}}) {
    test::scoped_time_zone local{zone};
    auto description = describe_config(parsed({{"TZ", zone}}), now);
    CAF_CHECK(contains(description, shown));
    if (!contains(description, shown))
      CAF_MESSAGE(description);
  }
}

CAF_TEST(description masks the credentials of urls) {
  test::scoped_time_zone utc{"UTC"};
  auto settings = parsed(
    {{"TELEGRAM_API_BASE", "https://tg:s3cret@proxy.example/telegram/"},
     {"PUBLIC_IP_URLS", "https://a.example,http://ip:pw%40x@b.example:8080/ip"}});
  CAF_CHECK_EQUAL(settings.telegram_api_base, "https://tg:s3cret@proxy.example/telegram");
  auto description = describe_config(settings, test::at(0));
  CAF_CHECK(contains(description, "\nTELEGRAM_API_BASE=https://***@proxy.example/telegram\n"));
  CAF_CHECK(
    contains(description, "\nPUBLIC_IP_URLS=https://a.example,http://***@b.example:8080/ip\n"));
  CAF_CHECK(!contains(description, "s3cret"));
  CAF_CHECK(!contains(description, "pw%40x"));
}

CAF_TEST(refusals never show the credentials of urls) {
  for (const auto& vars : {variables{{"TELEGRAM_API_BASE", "https://tg:s3cret@"}},
                           variables{{"TELEGRAM_API_BASE", "https://tg:s3cret@exa mple.org"}},
                           variables{{"PUBLIC_IP_URLS", "https://a.example,ftp://tg:s3cret@b"}}}) {
    auto result = parse(vars);
    CAF_CHECK(!result);
    CAF_CHECK(contains(result.error, "***@"));
    CAF_CHECK(!contains(result.error, "s3cret"));
  }
}

CAF_TEST(mask secrets hides the token and the credentials of every url) {
  auto settings = parsed({{"TELEGRAM_BOT_TOKEN", good_token},
                          {"TELEGRAM_CHAT_ID", "1"},
                          {"TELEGRAM_API_BASE", "https://tg:s3cret@proxy.example"},
                          {"PUBLIC_IP_URLS", "http://ip:pw2@b.example/ip"}});
  auto masked = mask_secrets("POST https://tg:s3cret@proxy.example/bot" + good_token
                               + "/sendMessage failed; GET http://ip:pw2@b.example/ip failed;"
                                 " proxy said tg:s3cret and ip:pw2 are wrong",
                             settings);
  CAF_CHECK_EQUAL(masked, "POST https://***@proxy.example/bot987654321:***/sendMessage failed; "
                          "GET http://***@b.example/ip failed; proxy said *** and *** are wrong");
  CAF_CHECK_EQUAL(mask_secrets("nothing secret: https://a.example/x@y", settings),
                  "nothing secret: https://a.example/x@y");
}

CAF_TEST(a short credential is masked in its url but blots out nothing else) {
  auto settings = parsed({{"TELEGRAM_BOT_TOKEN", "987654321:AAHsecret-Part_42"},
                          {"TELEGRAM_CHAT_ID", "-10012"},
                          {"TELEGRAM_API_BASE", "http://1@27.0.0.1:8081/"}});
  const auto description = describe_config(settings, test::at(0));
  CAF_CHECK_EQUAL(description.rfind("TELEGRAM_BOT_TOKEN=987654321:***\n"
                                    "TELEGRAM_CHAT_ID=-10012\n"
                                    "TELEGRAM_API_BASE=http://***@27.0.0.1:8081\n",
                                    0),
                  0u);
  CAF_CHECK(contains(description, "\nMONTHLY_TRAFFIC_GB=1024\n"));
  CAF_CHECK_EQUAL(mask_secrets("message 1 delivered to chat -10012", settings),
                  "message 1 delivered to chat -10012");
}

CAF_TEST(description shows effective values) {
  test::temp_dir zones;
  test::write_file(zones.path() + "/Europe/Berlin", "TZif2");
  test::scoped_time_zone berlin{"Europe/Berlin"};
  auto settings = parsed({{"TELEGRAM_BOT_TOKEN", good_token},
                          {"TELEGRAM_CHAT_ID", "-100123,@my_channel"},
                          {"TELEGRAM_API_BASE", "http://127.0.0.1:9000/"},
                          {"TELEGRAM_COMMANDS", "ON"},
                          {"NOTIFY_URLS", "wecombot://wecomkey123,ntfy://127.0.0.1:8080/alerts"},
                          {"METRICS_LISTEN", "[::1]:9841"},
                          {"METRICS_TOKEN", "s3cret-metrics-token-0123"},
                          {"TRAFFIC_DIRECTION", "MAX"},
                          {"TRAFFIC_UNIT", "gb"},
                          {"MONTHLY_TRAFFIC_GB", "200.50"},
                          {"RESET_DAY", "15"},
                          {"THRESHOLDS", "99.5,50"},
                          {"FORECAST_ALERT", "off"},
                          {"LIMIT_PERCENT", "099.50"},
                          {"CHECK_INTERVAL_SECONDS", "30"},
                          {"NETWORK_INTERFACE", "eth0,wg0"},
                          {"REPORT_INTERVAL_DAYS", "0"},
                          {"REPORT_TIME", "7:05"},
                          {"TZDIR", zones.path()},
                          {"TZ", "Europe/Berlin"},
                          {"DATA_DIR", "/srv/tm"},
                          {"LOG_FILE", ""},
                          {"LOG_LEVEL", "Debug"},
                          {"HOST_PROC", "/host/proc"},
                          {"MESSAGE_LANG", "EN"},
                          {"SERVER_NAME", "web 1"},
                          {"PUBLIC_IP", "203.0.113.7"},
                          {"PUBLIC_IP_URLS", "https://a.example"},
                          {"MAX_BANDWIDTH_MBIT", "1000"}});
  CAF_CHECK_EQUAL(describe_config(settings, test::at(1782864000)),
                  "TELEGRAM_BOT_TOKEN=987654321:***\n"
                  "TELEGRAM_CHAT_ID=-100123,@my_channel\n"
                  "TELEGRAM_API_BASE=http://127.0.0.1:9000\n"
                  "TELEGRAM_COMMANDS=on\n"
                  "NOTIFY_URLS=wecombot://***,ntfy://127.0.0.1:8080/***\n"
                  "TRAFFIC_DIRECTION=max\n"
                  "TRAFFIC_UNIT=GB\n"
                  "MONTHLY_TRAFFIC_GB=200.5\n"
                  "RESET_DAY=15\n"
                  "THRESHOLDS=50,99.5\n"
                  "FORECAST_ALERT=off\n"
                  "LIMIT_PERCENT=99.5\n"
                  "CHECK_INTERVAL_SECONDS=30\n"
                  "NETWORK_INTERFACE=eth0,wg0\n"
                  "REPORT_INTERVAL_DAYS=0\n"
                  "REPORT_TIME=07:05\n"
                  "TZ=Europe/Berlin (UTC+02:00)\n"
                  "DATA_DIR=/srv/tm\n"
                  "LOG_FILE=(none)\n"
                  "LOG_LEVEL=debug\n"
                  "HOST_PROC=/host/proc\n"
                  "MESSAGE_LANG=en\n"
                  "SERVER_NAME=web 1\n"
                  "PUBLIC_IP=203.0.113.7\n"
                  "PUBLIC_IP_URLS=https://a.example\n"
                  "METRICS_LISTEN=[::1]:9841\n"
                  "METRICS_TOKEN=***\n"
                  "MAX_BANDWIDTH_MBIT=1000\n");
}

CAF_TEST(mask token keeps only the bot id) {
  CAF_CHECK_EQUAL(mask_token(good_token), "987654321:***");
  CAF_CHECK_EQUAL(mask_token("1:a"), "1:***");
  CAF_CHECK_EQUAL(mask_token(""), "");
  for (const char* text : {"abc", "123", "123:", ":abc", "123:abc def", "x123:abc", "123:ab$"})
    CAF_CHECK_EQUAL(mask_token(text), "***");
}

// ---- what the run needs --------------------------------------------------------------------

namespace {

// Settings whose files are all usable: a fake proc tree and a data directory to be made.
struct usable_run {
  test::fake_proc proc;
  test::temp_dir dir;
  config settings = parsed({{"HOST_PROC", proc.root()}, {"DATA_DIR", dir.path() + "/data"}});
};

std::string unusable(const config& settings) {
  return check_usable(settings).error;
}

} // namespace

CAF_TEST(a usable run passes the checks without leaving anything behind) {
  usable_run run;
  CAF_CHECK_EQUAL(unusable(run.settings), "");
  CAF_CHECK(!test::file_exists(run.dir.path() + "/data"));
  run.settings.log_file = "";
  CAF_CHECK_EQUAL(unusable(run.settings), "");
  run.settings.data_dir = run.dir.path();
  run.settings.log_file = run.dir.path() + "/logs/deeper/monitor.log";
  CAF_CHECK_EQUAL(unusable(run.settings), "");
  test::write_file(run.dir.path() + "/existing.log", "old lines\n");
  run.settings.log_file = run.dir.path() + "/existing.log";
  CAF_CHECK_EQUAL(unusable(run.settings), "");
  CAF_CHECK_EQUAL(test::read_file(run.dir.path() + "/existing.log"), "old lines\n");
}

CAF_TEST(host proc must hold a readable net dev and boot id) {
  usable_run run;
  run.settings.host_proc = "/nonexistent";
  auto missing = unusable(run.settings);
  check_starts_with(missing, "HOST_PROC=\"/nonexistent\" ");
  CAF_CHECK(contains(missing, "/nonexistent/net/dev"));
  CAF_CHECK(is_one_sentence(missing));
  run.settings.host_proc = run.proc.root();
  test::write_file(run.proc.root() + "/net/dev", "this is not a device table\n");
  check_starts_with(unusable(run.settings), "HOST_PROC=\"" + run.proc.root() + "\" ");
  run.proc.set_counters({});
  std::remove((run.proc.root() + "/sys/kernel/random/boot_id").c_str());
  auto no_boot_id = unusable(run.settings);
  check_starts_with(no_boot_id, "HOST_PROC=\"" + run.proc.root() + "\" ");
  CAF_CHECK(contains(no_boot_id, "boot_id"));
}

CAF_TEST(data dir must be a directory that can be made and written) {
  usable_run run;
  test::write_file(run.dir.path() + "/file", "a regular file\n");
  for (const auto& path : {run.dir.path() + "/file", run.dir.path() + "/file/data",
                           run.dir.path() + "/file/deeper/data"}) {
    CAF_MESSAGE("DATA_DIR=" << path);
    run.settings.data_dir = path;
    run.settings.log_file = "";
    auto refused = unusable(run.settings);
    check_starts_with(refused, "DATA_DIR=\"" + path + "\" ");
    CAF_CHECK(is_one_sentence(refused));
  }
}

CAF_TEST(log file must be a file in a directory that can be made and written) {
  usable_run run;
  test::write_file(run.dir.path() + "/file", "a regular file\n");
  for (const auto& path : {run.dir.path() + "/file/monitor.log",
                           run.dir.path() + "/file/logs/monitor.log", run.dir.path()}) {
    CAF_MESSAGE("LOG_FILE=" << path);
    run.settings.log_file = path;
    auto refused = unusable(run.settings);
    check_starts_with(refused, "LOG_FILE=\"" + path + "\" ");
    CAF_CHECK(is_one_sentence(refused));
  }
}

// ---- the process environment ---------------------------------------------------------------

CAF_TEST(process environment reads getenv) {
  const char* name = "TMON_CONFIG_TEST_VARIABLE";
  auto lookup = process_environment();
  unsetenv(name);
  CAF_CHECK(!lookup(name).has_value());
  setenv(name, " value ", 1);
  CAF_CHECK_EQUAL(lookup(name).value_or("(unset)"), " value ");
  setenv(name, "", 1);
  CAF_CHECK_EQUAL(lookup(name).value_or("(unset)"), "");
  unsetenv(name);
}

// ---- the metrics listener -------------------------------------------------------------------

CAF_TEST(metrics listen on a host and port or a bracketed ipv6 address) {
  auto loopback = parsed({{"METRICS_LISTEN", "127.0.0.1:9841"}});
  CAF_CHECK_EQUAL(loopback.metrics_host, "127.0.0.1");
  CAF_CHECK_EQUAL(loopback.metrics_port, 9841);
  auto ipv6 = parsed({{"METRICS_LISTEN", "[::1]:9841"}});
  CAF_CHECK_EQUAL(ipv6.metrics_host, "::1");
  CAF_CHECK(contains(describe_config(ipv6, test::at(0)), "METRICS_LISTEN=[::1]:9841\n"));
  CAF_CHECK_EQUAL(parsed({{"METRICS_LISTEN", "localhost:1"}}).metrics_port, 1);
  CAF_CHECK_EQUAL(parsed({}).metrics_port, 0);
  CAF_CHECK(contains(describe_config(parsed({}), test::at(0)), "METRICS_LISTEN=(none)\n"));
  for (auto bad : {"9841", ":9841", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "[::1]9841",
                   "[]:9841", "::1:9841", "host name:9841", "127.0.0.1:98x"}) {
    CAF_MESSAGE(bad);
    CAF_CHECK(contains(refusal("METRICS_LISTEN", bad), "expected HOST:PORT or [IPV6]:PORT"));
  }
}

CAF_TEST(a listener others can reach needs a token) {
  for (auto open : {"0.0.0.0:9841", "[::]:9841", "203.0.113.7:9841", "vps.example.com:9841"}) {
    CAF_MESSAGE(open);
    const auto error = refusal("METRICS_LISTEN", open);
    CAF_CHECK(contains(error, "is not a loopback address, so METRICS_TOKEN or METRICS_TOKEN_FILE "
                              "must be set"));
  }
  const std::string token = "s3cret-metrics-token-0123";
  auto settings = parsed({{"METRICS_LISTEN", "0.0.0.0:9841"}, {"METRICS_TOKEN", token}});
  CAF_CHECK_EQUAL(settings.metrics_token, token);
  const auto description = describe_config(settings, test::at(0));
  CAF_CHECK(contains(description, "METRICS_TOKEN=***\n"));
  CAF_CHECK(!contains(description, token));
  CAF_CHECK_EQUAL(mask_secrets("token " + token, settings), "token ***");
  // Refused without repeating it.
  const auto short_token = parse({{"METRICS_TOKEN", "tooShort"}, {"METRICS_LISTEN", "0.0.0.0:1"}})
                             .error;
  CAF_CHECK_EQUAL(short_token, "METRICS_TOKEN=\"***\" is not valid: expected a token of at least "
                               "16 printable ASCII characters without spaces.");
  test::temp_dir dir;
  test::write_file(dir.path() + "/token", token + "\n");
  auto from_file = parsed(
    {{"METRICS_LISTEN", "0.0.0.0:9841"}, {"METRICS_TOKEN_FILE", dir.path() + "/token"}});
  CAF_CHECK_EQUAL(from_file.metrics_token, token);
}
