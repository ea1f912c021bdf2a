#include "main/status.hpp"

#include <array>
#include <cerrno>
#include <functional>
#include <ostream>
#include <sstream>
#include <system_error>

#include <sys/stat.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "actors/accounting/forecast.hpp"
#include "actors/accounting/state_file.hpp"
#include "actors/notifier/message_catalog.hpp"
#include "common/enum_names.hpp"
#include "common/files.hpp"
#include "common/local_time.hpp"
#include "common/text.hpp"

namespace tmon {

namespace {

// As TRAFFIC_DIRECTION names them.
constexpr named_value<traffic_direction> direction_names[] = {
  {"outbound", traffic_direction::outbound},
  {"inbound", traffic_direction::inbound},
  {"bidirectional", traffic_direction::bidirectional},
  {"max", traffic_direction::max},
};

// One setting a state's figures depend on: its variable and how it is shown. Settings that
// show the same are the same, except the quota, which is compared in bytes so that a
// changed unit alone is one difference, not two.
struct compared_setting {
  const char* variable;
  std::function<std::string(const counting_settings&)> shown;
  // Empty: compare as shown.
  std::function<bool(const counting_settings&, const counting_settings&)> same;
};

const std::vector<compared_setting>& compared_settings() {
  static const std::vector<compared_setting> settings{
    {"MONTHLY_TRAFFIC_GB",
     [](const counting_settings& s) { return format_amount(s.quota_bytes, s.unit); },
     [](const counting_settings& x, const counting_settings& y) {
       return x.quota_bytes == y.quota_bytes;
     }},
    {"TRAFFIC_UNIT", [](const counting_settings& s) { return s.unit.name; }, nullptr},
    {"TRAFFIC_DIRECTION",
     [](const counting_settings& s) { return std::string{name_in(direction_names, s.direction)}; },
     nullptr},
    {"NETWORK_INTERFACE", [](const counting_settings& s) { return join(s.interfaces, ","); },
     nullptr},
    {"THRESHOLDS", [](const counting_settings& s) { return joined_text(s.thresholds, ","); },
     nullptr},
    {"RESET_DAY", [](const counting_settings& s) { return std::to_string(s.reset_day); }, nullptr},
    {"TZ",
     [](const counting_settings& s) {
       return s.time_zone.empty() ? std::string{"(unset)"} : s.time_zone;
     },
     nullptr},
  };
  return settings;
}

// What status shows: the state's figures with the settings they were counted with.
struct status_figures {
  counting_settings counted_with;
  // False when the state does not record its settings and the caller's stand in.
  bool recorded = false;
  // The caller's settings that differ from the recorded ones: variable, monitor, caller.
  std::vector<std::array<std::string, 3>> differences;
  usage_figures usage;
  std::uint64_t remaining_bytes = 0;
  cycle_outlook outlook;
  std::optional<std::chrono::seconds> last_sample_age;
};

status_figures figures_of(const monitor_state& state, const status_context& context) {
  status_figures out;
  const counting_settings callers = counting_settings_of(context.settings, context.interfaces);
  out.recorded = state.recorded_settings.has_value();
  out.counted_with = state.recorded_settings.value_or(callers);
  for (const auto& setting : compared_settings()) {
    const std::string monitors = setting.shown(out.counted_with);
    const std::string here = setting.shown(callers);
    const bool same = setting.same ? setting.same(out.counted_with, callers) : monitors == here;
    if (!same)
      out.differences.push_back({setting.variable, monitors, here});
  }
  const ledger_rules rules = ledger_rules_of(out.counted_with);
  out.usage = current_usage(state, rules);
  const auto& usage = out.usage;
  out.remaining_bytes = usage.counted_bytes < usage.quota_bytes
                          ? usage.quota_bytes - usage.counted_bytes
                          : 0;
  out.outlook = outlook_of(state, rules, context.now);
  if (state.last_sample_at != moment{})
    out.last_sample_age = context.now - state.last_sample_at;
  return out;
}

std::string amount_with_share(std::uint64_t bytes, const usage_figures& usage,
                              const traffic_unit& unit) {
  return format_amount(bytes, unit) + " (" + format_share(bytes, usage.quota_bytes) + ")";
}

} // namespace

ledger_rules ledger_rules_of(const counting_settings& counted, std::uint64_t max_bandwidth_mbit) {
  ledger_rules rules;
  rules.direction = counted.direction;
  rules.quota_bytes = counted.quota_bytes;
  rules.thresholds = counted.thresholds;
  rules.max_bandwidth_mbit = max_bandwidth_mbit;
  return rules;
}

counting_settings counting_settings_of(const config& settings,
                                       std::vector<std::string> interfaces) {
  counting_settings out;
  out.quota_bytes = settings.quota_bytes;
  out.unit = settings.unit;
  out.direction = settings.direction;
  out.interfaces = std::move(interfaces);
  out.thresholds = settings.thresholds;
  out.reset_day = settings.reset_day;
  out.time_zone = settings.time_zone;
  return out;
}

std::string status_text(const monitor_state& state, const status_context& context) {
  const status_figures figures = figures_of(state, context);
  const auto& usage = figures.usage;
  const auto& outlook = figures.outlook;
  const auto& unit = figures.counted_with.unit;
  std::ostringstream out;
  out << "cycle:      " << local_iso8601(usage.cycle.start) << " to "
      << local_iso8601(usage.cycle.end) << '\n'
      << "counted:    " << format_amount(usage.counted_bytes, unit) << " of "
      << format_amount(usage.quota_bytes, unit) << " ("
      << format_share(usage.counted_bytes, usage.quota_bytes) << ", "
      << name_in(direction_names, figures.counted_with.direction) << ")\n"
      << "received:   " << format_amount(usage.rx_bytes, unit) << " (" << usage.rx_bytes
      << " bytes)\n"
      << "sent:       " << format_amount(usage.tx_bytes, unit) << " (" << usage.tx_bytes
      << " bytes)\n"
      << "remaining:  " << format_amount(figures.remaining_bytes, unit) << '\n'
      << "days left:  " << outlook.days_left << " (today included)\n"
      << "budget:     " << format_amount(outlook.daily_budget_bytes, unit)
      << " a day to stay within the quota\n"
      << "today:      " << format_amount(outlook.today_bytes, unit) << " (yesterday "
      << format_amount(outlook.yesterday_bytes, unit) << ")\n";
  if (outlook.full_days == 0) {
    out << "forecast:   not enough data yet (less than one full day)\n";
  } else {
    out << "average:    " << format_amount(outlook.daily_average_bytes, unit) << " a day over the "
        << outlook.full_days << " last full day(s)\n"
        << "projected:  " << amount_with_share(outlook.projected_bytes, usage, unit)
        << " at the cycle's end";
    if (outlook.runs_out_at != moment{})
      out << "; the quota runs out on " << local_date(outlook.runs_out_at) << " at this pace";
    else
      out << ", within quota";
    out << '\n';
  }
  if (usage.adjustment_bytes != 0)
    out << "calibrated: " << fmt::format("{:+}", usage.adjustment_bytes)
        << " bytes added to the counted figure to match the provider's\n";
  out << "interfaces: " << join(figures.counted_with.interfaces, ",") << '\n' << "alerted:    ";
  if (state.thresholds_alerted.empty())
    out << "none";
  out << joined_text(state.thresholds_alerted, ", ", "%");
  out << '\n' << "last sample: ";
  if (figures.last_sample_age)
    out << local_iso8601(state.last_sample_at) << " (" << figures.last_sample_age->count()
        << " s ago)";
  else
    out << "never";
  out << '\n' << "undelivered messages: " << state.outbox.size() << '\n';
  if (!figures.recorded) {
    out << "note: the state does not record the monitor's settings yet (it was written by an "
           "older version); the figures use this shell's settings\n";
  } else if (!figures.differences.empty()) {
    out << "note: this shell's settings differ from the running monitor's, whose figures are "
           "shown:";
    for (const auto& [variable, monitors, here] : figures.differences)
      out << ' ' << variable << " (monitor " << monitors << ", this shell " << here << ')';
    out << '\n';
  }
  return out.str();
}

std::string status_json(const monitor_state& state, const status_context& context) {
  const status_figures figures = figures_of(state, context);
  const auto& usage = figures.usage;
  nlohmann::json differ = nlohmann::json::array();
  if (figures.recorded)
    for (const auto& difference : figures.differences)
      differ.push_back(difference[0]);
  nlohmann::json alerted = nlohmann::json::array();
  for (const auto threshold : state.thresholds_alerted)
    alerted.push_back(threshold.as_double());
  nlohmann::json status{
    {"cycle_start", local_iso8601(usage.cycle.start)},
    {"cycle_end", local_iso8601(usage.cycle.end)},
    {"rx_bytes", usage.rx_bytes},
    {"tx_bytes", usage.tx_bytes},
    {"counted_bytes", usage.counted_bytes},
    {"quota_bytes", usage.quota_bytes},
    {"percent", percent_of_quota(usage.counted_bytes, usage.quota_bytes)},
    {"thresholds_alerted", alerted},
    {"direction", std::string{name_in(direction_names, figures.counted_with.direction)}},
    {"interfaces", figures.counted_with.interfaces},
    {"unit", figures.counted_with.unit.name},
    {"last_sample_at", state.last_sample_at != moment{}
                         ? nlohmann::json(local_iso8601(state.last_sample_at))
                         : nullptr},
    {"events_pending", state.outbox.size()},
    {"adjustment_bytes", usage.adjustment_bytes},
    {"days_left", figures.outlook.days_left},
    {"remaining_bytes", figures.remaining_bytes},
    {"projected_bytes",
     figures.outlook.full_days > 0 ? nlohmann::json(figures.outlook.projected_bytes) : nullptr},
    {"daily_average_bytes",
     figures.outlook.full_days > 0 ? nlohmann::json(figures.outlook.daily_average_bytes) : nullptr},
    {"daily_budget_bytes", figures.outlook.daily_budget_bytes},
    {"last_sample_age_seconds",
     figures.last_sample_age ? nlohmann::json(figures.last_sample_age->count()) : nullptr},
    {"settings_recorded", figures.recorded},
    {"settings_differ", differ},
  };
  return status.dump();
}

outcome<void> fresh_state_file(std::optional<moment> written_at, moment now,
                               std::chrono::seconds check_interval) {
  if (!written_at)
    return outcome<void>::failure("the state file has not been written yet");
  constexpr std::chrono::seconds slack{30};
  const auto ahead_allowed = check_interval + slack;
  const auto ahead = *written_at - now;
  if (ahead > ahead_allowed)
    return outcome<void>::failure(
      "the state file is dated " + std::to_string(ahead.count())
      + " s in the future, more than the " + std::to_string(ahead_allowed.count())
      + " s allowed: the clock may have been wrong when it was written");
  const auto allowed = 3 * check_interval + slack;
  const auto age = now - *written_at;
  if (age > allowed)
    return outcome<void>::failure("the state file was last written " + std::to_string(age.count())
                                  + " s ago, more than the " + std::to_string(allowed.count())
                                  + " s allowed");
  return outcome<void>::success();
}

outcome<void> no_interface_missing(const monitor_state& state, moment now,
                                   std::chrono::seconds check_interval) {
  const auto allowed = 3 * check_interval;
  for (const auto& [name, since] : state.missing_since) {
    const auto missing_for = now - since;
    if (missing_for > allowed)
      return outcome<void>::failure(
        "network interface " + name + " has been missing since " + local_iso8601(since) + " ("
        + std::to_string(missing_for.count()) + " s, more than 3 check intervals of "
        + std::to_string(check_interval.count()) + " s); check NETWORK_INTERFACE");
  }
  return outcome<void>::success();
}

namespace {

// The state as the file holds it; nothing when it cannot be read, which the freshness
// check and the monitor's own log already cover.
std::optional<monitor_state> stored_state(const std::string& path) {
  const auto text = read_file(path);
  if (!text)
    return std::nullopt;
  return decode_state(*text).value;
}

} // namespace

int check_health(const config& settings, moment now, std::ostream& out) {
  auto path = state_file_path(settings.data_dir);
  struct stat info {};
  std::optional<moment> written_at;
  if (stat(path.c_str(), &info) == 0)
    written_at = from_epoch_seconds(info.st_mtim.tv_sec);
  auto healthy = fresh_state_file(written_at, now, settings.check_interval);
  if (healthy) {
    if (auto state = stored_state(path))
      healthy = no_interface_missing(*state, now, settings.check_interval);
  }
  if (!healthy) {
    out << "unhealthy: " << healthy.error << " (" << path << ")\n";
    return 1;
  }
  return 0;
}

int print_status(const status_context& context, bool as_json, std::ostream& out,
                 std::ostream& err) {
  auto state = state_to_show(context.settings.data_dir);
  if (!state)
    return refuse_to_show(state.error, as_json, out, err);
  out << (as_json ? status_json(*state, context) + "\n" : status_text(*state, context));
  return 0;
}

outcome<monitor_state> state_to_show(const std::string& data_dir) {
  auto path = state_file_path(data_dir);
  const auto text = read_file_if_present(path);
  if (!text)
    return outcome<monitor_state>::failure(text.error);
  if (!*text)
    return outcome<monitor_state>::failure(
      "no state in " + path + " (" + std::generic_category().message(ENOENT)
      + "): the monitor has not saved its first sample there yet");
  auto decoded = decode_state(**text);
  if (!decoded)
    return outcome<monitor_state>::failure(path + " cannot be read: " + decoded.error);
  return decoded;
}

int check_over_limit(const std::string& data_dir, moment now, std::ostream& out) {
  const auto state = state_to_show(data_dir);
  if (!state) {
    out << "not over the limit: " << state.error << '\n';
    return 1;
  }
  const auto since = state->over_limit_since;
  if (since == moment{} || now >= state->cycle.end) {
    out << "not over the limit in the cycle " << local_iso8601(state->cycle.start) << " to "
        << local_iso8601(state->cycle.end) << '\n';
    return 1;
  }
  out << "over the limit since " << local_iso8601(since) << ", until "
      << local_iso8601(state->cycle.end) << " at the latest\n";
  return 0;
}

int refuse_to_show(const std::string& why, bool as_json, std::ostream& out, std::ostream& err) {
  // JSON readers get JSON even when there is nothing to show.
  if (as_json)
    out << nlohmann::json{{"error", why}}.dump() << '\n';
  else
    err << why << '\n';
  return 1;
}

} // namespace tmon
