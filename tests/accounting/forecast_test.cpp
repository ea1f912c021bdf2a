#define CAF_SUITE forecast
#include <caf/test/unit_test.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "actors/accounting/forecast.hpp"
#include "actors/accounting/ledger.hpp"
#include "common/local_time.hpp"
#include "messages/messages.hpp"
#include "test_support.hpp"

using namespace tmon;
using namespace std::chrono_literals;

namespace {

constexpr std::uint64_t uint64_max = std::numeric_limits<std::uint64_t>::max();
constexpr std::int64_t int64_min = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t int64_max = std::numeric_limits<std::int64_t>::max();

const std::string boot = "6f1c2a60-0d4e-4b8e-9a57-3c1e2f4b5a01";

ledger_rules rules_of(traffic_direction direction, std::uint64_t quota,
                      std::vector<percentage> thresholds = {}) {
  ledger_rules rules;
  rules.direction = direction;
  rules.quota_bytes = quota;
  rules.thresholds = std::move(thresholds);
  return rules;
}

sample reading(moment taken_at, std::uint64_t rx, std::uint64_t tx) {
  sample s;
  s.taken_at = taken_at;
  s.boot_id = boot;
  s.interfaces = {{"eth0", rx, tx}};
  return s;
}

// A state whose history began with a baseline reading of zero at `start`.
monitor_state counting_from(const cycle_bounds& cycle, moment start) {
  monitor_state state;
  state.cycle = cycle;
  apply_sample(state, reading(start, 0, 0), ledger_rules{});
  return state;
}

std::vector<std::string> dates_of(const std::vector<day_traffic>& days) {
  std::vector<std::string> dates;
  for (const auto& day : days)
    dates.push_back(day.date);
  return dates;
}

// November 2026 in UTC with 100 bytes sent on each of its days from the 1st.
struct november {
  test::scoped_time_zone zone{"UTC"};
  cycle_bounds cycle{test::utc(2026, 11, 1), test::utc(2026, 12, 1)};
  ledger_rules rules = rules_of(traffic_direction::outbound, 10'000);
  monitor_state state;

  november() {
    state.cycle = cycle;
    state.days_since = cycle.start;
  }

  void send_each_day(int first_day, int last_day, std::uint64_t bytes) {
    for (int day = first_day; day <= last_day; ++day) {
      add_to_day(state.days, local_date(test::utc(2026, 11, day)), 0, bytes);
      state.cycle_tx_bytes += bytes;
    }
  }
};

} // namespace

// --- the adjustment arithmetic ---

CAF_TEST(an adjustment moves the figure and never below zero) {
  CAF_CHECK_EQUAL(adjusted(100, 0), 100u);
  CAF_CHECK_EQUAL(adjusted(100, 50), 150u);
  CAF_CHECK_EQUAL(adjusted(100, -40), 60u);
  CAF_CHECK_EQUAL(adjusted(100, -100), 0u);
  CAF_CHECK_EQUAL(adjusted(100, -101), 0u);
  CAF_CHECK_EQUAL(adjusted(0, int64_min), 0u);
  CAF_CHECK_EQUAL(adjusted(uint64_max, int64_min), uint64_max - (std::uint64_t{1} << 63));
  CAF_CHECK_EQUAL(adjusted(uint64_max - 5, 10), uint64_max);
}

CAF_TEST(the adjustment to reach a target is exact within 64 signed bits) {
  CAF_CHECK_EQUAL(adjustment_to_reach(300, 290), 10);
  CAF_CHECK_EQUAL(adjustment_to_reach(290, 300), -10);
  CAF_CHECK_EQUAL(adjustment_to_reach(0, 0), 0);
  CAF_CHECK_EQUAL(adjustment_to_reach(0, uint64_max), int64_min);
  CAF_CHECK_EQUAL(adjustment_to_reach(uint64_max, 0), int64_max);
  CAF_CHECK_EQUAL(adjustment_to_reach(std::uint64_t{1} << 62, 0), std::int64_t{1} << 62);
}

CAF_TEST(calibration sets the counted figure in every direction) {
  for (auto direction : {traffic_direction::outbound, traffic_direction::inbound,
                         traffic_direction::bidirectional, traffic_direction::max}) {
    monitor_state state;
    state.cycle_rx_bytes = 700;
    state.cycle_tx_bytes = 300;
    const auto rules = rules_of(direction, 10'000);
    const auto before = current_usage(state, rules).counted_bytes;
    const auto calibrated = calibrate(state, rules, 5000, "id-1", test::at(50));
    CAF_CHECK_EQUAL(calibrated.kind, event_kind::usage_calibrated);
    CAF_CHECK_EQUAL(calibrated.calibrated_from_bytes, before);
    CAF_CHECK_EQUAL(calibrated.usage.counted_bytes, 5000u);
    CAF_CHECK_EQUAL(current_usage(state, rules).counted_bytes, 5000u);
    CAF_CHECK_EQUAL(state.cycle_adjustment_bytes, 5000 - static_cast<std::int64_t>(before));
    CAF_CHECK_EQUAL(state.last_calibration_id, "id-1");
    // Traffic counted later adds to the calibrated figure, in the direction's way.
    state.cycle_rx_bytes += 100;
    state.cycle_tx_bytes += 100;
    const std::uint64_t growth = direction == traffic_direction::bidirectional ? 200 : 100;
    CAF_CHECK_EQUAL(current_usage(state, rules).counted_bytes, 5000 + growth);
  }
}

CAF_TEST(calibrating to zero keeps later usage from going negative) {
  monitor_state state;
  state.cycle_tx_bytes = 900;
  const auto rules = rules_of(traffic_direction::max, 10'000);
  calibrate(state, rules, 0, "id", test::at(1));
  CAF_CHECK_EQUAL(current_usage(state, rules).counted_bytes, 0u);
  // Under max, rx growing while below tx changes nothing, and nothing goes below zero.
  state.cycle_rx_bytes = 500;
  CAF_CHECK_EQUAL(current_usage(state, rules).counted_bytes, 0u);
  state.cycle_rx_bytes = 1000;
  CAF_CHECK_EQUAL(current_usage(state, rules).counted_bytes, 100u);
}

CAF_TEST(a calibration below an alerted threshold re - arms it and one above alerts the highest) {
  monitor_state state;
  state.cycle_tx_bytes = 850;
  const auto rules = rules_of(traffic_direction::outbound, 1000,
                              {50_percent, 80_percent, 90_percent, 95_percent});
  CAF_REQUIRE(newly_crossed_threshold(state, rules, test::at(1)));
  CAF_CHECK_EQUAL(state.thresholds_alerted, (std::vector<percentage>{50_percent, 80_percent}));
  calibrate(state, rules, 600, "lower", test::at(2));
  CAF_CHECK(!newly_crossed_threshold(state, rules, test::at(2)));
  CAF_CHECK_EQUAL(state.thresholds_alerted, std::vector<percentage>{50_percent});
  calibrate(state, rules, 960, "higher", test::at(3));
  const auto alert = newly_crossed_threshold(state, rules, test::at(3));
  CAF_REQUIRE(alert);
  CAF_CHECK_EQUAL(alert->threshold_percent, 95_percent);
  CAF_CHECK_EQUAL(alert->usage.counted_bytes, 960u);
}

CAF_TEST(a reset clears the adjustment and the forecast alert and keeps the closed cycle) {
  november n;
  n.send_each_day(1, 3, 100);
  n.state.cycle_adjustment_bytes = -50;
  n.state.forecast_alerted = true;
  const cycle_bounds december{n.cycle.end, test::utc(2027, 1, 1)};
  const auto closed = close_cycle(n.state, n.rules, december, december.start);
  CAF_CHECK_EQUAL(closed.usage.counted_bytes, 250u);
  CAF_CHECK_EQUAL(closed.usage.adjustment_bytes, -50);
  CAF_CHECK_EQUAL(n.state.cycle_adjustment_bytes, 0);
  CAF_CHECK(!n.state.forecast_alerted);
  CAF_CHECK(n.state.days.empty());
  CAF_CHECK_EQUAL(n.state.days_since, december.start);
  CAF_REQUIRE(n.state.previous_cycle);
  CAF_CHECK_EQUAL(n.state.previous_cycle->cycle, n.cycle);
  CAF_CHECK_EQUAL(n.state.previous_cycle->adjustment_bytes, -50);
  CAF_CHECK_EQUAL(dates_of(n.state.previous_cycle->days),
                  (std::vector<std::string>{"2026-11-01", "2026-11-02", "2026-11-03"}));
}

// --- day bucketing ---

CAF_TEST(traffic lands on the local day of the sample that counted it) {
  test::scoped_time_zone zone{"Asia/Shanghai"};
  const cycle_bounds cycle{test::local(2026, 11, 1), test::local(2026, 12, 1)};
  auto state = counting_from(cycle, test::local(2026, 11, 10, 23, 58));
  apply_sample(state, reading(test::local(2026, 11, 10, 23, 59, 59), 10, 20), ledger_rules{});
  apply_sample(state, reading(test::local(2026, 11, 11, 0, 0, 0), 15, 30), ledger_rules{});
  // A stop of two days: what passed meanwhile is counted on the day it was read.
  apply_sample(state, reading(test::local(2026, 11, 13, 9), 1015, 2030), ledger_rules{});
  CAF_REQUIRE_EQUAL(state.days.size(), 3u);
  CAF_CHECK_EQUAL(state.days[0], (day_traffic{"2026-11-10", 10, 20}));
  CAF_CHECK_EQUAL(state.days[1], (day_traffic{"2026-11-11", 5, 10}));
  CAF_CHECK_EQUAL(state.days[2], (day_traffic{"2026-11-13", 1000, 2000}));
  CAF_CHECK_EQUAL(state.days_since, test::local(2026, 11, 10, 23, 58));
}

CAF_TEST(a day of 23 hours and one of 25 hours are one day each) {
  test::scoped_time_zone zone{"Europe/Berlin"};
  const cycle_bounds cycle{test::local(2026, 3, 1), test::local(2026, 4, 1)};
  auto state = counting_from(cycle, test::local(2026, 3, 28, 23, 59));
  // 29 March 2026 has 23 hours in Berlin.
  apply_sample(state, reading(test::local(2026, 3, 29, 0, 30), 0, 1), ledger_rules{});
  apply_sample(state, reading(test::local(2026, 3, 29, 23, 30), 0, 3), ledger_rules{});
  apply_sample(state, reading(test::local(2026, 3, 30, 0, 0, 1), 0, 7), ledger_rules{});
  CAF_CHECK_EQUAL(dates_of(state.days), (std::vector<std::string>{"2026-03-29", "2026-03-30"}));
  CAF_CHECK_EQUAL(state.days[0].tx_bytes, 3u);

  // 25 October 2026 has 25 hours: the hour from 02:00 comes twice.
  const cycle_bounds october{test::local(2026, 10, 1), test::local(2026, 11, 1)};
  auto autumn = counting_from(october, test::local(2026, 10, 25, 0, 0, 0));
  const moment first_two_thirty = test::local(2026, 10, 25, 1, 30) + 1h;
  apply_sample(autumn, reading(first_two_thirty, 0, 1), ledger_rules{});
  apply_sample(autumn, reading(first_two_thirty + 1h, 0, 2), ledger_rules{});
  apply_sample(autumn, reading(test::local(2026, 10, 25, 23, 59, 59), 0, 4), ledger_rules{});
  apply_sample(autumn, reading(test::local(2026, 10, 26, 0, 0, 0), 0, 8), ledger_rules{});
  CAF_CHECK_EQUAL(dates_of(autumn.days), (std::vector<std::string>{"2026-10-25", "2026-10-26"}));
  CAF_CHECK_EQUAL(autumn.days[0].tx_bytes, 4u);
  CAF_CHECK_EQUAL(local_day_start(first_two_thirty), test::local(2026, 10, 25));
  CAF_CHECK_EQUAL(test::local(2026, 10, 26) - test::local(2026, 10, 25), 25h);
}

CAF_TEST(a change of time zone puts later traffic on the new zone days and loses none) {
  test::scoped_time_zone utc_zone{"UTC"};
  const cycle_bounds cycle{test::utc(2026, 3, 1), test::utc(2026, 4, 1)};
  auto state = counting_from(cycle, test::utc(2026, 3, 10, 15));
  apply_sample(state, reading(test::utc(2026, 3, 10, 15, 30), 1, 10), ledger_rules{});
  {
    test::scoped_time_zone east{"Asia/Shanghai"};
    // 16:30 UTC is half past midnight on the 11th in Shanghai.
    apply_sample(state, reading(test::utc(2026, 3, 10, 16, 30), 2, 30), ledger_rules{});
  }
  {
    test::scoped_time_zone west{"America/New_York"};
    // 02:00 UTC on the 11th is still the 10th in New York: back to the earlier day.
    apply_sample(state, reading(test::utc(2026, 3, 11, 2), 3, 70), ledger_rules{});
  }
  CAF_REQUIRE_EQUAL(dates_of(state.days), (std::vector<std::string>{"2026-03-10", "2026-03-11"}));
  CAF_CHECK_EQUAL(state.days[0], (day_traffic{"2026-03-10", 2, 50}));
  CAF_CHECK_EQUAL(state.days[1], (day_traffic{"2026-03-11", 1, 20}));
  CAF_CHECK_EQUAL(state.cycle_tx_bytes, 70u);
}

CAF_TEST(at most 62 days are kept and the closed cycle loses its oldest first) {
  november n;
  n.state.previous_cycle = cycle_record{};
  for (int day = 1; day <= 31; ++day)
    n.state.previous_cycle->days.push_back({fmt::format("2026-10-{:02}", day), 0, 1});
  n.send_each_day(1, 30, 5);
  auto state = n.state;
  state.last_counters = {{"eth0", {0, 0}}};
  state.boot_id = boot;
  state.last_sample_at = test::utc(2026, 11, 30, 12);
  // Days 61 and 62: nothing dropped yet. Day 63 drops 1 October.
  CAF_CHECK_EQUAL(state.previous_cycle->days.size() + state.days.size(), 61u);
  apply_sample(state, reading(test::utc(2026, 11, 30, 13), 0, 1), ledger_rules{});
  CAF_CHECK_EQUAL(state.previous_cycle->days.size() + state.days.size(), 61u);
  state.cycle.end = test::utc(2026, 12, 5);
  apply_sample(state, reading(test::utc(2026, 12, 1, 1), 0, 2), ledger_rules{});
  CAF_CHECK_EQUAL(state.previous_cycle->days.size() + state.days.size(), 62u);
  apply_sample(state, reading(test::utc(2026, 12, 2, 1), 0, 3), ledger_rules{});
  CAF_CHECK_EQUAL(state.previous_cycle->days.size(), 30u);
  CAF_CHECK_EQUAL(state.previous_cycle->days.front().date, "2026-10-02");
  CAF_CHECK_EQUAL(state.days.size(), 32u);
}

// --- the outlook ---

CAF_TEST(no projection without a full day of data) {
  november n;
  n.state = counting_from(n.cycle, test::utc(2026, 11, 20, 8));
  n.state.cycle_tx_bytes = 500;
  add_to_day(n.state.days, "2026-11-20", 0, 500);
  const auto outlook = outlook_of(n.state, n.rules, test::utc(2026, 11, 20, 23, 59, 59));
  CAF_CHECK_EQUAL(outlook.full_days, 0u);
  CAF_CHECK_EQUAL(outlook.projected_bytes, 0u);
  CAF_CHECK_EQUAL(outlook.runs_out_at, moment{});
  CAF_CHECK_EQUAL(outlook.today_bytes, 500u);
  // Still the budget: 9500 over the 11 days left, today included.
  CAF_CHECK_EQUAL(outlook.days_left, 11);
  CAF_CHECK_EQUAL(outlook.daily_budget_bytes, 9500u / 11);
  // The day the monitor started on was seen only in part; the next one is the first full day.
  const auto next_day = outlook_of(n.state, n.rules, test::utc(2026, 11, 21, 23));
  CAF_CHECK_EQUAL(next_day.full_days, 0u);
  const auto after = outlook_of(n.state, n.rules, test::utc(2026, 11, 22, 0, 0, 1));
  CAF_CHECK_EQUAL(after.full_days, 1u);
}

CAF_TEST(one full day projects its traffic over the days left) {
  november n;
  n.send_each_day(1, 1, 240);
  const moment now = test::utc(2026, 11, 2, 12);
  const auto outlook = outlook_of(n.state, n.rules, now);
  CAF_CHECK_EQUAL(outlook.full_days, 1u);
  CAF_CHECK_EQUAL(outlook.daily_average_bytes, 240u);
  CAF_CHECK_EQUAL(outlook.yesterday_bytes, 240u);
  CAF_CHECK_EQUAL(outlook.today_bytes, 0u);
  // 28.5 days left: 240 + 240 * 28.5.
  CAF_CHECK_EQUAL(outlook.projected_bytes, 240u + 6840u);
  CAF_CHECK_EQUAL(outlook.runs_out_at, moment{});
}

CAF_TEST(the average is over the last seven full days only) {
  november n;
  n.send_each_day(1, 10, 1000);
  n.send_each_day(11, 17, 100);
  add_to_day(n.state.days, "2026-11-18", 0, 5000);
  n.state.cycle_tx_bytes += 5000;
  const auto outlook = outlook_of(n.state, n.rules, test::utc(2026, 11, 18, 12));
  CAF_CHECK_EQUAL(outlook.full_days, 7u);
  CAF_CHECK_EQUAL(outlook.daily_average_bytes, 100u);
  CAF_CHECK_EQUAL(outlook.today_bytes, 5000u);
  CAF_CHECK_EQUAL(outlook.yesterday_bytes, 100u);
  // 15700 counted, and 100 a day for 12.5 days.
  CAF_CHECK_EQUAL(outlook.projected_bytes, 15700u + 1250u);
  // Over the quota already: it ran out now.
  CAF_CHECK_EQUAL(outlook.runs_out_at, test::utc(2026, 11, 18, 12));
  CAF_CHECK_EQUAL(outlook.daily_budget_bytes, 0u);
}

CAF_TEST(days without traffic count as zero in the average) {
  november n;
  n.send_each_day(1, 1, 700);
  const auto outlook = outlook_of(n.state, n.rules, test::utc(2026, 11, 8, 6));
  CAF_CHECK_EQUAL(outlook.full_days, 7u);
  CAF_CHECK_EQUAL(outlook.daily_average_bytes, 100u);
}

CAF_TEST(a projection over the quota names the day it runs out) {
  november n;
  n.send_each_day(1, 7, 800);
  // 5600 counted on the morning of the 8th, 800 a day: 4400 left lasts 5.5 days.
  const moment now = test::utc(2026, 11, 8, 6);
  const auto outlook = outlook_of(n.state, n.rules, now);
  CAF_CHECK_EQUAL(outlook.projected_bytes, 5600u + 800u * (23 * 86400 - 6 * 3600) / 86400);
  CAF_CHECK_EQUAL(outlook.runs_out_at, now + 5 * 24h + 12h);
  CAF_CHECK_EQUAL(local_date(outlook.runs_out_at), "2026-11-13");
  CAF_CHECK_EQUAL(outlook.days_left, 23);
  CAF_CHECK_EQUAL(outlook.daily_budget_bytes, 4400u / 23);
}

CAF_TEST(a projection within the quota names no day) {
  november n;
  n.send_each_day(1, 7, 100);
  const auto outlook = outlook_of(n.state, n.rules, test::utc(2026, 11, 8));
  CAF_CHECK_EQUAL(outlook.projected_bytes, 700u + 100u * 23);
  CAF_CHECK_LESS(outlook.projected_bytes, n.rules.quota_bytes);
  CAF_CHECK_EQUAL(outlook.runs_out_at, moment{});
}

CAF_TEST(the average uses the calendar days around a daylight saving change) {
  test::scoped_time_zone zone{"Europe/Berlin"};
  monitor_state state;
  state.cycle = {test::local(2026, 3, 1), test::local(2026, 4, 1)};
  state.days_since = state.cycle.start;
  for (int day = 26; day <= 31; ++day)
    add_to_day(state.days, fmt::format("2026-03-{}", day), 0, 230);
  state.cycle_tx_bytes = 6 * 230;
  const auto rules = rules_of(traffic_direction::outbound, 1'000'000);
  const auto outlook = outlook_of(state, rules, test::local(2026, 3, 31, 12));
  CAF_CHECK_EQUAL(outlook.full_days, 7u);
  // 25 March had nothing: 5 days of 230 (the 23-hour 29th among them) over 7.
  CAF_CHECK_EQUAL(outlook.daily_average_bytes, 5u * 230 / 7);
  CAF_CHECK_EQUAL(outlook.today_bytes, 230u);
  CAF_CHECK_EQUAL(outlook.days_left, 1);
}

CAF_TEST(the budget is what is left over the days left) {
  november n;
  n.state.cycle_tx_bytes = 4000;
  CAF_CHECK_EQUAL(outlook_of(n.state, n.rules, test::utc(2026, 11, 29, 0, 0, 1)).daily_budget_bytes,
                  3000u);
  CAF_CHECK_EQUAL(outlook_of(n.state, n.rules, test::utc(2026, 11, 30, 23)).daily_budget_bytes,
                  6000u);
  n.state.cycle_tx_bytes = 10'000;
  CAF_CHECK_EQUAL(outlook_of(n.state, n.rules, test::utc(2026, 11, 20)).daily_budget_bytes, 0u);
  n.state.cycle_tx_bytes = 4000;
  n.state.cycle_adjustment_bytes = 3000;
  CAF_CHECK_EQUAL(outlook_of(n.state, n.rules, test::utc(2026, 11, 30, 23)).daily_budget_bytes,
                  3000u);
}

CAF_TEST(a closed cycle names its busiest day and its daily average) {
  november n;
  n.send_each_day(1, 30, 100);
  add_to_day(n.state.days, "2026-11-17", 0, 900);
  const auto outlook = closed_outlook(n.cycle, n.state.days, 3900, traffic_direction::outbound,
                                      n.cycle.start);
  CAF_CHECK_EQUAL(outlook.busiest_day, "2026-11-17");
  CAF_CHECK_EQUAL(outlook.busiest_day_bytes, 1000u);
  CAF_CHECK_EQUAL(outlook.full_days, 30u);
  CAF_CHECK_EQUAL(outlook.daily_average_bytes, 130u);
  // Counting that began on the 21st: the average is over the 10 days it ran.
  CAF_CHECK_EQUAL(closed_outlook(n.cycle, n.state.days, 3900, traffic_direction::outbound,
                                 test::utc(2026, 11, 21, 9))
                    .daily_average_bytes,
                  390u);
  const auto empty = closed_outlook(n.cycle, {}, 0, traffic_direction::outbound, n.cycle.start);
  CAF_CHECK(empty.busiest_day.empty());
}

// --- the forecast alert ---

CAF_TEST(the forecast alert is raised once per cycle when the projection exceeds the quota) {
  november n;
  n.send_each_day(1, 3, 100);
  const moment morning = test::utc(2026, 11, 4, 6);
  CAF_CHECK(!forecast_if_exceeded(n.state, n.rules, morning));
  n.send_each_day(4, 4, 2000);
  const moment next_morning = test::utc(2026, 11, 5, 6);
  const auto forecast = forecast_if_exceeded(n.state, n.rules, next_morning);
  CAF_REQUIRE(forecast);
  CAF_CHECK_EQUAL(forecast->kind, event_kind::forecast_exceeded);
  CAF_CHECK_EQUAL(forecast->outlook, outlook_of(n.state, n.rules, next_morning));
  CAF_CHECK_GREATER(forecast->outlook.projected_bytes, n.rules.quota_bytes);
  CAF_CHECK(n.state.forecast_alerted);
  CAF_CHECK(!forecast_if_exceeded(n.state, n.rules, next_morning + 60s));
}

CAF_TEST(no forecast alert when it is off or a limit was already alerted or data is short) {
  november n;
  n.send_each_day(1, 3, 2000);
  const moment now = test::utc(2026, 11, 4, 6);
  auto off = n.rules;
  off.forecast_alert = false;
  CAF_CHECK(!forecast_if_exceeded(n.state, off, now));
  auto limited = n.state;
  limited.thresholds_alerted = {80_percent, 100_percent};
  CAF_CHECK(!forecast_if_exceeded(limited, n.rules, now));
  auto beyond = n.state;
  beyond.thresholds_alerted = {120_percent};
  CAF_CHECK(!forecast_if_exceeded(beyond, n.rules, now));
  auto fresh = n.state;
  fresh.days_since = test::utc(2026, 11, 3, 10);
  CAF_CHECK(!forecast_if_exceeded(fresh, n.rules, now));
  auto below = n.state;
  below.thresholds_alerted = {95_percent};
  CAF_CHECK(forecast_if_exceeded(below, n.rules, now));
}

// --- the limit ---

CAF_TEST(the limit is reached once and lifted by a reset) {
  november n;
  n.rules.limit = 95_percent;
  n.state.cycle_tx_bytes = 9499;
  CAF_CHECK(!limit_crossing(n.state, n.rules, test::utc(2026, 11, 20)));
  n.state.cycle_tx_bytes = 9500;
  const auto reached = limit_crossing(n.state, n.rules, test::utc(2026, 11, 21));
  CAF_REQUIRE(reached);
  CAF_CHECK_EQUAL(reached->kind, event_kind::limit_reached);
  CAF_CHECK_EQUAL(reached->threshold_percent, 95_percent);
  CAF_CHECK_EQUAL(reached->usage.counted_bytes, 9500u);
  CAF_CHECK_EQUAL(n.state.over_limit_since, test::utc(2026, 11, 21));
  n.state.cycle_tx_bytes = 12'000;
  CAF_CHECK(!limit_crossing(n.state, n.rules, test::utc(2026, 11, 22)));

  const cycle_bounds december{n.cycle.end, test::utc(2027, 1, 1)};
  close_cycle(n.state, n.rules, december, december.start);
  const auto lifted = limit_crossing(n.state, n.rules, december.start);
  CAF_REQUIRE(lifted);
  CAF_CHECK_EQUAL(lifted->kind, event_kind::limit_lifted);
  CAF_CHECK_EQUAL(lifted->usage.cycle, december);
  CAF_CHECK_EQUAL(n.state.over_limit_since, moment{});
  CAF_CHECK(!limit_crossing(n.state, n.rules, december.start + 60s));
}

CAF_TEST(a calibration below the limit lifts it and one above reaches it) {
  november n;
  n.rules.limit = 90_percent;
  n.state.cycle_tx_bytes = 9500;
  CAF_REQUIRE(limit_crossing(n.state, n.rules, test::utc(2026, 11, 20)));
  calibrate(n.state, n.rules, 5000, "lower", test::utc(2026, 11, 20, 1));
  const auto lifted = limit_crossing(n.state, n.rules, test::utc(2026, 11, 20, 1));
  CAF_REQUIRE(lifted);
  CAF_CHECK_EQUAL(lifted->kind, event_kind::limit_lifted);
  calibrate(n.state, n.rules, 9000, "higher", test::utc(2026, 11, 20, 2));
  const auto reached = limit_crossing(n.state, n.rules, test::utc(2026, 11, 20, 2));
  CAF_REQUIRE(reached);
  CAF_CHECK_EQUAL(reached->kind, event_kind::limit_reached);
}

CAF_TEST(without a limit nothing is reached and a removed limit is lifted) {
  november n;
  n.state.cycle_tx_bytes = 20'000;
  CAF_CHECK(!limit_crossing(n.state, n.rules, test::utc(2026, 11, 20)));
  CAF_CHECK_EQUAL(n.state.over_limit_since, moment{});
  n.rules.limit = 100_percent;
  CAF_REQUIRE(limit_crossing(n.state, n.rules, test::utc(2026, 11, 20)));
  n.rules.limit.reset();
  const auto lifted = limit_crossing(n.state, n.rules, test::utc(2026, 11, 21));
  CAF_REQUIRE(lifted);
  CAF_CHECK_EQUAL(lifted->kind, event_kind::limit_lifted);
}
