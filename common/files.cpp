#include "common/files.hpp"

#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace tmon {

namespace {

// Zero, or the errno of the read that failed.
int read_all(int fd, std::string& text) {
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got == 0)
      return 0;
    if (got > 0)
      text.append(buffer, static_cast<std::size_t>(got));
    else if (errno != EINTR)
      return errno;
  }
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

// Writes `text` to `path` and makes it durable.
outcome<void> write_durably(const std::string& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return outcome<void>::failure(cannot_sentence("create", path, errno));
  if (const int error = write_all(fd, text); error != 0) {
    ::close(fd);
    return outcome<void>::failure(cannot_sentence("write", path, error));
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    return outcome<void>::failure(cannot_sentence("sync", path, error));
  }
  // A failed close can report a write error that fsync did not; the retry would be wrong
  // on Linux, where the descriptor is gone either way.
  if (::close(fd) != 0)
    return outcome<void>::failure(cannot_sentence("close", path, errno));
  return outcome<void>::success();
}

// Makes a rename inside `dir` survive a power loss.
outcome<void> sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return outcome<void>::failure(cannot_sentence("open the directory", dir, errno));
  const int error = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  if (error != 0)
    return outcome<void>::failure(cannot_sentence("sync the directory", dir, error));
  return outcome<void>::success();
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos)
    return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

std::string cannot_sentence(const std::string& action, const std::string& path, int error_number) {
  return "cannot " + action + " " + path + ": " + std::generic_category().message(error_number);
}

outcome<std::optional<std::string>> read_file_if_present(const std::string& path) {
  using result = outcome<std::optional<std::string>>;
  // Non-blocking, so that a FIFO put in place of a file ends the read instead of waiting
  // for a writer forever; regular files and /proc files read the same either way.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT)
    return result::success(std::nullopt);
  if (fd < 0)
    return result::failure(cannot_sentence("open", path, errno));
  std::string text;
  const int error = read_all(fd, text);
  ::close(fd);
  if (error != 0)
    return result::failure(cannot_sentence("read", path, error));
  return result::success(std::move(text));
}

outcome<std::string> read_file(const std::string& path) {
  auto read = read_file_if_present(path);
  if (!read)
    return outcome<std::string>::failure(std::move(read.error));
  if (!*read)
    return outcome<std::string>::failure(cannot_sentence("open", path, ENOENT));
  return outcome<std::string>::success(std::move(**read));
}

outcome<void> replace_file(const std::string& path, std::string_view text) {
  // One writer owns a file, so one fixed name suffices; a file left by a kill in the middle
  // of a replacement is truncated and reused by the next one instead of piling up.
  const std::string temporary = path + ".tmp";
  outcome<void> replaced = write_durably(temporary, text);
  if (replaced && ::rename(temporary.c_str(), path.c_str()) != 0)
    replaced = outcome<void>::failure(cannot_sentence("rename " + temporary + " to", path, errno));
  if (!replaced) {
    ::unlink(temporary.c_str());
    return replaced;
  }
  return sync_directory(directory_of(path));
}

outcome<void> remove_file_if_present(const std::string& path) {
  if (::unlink(path.c_str()) != 0 && errno != ENOENT)
    return outcome<void>::failure(cannot_sentence("remove", path, errno));
  return outcome<void>::success();
}

} // namespace tmon
