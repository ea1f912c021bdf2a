#include "main/status.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>
#include <sstream>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "actors/accounting/state_file.hpp"
#include "actors/scheduler/calendar.hpp"

namespace tmon {

namespace {

const char* direction_name(traffic_direction direction) {
  switch (direction) {
    case traffic_direction::outbound:
      return "outbound";
    case traffic_direction::inbound:
      return "inbound";
    case traffic_direction::bidirectional:
      return "bidirectional";
    case traffic_direction::max:
      return "max";
  }
  return "outbound";
}

ledger_rules rules_of(const config& settings) {
  ledger_rules rules;
  rules.direction = settings.direction;
  rules.quota_bytes = settings.quota_bytes;
  rules.thresholds = settings.thresholds;
  return rules;
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names)
    text += (text.empty() ? "" : ",") + name;
  return text;
}

} // namespace

std::string status_text(const monitor_state& state, const status_context& context) {
  const auto& settings = context.settings;
  auto usage = current_usage(state, rules_of(settings));
  std::ostringstream out;
  out << "cycle:      " << local_iso8601(usage.cycle.start) << " to "
      << local_iso8601(usage.cycle.end) << '\n'
      << "counted:    " << format_amount(usage.counted_bytes, settings.unit) << " of "
      << format_amount(usage.quota_bytes, settings.unit) << " ("
      << format_percent(percent_of_quota(usage.counted_bytes, usage.quota_bytes)) << ", "
      << direction_name(settings.direction) << ")\n"
      << "received:   " << format_amount(usage.rx_bytes, settings.unit) << " (" << usage.rx_bytes
      << " bytes)\n"
      << "sent:       " << format_amount(usage.tx_bytes, settings.unit) << " (" << usage.tx_bytes
      << " bytes)\n"
      << "interfaces: " << joined(context.interfaces) << '\n'
      << "alerted:    ";
  if (state.thresholds_alerted.empty())
    out << "none";
  for (std::size_t i = 0; i < state.thresholds_alerted.size(); ++i)
    out << (i ? ", " : "") << state.thresholds_alerted[i] << '%';
  out << '\n'
      << "last sample: "
      << (state.last_sample_at ? local_iso8601(state.last_sample_at) : std::string{"never"})
      << '\n'
      << "undelivered messages: " << state.outbox.size() << '\n';
  return out.str();
}

std::string status_json(const monitor_state& state, const status_context& context) {
  const auto& settings = context.settings;
  auto usage = current_usage(state, rules_of(settings));
  nlohmann::json status{
    {"cycle_start", local_iso8601(usage.cycle.start)},
    {"cycle_end", local_iso8601(usage.cycle.end)},
    {"rx_bytes", usage.rx_bytes},
    {"tx_bytes", usage.tx_bytes},
    {"counted_bytes", usage.counted_bytes},
    {"quota_bytes", usage.quota_bytes},
    {"percent", percent_of_quota(usage.counted_bytes, usage.quota_bytes)},
    {"thresholds_alerted", state.thresholds_alerted},
    {"direction", direction_name(settings.direction)},
    {"interfaces", context.interfaces},
    {"unit", settings.unit.name},
    {"last_sample_at",
     state.last_sample_at ? nlohmann::json(local_iso8601(state.last_sample_at)) : nullptr},
    {"events_pending", state.outbox.size()},
  };
  return status.dump();
}

std::optional<std::string> health_problem(std::optional<epoch_seconds> written_at,
                                          epoch_seconds now, int check_interval_seconds) {
  if (!written_at)
    return std::string{"the state file has not been written yet"};
  auto allowed = 3 * static_cast<epoch_seconds>(check_interval_seconds) + 30;
  auto age = now - *written_at;
  if (age > allowed)
    return "the state file was last written " + std::to_string(age)
           + " s ago, more than the " + std::to_string(allowed) + " s allowed";
  return std::nullopt;
}

std::optional<std::string> missing_interface_problem(const monitor_state& state,
                                                     epoch_seconds now,
                                                     int check_interval_seconds) {
  const auto allowed = 3 * static_cast<epoch_seconds>(check_interval_seconds);
  for (const auto& [name, since] : state.missing_since) {
    const auto missing_for = now - since;
    if (missing_for > allowed)
      return "network interface " + name + " has been missing since "
             + local_iso8601(since) + " (" + std::to_string(missing_for)
             + " s, more than 3 check intervals of " + std::to_string(check_interval_seconds)
             + " s); check NETWORK_INTERFACE";
  }
  return std::nullopt;
}

namespace {

// The state as the file holds it; nothing when it cannot be read, which the freshness
// check and the monitor's own log already cover.
std::optional<monitor_state> stored_state(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  auto decoded = decode_state(text.str());
  return decoded.value;
}

} // namespace

int check_health(const config& settings, epoch_seconds now, std::ostream& out) {
  auto path = state_file_path(settings.data_dir);
  struct stat info {};
  std::optional<epoch_seconds> written_at;
  if (stat(path.c_str(), &info) == 0)
    written_at = info.st_mtim.tv_sec;
  auto problem = health_problem(written_at, now, settings.check_interval_seconds);
  if (!problem) {
    if (auto state = stored_state(path))
      problem = missing_interface_problem(*state, now, settings.check_interval_seconds);
  }
  if (problem) {
    out << "unhealthy: " << *problem << " (" << path << ")\n";
    return 1;
  }
  return 0;
}

int print_status(const status_context& context, bool as_json, std::ostream& out,
                 std::ostream& err) {
  auto path = state_file_path(context.settings.data_dir);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    err << "no state in " << path << " (" << std::strerror(errno)
        << "): the monitor has not saved its first sample there yet\n";
    return 1;
  }
  std::ostringstream text;
  text << in.rdbuf();
  auto decoded = decode_state(text.str());
  if (!decoded) {
    err << path << " cannot be read: " << decoded.error << '\n';
    return 1;
  }
  out << (as_json ? status_json(*decoded.value, context) + "\n"
                  : status_text(*decoded.value, context));
  return 0;
}

} // namespace tmon
