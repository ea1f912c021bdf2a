#define CAF_SUITE setting_values
#include <caf/test/unit_test.hpp>

#include "main/setting_values.hpp"

#include <string>
#include <vector>

using namespace tmon;

CAF_TEST(a refusal quotes the value printably and says what is expected) {
  const auto plain = invalid({"RESET_DAY", "3\x01"}, "a whole number");
  CAF_CHECK_EQUAL(plain.error, "RESET_DAY=\"3\\x01\" is not valid: expected a whole number.");
  const auto from_file = invalid({"TELEGRAM_CHAT_ID", "x", " (read from TELEGRAM_CHAT_ID_FILE)"},
                                 "a chat id", "it is not");
  CAF_CHECK_EQUAL(from_file.error,
                  "TELEGRAM_CHAT_ID=\"x\" (read from TELEGRAM_CHAT_ID_FILE) is not valid: "
                  "expected a chat id, but it is not.");
}

CAF_TEST(text helpers) {
  auto items = split_list(" a , b,");
  CAF_CHECK_EQUAL(std::vector<std::string>(items.begin(), items.end()),
                  std::vector<std::string>({"a", "b", ""}));
  CAF_CHECK_EQUAL(one_of({"zh", "en"}), "zh or en");
  CAF_CHECK_EQUAL(one_of({"a", "b", "c"}), "a, b or c");
  CAF_CHECK_EQUAL(decimal_text(0.0000000001), "0.0000000001");
  CAF_CHECK_EQUAL(decimal_text(80), "80");
  CAF_CHECK_EQUAL(printable("a\tb\x7f"), "a\\x09b\\x7f");
  CAF_CHECK_EQUAL(character_count("服务器1"), 4u);
}

CAF_TEST(numbers are read strictly and quotas exactly) {
  CAF_CHECK_EQUAL(parse_whole("007").value_or(-1), 7);
  CAF_CHECK(!parse_whole("+7"));
  CAF_CHECK(!parse_whole("99999999999999999999"));
  CAF_CHECK(!parse_positive_decimal("0"));
  CAF_CHECK(!parse_positive_decimal("1."));
  CAF_CHECK_EQUAL(parse_positive_decimal("0.5").value_or(0), 0.5);
  CAF_CHECK_EQUAL(exact_bytes("0.5", 1024).value_or(0), 512u);
  // Half a byte rounds up, a third of one down.
  CAF_CHECK_EQUAL(exact_bytes("0.5", 1).value_or(0), 1u);
  CAF_CHECK_EQUAL(exact_bytes("0.3", 1).value_or(9), 0u);
  CAF_CHECK(!exact_bytes("17179869184", 1024ull * 1024 * 1024));
}

CAF_TEST(zone names and POSIX rules are told apart) {
  CAF_CHECK_EQUAL(posix_rule_offset("UTC+8").value_or(0), 480);
  CAF_CHECK_EQUAL(posix_rule_offset("<+08>-8").value_or(0), -480);
  CAF_CHECK_EQUAL(posix_rule_offset("EST5EDT,M3.2.0,M11.1.0").value_or(0), 300);
  CAF_CHECK_EQUAL(posix_rule_offset("CET-1:30").value_or(0), -90);
  CAF_CHECK(!posix_rule_offset("Asia/Shanghai"));
  CAF_CHECK(!posix_rule_offset("UTC"));
  CAF_CHECK(is_plain_zone_name("Asia/Shanghai"));
  for (const char* name : {":Asia/Shanghai", "/etc/localtime", "Asia//Shanghai", "../etc/x"})
    CAF_CHECK(!is_plain_zone_name(name));
}

CAF_TEST(shapes of values) {
  CAF_CHECK(is_token_shaped("123:AB-c_d"));
  CAF_CHECK(!is_token_shaped("123:"));
  CAF_CHECK(!is_token_shaped("abc:def"));
  CAF_CHECK(is_chat_id("-1001234567890"));
  CAF_CHECK(is_chat_id("@my_channel"));
  CAF_CHECK(!is_chat_id("0123"));
  CAF_CHECK(!is_chat_id("@abcd"));
  CAF_CHECK(is_http_url("https://user:pass@[::1]:8443/bot"));
  CAF_CHECK(!is_http_url("ftp://host"));
  CAF_CHECK(!is_http_url("https://"));
  CAF_CHECK(!is_http_url("https://[]/"));
  auto time = parse_time_of_day("7:05");
  CAF_REQUIRE(time.has_value());
  CAF_CHECK_EQUAL(time->hour, 7);
  CAF_CHECK_EQUAL(time->minute, 5);
  CAF_CHECK(!parse_time_of_day("24:00"));
  CAF_CHECK(!parse_time_of_day("7:5"));
}
