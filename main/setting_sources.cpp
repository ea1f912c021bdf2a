#include "main/setting_sources.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "actors/sampler/proc_net.hpp"

namespace tmon {

namespace {

constexpr std::size_t largest_secret_file = 64 * 1024;

// A secret file must be a regular file of at most 64 KiB, so that a device such as
// /dev/zero or a FIFO is refused at once instead of read for ever. A path that cannot be
// examined is left to the reading, which says why.
outcome<void> refuse_unlike_secret_file(const setting& file, const std::string& holds) {
  struct stat status {};
  if (::stat(file.value.c_str(), &status) != 0 || S_ISDIR(status.st_mode))
    return outcome<void>::success();
  auto accepted = "a regular file of at most 64 KiB that holds " + holds;
  if (!S_ISREG(status.st_mode))
    return invalid(file, accepted, "it is not a regular file");
  if (static_cast<std::uint64_t>(status.st_size) > largest_secret_file)
    return invalid(file, accepted, "it has " + std::to_string(status.st_size) + " bytes");
  return outcome<void>::success();
}

// The whole content of a file of at most largest_secret_file bytes, or why it cannot be
// read.
outcome<std::string> secret_file_content(const std::string& path) {
  auto failure = [](std::string why) { return outcome<std::string>::failure(std::move(why)); };
  // Non-blocking, so that a FIFO put in place since it was examined does not wait.
  const int descriptor = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (descriptor < 0)
    return failure(std::strerror(errno));
  std::string content;
  char buffer[4096];
  int error = 0;
  // One byte more than allowed tells a file that grew from one at the limit.
  while (content.size() <= largest_secret_file) {
    auto count = ::read(descriptor, buffer, sizeof buffer);
    if (count < 0 && errno == EINTR)
      continue;
    if (count <= 0) {
      error = count < 0 ? errno : 0;
      break;
    }
    content.append(buffer, static_cast<std::size_t>(count));
  }
  ::close(descriptor);
  if (error != 0)
    return failure(std::strerror(error));
  if (content.size() > largest_secret_file)
    return failure("it has grown past 64 KiB");
  return outcome<std::string>::success(std::move(content));
}

} // namespace

std::optional<std::string> value_of(const environment_lookup& lookup, const std::string& name) {
  auto raw = lookup(name);
  if (!raw)
    return std::nullopt;
  std::string text{trim(*raw)};
  if (text.empty())
    return std::nullopt;
  return text;
}

outcome<void> read_secret(const environment_lookup& lookup, const std::string& name,
                          std::optional<setting>& found) {
  auto file_variable = name + "_FILE";
  auto direct = value_of(lookup, name);
  auto path = value_of(lookup, file_variable);
  if (direct && path)
    return outcome<void>::failure(name + " and " + file_variable
                                  + " are both set: expected only one of them.");
  if (direct)
    found = setting{name, *direct, {}};
  if (!path)
    return outcome<void>::success();
  if (auto checked = refuse_unlike_secret_file({file_variable, *path}, name); !checked)
    return checked;
  auto content = secret_file_content(*path);
  if (!content)
    return outcome<void>::failure(quoted({file_variable, *path})
                                  + " cannot be read: " + content.error + ".");
  auto text = trim(*content);
  if (text.empty())
    return invalid({file_variable, *path}, "a file that holds " + name, "the file is empty");
  found = setting{name, std::string{text}, " (read from " + file_variable + ")"};
  return outcome<void>::success();
}

std::string zone_directory(const environment_lookup& lookup) {
  auto directory = lookup("TZDIR");
  return directory && !directory->empty() ? *directory : "/usr/share/zoneinfo";
}

bool is_zone_file(const std::string& path) {
  std::error_code no_file;
  if (!std::filesystem::is_regular_file(path, no_file))
    return false;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file{std::fopen(path.c_str(), "rb"),
                                                       &std::fclose};
  char magic[4] = {};
  return file && std::fread(magic, 1, sizeof magic, file.get()) == sizeof magic
         && std::string_view{magic, sizeof magic} == "TZif";
}

namespace {

// Whether a directory the run will create if missing can be used, checked without creating
// it: the directory, or its nearest existing ancestor, must be a directory the process may
// write to (access also reports a read-only file system, which root cannot bypass). A
// failure is a phrase for the caller's sentence.
outcome<void> writable_directory(const std::filesystem::path& directory) {
  namespace fs = std::filesystem;
  auto existing = directory.empty() ? fs::path{"."} : directory;
  std::error_code failure;
  while (!fs::exists(existing, failure)) {
    if (failure)
      return outcome<void>::failure(failure.message());
    if (!existing.has_relative_path() || existing.parent_path() == existing)
      return outcome<void>::failure("no part of it exists");
    existing = existing.parent_path();
    if (existing.empty())
      existing = ".";
  }
  const auto shown = printable(existing.string());
  if (!fs::is_directory(existing, failure))
    return outcome<void>::failure(shown + " is not a directory");
  if (::access(existing.c_str(), W_OK | X_OK) != 0)
    return outcome<void>::failure(shown + " cannot be written: " + std::strerror(errno));
  return outcome<void>::success();
}

outcome<void> usable_host_proc(const config& settings) {
  auto refusal = [&](const std::string& why) {
    return outcome<void>::failure(quoted({"HOST_PROC", settings.host_proc})
                                  + " cannot be used: " + printable(why) + ".");
  };
  if (auto devices = read_net_dev(settings.host_proc); !devices)
    return refusal(devices.error);
  if (auto boot_id = read_boot_id(settings.host_proc); !boot_id)
    return refusal(boot_id.error);
  return outcome<void>::success();
}

outcome<void> usable_data_dir(const config& settings) {
  if (auto writable = writable_directory(settings.data_dir); !writable)
    return outcome<void>::failure(quoted({"DATA_DIR", settings.data_dir})
                                  + " cannot be used: " + writable.error + ".");
  return outcome<void>::success();
}

outcome<void> usable_log_file(const config& settings) {
  if (settings.log_file.empty())
    return outcome<void>::success();
  auto refusal = [&](const std::string& why) {
    return outcome<void>::failure(quoted({"LOG_FILE", settings.log_file})
                                  + " cannot be used: " + why + ".");
  };
  std::filesystem::path file{settings.log_file};
  std::error_code failure;
  if (std::filesystem::exists(file, failure)) {
    if (!std::filesystem::is_regular_file(file, failure))
      return refusal("it is not a regular file");
    if (::access(file.c_str(), W_OK) != 0)
      return refusal(std::string{"it cannot be written: "} + std::strerror(errno));
    return outcome<void>::success();
  }
  if (auto writable = writable_directory(file.parent_path()); !writable)
    return refusal("its directory: " + writable.error);
  return outcome<void>::success();
}

} // namespace

outcome<void> check_usable(const config& settings) {
  for (auto check : {usable_host_proc, usable_data_dir, usable_log_file})
    if (auto checked = check(settings); !checked)
      return checked;
  return outcome<void>::success();
}

} // namespace tmon
