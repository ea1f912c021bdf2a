#include "main/data_dir.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace tmon {

outcome<bool> lock_data_dir(const std::string& data_dir) {
  const int directory = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory < 0)
    return outcome<bool>::failure(std::string{"cannot be opened: "} + std::strerror(errno));
  if (::flock(directory, LOCK_EX | LOCK_NB) == 0)
    return outcome<bool>::success(true); // The descriptor stays open for the process's life.
  const int error = errno;
  ::close(directory);
  if (error == EWOULDBLOCK)
    return outcome<bool>::success(false);
  return outcome<bool>::failure(std::string{"cannot be locked: "} + std::strerror(error));
}

} // namespace tmon
