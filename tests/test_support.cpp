#include "test_support.hpp"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace tmon::test {

temp_dir::temp_dir() {
  auto pattern = (fs::temp_directory_path() / "tmon-test-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp failed for " + pattern);
  path_ = pattern;
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  fs::remove_all(path_, ignored);
}

void write_file(const std::string& path, std::string_view text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw std::runtime_error("cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

bool file_exists(const std::string& path) {
  return fs::exists(path);
}

std::string net_dev_text(const std::vector<interface_counters>& interfaces) {
  std::ostringstream text;
  text << "Inter-|   Receive                                                |  Transmit\n"
          " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
          "packets errs drop fifo colls carrier compressed\n"
          "    lo:    1234      10    0    0    0     0          0         0     1234      "
          "10    0    0    0     0       0          0\n";
  for (const auto& x : interfaces)
    text << "  " << x.name << ": " << x.rx_bytes << " 0 0 0 0 0 0 0 " << x.tx_bytes
         << " 0 0 0 0 0 0 0\n";
  return text.str();
}

fake_proc::fake_proc() {
  set_counters({});
  set_boot_id("5d6c2d8f-3b0e-4c1a-9a55-0c8e2f1b7a01");
  write_file(root() + "/net/route",
             "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
             "eth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
             "eth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n");
}

void fake_proc::set_counters(const std::vector<interface_counters>& interfaces) {
  write_file(root() + "/net/dev", net_dev_text(interfaces));
}

void fake_proc::set_boot_id(const std::string& boot_id) {
  write_file(root() + "/sys/kernel/random/boot_id", boot_id + "\n");
}

scoped_time_zone::scoped_time_zone(const char* zone) {
  const char* previous = std::getenv("TZ");
  had_previous_ = previous != nullptr;
  if (had_previous_)
    previous_ = previous;
  setenv("TZ", zone, 1);
  tzset();
}

scoped_time_zone::~scoped_time_zone() {
  if (had_previous_)
    setenv("TZ", previous_.c_str(), 1);
  else
    unsetenv("TZ");
  tzset();
}

namespace {

std::tm civil_time(int year, int month, int day, int hour, int minute, int second) {
  std::tm civil{};
  civil.tm_year = year - 1900;
  civil.tm_mon = month - 1;
  civil.tm_mday = day;
  civil.tm_hour = hour;
  civil.tm_min = minute;
  civil.tm_sec = second;
  civil.tm_isdst = -1;
  return civil;
}

} // namespace

moment utc(int year, int month, int day, int hour, int minute, int second) {
  auto civil = civil_time(year, month, day, hour, minute, second);
  return from_epoch_seconds(timegm(&civil));
}

moment local(int year, int month, int day, int hour, int minute, int second) {
  auto civil = civil_time(year, month, day, hour, minute, second);
  return from_epoch_seconds(mktime(&civil));
}

} // namespace tmon::test
