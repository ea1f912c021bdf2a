// The state file on disk: written atomically (temporary file, fsync, rename, fsync of the
// directory); its format is state_json.hpp's.
#pragma once

#include <optional>
#include <string>

#include "actors/accounting/ledger.hpp"
#include "actors/accounting/state_json.hpp"
#include "messages/types.hpp"

namespace tmon {

constexpr const char* state_file_name = "state.json";

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
loaded_state load_state(const std::string& data_dir, moment now);

// Replaces ${data_dir}/state.json atomically. On failure, a sentence naming the failed step
// and the system error; the old file is then untouched.
outcome<void> save_state(const std::string& data_dir, const monitor_state& state);

// The path of the state file in `data_dir`.
std::string state_file_path(const std::string& data_dir);

} // namespace tmon
