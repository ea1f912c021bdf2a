#include "actors/accounting/state_file.hpp"

#include <cerrno>
#include <cstdio>
#include <stdexcept>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "actors/scheduler/calendar.hpp"

namespace tmon {

namespace {

using json = nlohmann::json;

std::string describe_failure(const std::string& action, const std::string& path, int error) {
  return "cannot " + action + " " + path + ": " + std::generic_category().message(error);
}

// Zero, or the errno of the write that failed.
int write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR)
        continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

// Writes `text` to `path` and makes it durable. Empty on success, else the failed step.
std::string write_durably(const std::string& path, std::string_view text) {
  // 0644: the state holds traffic figures and no secret, and it is meant to be read by
  // whoever looks after the machine, not only by the account the monitor runs as.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return describe_failure("create", path, errno);
  if (const int error = write_all(fd, text); error != 0) {
    ::close(fd);
    return describe_failure("write", path, error);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    return describe_failure("sync", path, error);
  }
  // A failed close can report a write error that fsync did not; the retry would be wrong
  // on Linux, where the descriptor is gone either way.
  if (::close(fd) != 0)
    return describe_failure("close", path, errno);
  return {};
}

// Makes a rename inside `dir` survive a power loss.
std::string sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return describe_failure("open the directory", dir, errno);
  const int error = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return error == 0 ? std::string() : describe_failure("sync the directory", dir, error);
}

std::string replace_state_file(const std::string& data_dir, const std::string& text) {
  const std::string target = state_file_path(data_dir);
  // One monitor owns a data directory, so one fixed name suffices; a file left by a kill in
  // the middle of a save is truncated and reused by the next save instead of piling up.
  const std::string temporary = target + ".tmp";
  std::string failure = write_durably(temporary, text);
  if (failure.empty() && ::rename(temporary.c_str(), target.c_str()) != 0)
    failure = describe_failure("rename " + temporary + " to", target, errno);
  if (!failure.empty()) {
    ::unlink(temporary.c_str());
    return failure;
  }
  return sync_directory(data_dir);
}

outcome<std::string> read_all(int fd, const std::string& path) {
  std::string contents;
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got == 0)
      return outcome<std::string>::success(std::move(contents));
    if (got > 0)
      contents.append(buffer, static_cast<std::size_t>(got));
    else if (errno != EINTR)
      return outcome<std::string>::failure(describe_failure("read", path, errno));
  }
}

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
                     + describe_failure("rename " + path + " to", destination, errno);
  }
  return result;
}

} // namespace

loaded_state load_state(const std::string& data_dir, epoch_seconds now) {
  const std::string path = state_file_path(data_dir);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return {};
  if (fd < 0)
    return unusable(describe_failure("open", path, errno));
  const outcome<std::string> text = read_all(fd, path);
  ::close(fd);
  if (!text)
    return unusable(text.error);
  if (const auto version = newer_schema_version(*text.value))
    return unusable(path + " has schema_version " + std::to_string(*version)
                    + ", written by a newer version of traffic-monitor than this one (which "
                      "reads up to version "
                    + std::to_string(monitor_state::current_schema_version)
                    + "): upgrade, or restore a backup");
  outcome<monitor_state> decoded = decode_state(*text.value);
  if (!decoded)
    return set_aside(path, now, decoded.error);
  loaded_state result;
  result.status = state_file_status::loaded;
  result.state = std::move(*decoded.value);
  return result;
}

std::string save_state(const std::string& data_dir, const monitor_state& state) {
  try {
    return replace_state_file(data_dir, encode_state(state));
  } catch (const std::exception& e) {
    return "cannot save the state in " + data_dir + ": " + e.what();
  }
}

std::string state_file_path(const std::string& data_dir) {
  return data_dir + "/" + state_file_name;
}

} // namespace tmon
