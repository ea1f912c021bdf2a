// The state file: monitor_state as versioned JSON, written atomically
// (temporary file, fsync, rename, fsync of the directory).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "actors/accounting/ledger.hpp"
#include "messages/types.hpp"

namespace tmon {

constexpr const char* state_file_name = "state.json";

// monitor_state as JSON text with "schema_version"; 64-bit counters stay exact integers.
std::string encode_state(const monitor_state& state);

// Parses encode_state's output. Fails with a sentence for invalid JSON, a missing or
// mistyped field, a negative or fractional counter, or a schema version this build does
// not know. Every field is required except "outbox", "thresholds_alerted", "missing_since"
// and an event's interface lists, which read as empty when absent; unknown fields are
// ignored.
outcome<monitor_state> decode_state(std::string_view text);

// What load_state found.
enum class state_file_status {
  // No state file: a first start.
  absent,
  // Read and valid.
  loaded,
  // The content does not parse or is invalid: moved aside when it could be; start afresh.
  set_aside,
  // The file cannot be read (other than absent), or a newer version wrote it: it is left
  // untouched and the monitor must not start, since starting afresh would lose its totals.
  unusable,
};

struct loaded_state {
  state_file_status status = state_file_status::absent;
  // The loaded state, or a fresh one.
  monitor_state state;
  // set_aside: where the file went; empty when moving it failed.
  std::optional<std::string> set_aside_to;
  // set_aside and unusable: one sentence naming the file and the reason (and, for
  // set_aside, why moving it aside failed).
  std::string problem;
};

// Loads ${data_dir}/state.json. A missing file gives a fresh state. A file whose content
// does not decode is renamed to state.json.corrupt-<compact local time of `now`> (never
// deleted) and a fresh state is returned with the reason. A file that cannot be opened or
// read, or whose schema_version is newer than this build's, is unusable and left as it is.
loaded_state load_state(const std::string& data_dir, epoch_seconds now);

// Replaces ${data_dir}/state.json atomically. Returns an empty string on success, else a
// sentence naming the failed step and the system error; the old file is then untouched.
std::string save_state(const std::string& data_dir, const monitor_state& state);

// The path of the state file in `data_dir`.
std::string state_file_path(const std::string& data_dir);

} // namespace tmon
