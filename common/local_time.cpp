#include "common/local_time.hpp"

#include <cstdio>
#include <cstdlib>

namespace tmon {

namespace {

std::string format_local(moment t, const char* format) {
  const std::tm civil = local_civil(t);
  char text[64];
  const std::size_t length = std::strftime(text, sizeof text, format, &civil);
  return std::string(text, length);
}

} // namespace

std::tm local_civil(moment t) {
  const auto instant = static_cast<std::time_t>(to_epoch_seconds(t));
  std::tm civil{};
  localtime_r(&instant, &civil);
  return civil;
}

int local_months_between(moment from, moment to) {
  const std::tm first = local_civil(from);
  const std::tm last = local_civil(to);
  return (last.tm_year - first.tm_year) * 12 + (last.tm_mon - first.tm_mon);
}

std::string local_date(moment t) {
  return format_local(t, "%Y-%m-%d");
}

std::string local_date_after(moment t, int days) {
  std::tm civil = local_civil(t);
  // Noon is on the same date in every zone and season, so normalising cannot cross midnight.
  civil.tm_mday += days;
  civil.tm_hour = 12;
  civil.tm_min = 0;
  civil.tm_sec = 0;
  civil.tm_isdst = -1;
  const std::time_t noon = std::mktime(&civil);
  return local_date(from_epoch_seconds(noon));
}

moment local_day_start(moment t) {
  std::tm civil = local_civil(t);
  civil.tm_hour = 0;
  civil.tm_min = 0;
  civil.tm_sec = 0;
  civil.tm_isdst = -1;
  const moment midnight = from_epoch_seconds(std::mktime(&civil));
  // Where the day begins at 01:00 (a change at midnight), mktime moves 00:00 forward into the
  // day or back into the one before; the day starts at the later of that and the previous
  // day's end, which is never after `t`.
  if (local_date(midnight) == local_date(t))
    return midnight;
  return midnight + std::chrono::hours{1};
}

std::string local_iso8601(moment t) {
  return format_local(t, "%Y-%m-%dT%H:%M:%S") + local_utc_offset(t);
}

std::string compact_local_stamp(moment t) {
  return format_local(t, "%Y%m%dT%H%M%S");
}

std::string local_minute(moment t) {
  return format_local(t, "%Y-%m-%d %H:%M") + " (UTC" + local_utc_offset(t) + ")";
}

std::string utc_offset_text(int minutes_east) {
  const int magnitude = std::abs(minutes_east);
  char text[32];
  std::snprintf(text, sizeof text, "%c%02d:%02d", minutes_east < 0 ? '-' : '+', magnitude / 60,
                magnitude % 60);
  return text;
}

std::string local_utc_offset(moment t) {
  return utc_offset_text(static_cast<int>(local_civil(t).tm_gmtoff / 60));
}

} // namespace tmon
