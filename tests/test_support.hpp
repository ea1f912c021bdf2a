// Helpers shared by the test suites: temporary directories, files, a fake proc tree and a
// scoped time zone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "messages/types.hpp"

namespace tmon::test {

// A fresh directory under the system's temporary directory, removed with its contents.
class temp_dir {
public:
  temp_dir();
  ~temp_dir();
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;

  const std::string& path() const { return path_; }

private:
  std::string path_;
};

// Writes `text` to `path`, creating missing parent directories.
void write_file(const std::string& path, std::string_view text);

// The whole content of `path`; throws when it cannot be read.
std::string read_file(const std::string& path);

bool file_exists(const std::string& path);

// The text of /proc/net/dev for these interfaces (other columns zero), with `lo` first.
std::string net_dev_text(const std::vector<interface_counters>& interfaces);

// A fake proc tree (net/dev, net/route, sys/kernel/random/boot_id) in a temporary directory.
class fake_proc {
public:
  fake_proc();
  const std::string& root() const { return dir_.path(); }
  void set_counters(const std::vector<interface_counters>& interfaces);
  void set_boot_id(const std::string& boot_id);

private:
  temp_dir dir_;
};

// Sets TZ for the life of the object and restores the previous value.
class scoped_time_zone {
public:
  explicit scoped_time_zone(const char* zone);
  ~scoped_time_zone();
  scoped_time_zone(const scoped_time_zone&) = delete;
  scoped_time_zone& operator=(const scoped_time_zone&) = delete;

private:
  bool had_previous_;
  std::string previous_;
};

// The moment `seconds` after the epoch, for tests that need only distinct, ordered times.
constexpr moment at(std::int64_t seconds) {
  return from_epoch_seconds(seconds);
}

// The moment of a UTC civil time.
moment utc(int year, int month, int day, int hour = 0, int minute = 0, int second = 0);

// The moment of a civil time in the current TZ (mktime, DST resolved by it).
moment local(int year, int month, int day, int hour = 0, int minute = 0, int second = 0);

} // namespace tmon::test
