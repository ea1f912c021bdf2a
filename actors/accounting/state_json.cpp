#include "actors/accounting/state_json.hpp"

#include <limits>
#include <set>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/enum_names.hpp"

namespace tmon {

// Keeps the fields in the documented order, so the file reads top-down when printed.
using state_json = nlohmann::ordered_json;

} // namespace tmon

// A moment is written as its whole seconds since the epoch, as the file has always held it.
// Reading it back is read() below, which checks the number first.
template <>
struct nlohmann::adl_serializer<tmon::moment> {
  template <class Json>
  static void to_json(Json& out, tmon::moment t) {
    out = tmon::to_epoch_seconds(t);
  }
};

namespace tmon {

namespace {

// What a value is, for a complaint: scalars as written, objects and arrays by their type.
bool is_iso_date(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-')
    return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (text[i] < '0' || text[i] > '9')
      return false;
  return true;
}

std::string describe(const state_json& value) {
  return value.is_structured() ? fmt::format("an {}", value.type_name()) : value.dump();
}

// Refuses `value` with nlohmann's type error, to which JSON_DIAGNOSTICS adds the value's JSON
// path, as it does to the errors of get<T>().
[[noreturn]] void refuse(const state_json& value, const std::string& complaint) {
  throw state_json::type_error::create(302, complaint, &value);
}

void expect_object(const state_json& value) {
  if (!value.is_object())
    refuse(value, fmt::format("type must be object, but is {}", value.type_name()));
}

// The one way a counter is read: get<std::uint64_t>() turns -5 into 18446744073709551611
// and 2.5 into 2.
void read(const state_json& value, std::uint64_t& counter) {
  if (!value.is_number_unsigned())
    refuse(value,
           "a counter must be a non-negative integer of at most 64 bits, not " + describe(value));
  counter = value.get<std::uint64_t>();
}

// A signed count (an adjustment): get<std::int64_t>() cuts 1.5 to 1 and wraps 2^63.
void read(const state_json& value, std::int64_t& count) {
  const bool fits = value.is_number_integer()
                    && (!value.is_number_unsigned()
                        || value.get<std::uint64_t>() <= static_cast<std::uint64_t>(
                             std::numeric_limits<std::int64_t>::max()));
  if (!fits)
    refuse(value, "an adjustment must be an integer of at most 64 bits with its sign, not "
                    + describe(value));
  count = value.get<std::int64_t>();
}

// A time: get<std::int64_t>() cuts 1.5 to 1 and wraps 2^63 to a negative number.
void read(const state_json& value, moment& t) {
  const bool fits = value.is_number_integer()
                    && (!value.is_number_unsigned()
                        || value.get<std::uint64_t>() <= static_cast<std::uint64_t>(
                             std::numeric_limits<std::int64_t>::max()));
  if (!fits)
    refuse(value, "a time must be a whole number of seconds, not " + describe(value));
  t = from_epoch_seconds(value.get<std::int64_t>());
}

// Flags, text, percentages (get<double>() refuses a boolean or a string, and a number too
// large for a double does not parse), lists of those, and the structs by their from_json.
template <class T>
void read(const state_json& value, T& out) {
  value.get_to(out);
}

// Element by element, so that the times of missing_since are checked too.
template <class T>
void read(const state_json& value, std::map<std::string, T>& out) {
  expect_object(value);
  for (const auto& [key, element] : value.items())
    read(element, out[key]);
}

template <class T>
void read(const state_json& value, std::optional<T>& out) {
  read(value, out.emplace());
}

// The field `key` of `object`; nullptr when absent.
const state_json* find_field(const state_json& object, const char* key) {
  expect_object(object);
  const auto found = object.find(key);
  return found == object.end() ? nullptr : &*found;
}

template <class T>
void read_field(const state_json& object, const char* key, T& out) {
  const state_json* value = find_field(object, key);
  if (value == nullptr)
    throw state_json::out_of_range::create(403, fmt::format("the field \"{}\" is missing", key),
                                           &object);
  read(*value, out);
}

// A field that may be absent; `out` then keeps its default.
template <class T>
void read_optional_field(const state_json& object, const char* key, T& out) {
  if (const state_json* value = find_field(object, key))
    read(*value, out);
}

// The file's own names, so that a renamed setting keyword cannot change what a file means.
constexpr named_value<event_kind> event_kind_names[] = {
  {"monitor_started", event_kind::monitor_started},
  {"threshold_crossed", event_kind::threshold_crossed},
  {"cycle_closed", event_kind::cycle_closed},
  {"usage_report", event_kind::usage_report},
  {"state_file_reset", event_kind::state_file_reset},
  {"cycle_changed", event_kind::cycle_changed},
  {"usage_calibrated", event_kind::usage_calibrated},
  {"forecast_exceeded", event_kind::forecast_exceeded},
  {"limit_reached", event_kind::limit_reached},
  {"limit_lifted", event_kind::limit_lifted},
};

constexpr named_value<traffic_direction> direction_names[] = {
  {"outbound", traffic_direction::outbound},
  {"inbound", traffic_direction::inbound},
  {"bidirectional", traffic_direction::bidirectional},
  {"max", traffic_direction::max},
};

// NLOHMANN_JSON_SERIALIZE_ENUM writes and reads a value missing from its table as the
// table's first one; these refuse it, so that no kind can turn into another.
template <class Table, class Enum>
void write_name(state_json& out, const Table& names, Enum value) {
  const std::string_view name = name_in(names, value);
  if (name.empty())
    throw std::invalid_argument("a value without a name in the state file");
  out = std::string{name};
}

template <class Table, class Enum>
void read_name(const state_json& in, const Table& names, Enum& out, const char* what) {
  const auto name = in.get<std::string>();
  const auto value = value_named(names, name);
  if (!value)
    refuse(in, fmt::format("names an unknown {} \"{}\"", what, name));
  out = *value;
}

void check_schema_version(const state_json& root) {
  const auto version = root.find("schema_version");
  if (version == root.end())
    throw std::runtime_error("the state file has no schema_version: it was written by an "
                             "unknown version of traffic-monitor");
  // Version 1 lacks only the recorded settings, which stay absent.
  if (version->is_number_integer() && *version >= 1
      && *version <= monitor_state::current_schema_version)
    return;
  const bool newer = version->is_number_unsigned()
                     && *version > monitor_state::current_schema_version;
  throw std::runtime_error(fmt::format("the state file has schema_version {}: it was written by "
                                       "{} version of traffic-monitor (this one reads version {})",
                                       version->dump(), newer ? "a newer" : "an unknown",
                                       monitor_state::current_schema_version));
}

// nlohmann's message without its "[json.exception.type_error.302] " tag, meant for programmers.
std::string untagged(const state_json::exception& error) {
  const std::string what = error.what();
  return what.substr(what.find("] ") + 2);
}

// JSON_DIAGNOSTICS puts the path of the offending value first, as in "(/outbox/0/late) type
// must be boolean, but is number"; the document itself has no path.
std::string invalid_because(const std::string& message) {
  const auto path_end = message.find(") ");
  if (message.rfind("(/", 0) != 0 || path_end == std::string::npos)
    return "the state file is invalid: " + message;
  return fmt::format("the state file is invalid at {}: {}", message.substr(1, path_end - 1),
                     message.substr(path_end + 2));
}

} // namespace

// The conversions nlohmann finds by argument-dependent lookup, each after those it uses.

void to_json(state_json& out, const event_kind& kind) {
  write_name(out, event_kind_names, kind);
}

void from_json(const state_json& in, event_kind& kind) {
  read_name(in, event_kind_names, kind, "event kind");
}

void to_json(state_json& out, const traffic_direction& direction) {
  write_name(out, direction_names, direction);
}

void from_json(const state_json& in, traffic_direction& direction) {
  read_name(in, direction_names, direction, "direction");
}

// As the JSON number nearest to it: 80.0, 92.5, as when percentages were doubles.
void to_json(state_json& out, const percentage& p) {
  out = p.as_double();
}

void from_json(const state_json& in, percentage& p) {
  const auto read = in.is_number() ? percentage::nearest(in.get<double>()) : std::nullopt;
  if (!read)
    refuse(in, "a percentage must be a number from 0 to 1844674407, not " + describe(in));
  p = *read;
}

void to_json(state_json& out, const cycle_bounds& cycle) {
  out = {{"start", cycle.start}, {"end", cycle.end}};
}

void from_json(const state_json& in, cycle_bounds& cycle) {
  read_field(in, "start", cycle.start);
  read_field(in, "end", cycle.end);
  // A cycle is empty (none settled yet) or starts before it ends; anything else would make
  // every rule that measures the cycle divide by nothing or run backwards.
  if (cycle != cycle_bounds{} && cycle.start >= cycle.end)
    refuse(in, fmt::format("a cycle must start before its end, not at {} with an end at {}",
                           to_epoch_seconds(cycle.start), to_epoch_seconds(cycle.end)));
}

void to_json(state_json& out, const usage_figures& usage) {
  out = {{"cycle", usage.cycle},
         {"rx_bytes", usage.rx_bytes},
         {"tx_bytes", usage.tx_bytes},
         {"counted_bytes", usage.counted_bytes},
         {"quota_bytes", usage.quota_bytes},
         {"adjustment_bytes", usage.adjustment_bytes}};
}

void from_json(const state_json& in, usage_figures& usage) {
  read_field(in, "cycle", usage.cycle);
  read_field(in, "rx_bytes", usage.rx_bytes);
  read_field(in, "tx_bytes", usage.tx_bytes);
  read_field(in, "counted_bytes", usage.counted_bytes);
  read_field(in, "quota_bytes", usage.quota_bytes);
  // Absent before calibration existed.
  read_optional_field(in, "adjustment_bytes", usage.adjustment_bytes);
}

void to_json(state_json& out, const cycle_outlook& outlook) {
  out = {{"today_bytes", outlook.today_bytes},
         {"yesterday_bytes", outlook.yesterday_bytes},
         {"full_days", outlook.full_days},
         {"daily_average_bytes", outlook.daily_average_bytes},
         {"projected_bytes", outlook.projected_bytes},
         {"runs_out_at", outlook.runs_out_at},
         {"days_left", outlook.days_left},
         {"daily_budget_bytes", outlook.daily_budget_bytes},
         {"busiest_day", outlook.busiest_day},
         {"busiest_day_bytes", outlook.busiest_day_bytes}};
}

void from_json(const state_json& in, cycle_outlook& outlook) {
  read_field(in, "today_bytes", outlook.today_bytes);
  read_field(in, "yesterday_bytes", outlook.yesterday_bytes);
  read_field(in, "full_days", outlook.full_days);
  read_field(in, "daily_average_bytes", outlook.daily_average_bytes);
  read_field(in, "projected_bytes", outlook.projected_bytes);
  read_field(in, "runs_out_at", outlook.runs_out_at);
  read_field(in, "days_left", outlook.days_left);
  read_field(in, "daily_budget_bytes", outlook.daily_budget_bytes);
  read_field(in, "busiest_day", outlook.busiest_day);
  read_field(in, "busiest_day_bytes", outlook.busiest_day_bytes);
}

void to_json(state_json& out, const event& e) {
  out = {{"id", e.id},
         {"kind", e.kind},
         {"raised_at", e.raised_at},
         {"usage", e.usage},
         {"threshold_percent", e.threshold_percent},
         {"late", e.late},
         {"outlook", e.outlook},
         {"detail", e.detail},
         {"interfaces", e.interfaces},
         {"missing_interfaces", e.missing_interfaces},
         {"visible_interfaces", e.visible_interfaces},
         {"previous_cycle", e.previous_cycle},
         {"wrong_clock", e.wrong_clock},
         {"skipped_cycles", e.skipped_cycles},
         {"skipped_span", e.skipped_span},
         {"undated_bytes", e.undated_bytes},
         {"calibrated_from_bytes", e.calibrated_from_bytes}};
  if (e.targets_assigned)
    out["targets_left"] = e.targets_left;
}

void from_json(const state_json& in, event& e) {
  read_field(in, "id", e.id);
  read_field(in, "kind", e.kind);
  read_field(in, "raised_at", e.raised_at);
  read_field(in, "usage", e.usage);
  read_field(in, "threshold_percent", e.threshold_percent);
  read_field(in, "late", e.late);
  read_field(in, "detail", e.detail);
  // Added after the first files were written: events without them read as having none.
  read_optional_field(in, "interfaces", e.interfaces);
  read_optional_field(in, "missing_interfaces", e.missing_interfaces);
  read_optional_field(in, "visible_interfaces", e.visible_interfaces);
  read_optional_field(in, "previous_cycle", e.previous_cycle);
  read_optional_field(in, "wrong_clock", e.wrong_clock);
  read_optional_field(in, "skipped_cycles", e.skipped_cycles);
  read_optional_field(in, "skipped_span", e.skipped_span);
  read_optional_field(in, "undated_bytes", e.undated_bytes);
  // Events of version 2 and before have a bare projection instead, which is not carried
  // over: such a report shows no forecast.
  read_optional_field(in, "outlook", e.outlook);
  read_optional_field(in, "calibrated_from_bytes", e.calibrated_from_bytes);
  // Absent in events raised before delivery was confirmed per target.
  e.targets_assigned = find_field(in, "targets_left") != nullptr;
  read_optional_field(in, "targets_left", e.targets_left);
}

void to_json(state_json& out, const counter_reading& reading) {
  out = {{"rx_bytes", reading.rx_bytes}, {"tx_bytes", reading.tx_bytes}};
}

void from_json(const state_json& in, counter_reading& reading) {
  read_field(in, "rx_bytes", reading.rx_bytes);
  read_field(in, "tx_bytes", reading.tx_bytes);
}

void to_json(state_json& out, const day_traffic& day) {
  out = {{"date", day.date}, {"rx_bytes", day.rx_bytes}, {"tx_bytes", day.tx_bytes}};
}

void from_json(const state_json& in, day_traffic& day) {
  read_field(in, "date", day.date);
  const auto& date = in.at("date");
  if (!is_iso_date(day.date))
    refuse(date, "a day must be a date written YYYY-MM-DD, not " + describe(date));
  read_field(in, "rx_bytes", day.rx_bytes);
  read_field(in, "tx_bytes", day.tx_bytes);
}

// The days of a cycle, which the history keeps in ascending order, each date once.
void read(const state_json& value, std::vector<day_traffic>& days) {
  value.get_to(days);
  for (std::size_t i = 1; i < days.size(); ++i)
    if (!(days[i - 1].date < days[i].date))
      refuse(value[i], fmt::format("the days must be in ascending order, each once, but {} "
                                   "follows {}",
                                   days[i].date, days[i - 1].date));
}

void to_json(state_json& out, const cycle_record& closed) {
  out = {{"cycle", closed.cycle},
         {"rx_bytes", closed.rx_bytes},
         {"tx_bytes", closed.tx_bytes},
         {"adjustment_bytes", closed.adjustment_bytes},
         {"days", closed.days}};
}

void from_json(const state_json& in, cycle_record& closed) {
  read_field(in, "cycle", closed.cycle);
  read_field(in, "rx_bytes", closed.rx_bytes);
  read_field(in, "tx_bytes", closed.tx_bytes);
  read_field(in, "adjustment_bytes", closed.adjustment_bytes);
  read_field(in, "days", closed.days);
}

void to_json(state_json& out, const counting_settings& settings) {
  out = {{"quota_bytes", settings.quota_bytes}, {"unit", settings.unit.name},
         {"unit_bytes", settings.unit.bytes},   {"direction", settings.direction},
         {"interfaces", settings.interfaces},   {"thresholds", settings.thresholds},
         {"reset_day", settings.reset_day},     {"time_zone", settings.time_zone}};
}

void from_json(const state_json& in, counting_settings& settings) {
  read_field(in, "quota_bytes", settings.quota_bytes);
  read_field(in, "unit", settings.unit.name);
  read_field(in, "unit_bytes", settings.unit.bytes);
  read_field(in, "direction", settings.direction);
  read_field(in, "interfaces", settings.interfaces);
  read_field(in, "thresholds", settings.thresholds);
  read_field(in, "reset_day", settings.reset_day);
  // get<int>() reads 1.5 as 1 and true as 1.
  const state_json& day = in.at("reset_day");
  if (!day.is_number_integer() || day < 1 || day > 31)
    refuse(day, "the reset day must be a day of the month from 1 to 31, not " + describe(day));
  read_field(in, "time_zone", settings.time_zone);
}

void to_json(state_json& out, const monitor_state& state) {
  out = {{"schema_version", monitor_state::current_schema_version},
         {"boot_id", state.boot_id},
         {"last_sample_at", state.last_sample_at},
         {"last_counters", state.last_counters},
         {"cycle", state.cycle},
         {"cycle_rx_bytes", state.cycle_rx_bytes},
         {"cycle_tx_bytes", state.cycle_tx_bytes},
         {"thresholds_alerted", state.thresholds_alerted},
         {"last_report_at", state.last_report_at},
         {"next_event_id", state.next_event_id},
         {"outbox", state.outbox}};
  if (state.recorded_settings)
    out["settings"] = *state.recorded_settings;
  out["missing_since"] = state.missing_since;
  out["cycle_adjustment_bytes"] = state.cycle_adjustment_bytes;
  out["days"] = state.days;
  out["days_since"] = state.days_since;
  if (state.previous_cycle)
    out["previous_cycle"] = *state.previous_cycle;
  out["forecast_alerted"] = state.forecast_alerted;
  out["last_calibration_id"] = state.last_calibration_id;
  out["over_limit_since"] = state.over_limit_since;
  out["telegram_update_offset"] = state.telegram_update_offset;
}

void from_json(const state_json& in, monitor_state& state) {
  check_schema_version(in);
  read_field(in, "boot_id", state.boot_id);
  read_field(in, "last_sample_at", state.last_sample_at);
  read_field(in, "last_counters", state.last_counters);
  read_field(in, "cycle", state.cycle);
  read_field(in, "cycle_rx_bytes", state.cycle_rx_bytes);
  read_field(in, "cycle_tx_bytes", state.cycle_tx_bytes);
  // A file that lost one of these (a hand edit to clear pending messages or re-arm alerts)
  // still describes a usable state: nothing pending, nothing alerted.
  read_optional_field(in, "thresholds_alerted", state.thresholds_alerted);
  read_field(in, "last_report_at", state.last_report_at);
  read_field(in, "next_event_id", state.next_event_id);
  read_optional_field(in, "outbox", state.outbox);
  // Absent in version 1 files, and in a state no running monitor has saved yet.
  read_optional_field(in, "settings", state.recorded_settings);
  // Absent in files written before it existed: then no interface is known to be missing.
  read_optional_field(in, "missing_since", state.missing_since);
  // Absent before version 3: no calibration, no days recorded (they start with the next
  // sample), no cycle closed with days, no forecast alert raised, no limit reached.
  read_optional_field(in, "cycle_adjustment_bytes", state.cycle_adjustment_bytes);
  read_optional_field(in, "days", state.days);
  read_optional_field(in, "days_since", state.days_since);
  read_optional_field(in, "previous_cycle", state.previous_cycle);
  read_optional_field(in, "forecast_alerted", state.forecast_alerted);
  read_optional_field(in, "last_calibration_id", state.last_calibration_id);
  read_optional_field(in, "over_limit_since", state.over_limit_since);
  // Absent in files written before Telegram commands: no update confirmed yet. Added without
  // a new schema version, so that an earlier version, which ignores it, still reads the file.
  read_optional_field(in, "telegram_update_offset", state.telegram_update_offset);
}

std::string encode_state(const monitor_state& state) {
  // Invalid UTF-8 (an odd interface name) becomes U+FFFD instead of failing the save.
  return state_json(state).dump(2, ' ', false, state_json::error_handler_t::replace) + "\n";
}

outcome<monitor_state> decode_state(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return outcome<monitor_state>::failure("the state file is empty");
  // nlohmann keeps the last of duplicate keys; a file with two different totals for one
  // field was not written by this program, and which one holds is anybody's guess.
  std::vector<std::set<std::string>> keys_of_open_objects;
  const auto refuse_duplicate_keys =
    [&keys_of_open_objects](int /*depth*/, state_json::parse_event_t event, state_json& parsed) {
      if (event == state_json::parse_event_t::object_start)
        keys_of_open_objects.emplace_back();
      else if (event == state_json::parse_event_t::object_end)
        keys_of_open_objects.pop_back();
      else if (event == state_json::parse_event_t::key
               && !keys_of_open_objects.back().insert(parsed.get<std::string>()).second)
        throw std::runtime_error("the state file has the key " + parsed.dump()
                                 + " twice in one object");
      return true;
    };
  try {
    const auto document = state_json::parse(text.begin(), text.end(), refuse_duplicate_keys);
    if (!document.is_object())
      return outcome<monitor_state>::failure("the state file does not hold a JSON object");
    return outcome<monitor_state>::success(document.get<monitor_state>());
  } catch (const state_json::parse_error& e) {
    return outcome<monitor_state>::failure("the state file is not valid JSON: " + untagged(e));
  } catch (const state_json::exception& e) {
    return outcome<monitor_state>::failure(invalid_because(untagged(e)));
  } catch (const std::exception& e) {
    return outcome<monitor_state>::failure(e.what());
  }
}

} // namespace tmon
