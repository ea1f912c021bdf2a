#define CAF_SUITE exposition
#include <caf/test/unit_test.hpp>

#include "test_support.hpp"

#include "actors/metrics/exposition.hpp"

using namespace tmon;

namespace {

published_figures figures() {
  published_figures f;
  f.usage.cycle = {test::at(1764547200), test::at(1767225600)};
  f.usage.rx_bytes = 1000;
  f.usage.tx_bytes = 3000;
  f.usage.counted_bytes = 2500;
  f.usage.quota_bytes = 10000;
  f.outlook.full_days = 3;
  f.outlook.projected_bytes = 9000;
  f.last_sample_at = test::at(1764604800);
  f.events_pending = 2;
  f.limit_reached = true;
  return f;
}

bool has_line(const std::string& page, const std::string& line) {
  return page.find("\n" + line + "\n") != std::string::npos || page.rfind(line + "\n", 0) == 0;
}

} // namespace

CAF_TEST(every figure is a sample with its help and type) {
  const auto page = prometheus_text(figures(), {7, 3}, "0.1.0");
  for (const auto& line : {
         "traffic_monitor_cycle_bytes{direction=\"receive\"} 1000",
         "traffic_monitor_cycle_bytes{direction=\"transmit\"} 3000",
         "traffic_monitor_cycle_counted_bytes 2500",
         "traffic_monitor_quota_bytes 10000",
         "traffic_monitor_quota_used_ratio 0.25",
         "traffic_monitor_cycle_start_timestamp_seconds 1764547200",
         "traffic_monitor_cycle_end_timestamp_seconds 1767225600",
         "traffic_monitor_projected_cycle_bytes 9000",
         "traffic_monitor_last_sample_timestamp_seconds 1764604800",
         "traffic_monitor_notifications_pending 2",
         "traffic_monitor_notifications_sent_total 7",
         "traffic_monitor_notification_failures_total 3",
         "traffic_monitor_limit_reached 1",
         "traffic_monitor_build_info{version=\"0.1.0\"} 1",
         "# TYPE traffic_monitor_cycle_bytes gauge",
         "# TYPE traffic_monitor_notifications_sent_total counter",
         "# TYPE traffic_monitor_notification_failures_total counter",
       }) {
    CAF_MESSAGE(line);
    CAF_CHECK(has_line(page, line));
  }
  // Each family is described once, before its samples.
  CAF_CHECK_EQUAL(page.find("# TYPE traffic_monitor_cycle_bytes gauge"),
                  page.rfind("# TYPE traffic_monitor_cycle_bytes gauge"));
  CAF_CHECK_LESS(page.find("# HELP traffic_monitor_quota_bytes"),
                 page.find("traffic_monitor_quota_bytes 10000"));
  CAF_CHECK_EQUAL(page.back(), '\n');
}

CAF_TEST(a projection only when there is one and the limit as 0 below it) {
  auto early = figures();
  early.outlook.full_days = 0;
  early.limit_reached = false;
  const auto page = prometheus_text(early, {}, "0.1.0");
  CAF_CHECK_EQUAL(page.find("traffic_monitor_projected_cycle_bytes"), std::string::npos);
  CAF_CHECK(has_line(page, "traffic_monitor_limit_reached 0"));
}

CAF_TEST(before the first figures only the build and the deliveries are known) {
  const auto page = prometheus_text(std::nullopt, {1, 0}, "0.1.0");
  CAF_CHECK_EQUAL(page.find("traffic_monitor_cycle_bytes"), std::string::npos);
  CAF_CHECK_EQUAL(page.find("traffic_monitor_quota_bytes"), std::string::npos);
  CAF_CHECK(has_line(page, "traffic_monitor_notifications_sent_total 1"));
  CAF_CHECK(has_line(page, "traffic_monitor_build_info{version=\"0.1.0\"} 1"));
}

CAF_TEST(a label value is escaped) {
  const auto page = prometheus_text(std::nullopt, {}, "1.0 \"x\"\\y\nz");
  CAF_CHECK(has_line(page, R"(traffic_monitor_build_info{version="1.0 \"x\"\\y\nz"} 1)"));
}
