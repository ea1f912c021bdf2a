#define CAF_SUITE message_catalog
#include <caf/test/unit_test.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <set>
#include <string>

#include "actors/notifier/message_catalog.hpp"
#include "test_support.hpp"

using namespace tmon;
using namespace std::chrono_literals;
using tmon::test::utc;

namespace {

constexpr std::uint64_t gib = 1024ull * 1024 * 1024;
constexpr std::uint64_t gb = 1000ull * 1000 * 1000;
const traffic_unit gib_unit{"GiB", gib};
const traffic_unit gb_unit{"GB", gb};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

bool has_line(const std::string& text, const std::string& line) {
  return contains("\n" + text + "\n", "\n" + line + "\n");
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

struct fixture {
  test::scoped_time_zone zone{"UTC"};

  // February 2026: 80 GiB of 100 GiB used, 12.5 GiB received, 80 GiB sent, half a day
  // past the 16th, so 11.5 days remain.
  event make_event(event_kind kind) const {
    event e;
    e.id = 7;
    e.kind = kind;
    e.raised_at = utc(2026, 2, 17, 12);
    e.usage.cycle = {utc(2026, 2, 1), utc(2026, 3, 1)};
    e.usage.rx_bytes = 12 * gib + gib / 2;
    e.usage.tx_bytes = 80 * gib;
    e.usage.counted_bytes = 80 * gib;
    e.usage.quota_bytes = 100 * gib;
    return e;
  }

  message_context context(message_language language) const {
    message_context c;
    c.language = language;
    c.unit = gib_unit;
    c.direction = traffic_direction::outbound;
    c.host_name = "vps-tokyo-1";
    c.public_ipv4 = "203.0.113.7";
    return c;
  }

  std::string message(const event& e, message_language language) const {
    return format_message(e, context(language));
  }

  std::string message(event_kind kind, message_language language) const {
    return message(make_event(kind), language);
  }
};

} // namespace

CAF_TEST_FIXTURE_SCOPE(message_catalog_tests, fixture)

// -- format_amount ------------------------------------------------------------------------

CAF_TEST(amounts of nothing and of one byte show zero) {
  CAF_CHECK_EQUAL(format_amount(0, gib_unit), "0.00 GiB");
  CAF_CHECK_EQUAL(format_amount(1, gib_unit), "0.00 GiB");
  CAF_CHECK_EQUAL(format_amount(1, gb_unit), "0.00 GB");
}

CAF_TEST(amounts carry the unit name and exactly two decimals) {
  CAF_CHECK_EQUAL(format_amount(gib, gib_unit), "1.00 GiB");
  CAF_CHECK_EQUAL(format_amount(12 * gib + gib / 2, gib_unit), "12.50 GiB");
  CAF_CHECK_EQUAL(format_amount(1024 * gib, gib_unit), "1024.00 GiB");
  CAF_CHECK_EQUAL(format_amount(1024 * gb, gb_unit), "1024.00 GB");
  CAF_CHECK_EQUAL(format_amount(gib, gb_unit), "1.07 GB");
}

CAF_TEST(amounts round half a hundredth up) {
  CAF_CHECK_EQUAL(format_amount(5'000'000, gb_unit), "0.01 GB");
  CAF_CHECK_EQUAL(format_amount(4'999'999, gb_unit), "0.00 GB");
  // 1.005 has no exact binary form; a plain double would print 1.00.
  CAF_CHECK_EQUAL(format_amount(1'005'000'000, gb_unit), "1.01 GB");
  CAF_CHECK_EQUAL(format_amount(1'004'999'999, gb_unit), "1.00 GB");
  CAF_CHECK_EQUAL(format_amount(gib / 8, gib_unit), "0.13 GiB");
  CAF_CHECK_EQUAL(format_amount(3 * gib / 8, gib_unit), "0.38 GiB");
}

CAF_TEST(amounts just below a whole unit carry into it) {
  CAF_CHECK_EQUAL(format_amount(gib - 1, gib_unit), "1.00 GiB");
  CAF_CHECK_EQUAL(format_amount(1023 * gib + gib - 1, gib_unit), "1024.00 GiB");
  CAF_CHECK_EQUAL(format_amount(995 * gb / 1000 - 1, gb_unit), "0.99 GB");
}

CAF_TEST(huge amounts keep every digit) {
  constexpr auto most = std::numeric_limits<std::uint64_t>::max();
  CAF_CHECK_EQUAL(format_amount(most, gib_unit), "17179869184.00 GiB");
  CAF_CHECK_EQUAL(format_amount(most, gb_unit), "18446744073.71 GB");
  CAF_CHECK_EQUAL(format_amount(most, traffic_unit{"B", 1}), "18446744073709551615.00 B");
  CAF_CHECK_EQUAL(format_amount(most - gib / 2, traffic_unit{"x", most}), "1.00 x");
}

CAF_TEST(a unit of zero bytes shows raw bytes instead of dividing by zero) {
  CAF_CHECK_EQUAL(format_amount(1536, traffic_unit{"GiB", 0}), "1536.00 B");
}

// -- format_share -------------------------------------------------------------------------

CAF_TEST(percentages have one decimal) {
  CAF_CHECK_EQUAL(format_share(0, 1000), "0.0%");
  CAF_CHECK_EQUAL(format_share(800, 1000), "80.0%");
  CAF_CHECK_EQUAL(format_share(1234, 10000), "12.3%");
  CAF_CHECK_EQUAL(format_share(9996, 10000), "99.9%");
  CAF_CHECK_EQUAL(format_share(1500, 1000), "150.0%");
  CAF_CHECK_EQUAL(format_share(gib, 3 * gib), "33.3%");
}

CAF_TEST(percentages are never rounded up to a share not reached) {
  CAF_CHECK_EQUAL(format_share(1225, 10000), "12.2%");
  CAF_CHECK_EQUAL(format_share(5, 10000), "0.0%");
  CAF_CHECK_EQUAL(format_share(9995, 10000), "99.9%");
  CAF_CHECK_EQUAL(format_share(999'999'999'999, 1'000'000'000'000), "99.9%");
  CAF_CHECK_EQUAL(format_share(1000, 1000), "100.0%");
}

CAF_TEST(a share exactly at a tenth shows that tenth) {
  CAF_CHECK_EQUAL(format_share(573, 1000), "57.3%");
  CAF_CHECK_EQUAL(format_share(7, 100), "7.0%");
  CAF_CHECK_EQUAL(format_share(3, 10), "30.0%");
}

CAF_TEST(a zero quota shows no share) {
  CAF_CHECK_EQUAL(format_share(5 * gib, 0), "0.0%");
  CAF_CHECK_EQUAL(format_share(0, 0), "0.0%");
}

CAF_TEST(huge percentages print all digits exactly) {
  auto most = std::numeric_limits<std::uint64_t>::max();
  CAF_CHECK_EQUAL(format_share(most, 1), "1844674407370955161500.0%");
  CAF_CHECK_EQUAL(format_share(most, most), "100.0%");
}

// -- days_left ----------------------------------------------------------------------------

CAF_TEST(days left round a partial day up) {
  auto end = utc(2026, 3, 1);
  CAF_CHECK_EQUAL(days_left(end - 3 * 86400s, end), 3);
  CAF_CHECK_EQUAL(days_left(end - 3 * 86400s - 1s, end), 4);
  CAF_CHECK_EQUAL(days_left(end - 86400s, end), 1);
  CAF_CHECK_EQUAL(days_left(end - 1s, end), 1);
  CAF_CHECK_EQUAL(days_left(utc(2026, 2, 17, 12), end), 12);
}

CAF_TEST(no days are left at or past the end) {
  auto end = utc(2026, 3, 1);
  CAF_CHECK_EQUAL(days_left(end, end), 0);
  CAF_CHECK_EQUAL(days_left(end + 1s, end), 0);
  CAF_CHECK_EQUAL(days_left(end + 40 * 86400s, end), 0);
}

CAF_TEST(days left survive the widest span of time) {
  constexpr auto earliest = moment::min();
  constexpr auto latest = moment::max();
  CAF_CHECK_EQUAL(days_left(earliest, latest), 213503982334602);
  CAF_CHECK_EQUAL(days_left(latest, earliest), 0);
}

// -- direction_label ----------------------------------------------------------------------

CAF_TEST(direction labels in english) {
  auto en = message_language::en;
  CAF_CHECK_EQUAL(direction_label(traffic_direction::outbound, en), "outbound (tx)");
  CAF_CHECK_EQUAL(direction_label(traffic_direction::inbound, en), "inbound (rx)");
  CAF_CHECK_EQUAL(direction_label(traffic_direction::bidirectional, en),
                  "both directions (rx + tx)");
  CAF_CHECK_EQUAL(direction_label(traffic_direction::max, en), "the larger of rx and tx");
}

CAF_TEST(direction labels in chinese) {
  auto zh = message_language::zh;
  CAF_CHECK_EQUAL(direction_label(traffic_direction::outbound, zh), "出站 (tx)");
  CAF_CHECK_EQUAL(direction_label(traffic_direction::inbound, zh), "入站 (rx)");
  CAF_CHECK_EQUAL(direction_label(traffic_direction::bidirectional, zh), "双向 (rx + tx)");
  CAF_CHECK_EQUAL(direction_label(traffic_direction::max, zh), "取 rx 和 tx 中的较大者");
}

// -- monitor_started ----------------------------------------------------------------------

CAF_TEST(monitor started in english) {
  auto text = message(event_kind::monitor_started, message_language::en);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "🚀 Traffic monitor started");
  CAF_CHECK(has_line(text, "Host: vps-tokyo-1"));
  CAF_CHECK(has_line(text, "Public IPv4: 203.0.113.7"));
  CAF_CHECK(has_line(text, "Counted traffic: outbound (tx)"));
  CAF_CHECK(has_line(text, "Used / quota: 80.00 GiB / 100.00 GiB (80.0%)"));
  CAF_CHECK(has_line(text, "Billing cycle: 2026-02-01 to 2026-02-28"));
  CAF_CHECK(has_line(text, "Days left: 12"));
}

CAF_TEST(monitor started in chinese) {
  auto text = message(event_kind::monitor_started, message_language::zh);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "🚀 流量监控已启动");
  CAF_CHECK(has_line(text, "主机：vps-tokyo-1"));
  CAF_CHECK(has_line(text, "公网 IPv4：203.0.113.7"));
  CAF_CHECK(has_line(text, "统计方式：出站 (tx)"));
  CAF_CHECK(has_line(text, "已用 / 额度：80.00 GiB / 100.00 GiB（80.0%）"));
  CAF_CHECK(has_line(text, "计费周期：2026-02-01 至 2026-02-28"));
  CAF_CHECK(has_line(text, "剩余天数：12 天"));
  CAF_CHECK(!contains(text, "Traffic"));
}

CAF_TEST(monitor started names the counted interfaces and the missing ones with those that exist) {
  auto e = make_event(event_kind::monitor_started);
  e.interfaces = {"eth0"};
  e.missing_interfaces = {"eht0", "wg9"};
  e.visible_interfaces = {"lo", "eth0"};
  auto en = message(e, message_language::en);
  CAF_CHECK(has_line(en, "Interfaces counted: eth0"));
  CAF_CHECK(has_line(en, "⚠️ Interfaces not found: eht0, wg9 (existing: lo, eth0)"));
  auto zh = message(e, message_language::zh);
  CAF_CHECK(has_line(zh, "统计的网卡：eth0"));
  CAF_CHECK(has_line(zh, "⚠️ 找不到网卡：eht0, wg9（现有网卡：lo, eth0）"));
}

CAF_TEST(monitor started with every interface missing says none is counted) {
  auto e = make_event(event_kind::monitor_started);
  e.missing_interfaces = {"eht0"};
  e.visible_interfaces = {"lo", "eth0"};
  auto en = message(e, message_language::en);
  CAF_CHECK(has_line(en, "Interfaces counted: none"));
  CAF_CHECK(has_line(message(e, message_language::zh), "统计的网卡：无"));
}

CAF_TEST(monitor started without a reading names no interfaces) {
  auto text = message(event_kind::monitor_started, message_language::en);
  CAF_CHECK(!contains(text, "Interfaces"));
}

CAF_TEST(monitor started names the configured direction and unit) {
  auto c = context(message_language::en);
  c.direction = traffic_direction::max;
  c.unit = gb_unit;
  auto text = format_message(make_event(event_kind::monitor_started), c);
  CAF_CHECK(has_line(text, "Counted traffic: the larger of rx and tx"));
  CAF_CHECK(has_line(text, "Used / quota: 85.90 GB / 107.37 GB (80.0%)"));
}

CAF_TEST(an unknown address and host read as unknown) {
  auto en = context(message_language::en);
  en.public_ipv4.clear();
  en.host_name.clear();
  auto text = format_message(make_event(event_kind::monitor_started), en);
  CAF_CHECK(has_line(text, "Host: unknown"));
  CAF_CHECK(has_line(text, "Public IPv4: unknown"));
  auto zh = context(message_language::zh);
  zh.public_ipv4.clear();
  text = format_message(make_event(event_kind::threshold_crossed), zh);
  CAF_CHECK(has_line(text, "主机：vps-tokyo-1"));
  CAF_CHECK(has_line(text, "公网 IPv4：未知"));
}

// -- threshold_crossed --------------------------------------------------------------------

CAF_TEST(threshold alert in english) {
  auto e = make_event(event_kind::threshold_crossed);
  e.threshold_percent = 80_percent;
  auto text = message(e, message_language::en);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "⚠️ Traffic alert: 80% of the quota reached");
  CAF_CHECK(has_line(text, "Host: vps-tokyo-1"));
  CAF_CHECK(has_line(text, "Public IPv4: 203.0.113.7"));
  CAF_CHECK(has_line(text, "Used / quota: 80.00 GiB / 100.00 GiB (80.0%)"));
  CAF_CHECK(has_line(text, "Received (rx): 12.50 GiB"));
  CAF_CHECK(has_line(text, "Sent (tx): 80.00 GiB"));
  CAF_CHECK(has_line(text, "Billing cycle: 2026-02-01 to 2026-02-28"));
  CAF_CHECK(has_line(text, "Days left: 12"));
}

CAF_TEST(threshold alert in chinese) {
  auto e = make_event(event_kind::threshold_crossed);
  e.threshold_percent = 80_percent;
  auto text = message(e, message_language::zh);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "⚠️ 流量告警：已用流量达到额度的 80%");
  CAF_CHECK(has_line(text, "主机：vps-tokyo-1"));
  CAF_CHECK(has_line(text, "公网 IPv4：203.0.113.7"));
  CAF_CHECK(has_line(text, "已用 / 额度：80.00 GiB / 100.00 GiB（80.0%）"));
  CAF_CHECK(has_line(text, "接收 (rx)：12.50 GiB"));
  CAF_CHECK(has_line(text, "发送 (tx)：80.00 GiB"));
  CAF_CHECK(has_line(text, "计费周期：2026-02-01 至 2026-02-28"));
  CAF_CHECK(has_line(text, "剩余天数：12 天"));
}

CAF_TEST(a fractional threshold keeps its decimal) {
  auto e = make_event(event_kind::threshold_crossed);
  e.threshold_percent = 92.5_percent;
  CAF_CHECK_EQUAL(first_line(message(e, message_language::en)),
                  "⚠️ Traffic alert: 92.5% of the quota reached");
  CAF_CHECK_EQUAL(first_line(message(e, message_language::zh)),
                  "⚠️ 流量告警：已用流量达到额度的 92.5%");
  e.threshold_percent = 99.95_percent;
  CAF_CHECK_EQUAL(first_line(message(e, message_language::en)),
                  "⚠️ Traffic alert: 99.95% of the quota reached");
  e.threshold_percent = 0.125_percent;
  CAF_CHECK_EQUAL(first_line(message(e, message_language::en)),
                  "⚠️ Traffic alert: 0.125% of the quota reached");
  e.threshold_percent = 100_percent;
  CAF_CHECK_EQUAL(first_line(message(e, message_language::en)),
                  "⚠️ Traffic alert: 100% of the quota reached");
}

// -- cycle_closed -------------------------------------------------------------------------

CAF_TEST(cycle reset in english) {
  auto e = make_event(event_kind::cycle_closed);
  e.raised_at = utc(2026, 3, 1);
  auto text = message(e, message_language::en);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "🔄 Traffic reset: new billing cycle");
  CAF_CHECK(has_line(text, "Host: vps-tokyo-1"));
  CAF_CHECK(has_line(text, "Public IPv4: 203.0.113.7"));
  CAF_CHECK(has_line(text, "Closed cycle: 2026-02-01 to 2026-02-28"));
  CAF_CHECK(has_line(text, "Used / quota: 80.00 GiB / 100.00 GiB (80.0%)"));
  CAF_CHECK(has_line(text, "Received (rx): 12.50 GiB"));
  CAF_CHECK(has_line(text, "Sent (tx): 80.00 GiB"));
  CAF_CHECK(has_line(text, "Counting restarted from zero for the new cycle."));
  CAF_CHECK(!contains(text, "late"));
  // Without days recorded there is neither a busiest day nor an average.
  CAF_CHECK(!contains(text, "Busiest"));
  CAF_CHECK(!contains(text, "Daily average"));
}

CAF_TEST(a reset notice gives the busiest day and daily average of the closed cycle) {
  auto e = make_event(event_kind::cycle_closed);
  e.raised_at = utc(2026, 3, 1);
  e.outlook.busiest_day = "2026-02-10";
  e.outlook.busiest_day_bytes = 9 * gib + gib / 4;
  e.outlook.full_days = 28;
  e.outlook.daily_average_bytes = 80 * gib / 28;
  auto en = message(e, message_language::en);
  CAF_CHECK(has_line(en, "Busiest day: 2026-02-10 (9.25 GiB)"));
  CAF_CHECK(has_line(en, "Daily average: 2.86 GiB"));
  auto zh = message(e, message_language::zh);
  CAF_CHECK(has_line(zh, "用量最高的一天：2026-02-10（9.25 GiB）"));
  CAF_CHECK(has_line(zh, "日均：2.86 GiB"));
}

CAF_TEST(cycle reset in chinese) {
  auto e = make_event(event_kind::cycle_closed);
  e.raised_at = utc(2026, 3, 1);
  auto text = message(e, message_language::zh);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "🔄 流量已重置：新的计费周期开始");
  CAF_CHECK(has_line(text, "主机：vps-tokyo-1"));
  CAF_CHECK(has_line(text, "公网 IPv4：203.0.113.7"));
  CAF_CHECK(has_line(text, "上一计费周期：2026-02-01 至 2026-02-28"));
  CAF_CHECK(has_line(text, "已用 / 额度：80.00 GiB / 100.00 GiB（80.0%）"));
  CAF_CHECK(has_line(text, "接收 (rx)：12.50 GiB"));
  CAF_CHECK(has_line(text, "发送 (tx)：80.00 GiB"));
  CAF_CHECK(has_line(text, "新周期的流量已从零开始重新统计。"));
  CAF_CHECK(!contains(text, "延迟"));
}

CAF_TEST(a late reset says why it is late) {
  auto e = make_event(event_kind::cycle_closed);
  e.raised_at = utc(2026, 3, 4, 8);
  e.late = true;
  auto en = message(e, message_language::en);
  CAF_CHECK(has_line(en, "Note: this notice is late: at the reset time the monitor was not "
                         "running, or the host was suspended or its clock changed."));
  CAF_CHECK(has_line(en, "Closed cycle: 2026-02-01 to 2026-02-28"));
  auto zh = message(e, message_language::zh);
  CAF_CHECK(
    has_line(zh, "注意：本通知有延迟：重置时监控程序未在运行，或主机曾被挂起或时钟被调整。"));
}

// -- usage_report -------------------------------------------------------------------------

// The report's outlook: 2 GiB today, 5 GiB yesterday, 4 GiB a day over 7 days, 126 GiB
// projected, the quota running out on the 22nd, 1.66 GiB a day left to spend.
cycle_outlook over_quota_outlook() {
  cycle_outlook outlook;
  outlook.today_bytes = 2 * gib;
  outlook.yesterday_bytes = 5 * gib;
  outlook.full_days = 7;
  outlook.daily_average_bytes = 4 * gib;
  outlook.projected_bytes = 126 * gib;
  outlook.runs_out_at = utc(2026, 2, 22, 12);
  outlook.days_left = 12;
  outlook.daily_budget_bytes = 20 * gib / 12;
  return outlook;
}

std::size_t line_count(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

CAF_TEST(usage report in english) {
  auto e = make_event(event_kind::usage_report);
  e.outlook = over_quota_outlook();
  auto text = message(e, message_language::en);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "📊 Traffic report");
  CAF_CHECK(has_line(text, "Host: vps-tokyo-1"));
  CAF_CHECK(has_line(text, "Public IPv4: 203.0.113.7"));
  CAF_CHECK(has_line(text, "Used / quota: 80.00 GiB / 100.00 GiB (80.0%)"));
  CAF_CHECK(has_line(text, "Received (rx): 12.50 GiB"));
  CAF_CHECK(has_line(text, "Sent (tx): 80.00 GiB"));
  CAF_CHECK(has_line(text, "Today: 2.00 GiB, yesterday: 5.00 GiB"));
  CAF_CHECK(has_line(text, "Daily average: 4.00 GiB (last 7 full days)"));
  CAF_CHECK(has_line(text, "Projected at cycle end: 126.00 GiB (126.0% of the quota); at this "
                           "pace the quota runs out on 2026-02-22"));
  CAF_CHECK(has_line(text, "Daily budget (today included): 1.67 GiB"));
  CAF_CHECK(has_line(text, "Billing cycle: 2026-02-01 to 2026-02-28"));
  CAF_CHECK(has_line(text, "Days left: 12"));
  CAF_CHECK_LESS(line_count(text), 15u);
}

CAF_TEST(usage report in chinese) {
  auto e = make_event(event_kind::usage_report);
  e.outlook = over_quota_outlook();
  auto text = message(e, message_language::zh);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "📊 流量使用报告");
  CAF_CHECK(has_line(text, "主机：vps-tokyo-1"));
  CAF_CHECK(has_line(text, "公网 IPv4：203.0.113.7"));
  CAF_CHECK(has_line(text, "已用 / 额度：80.00 GiB / 100.00 GiB（80.0%）"));
  CAF_CHECK(has_line(text, "接收 (rx)：12.50 GiB"));
  CAF_CHECK(has_line(text, "发送 (tx)：80.00 GiB"));
  CAF_CHECK(has_line(text, "今日：2.00 GiB，昨日：5.00 GiB"));
  CAF_CHECK(has_line(text, "日均：4.00 GiB（最近 7 个完整日）"));
  CAF_CHECK(has_line(text, "预计周期结束时用量：126.00 GiB（额度的 126.0%），按当前速度额度将于 "
                           "2026-02-22 用完"));
  CAF_CHECK(has_line(text, "每日可用额度（含今日）：1.67 GiB"));
  CAF_CHECK(has_line(text, "计费周期：2026-02-01 至 2026-02-28"));
  CAF_CHECK(has_line(text, "剩余天数：12 天"));
  CAF_CHECK_LESS(line_count(text), 15u);
}

CAF_TEST(a report within the quota says so and names no date) {
  auto e = make_event(event_kind::usage_report);
  e.outlook = over_quota_outlook();
  e.outlook.projected_bytes = 95 * gib;
  e.outlook.runs_out_at = moment{};
  CAF_CHECK(has_line(message(e, message_language::en),
                     "Projected at cycle end: 95.00 GiB (95.0% of the quota), within quota"));
  CAF_CHECK(has_line(message(e, message_language::zh),
                     "预计周期结束时用量：95.00 GiB（额度的 95.0%），在额度内"));
}

CAF_TEST(a report without a full day of data has no average nor projection) {
  auto e = make_event(event_kind::usage_report);
  e.outlook.today_bytes = gib;
  auto en = message(e, message_language::en);
  CAF_CHECK(has_line(en, "Forecast: not enough data yet"));
  CAF_CHECK(!contains(en, "Projected"));
  CAF_CHECK(!contains(en, "Daily average"));
  CAF_CHECK(has_line(message(e, message_language::zh), "预测：数据不足（尚无完整的一天）"));
}

CAF_TEST(a report with a zero quota shows no nan) {
  auto e = make_event(event_kind::usage_report);
  e.usage.quota_bytes = 0;
  e.outlook = over_quota_outlook();
  e.outlook.projected_bytes = 3 * gib;
  auto text = message(e, message_language::en);
  CAF_CHECK(has_line(text, "Used / quota: 80.00 GiB / 0.00 GiB (0.0%)"));
  CAF_CHECK(contains(text, "Projected at cycle end: 3.00 GiB (0.0% of the quota)"));
  CAF_CHECK(!contains(text, "nan"));
}

// -- forecast_exceeded and usage_calibrated ------------------------------------------------

CAF_TEST(a forecast alert names the projection and the quota and the date) {
  auto e = make_event(event_kind::forecast_exceeded);
  e.outlook = over_quota_outlook();
  auto en = message(e, message_language::en);
  CAF_MESSAGE(en);
  CAF_CHECK_EQUAL(first_line(en), "📈 Traffic forecast: the quota will run out before the cycle "
                                  "ends");
  CAF_CHECK(has_line(en, "Projected at cycle end: 126.00 GiB (126.0% of the quota); at this "
                         "pace the quota runs out on 2026-02-22"));
  CAF_CHECK(has_line(en, "Used / quota: 80.00 GiB / 100.00 GiB (80.0%)"));
  CAF_CHECK(has_line(en, "Daily average: 4.00 GiB (last 7 full days)"));
  CAF_CHECK(has_line(en, "Host: vps-tokyo-1"));
  CAF_CHECK_LESS(line_count(en), 15u);
  auto zh = message(e, message_language::zh);
  CAF_CHECK_EQUAL(first_line(zh), "📈 流量预测：本周期结束前将超出额度");
  CAF_CHECK(contains(zh, "2026-02-22 用完"));
}

CAF_TEST(the limit reached says what the host should do and the lift says it may resume) {
  auto reached = make_event(event_kind::limit_reached);
  reached.threshold_percent = 95_percent;
  const auto en = message(reached, message_language::en);
  CAF_MESSAGE(en);
  CAF_CHECK_EQUAL(first_line(en), "🛑 Traffic limit reached: 95% of the quota");
  CAF_CHECK(has_line(en, "Used / quota: 80.00 GiB / 100.00 GiB (80.0%)"));
  CAF_CHECK(contains(en, "The file over-limit now exists in the data directory"));
  CAF_CHECK(contains(en, "`traffic-monitor over-limit` exits 0"));
  const auto zh = message(reached, message_language::zh);
  CAF_CHECK_EQUAL(first_line(zh), "🛑 已达到流量限制：额度的 95%");
  CAF_CHECK(contains(zh, "over-limit 文件"));
  const auto lifted = message(event_kind::limit_lifted, message_language::en);
  CAF_CHECK_EQUAL(first_line(lifted), "✅ Traffic limit lifted");
  CAF_CHECK(contains(lifted, "the host may resume"));
  CAF_CHECK_EQUAL(first_line(message(event_kind::limit_lifted, message_language::zh)),
                  "✅ 流量限制已解除");
}

CAF_TEST(a calibration gives the figure before and after) {
  auto e = make_event(event_kind::usage_calibrated);
  e.calibrated_from_bytes = 70 * gib;
  auto en = message(e, message_language::en);
  CAF_MESSAGE(en);
  CAF_CHECK_EQUAL(first_line(en), "🎯 Usage calibrated");
  CAF_CHECK(has_line(en, "Before: 70.00 GiB, now: 80.00 GiB"));
  CAF_CHECK(has_line(en, "Used / quota: 80.00 GiB / 100.00 GiB (80.0%)"));
  CAF_CHECK(has_line(en, "Public IPv4: 203.0.113.7"));
  auto zh = message(e, message_language::zh);
  CAF_CHECK_EQUAL(first_line(zh), "🎯 用量已校准");
  CAF_CHECK(has_line(zh, "校准前：70.00 GiB，校准后：80.00 GiB"));
}

CAF_TEST(no message has 15 lines or more) {
  for (auto kind :
       {event_kind::monitor_started, event_kind::threshold_crossed, event_kind::cycle_closed,
        event_kind::usage_report, event_kind::state_file_reset, event_kind::cycle_changed,
        event_kind::usage_calibrated, event_kind::forecast_exceeded, event_kind::limit_reached,
        event_kind::limit_lifted}) {
    // Every optional line present.
    auto e = make_event(kind);
    e.outlook = over_quota_outlook();
    e.outlook.busiest_day = "2026-02-10";
    e.late = true;
    e.skipped_cycles = 2;
    e.skipped_span = {utc(2025, 12, 1), utc(2026, 2, 1)};
    e.interfaces = {"eth0"};
    e.missing_interfaces = {"eth1"};
    for (auto language : {message_language::en, message_language::zh}) {
      const auto text = message(e, language);
      CAF_MESSAGE(static_cast<int>(kind) << ": " << line_count(text) << " lines");
      CAF_CHECK_LESS(line_count(text), 15u);
    }
  }
}

CAF_TEST(a report after the cycle end has no days left) {
  auto e = make_event(event_kind::usage_report);
  e.raised_at = utc(2026, 3, 1, 0, 0, 1);
  CAF_CHECK(has_line(message(e, message_language::en), "Days left: 0"));
  CAF_CHECK(has_line(message(e, message_language::zh), "剩余天数：0 天"));
}

// -- state_file_reset ---------------------------------------------------------------------

CAF_TEST(state file reset in english) {
  auto e = make_event(event_kind::state_file_reset);
  e.detail = "/data/state.json.corrupt-20260217T120000";
  auto text = message(e, message_language::en);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "❗ State file reset");
  CAF_CHECK(has_line(text, "The state file could not be read. It was moved to "
                           "/data/state.json.corrupt-20260217T120000 and counting started "
                           "afresh."));
  CAF_CHECK(has_line(text, "Host: vps-tokyo-1"));
  CAF_CHECK(has_line(text, "Public IPv4: 203.0.113.7"));
}

CAF_TEST(a state file that could not be moved aside is not said to be moved) {
  auto e = make_event(event_kind::state_file_reset);
  e.detail.clear();
  auto english = message(e, message_language::en);
  CAF_CHECK(english.find("moved to") == std::string::npos);
  CAF_CHECK(has_line(english, "The state file could not be read, nor moved aside (the log says "
                              "why); counting started afresh."));
  auto chinese = message(e, message_language::zh);
  CAF_CHECK(chinese.find("已移至") == std::string::npos);
  CAF_CHECK(
    has_line(chinese, "状态文件无法读取，也无法移开（原因见日志），流量已从零开始重新统计。"));
}

CAF_TEST(state file reset in chinese) {
  auto e = make_event(event_kind::state_file_reset);
  e.detail = "/data/state.json.corrupt-20260217T120000";
  auto text = message(e, message_language::zh);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "❗ 状态文件已重置");
  CAF_CHECK(has_line(text, "状态文件无法读取，已移至 /data/state.json.corrupt-20260217T120000，"
                           "流量已从零开始重新统计。"));
  CAF_CHECK(has_line(text, "主机：vps-tokyo-1"));
  CAF_CHECK(has_line(text, "公网 IPv4：203.0.113.7"));
}

CAF_TEST(braces in a detail are copied as written) {
  auto e = make_event(event_kind::state_file_reset);
  e.detail = "/data/{0}/state.json";
  CAF_CHECK(contains(message(e, message_language::en), "moved to /data/{0}/state.json and"));
}

// -- cycle_changed ------------------------------------------------------------------------

CAF_TEST(a changed cycle in english gives both bounds as local times) {
  test::scoped_time_zone new_york{"America/New_York"};
  auto e = make_event(event_kind::cycle_changed);
  e.raised_at = utc(2026, 11, 20, 12);
  e.previous_cycle = {utc(2026, 11, 1), utc(2026, 12, 1)};
  e.usage.cycle = {utc(2026, 11, 1, 4), utc(2026, 12, 1, 5)};
  auto text = message(e, message_language::en);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "📅 Billing cycle changed");
  CAF_CHECK(has_line(text, "Host: vps-tokyo-1"));
  CAF_CHECK(has_line(text, "Previous cycle: 2026-10-31 20:00 (UTC-04:00) to "
                           "2026-11-30 19:00 (UTC-05:00)"));
  CAF_CHECK(has_line(text, "New cycle: 2026-11-01 00:00 (UTC-04:00) to "
                           "2026-12-01 00:00 (UTC-05:00)"));
  CAF_CHECK(has_line(text, "Used / quota: 80.00 GiB / 100.00 GiB (80.0%)"));
  CAF_CHECK(has_line(text, "Sent (tx): 80.00 GiB"));
  CAF_CHECK(has_line(text, "Days left: 11"));
  CAF_CHECK(has_line(text, "The time zone or the reset day changed. Everything counted so far "
                           "is kept in the new cycle, not reset."));
  CAF_CHECK(!contains(text, "Traffic reset"));
}

CAF_TEST(a changed cycle in chinese) {
  auto e = make_event(event_kind::cycle_changed);
  e.previous_cycle = {utc(2026, 1, 15), utc(2026, 2, 15)};
  auto text = message(e, message_language::zh);
  CAF_MESSAGE(text);
  CAF_CHECK_EQUAL(first_line(text), "📅 计费周期已变更");
  CAF_CHECK(has_line(text, "原计费周期：2026-01-15 00:00 (UTC+00:00) 至 2026-02-15 00:00 "
                           "(UTC+00:00)"));
  CAF_CHECK(has_line(text, "新计费周期：2026-02-01 00:00 (UTC+00:00) 至 2026-03-01 00:00 "
                           "(UTC+00:00)"));
  CAF_CHECK(has_line(text, "已用 / 额度：80.00 GiB / 100.00 GiB（80.0%）"));
  CAF_CHECK(has_line(text, "时区或重置日已更改。已统计的流量全部保留在新周期中，不会清零。"));
}

CAF_TEST(a cycle changed by a wrong clock says so) {
  auto e = make_event(event_kind::cycle_changed);
  e.previous_cycle = {utc(2030, 6, 1), utc(2030, 7, 1)};
  e.wrong_clock = true;
  auto en = message(e, message_language::en);
  CAF_CHECK(has_line(en, "The stored cycle lay in the future: it was made while the clock was "
                         "wrong. Everything counted so far is kept in the new cycle, not "
                         "reset."));
  CAF_CHECK(!contains(en, "time zone"));
  auto zh = message(e, message_language::zh);
  CAF_CHECK(contains(zh, "系统时钟错误"));
}

CAF_TEST(a late reset names the skipped cycles and the traffic of unknown date) {
  auto e = make_event(event_kind::cycle_closed);
  e.raised_at = utc(2026, 5, 3);
  e.late = true;
  e.skipped_cycles = 2;
  e.skipped_span = {utc(2026, 3, 1), utc(2026, 5, 1)};
  e.undated_bytes = 3 * gib;
  auto en = message(e, message_language::en);
  CAF_MESSAGE(en);
  CAF_CHECK(has_line(en, "Closed cycle: 2026-02-01 to 2026-02-28"));
  CAF_CHECK(has_line(en, "Cycles skipped while the monitor was stopped: 2 (2026-03-01 to "
                         "2026-04-30)"));
  CAF_CHECK(has_line(en, "Traffic of unknown date (while stopped), counted in the new cycle: "
                         "3.00 GiB"));
  auto zh = message(e, message_language::zh);
  CAF_CHECK(has_line(zh, "监控停止期间跳过的计费周期：2 个（2026-03-01 至 2026-04-30）"));
  CAF_CHECK(has_line(zh, "日期未知的流量（监控停止期间产生，已计入新周期）：3.00 GiB"));
}

CAF_TEST(a reset on time names no skipped cycles nor traffic of unknown date) {
  auto e = make_event(event_kind::cycle_closed);
  e.raised_at = utc(2026, 3, 1);
  auto text = message(e, message_language::en);
  CAF_CHECK(!contains(text, "skipped"));
  CAF_CHECK(!contains(text, "unknown date"));
}

// -- dates --------------------------------------------------------------------------------

CAF_TEST(the last day is the day before the end instant) {
  auto e = make_event(event_kind::usage_report);
  e.usage.cycle = {utc(2026, 1, 15), utc(2026, 2, 15)};
  e.raised_at = utc(2026, 2, 1);
  auto text = message(e, message_language::en);
  CAF_CHECK(has_line(text, "Billing cycle: 2026-01-15 to 2026-02-14"));
  CAF_CHECK(!contains(text, "2026-02-15"));
}

CAF_TEST(dates are local dates of the time zone) {
  test::scoped_time_zone shanghai{"Asia/Shanghai"};
  auto e = make_event(event_kind::monitor_started);
  // Midnight of 1 February in Shanghai is still 31 January in UTC.
  e.usage.cycle = {utc(2026, 1, 31, 16), utc(2026, 2, 28, 16)};
  auto text = message(e, message_language::zh);
  CAF_CHECK(has_line(text, "计费周期：2026-02-01 至 2026-02-28"));
  CAF_CHECK(!contains(text, "2026-01-31"));
}

CAF_TEST_FIXTURE_SCOPE_END()
