// The cost of one sample as the monitor takes it: read and parse the counters, the boot id
// and the uptime from a proc tree, apply them to the state, check the thresholds, write the
// state file. The counters grow between samples, so every sample changes the state and is
// persisted, as on a server that carries traffic. Rewriting the fake counters is not part of the
// measured work; bench/run runs this program natively for time and under callgrind for instructions
// (collecting only inside take_apply_persist).
//
// Usage: sample_cost --samples N --dir DIR
// DIR must exist; the proc tree and the data directory are created inside it. Prints one
// JSON object: the number of samples, their summed wall and CPU time, the times they waited
// (voluntary context switches, mostly for the disk in the state file's fsyncs), and the
// state's size.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "actors/accounting/ledger.hpp"
#include "actors/accounting/state_file.hpp"
#include "actors/sampler/proc_net.hpp"

namespace {

using namespace tmon;

// A typical small server: loopback, the uplink and a container bridge; the uplink counts.
const std::vector<std::string> listed_interfaces = {"lo", "eth0", "docker0"};
const std::vector<std::string> counted = {"eth0"};

// Bytes per sample interval on the uplink: about 1 TiB a month at a 60 s interval.
constexpr std::uint64_t rx_step = 3 * 1024 * 1024;
constexpr std::uint64_t tx_step = 24 * 1024 * 1024;
constexpr std::uint64_t start_counter = 5'000'000'000;

[[noreturn]] void fail(const std::string& why) {
  std::cerr << "sample_cost: " << why << '\n';
  std::exit(1);
}

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out)
    fail("cannot write " + path.string() + ": " + std::strerror(errno));
}

// /proc/net/dev as the kernel formats it; every interface moves by the same steps.
std::string net_dev_text(std::uint64_t samples_taken) {
  std::string text =
    "Inter-|   Receive                                                |  Transmit\n"
    " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
    "errs drop fifo colls carrier compressed\n";
  for (const auto& name : listed_interfaces) {
    auto rx = start_counter + samples_taken * rx_step;
    auto tx = start_counter + samples_taken * tx_step;
    char line[256];
    std::snprintf(line, sizeof line,
                  "%6s: %8llu %7llu    0    0    0     0          0         0 %8llu %7llu    0"
                  "    0    0     0       0          0\n",
                  name.c_str(), static_cast<unsigned long long>(rx),
                  static_cast<unsigned long long>(rx / 1000), static_cast<unsigned long long>(tx),
                  static_cast<unsigned long long>(tx / 1000));
    text += line;
  }
  return text;
}

struct bench_context {
  std::string proc_root;
  std::string data_dir;
  ledger_rules rules;
  monitor_state state;
};

moment wall_now() {
  return from_epoch_seconds(std::time(nullptr));
}

// The measured work: what the sampler and the accounting actor do for one periodic sample.
// Not inlined, so that callgrind can collect inside it alone.
__attribute__((noinline)) void take_apply_persist(bench_context& context) {
  auto table = read_net_dev(context.proc_root);
  if (!table)
    fail(table.error);
  auto boot_id = read_boot_id(context.proc_root);
  if (!boot_id)
    fail(boot_id.error);
  auto uptime = read_uptime(context.proc_root);
  if (!uptime)
    fail(uptime.error);
  auto selection = select_interfaces(*table, counted);
  sample reading;
  reading.taken_at = wall_now();
  reading.boot_id = std::move(*boot_id);
  reading.interfaces = std::move(selection.present);
  reading.uptime = *uptime;
  if (!apply_sample(context.state, reading, context.rules).changed)
    fail("a sample with grown counters did not change the state");
  if (newly_crossed_threshold(context.state, context.rules, reading.taken_at))
    fail("a threshold was crossed; the quota is meant to stay far away");
  if (auto saved = save_state(context.data_dir, context.state); !saved)
    fail(saved.error);
}

std::int64_t nanoseconds_of(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<std::int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

std::int64_t voluntary_switches() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_nvcsw;
}

std::uint64_t parse_count(const char* text) {
  char* end = nullptr;
  errno = 0;
  auto value = std::strtoull(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || value == 0)
    fail(std::string{"--samples wants a positive integer, not "} + text);
  return value;
}

} // namespace

int main(int argc, char** argv) {
  if (argc != 5)
    fail("usage: sample_cost --samples N --dir DIR");
  std::uint64_t samples = 0;
  std::string dir;
  for (int i = 1; i < argc; i += 2) {
    std::string option = argv[i];
    if (option == "--samples")
      samples = parse_count(argv[i + 1]);
    else if (option == "--dir")
      dir = argv[i + 1];
    else
      fail("unknown option " + option);
  }
  if (samples == 0 || dir.empty())
    fail("usage: sample_cost --samples N --dir DIR");

  bench_context context;
  context.proc_root = dir + "/proc";
  context.data_dir = dir + "/data";
  std::filesystem::create_directories(context.proc_root + "/net");
  std::filesystem::create_directories(context.proc_root + "/sys/kernel/random");
  std::filesystem::create_directories(context.data_dir);
  write_text(context.proc_root + "/sys/kernel/random/boot_id",
             "5f1c2a7e-9b3d-4c8e-a1f0-6d2b7e9c3a14\n");
  write_text(context.proc_root + "/uptime", "86400.25 170000.50\n");
  context.rules.direction = traffic_direction::outbound;
  // 1 PiB: millions of samples stay below the first threshold, so none raises an alert.
  context.rules.quota_bytes = std::uint64_t{1} << 50;
  context.rules.thresholds = {80_percent, 90_percent, 95_percent};

  // The baseline, as at a first start, and the cycle the scheduler would have named.
  write_text(context.proc_root + "/net/dev", net_dev_text(0));
  auto first_table = read_net_dev(context.proc_root);
  auto first_boot = read_boot_id(context.proc_root);
  if (!first_table || !first_boot)
    fail("the fake proc tree does not parse: " + first_table.error + first_boot.error);
  sample first;
  first.taken_at = wall_now();
  first.boot_id = *first_boot;
  first.interfaces = select_interfaces(*first_table, counted).present;
  apply_sample(context.state, first, context.rules);
  context.state.cycle = cycle_bounds{wall_now() - std::chrono::hours{24},
                                     wall_now() + std::chrono::hours{29 * 24}};

  std::int64_t wall_ns = 0;
  std::int64_t cpu_ns = 0;
  std::int64_t waits = 0;
  for (std::uint64_t taken = 1; taken <= samples; ++taken) {
    write_text(context.proc_root + "/net/dev", net_dev_text(taken));
    auto wall_start = nanoseconds_of(CLOCK_MONOTONIC);
    auto cpu_start = nanoseconds_of(CLOCK_PROCESS_CPUTIME_ID);
    auto waits_start = voluntary_switches();
    take_apply_persist(context);
    waits += voluntary_switches() - waits_start;
    cpu_ns += nanoseconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    wall_ns += nanoseconds_of(CLOCK_MONOTONIC) - wall_start;
  }

  // Proof that every sample was counted, so the figures are of real work.
  if (context.state.cycle_tx_bytes != samples * tx_step
      || context.state.cycle_rx_bytes != samples * rx_step)
    fail("the state does not hold the traffic of every sample");
  auto state_bytes = std::filesystem::file_size(state_file_path(context.data_dir));
  std::cout << "{\"samples\": " << samples << ", \"wall_ns\": " << wall_ns
            << ", \"cpu_ns\": " << cpu_ns << ", \"voluntary_switches\": " << waits
            << ", \"state_file_bytes\": " << state_bytes << "}\n";
  return 0;
}
