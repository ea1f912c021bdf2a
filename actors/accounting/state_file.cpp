#include "actors/accounting/state_file.hpp"

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "common/local_time.hpp"

namespace tmon {

namespace {

using json = nlohmann::json;

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
std::string unused_corrupt_name(const std::string& path, moment now) {
  const std::string base = path + ".corrupt-" + compact_local_stamp(now);
  std::string candidate = base;
  for (int n = 1; path_exists(candidate); ++n)
    candidate = base + "-" + std::to_string(n);
  return candidate;
}

loaded_state set_aside(const std::string& path, moment now, const std::string& why) {
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

loaded_state load_state(const std::string& data_dir, moment now) {
  const std::string path = state_file_path(data_dir);
  const outcome<std::optional<std::string>> read = read_file_if_present(path);
  if (!read)
    return unusable(read.error);
  if (!*read)
    return {};
  const std::string& text = **read;
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
  result.state = std::move(*decoded);
  return result;
}

outcome<void> save_state(const std::string& data_dir, const monitor_state& state) {
  try {
    return replace_file(state_file_path(data_dir), encode_state(state));
  } catch (const std::exception& e) {
    return outcome<void>::failure("cannot save the state in " + data_dir + ": " + e.what());
  }
}

std::string state_file_path(const std::string& data_dir) {
  return data_dir + "/" + state_file_name;
}

} // namespace tmon
