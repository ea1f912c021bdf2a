#include "actors/metrics/exposition.hpp"

#include <fmt/format.h>

namespace tmon {

namespace {

// One metric family: its help, its type and its samples.
void family(std::string& page, const char* name, const char* type, const char* help,
            const std::string& samples) {
  page += fmt::format("# HELP {0} {1}\n# TYPE {0} {2}\n{3}", name, help, type, samples);
}

// A sample without labels.
template <class Number>
std::string value_line(const char* name, Number value) {
  return fmt::format("{} {}\n", name, value);
}

// Label values escape backslash, double quote and line feed.
std::string label_value(const std::string& text) {
  std::string escaped;
  for (const char c : text) {
    if (c == '\\' || c == '"')
      escaped += '\\';
    if (c == '\n') {
      escaped += "\\n";
      continue;
    }
    escaped += c;
  }
  return escaped;
}

} // namespace

std::string prometheus_text(const std::optional<published_figures>& figures,
                            const delivery_counts& deliveries, const std::string& version) {
  std::string page;
  if (figures) {
    const auto& usage = figures->usage;
    family(page, "traffic_monitor_cycle_bytes", "gauge",
           "Bytes of the billing cycle, summed over the counted interfaces.",
           fmt::format("traffic_monitor_cycle_bytes{{direction=\"receive\"}} {}\n"
                       "traffic_monitor_cycle_bytes{{direction=\"transmit\"}} {}\n",
                       usage.rx_bytes, usage.tx_bytes));
    family(page, "traffic_monitor_cycle_counted_bytes", "gauge",
           "Bytes counted against the quota: the direction's figure with the calibration.",
           value_line("traffic_monitor_cycle_counted_bytes", usage.counted_bytes));
    family(page, "traffic_monitor_quota_bytes", "gauge", "The quota of the billing cycle.",
           value_line("traffic_monitor_quota_bytes", usage.quota_bytes));
    const double ratio = usage.quota_bytes == 0 ? 0.0
                                                : static_cast<double>(usage.counted_bytes)
                                                    / static_cast<double>(usage.quota_bytes);
    family(page, "traffic_monitor_quota_used_ratio", "gauge", "Counted bytes divided by the quota.",
           fmt::format("traffic_monitor_quota_used_ratio {}\n", ratio));
    family(page, "traffic_monitor_cycle_start_timestamp_seconds", "gauge",
           "When the billing cycle began.",
           value_line("traffic_monitor_cycle_start_timestamp_seconds",
                      to_epoch_seconds(usage.cycle.start)));
    family(page, "traffic_monitor_cycle_end_timestamp_seconds", "gauge",
           "When the billing cycle ends.",
           value_line("traffic_monitor_cycle_end_timestamp_seconds",
                      to_epoch_seconds(usage.cycle.end)));
    if (figures->outlook.full_days > 0)
      family(page, "traffic_monitor_projected_cycle_bytes", "gauge",
             "Counted bytes projected at the end of the cycle from the recent daily average.",
             value_line("traffic_monitor_projected_cycle_bytes", figures->outlook.projected_bytes));
    family(page, "traffic_monitor_last_sample_timestamp_seconds", "gauge",
           "When the counters were last read.",
           value_line("traffic_monitor_last_sample_timestamp_seconds",
                      to_epoch_seconds(figures->last_sample_at)));
    family(page, "traffic_monitor_notifications_pending", "gauge",
           "Messages waiting in the outbox for a target to confirm them.",
           value_line("traffic_monitor_notifications_pending", figures->events_pending));
    family(page, "traffic_monitor_limit_reached", "gauge",
           "1 while the cycle is over LIMIT_PERCENT, else 0.",
           value_line("traffic_monitor_limit_reached",
                      std::uint64_t{figures->limit_reached ? 1u : 0u}));
  }
  family(page, "traffic_monitor_notifications_sent_total", "counter",
         "Messages delivered to a target since start.",
         value_line("traffic_monitor_notifications_sent_total", deliveries.sent));
  family(page, "traffic_monitor_notification_failures_total", "counter",
         "Failed delivery attempts since start.",
         value_line("traffic_monitor_notification_failures_total", deliveries.failed));
  family(page, "traffic_monitor_build_info", "gauge", "Always 1; the version as a label.",
         fmt::format("traffic_monitor_build_info{{version=\"{}\"}} 1\n", label_value(version)));
  return page;
}

} // namespace tmon
