#include "actors/accounting/state_file.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <limits>
#include <set>
#include <stdexcept>
#include <utility>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "common/enum_names.hpp"
#include "common/files.hpp"
#include "common/local_time.hpp"

namespace tmon {

namespace {

using json = nlohmann::json;
// Keeps the fields in the documented order, so the file reads top-down when printed.
using ordered_json = nlohmann::ordered_json;

constexpr named_value<event_kind> event_kind_names[] = {
  {"monitor_started", event_kind::monitor_started},
  {"threshold_crossed", event_kind::threshold_crossed},
  {"cycle_closed", event_kind::cycle_closed},
  {"usage_report", event_kind::usage_report},
  {"state_file_reset", event_kind::state_file_reset},
  {"cycle_changed", event_kind::cycle_changed},
};

// The file's own names, so that a renamed setting keyword cannot change what a file means.
constexpr named_value<traffic_direction> direction_names[] = {
  {"outbound", traffic_direction::outbound},
  {"inbound", traffic_direction::inbound},
  {"bidirectional", traffic_direction::bidirectional},
  {"max", traffic_direction::max},
};

// The name of `value` in one of the tables above; every value has one.
template <class Table, class Enum>
std::string name_in_file(const Table& table, Enum value) {
  const std::string_view name = name_in(table, value);
  if (name.empty())
    throw std::invalid_argument("a value without a name in the state file");
  return std::string{name};
}

std::string name_of(traffic_direction direction) {
  return name_in_file(direction_names, direction);
}

std::optional<traffic_direction> direction_named(const std::string& name) {
  return value_named(direction_names, name);
}

std::string name_of(event_kind kind) {
  return name_in_file(event_kind_names, kind);
}

std::optional<event_kind> kind_named(const std::string& name) {
  return value_named(event_kind_names, name);
}

// ---- encoding --------------------------------------------------------------------------

ordered_json encode_cycle(const cycle_bounds& cycle) {
  ordered_json out;
  out["start"] = cycle.start;
  out["end"] = cycle.end;
  return out;
}

ordered_json encode_usage(const usage_figures& usage) {
  ordered_json out;
  out["cycle"] = encode_cycle(usage.cycle);
  out["rx_bytes"] = usage.rx_bytes;
  out["tx_bytes"] = usage.tx_bytes;
  out["counted_bytes"] = usage.counted_bytes;
  out["quota_bytes"] = usage.quota_bytes;
  return out;
}

ordered_json encode_event(const event& e) {
  ordered_json out;
  out["id"] = e.id;
  out["kind"] = name_of(e.kind);
  out["raised_at"] = e.raised_at;
  out["usage"] = encode_usage(e.usage);
  out["threshold_percent"] = e.threshold_percent;
  out["late"] = e.late;
  out["projected_bytes"] = e.projected_bytes;
  out["detail"] = e.detail;
  out["interfaces"] = e.interfaces;
  out["missing_interfaces"] = e.missing_interfaces;
  out["visible_interfaces"] = e.visible_interfaces;
  out["previous_cycle"] = encode_cycle(e.previous_cycle);
  out["wrong_clock"] = e.wrong_clock;
  out["skipped_cycles"] = e.skipped_cycles;
  out["skipped_span"] = encode_cycle(e.skipped_span);
  out["undated_bytes"] = e.undated_bytes;
  return out;
}

ordered_json encode_counters(const std::map<std::string, counter_reading>& counters) {
  ordered_json out = ordered_json::object();
  for (const auto& [name, reading] : counters) {
    out[name]["rx_bytes"] = reading.rx_bytes;
    out[name]["tx_bytes"] = reading.tx_bytes;
  }
  return out;
}

ordered_json encode_settings(const counting_settings& settings) {
  ordered_json out;
  out["quota_bytes"] = settings.quota_bytes;
  out["unit"] = settings.unit.name;
  out["unit_bytes"] = settings.unit.bytes;
  out["direction"] = name_of(settings.direction);
  out["interfaces"] = settings.interfaces;
  out["thresholds"] = settings.thresholds;
  out["reset_day"] = settings.reset_day;
  out["time_zone"] = settings.time_zone;
  return out;
}

// ---- decoding --------------------------------------------------------------------------

// Why the text is not a state file; caught in decode_state and returned as its sentence.
class decode_failure : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

[[noreturn]] void fail_field(const std::string& path, const std::string& complaint) {
  throw decode_failure("the state file field \"" + path + "\" " + complaint);
}

// What a value is, for a complaint: numbers as written, anything else by its type.
std::string describe(const json& value) {
  if (value.is_number())
    return value.dump();
  if (value.is_null())
    return "null";
  const std::string type = value.type_name();
  const bool vowel = type.front() == 'a' || type.front() == 'o';
  return (vowel ? "an " : "a ") + type;
}

std::uint64_t as_counter(const json& value, const std::string& path) {
  if (!value.is_number_unsigned())
    fail_field(path, "must be a non-negative integer of at most 64 bits, not " + describe(value));
  return value.get<std::uint64_t>();
}

epoch_seconds as_seconds(const json& value, const std::string& path) {
  const bool fits = value.is_number_integer()
                    && (!value.is_number_unsigned()
                        || value.get<std::uint64_t>() <= static_cast<std::uint64_t>(
                             std::numeric_limits<epoch_seconds>::max()));
  if (!fits)
    fail_field(path, "must be a whole number of seconds, not " + describe(value));
  return value.get<epoch_seconds>();
}

double as_percent(const json& value, const std::string& path) {
  if (!value.is_number() || !std::isfinite(value.get<double>()))
    fail_field(path, "must be a number, not " + describe(value));
  return value.get<double>();
}

bool as_flag(const json& value, const std::string& path) {
  if (!value.is_boolean())
    fail_field(path, "must be true or false, not " + describe(value));
  return value.get<bool>();
}

std::string as_text(const json& value, const std::string& path) {
  if (!value.is_string())
    fail_field(path, "must be a string, not " + describe(value));
  return value.get<std::string>();
}

// One JSON object of the state file, with its place in the file for complaints.
class object_reader {
public:
  object_reader(const json& value, std::string path) : value_(value), path_(std::move(path)) {
    if (!value_.is_object())
      fail_field(path_, "must be an object, not " + describe(value_));
  }

  // The path of `key` in this object; an empty key names the object itself.
  std::string path_of(const std::string& key) const {
    if (key.empty())
      return path_;
    return path_.empty() ? key : path_ + "." + key;
  }

  const json* optional_field(const char* key) const {
    const auto found = value_.find(key);
    return found == value_.end() ? nullptr : &*found;
  }

  const json& field(const char* key) const {
    if (const json* found = optional_field(key))
      return *found;
    throw decode_failure("the state file lacks the field \"" + path_of(key) + "\"");
  }

  object_reader object(const char* key) const { return {field(key), path_of(key)}; }

  const json& array(const char* key) const {
    const json& found = field(key);
    if (!found.is_array())
      fail_field(path_of(key), "must be an array, not " + describe(found));
    return found;
  }

  std::uint64_t counter(const char* key) const { return as_counter(field(key), path_of(key)); }

  epoch_seconds seconds(const char* key) const { return as_seconds(field(key), path_of(key)); }

  double percent(const char* key) const { return as_percent(field(key), path_of(key)); }

  bool flag(const char* key) const { return as_flag(field(key), path_of(key)); }

  std::string text(const char* key) const { return as_text(field(key), path_of(key)); }

  const json& value() const { return value_; }

private:
  const json& value_;
  std::string path_;
};

void check_schema_version(const object_reader& root) {
  const json* version = root.optional_field("schema_version");
  if (version == nullptr)
    throw decode_failure("the state file has no schema_version: it was written by an unknown "
                         "version of traffic-monitor");
  // Version 1 lacks only the recorded settings, which stay absent.
  if (version->is_number_integer() && *version >= 1
      && *version <= monitor_state::current_schema_version)
    return;
  const std::string written_by = version->is_number_unsigned()
                                     && *version > monitor_state::current_schema_version
                                   ? "a newer"
                                   : "an unknown";
  throw decode_failure("the state file has schema_version " + version->dump()
                       + ": it was written by " + written_by
                       + " version of traffic-monitor (this one reads version "
                       + std::to_string(monitor_state::current_schema_version) + ")");
}

// A cycle is empty (none settled yet) or starts before it ends; anything else would make
// every rule that measures the cycle divide by nothing or run backwards.
cycle_bounds decode_cycle(const object_reader& in) {
  cycle_bounds out;
  out.start = in.seconds("start");
  out.end = in.seconds("end");
  if (out != cycle_bounds{} && out.start >= out.end)
    fail_field(in.path_of(""), "must start before its end, not at " + std::to_string(out.start)
                                 + " with an end at " + std::to_string(out.end));
  return out;
}

usage_figures decode_usage(const object_reader& in) {
  usage_figures out;
  out.cycle = decode_cycle(in.object("cycle"));
  out.rx_bytes = in.counter("rx_bytes");
  out.tx_bytes = in.counter("tx_bytes");
  out.counted_bytes = in.counter("counted_bytes");
  out.quota_bytes = in.counter("quota_bytes");
  return out;
}

event_kind decode_kind(const object_reader& in) {
  const std::string name = in.text("kind");
  const std::optional<event_kind> kind = kind_named(name);
  if (!kind)
    fail_field(in.path_of("kind"), "names an unknown event kind \"" + name + "\"");
  return *kind;
}

// A list of interface names; empty when absent (written before the field existed).
std::vector<std::string> decode_names(const object_reader& in, const char* key) {
  std::vector<std::string> out;
  if (in.optional_field(key) == nullptr)
    return out;
  const json& names = in.array(key);
  for (std::size_t i = 0; i < names.size(); ++i)
    out.push_back(as_text(names[i], in.path_of(key) + "[" + std::to_string(i) + "]"));
  return out;
}

event decode_event(const object_reader& in) {
  event out;
  out.id = in.counter("id");
  out.kind = decode_kind(in);
  out.raised_at = in.seconds("raised_at");
  out.usage = decode_usage(in.object("usage"));
  out.threshold_percent = in.percent("threshold_percent");
  out.late = in.flag("late");
  out.projected_bytes = in.counter("projected_bytes");
  out.detail = in.text("detail");
  out.interfaces = decode_names(in, "interfaces");
  out.missing_interfaces = decode_names(in, "missing_interfaces");
  out.visible_interfaces = decode_names(in, "visible_interfaces");
  // Events written before these fields existed read as having none of them.
  if (in.optional_field("previous_cycle") != nullptr)
    out.previous_cycle = decode_cycle(in.object("previous_cycle"));
  if (in.optional_field("wrong_clock") != nullptr)
    out.wrong_clock = in.flag("wrong_clock");
  if (in.optional_field("skipped_cycles") != nullptr)
    out.skipped_cycles = in.counter("skipped_cycles");
  if (in.optional_field("skipped_span") != nullptr)
    out.skipped_span = decode_cycle(in.object("skipped_span"));
  if (in.optional_field("undated_bytes") != nullptr)
    out.undated_bytes = in.counter("undated_bytes");
  return out;
}

std::map<std::string, counter_reading> decode_counters(const object_reader& in) {
  std::map<std::string, counter_reading> out;
  for (const auto& [name, value] : in.value().items()) {
    const object_reader reading(value, in.path_of(name));
    out[name] = counter_reading{reading.counter("rx_bytes"), reading.counter("tx_bytes")};
  }
  return out;
}

std::string element_path(const std::string& array, std::size_t index) {
  return array + "[" + std::to_string(index) + "]";
}

// A file that lost one of these (a hand edit to clear pending messages or re-arm alerts)
// still describes a usable state: nothing pending, nothing alerted.
std::vector<double> decode_thresholds(const object_reader& root) {
  std::vector<double> out;
  if (root.optional_field("thresholds_alerted") == nullptr)
    return out;
  const json& values = root.array("thresholds_alerted");
  for (std::size_t i = 0; i < values.size(); ++i)
    out.push_back(as_percent(values[i], element_path("thresholds_alerted", i)));
  return out;
}

std::deque<event> decode_outbox(const object_reader& root) {
  std::deque<event> out;
  if (root.optional_field("outbox") == nullptr)
    return out;
  const json& events = root.array("outbox");
  for (std::size_t i = 0; i < events.size(); ++i)
    out.push_back(decode_event(object_reader(events[i], element_path("outbox", i))));
  return out;
}

counting_settings decode_settings(const object_reader& in) {
  counting_settings out;
  out.quota_bytes = in.counter("quota_bytes");
  out.unit.name = in.text("unit");
  out.unit.bytes = in.counter("unit_bytes");
  const std::string direction = in.text("direction");
  const std::optional<traffic_direction> known = direction_named(direction);
  if (!known)
    fail_field(in.path_of("direction"), "names an unknown direction \"" + direction + "\"");
  out.direction = *known;
  const json& interfaces = in.array("interfaces");
  for (std::size_t i = 0; i < interfaces.size(); ++i)
    out.interfaces.push_back(as_text(interfaces[i], element_path(in.path_of("interfaces"), i)));
  const json& thresholds = in.array("thresholds");
  for (std::size_t i = 0; i < thresholds.size(); ++i)
    out.thresholds.push_back(as_percent(thresholds[i], element_path(in.path_of("thresholds"), i)));
  const json& reset_day = in.field("reset_day");
  if (!reset_day.is_number_integer() || reset_day < 1 || reset_day > 31)
    fail_field(in.path_of("reset_day"),
               "must be a day of the month from 1 to 31, not " + describe(reset_day));
  out.reset_day = reset_day.get<int>();
  out.time_zone = in.text("time_zone");
  return out;
}

// Absent from files written before it existed: then no interface is known to be missing.
std::map<std::string, epoch_seconds> decode_missing_since(const object_reader& root) {
  std::map<std::string, epoch_seconds> out;
  if (root.optional_field("missing_since") == nullptr)
    return out;
  const object_reader missing = root.object("missing_since");
  for (const auto& [name, since] : missing.value().items())
    out[name] = as_seconds(since, missing.path_of(name));
  return out;
}

monitor_state decode_root(const json& document) {
  if (!document.is_object())
    throw decode_failure("the state file does not hold a JSON object");
  const object_reader root(document, "");
  check_schema_version(root);
  monitor_state out;
  out.boot_id = root.text("boot_id");
  out.last_sample_at = root.seconds("last_sample_at");
  out.last_counters = decode_counters(root.object("last_counters"));
  out.cycle = decode_cycle(root.object("cycle"));
  out.cycle_rx_bytes = root.counter("cycle_rx_bytes");
  out.cycle_tx_bytes = root.counter("cycle_tx_bytes");
  out.thresholds_alerted = decode_thresholds(root);
  out.last_report_at = root.seconds("last_report_at");
  out.next_event_id = root.counter("next_event_id");
  out.outbox = decode_outbox(root);
  // Absent in version 1 files, and in a state no running monitor has saved yet.
  if (root.optional_field("settings") != nullptr)
    out.recorded_settings = decode_settings(root.object("settings"));
  out.missing_since = decode_missing_since(root);
  return out;
}

// nlohmann keeps the last of duplicate keys; a file with two different totals for one field
// was not written by this program, and which one holds is anybody's guess.
class duplicate_key_guard {
public:
  bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
    switch (event) {
      case json::parse_event_t::object_start:
        keys_.emplace_back();
        break;
      case json::parse_event_t::object_end:
        keys_.pop_back();
        break;
      case json::parse_event_t::key:
        if (!keys_.back().insert(parsed.get<std::string>()).second)
          throw decode_failure("the state file has the key " + parsed.dump()
                               + " twice in one object");
        break;
      default:
        break;
    }
    return true;
  }

private:
  std::vector<std::set<std::string>> keys_;
};

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// nlohmann's messages start with a "[json.exception.parse_error.101] " tag meant for
// programmers; the rest is the useful part.
std::string without_exception_tag(const std::string& message) {
  const auto tag_end = message.find("] ");
  if (message.rfind("[json.exception.", 0) != 0 || tag_end == std::string::npos)
    return message;
  return message.substr(tag_end + 2);
}

// ---- files -----------------------------------------------------------------------------

// The schema_version of `text` when it is a JSON object written by a newer version of
// traffic-monitor; such a file is not corrupt, only not for this build.
std::optional<std::uint64_t> newer_schema_version(std::string_view text) {
  const json document = json::parse(text.begin(), text.end(), nullptr, false);
  if (!document.is_object())
    return std::nullopt;
  const auto version = document.find("schema_version");
  if (version == document.end() || !version->is_number_unsigned()
      || version->get<std::uint64_t>() <= monitor_state::current_schema_version)
    return std::nullopt;
  return version->get<std::uint64_t>();
}

loaded_state unusable(std::string why) {
  loaded_state result;
  result.status = state_file_status::unusable;
  result.problem = std::move(why);
  return result;
}

bool path_exists(const std::string& path) {
  struct stat ignored;
  return ::lstat(path.c_str(), &ignored) == 0;
}

// state.json.corrupt-<stamp>, or with -1, -2... when an earlier file took that name.
std::string unused_corrupt_name(const std::string& path, epoch_seconds now) {
  const std::string base = path + ".corrupt-" + compact_local_stamp(now);
  std::string candidate = base;
  for (int n = 1; path_exists(candidate); ++n)
    candidate = base + "-" + std::to_string(n);
  return candidate;
}

loaded_state set_aside(const std::string& path, epoch_seconds now, const std::string& why) {
  loaded_state result;
  result.status = state_file_status::set_aside;
  const std::string destination = unused_corrupt_name(path, now);
  if (::rename(path.c_str(), destination.c_str()) == 0) {
    result.set_aside_to = destination;
    result.problem = why;
  } else {
    result.problem = why + ", and it could not be moved aside: "
                     + cannot_sentence("rename " + path + " to", destination, errno);
  }
  return result;
}

} // namespace

std::string encode_state(const monitor_state& state) {
  ordered_json out;
  out["schema_version"] = monitor_state::current_schema_version;
  out["boot_id"] = state.boot_id;
  out["last_sample_at"] = state.last_sample_at;
  out["last_counters"] = encode_counters(state.last_counters);
  out["cycle"] = encode_cycle(state.cycle);
  out["cycle_rx_bytes"] = state.cycle_rx_bytes;
  out["cycle_tx_bytes"] = state.cycle_tx_bytes;
  out["thresholds_alerted"] = state.thresholds_alerted;
  out["last_report_at"] = state.last_report_at;
  out["next_event_id"] = state.next_event_id;
  out["outbox"] = ordered_json::array();
  for (const event& e : state.outbox)
    out["outbox"].push_back(encode_event(e));
  if (state.recorded_settings)
    out["settings"] = encode_settings(*state.recorded_settings);
  out["missing_since"] = ordered_json::object();
  for (const auto& [name, since] : state.missing_since)
    out["missing_since"][name] = since;
  // Invalid UTF-8 (an odd interface name) becomes U+FFFD instead of failing the save.
  return out.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

outcome<monitor_state> decode_state(std::string_view text) {
  if (is_blank(text))
    return outcome<monitor_state>::failure("the state file is empty");
  try {
    return outcome<monitor_state>::success(
      decode_root(json::parse(text.begin(), text.end(), duplicate_key_guard{})));
  } catch (const json::parse_error& e) {
    return outcome<monitor_state>::failure("the state file is not valid JSON: "
                                           + without_exception_tag(e.what()));
  } catch (const std::exception& e) {
    return outcome<monitor_state>::failure(without_exception_tag(e.what()));
  }
}

loaded_state load_state(const std::string& data_dir, epoch_seconds now) {
  const std::string path = state_file_path(data_dir);
  const outcome<std::optional<std::string>> read = read_file_if_present(path);
  if (!read)
    return unusable(read.error);
  if (!*read.value)
    return {};
  const std::string& text = **read.value;
  if (const auto version = newer_schema_version(text))
    return unusable(path + " has schema_version " + std::to_string(*version)
                    + ", written by a newer version of traffic-monitor than this one (which "
                      "reads up to version "
                    + std::to_string(monitor_state::current_schema_version)
                    + "): upgrade, or restore a backup");
  outcome<monitor_state> decoded = decode_state(text);
  if (!decoded)
    return set_aside(path, now, decoded.error);
  loaded_state result;
  result.status = state_file_status::loaded;
  result.state = std::move(*decoded.value);
  return result;
}

std::string save_state(const std::string& data_dir, const monitor_state& state) {
  try {
    const outcome<void> saved = replace_file(state_file_path(data_dir), encode_state(state));
    return saved.error;
  } catch (const std::exception& e) {
    return "cannot save the state in " + data_dir + ": " + e.what();
  }
}

std::string state_file_path(const std::string& data_dir) {
  return data_dir + "/" + state_file_name;
}

} // namespace tmon
