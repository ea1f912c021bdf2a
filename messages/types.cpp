#include "messages/types.hpp"

#include <tuple>

namespace tmon {

bool operator==(const interface_counters& x, const interface_counters& y) {
  return std::tie(x.name, x.rx_bytes, x.tx_bytes) == std::tie(y.name, y.rx_bytes, y.tx_bytes);
}

bool operator==(const sample& x, const sample& y) {
  return std::tie(x.taken_at, x.boot_id, x.interfaces, x.uptime, x.missing_interfaces,
                  x.visible_interfaces)
         == std::tie(y.taken_at, y.boot_id, y.interfaces, y.uptime, y.missing_interfaces,
                     y.visible_interfaces);
}

bool operator==(const cycle_bounds& x, const cycle_bounds& y) {
  return x.start == y.start && x.end == y.end;
}

bool operator!=(const cycle_bounds& x, const cycle_bounds& y) {
  return !(x == y);
}

bool operator==(const usage_figures& x, const usage_figures& y) {
  return std::tie(x.cycle, x.rx_bytes, x.tx_bytes, x.counted_bytes, x.quota_bytes,
                  x.adjustment_bytes)
         == std::tie(y.cycle, y.rx_bytes, y.tx_bytes, y.counted_bytes, y.quota_bytes,
                     y.adjustment_bytes);
}

bool operator==(const cycle_outlook& x, const cycle_outlook& y) {
  return std::tie(x.today_bytes, x.yesterday_bytes, x.full_days, x.daily_average_bytes,
                  x.projected_bytes, x.runs_out_at, x.days_left, x.daily_budget_bytes,
                  x.busiest_day, x.busiest_day_bytes)
         == std::tie(y.today_bytes, y.yesterday_bytes, y.full_days, y.daily_average_bytes,
                     y.projected_bytes, y.runs_out_at, y.days_left, y.daily_budget_bytes,
                     y.busiest_day, y.busiest_day_bytes);
}

bool operator==(const event& x, const event& y) {
  return tie_fields(x) == tie_fields(y);
}

bool operator==(const http_request& x, const http_request& y) {
  const auto fields = [](const http_request& r) {
    return std::tie(r.method, r.url, r.body, r.content_type, r.headers, r.connect_timeout,
                    r.total_timeout, r.ipv4_only, r.user, r.password, r.mail_from, r.mail_to,
                    r.require_tls);
  };
  return fields(x) == fields(y);
}

bool operator==(const published_figures& x, const published_figures& y) {
  const auto fields = [](const published_figures& f) {
    return std::tie(f.usage, f.outlook, f.last_sample_at, f.events_pending, f.limit_reached,
                    f.status_json, f.history_json);
  };
  return fields(x) == fields(y);
}

bool operator==(const http_response& x, const http_response& y) {
  return std::tie(x.status, x.body, x.error) == std::tie(y.status, y.body, y.error);
}

double percent_of_quota(std::uint64_t counted_bytes, std::uint64_t quota_bytes) {
  if (quota_bytes == 0)
    return 0;
  return static_cast<double>(counted_bytes) * 100.0 / static_cast<double>(quota_bytes);
}

std::int64_t days_left(moment now, moment cycle_end) {
  if (cycle_end <= now)
    return 0;
  constexpr std::uint64_t seconds_per_day = 86400;
  // Unsigned so that even the widest span between two moments cannot overflow.
  auto span = static_cast<std::uint64_t>(to_epoch_seconds(cycle_end))
              - static_cast<std::uint64_t>(to_epoch_seconds(now));
  return static_cast<std::int64_t>(span / seconds_per_day + (span % seconds_per_day != 0));
}

} // namespace tmon
