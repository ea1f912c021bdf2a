// traffic-monitor: counts a server's traffic per billing cycle and warns before the quota
// runs out. This file reads the command line and the environment and runs the actors.
#include <atomic>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <system_error>
#include <vector>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <caf/all.hpp>
#include <curl/curl.h>

#include "actors/accounting/accounting.hpp"
#include "actors/notifier/curl_transport.hpp"
#include "actors/notifier/http_client.hpp"
#include "actors/notifier/notifier.hpp"
#include "actors/notifier/telegram.hpp"
#include "actors/sampler/proc_net.hpp"
#include "actors/sampler/sampler.hpp"
#include "actors/scheduler/calendar.hpp"
#include "actors/scheduler/scheduler.hpp"
#include "main/config.hpp"
#include "main/logging.hpp"
#include "main/status.hpp"

namespace {

using namespace tmon;

constexpr const char* usage_text =
  R"(Usage: traffic-monitor [COMMAND]

Counts this server's network traffic per billing cycle and sends alerts, cycle-reset
notices and periodic reports to Telegram (or to the log when no bot is configured).

Commands:
  (none)          run the monitor until SIGTERM, SIGINT or another stop signal
                  (SIGHUP reopens LOG_FILE, SIGUSR1 logs one status line)
  status          print the current cycle from the state file
  status --json   the same as one JSON object
  health          exit 0 when the state file is fresh, else say why and exit 1
  --check-config  check the environment and print the effective configuration
  --version       print the version
  --help          print this text

Configuration is read from environment variables; see the README.
)";

epoch_seconds system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

std::string host_name(const config& settings) {
  if (!settings.server_name.empty())
    return settings.server_name;
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0)
    return "unknown";
  return name;
}

// The configured interfaces, or the default route's, or eth0 when there is none.
std::vector<std::string> counted_interfaces(const config& settings, spdlog::logger* log = nullptr) {
  if (!settings.interfaces.empty())
    return settings.interfaces;
  auto route = read_default_route_interface(settings.host_proc);
  if (route) {
    if (log)
      log->info("counting {}, the interface of the default route", *route.value);
    return {*route.value};
  }
  if (log)
    log->warn("{}; counting eth0 (set NETWORK_INTERFACE to choose)", route.error);
  return {"eth0"};
}

std::string one_line(std::string text) {
  while (!text.empty() && text.back() == '\n')
    text.pop_back();
  for (auto& c : text)
    if (c == '\n')
      c = ' ';
  return text;
}

// Every catchable signal whose default is to end the process and that is no fault: each
// stops the monitor cleanly with a last sample. SIGHUP and SIGUSR1 have jobs of their own,
// SIGPIPE is ignored, and the faults (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS,
// SIGABRT) keep their defaults: after one of them nothing can be trusted to be saved.
sigset_t handled_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int stop : {SIGTERM, SIGINT, SIGQUIT, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU, SIGXFSZ,
                   SIGIO, SIGPWR, SIGSTKFLT, SIGHUP, SIGUSR1})
    sigaddset(&signals, stop);
  for (int realtime = SIGRTMIN; realtime <= SIGRTMAX; ++realtime)
    sigaddset(&signals, realtime);
  return signals;
}

// One INFO line with the cycle's figures, for SIGUSR1.
void log_status_line(caf::scoped_actor& self, const accounting_actor& accounting,
                     const config& settings, spdlog::logger& log) {
  self->request(accounting, std::chrono::seconds{4}, usage_atom::value)
    .receive(
      [&](const usage_figures& usage) {
        auto in_unit = [&](std::uint64_t bytes) {
          return static_cast<double>(bytes) / static_cast<double>(settings.unit.bytes);
        };
        // Rounded down, so that a share not yet reached is never shown.
        auto percent = usage.quota_bytes == 0
                         ? 0.0
                         : std::floor(1000.0 * static_cast<double>(usage.counted_bytes)
                                      / static_cast<double>(usage.quota_bytes))
                             / 10;
        log.info("status: {:.2f} of {:.2f} {} counted ({:.1f}%) in the cycle {} to {}; "
                 "received {} bytes, sent {} bytes",
                 in_unit(usage.counted_bytes), in_unit(usage.quota_bytes), settings.unit.name,
                 percent, local_iso8601(usage.cycle.start), local_iso8601(usage.cycle.end),
                 usage.rx_bytes, usage.tx_bytes);
      },
      [&](caf::error& error) { log.error("no status: {}", caf::to_string(error)); });
  // Asked for by an operator who is reading the log file now.
  log.flush();
}

// The first argument main does not understand; empty when all are understood.
std::string unknown_argument(const std::vector<std::string>& args) {
  if (args.empty())
    return {};
  const auto& command = args[0];
  std::size_t understood = 1;
  if (command == "status" && args.size() > 1 && args[1] == "--json")
    understood = 2;
  else if (command != "status" && command != "health" && command != "--check-config"
           && command != "--version" && command != "--help")
    understood = 0;
  return understood < args.size() ? args[understood] : std::string{};
}

// Two monitors on one data directory would each write their own totals over the other's, so
// the first one locks it; the lock goes with the process, also when it is killed. The lock
// is on the directory itself, so a read-only directory can still be locked.
std::string lock_data_dir(const std::string& data_dir) {
  const int directory = ::open(data_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (directory < 0)
    return std::string{"cannot be opened: "} + std::strerror(errno);
  if (::flock(directory, LOCK_EX | LOCK_NB) == 0)
    return ""; // The descriptor stays open for as long as the monitor runs.
  const int error = errno;
  ::close(directory);
  if (error == EWOULDBLOCK)
    return "is in use by another running traffic-monitor; give each one a directory of its "
           "own";
  return std::string{"cannot be locked: "} + std::strerror(error);
}

int run_monitor(const config& settings, const sigset_t& signals) {
  std::error_code failure;
  std::filesystem::create_directories(settings.data_dir, failure);
  if (failure) {
    std::cerr << "DATA_DIR=\"" << settings.data_dir << "\" cannot be created: " << failure.message()
              << '\n';
    return 2;
  }
  if (auto error = lock_data_dir(settings.data_dir); !error.empty()) {
    std::cerr << "DATA_DIR=\"" << settings.data_dir << "\" " << error << ".\n";
    return 2;
  }
  // Before anything runs: a state file that cannot be read must stop the monitor, not be
  // replaced by a fresh count.
  loaded_state loaded = load_state(settings.data_dir, system_now());
  if (loaded.status == state_file_status::unusable) {
    std::cerr << loaded.problem << ".\n";
    return 2;
  }
  if (auto error = setup_logging(settings.level, settings.log_file); !error.empty()) {
    std::cerr << "LOG_FILE=\"" << settings.log_file << "\" cannot be opened: " << error << '\n';
    return 2;
  }
  auto log = make_logger("main");
  log->info("traffic-monitor {} starting: {}", TMON_VERSION,
            one_line(describe_config(settings, system_now())));
  if (settings.telegram_bot_token.empty())
    log->warn("TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID are not set: messages only go to the log");

  // libcurl's global set-up is not thread-safe: done before any thread starts.
  curl_global_init(CURL_GLOBAL_DEFAULT);

  caf::actor_system_config system_config;
  // The sharing policy sleeps while idle; work stealing polls hundreds of times a second.
  system_config.set("scheduler.policy", caf::atom("sharing"));
  system_config.set("scheduler.max-threads", 2);
  caf::actor_system system{system_config};

  auto stop_http = std::make_shared<std::atomic<bool>>(false);
  auto transport = make_curl_transport(
    [settings](std::string text) { return mask_secrets(std::move(text), settings); }, stop_http);
  // Blocking HTTP calls each get a thread of their own, away from the scheduler's workers.
  auto telegram_http = system.spawn<caf::detached>(http_client, transport);
  auto lookup_http = system.spawn<caf::detached>(http_client, transport);

  notifier_settings delivery;
  delivery.context.language = settings.language;
  delivery.context.unit = settings.unit;
  delivery.context.direction = settings.direction;
  delivery.context.host_name = host_name(settings);
  delivery.context.public_ipv4 = settings.public_ip;
  delivery.log = make_logger("notifier");
  delivery.chat_ids = settings.telegram_chat_ids;
  delivery.send_url = send_message_url(settings.telegram_api_base, settings.telegram_bot_token);
  delivery.telegram = telegram_http;
  if (settings.public_ip.empty())
    delivery.public_ip_urls = settings.public_ip_urls;
  delivery.lookups = lookup_http;
  delivery.jitter = [random = std::mt19937{std::random_device{}()}]() mutable {
    return std::uniform_real_distribution<double>{0.0, 1.0}(random);
  };
  auto notifier_handle = system.spawn(notifier, std::move(delivery));

  auto sampler_log = make_logger("sampler");
  const auto interfaces = counted_interfaces(settings, sampler_log.get());
  sampler_settings sampling{settings.host_proc, interfaces, settings.check_interval, system_now,
                            sampler_log};
  auto sampler_handle = system.spawn(sampler, std::move(sampling));

  accounting_settings accounts;
  accounts.data_dir = settings.data_dir;
  accounts.loaded = std::move(loaded);
  accounts.counted_with = counting_settings_of(settings, interfaces);
  accounts.rules.direction = settings.direction;
  accounts.rules.quota_bytes = settings.quota_bytes;
  accounts.rules.thresholds = settings.thresholds;
  accounts.rules.max_bandwidth_mbit = static_cast<std::uint64_t>(settings.max_bandwidth_mbit);
  accounts.now = system_now;
  accounts.log = make_logger("accounting");
  accounts.sampler = sampler_handle;
  accounts.notifier = notifier_handle;
  auto accounting_handle = system.spawn(accounting, std::move(accounts));

  scheduler_settings calendar;
  calendar.reset_day = settings.reset_day;
  calendar.report_interval_days = settings.report_interval.count();
  calendar.report_time = settings.report_time;
  calendar.now = system_now;
  calendar.log = make_logger("scheduler");
  calendar.accounting = accounting_handle;
  auto scheduler_handle = system.spawn(scheduler, std::move(calendar));

  caf::scoped_actor self{system};
  // Signals sent before this point were held pending by the mask set in main.
  for (;;) {
    int received = 0;
    sigwait(&signals, &received);
    if (received == SIGHUP) {
      if (auto error = reopen_log_file(); !error.empty())
        log->error("SIGHUP received, but LOG_FILE cannot be reopened: {}", error);
      else
        log->info("SIGHUP received: log file reopened");
      continue;
    }
    if (received == SIGUSR1) {
      log_status_line(self, accounting_handle, settings, *log);
      continue;
    }
    log->info("{} received: taking a last sample and stopping", strsignal(received));
    break;
  }

  self->request(accounting_handle, std::chrono::seconds{4}, flush_atom::value)
    .receive(
      [&](bool saved) {
        if (!saved)
          log->error("the last sample could not be saved");
      },
      [&](caf::error& error) { log->error("no last sample: {}", caf::to_string(error)); });
  // Messages still on their way stay in the outbox for the next start.
  stop_http->store(true);
  for (const auto& handle :
       {caf::actor_cast<caf::actor>(scheduler_handle),
        caf::actor_cast<caf::actor>(accounting_handle), caf::actor_cast<caf::actor>(sampler_handle),
        caf::actor_cast<caf::actor>(notifier_handle), caf::actor_cast<caf::actor>(telegram_http),
        caf::actor_cast<caf::actor>(lookup_http)})
    self->send_exit(handle, caf::exit_reason::user_shutdown);
  log->info("stopped");
  return 0;
}

// The signal mask the process started with, for the commands that end soon.
sigset_t mask_at_start;

// Run from the executable's pre-initialisation array: before the shared libraries' and this
// program's static initialisers, before any thread exists, so that every thread inherits
// the mask and a signal sent during start-up waits for the monitor's sigwait instead of
// killing it.
void block_handled_signals(int, char**, char**) {
  const sigset_t signals = handled_signals();
  pthread_sigmask(SIG_BLOCK, &signals, &mask_at_start);
  // A write to a closed pipe or socket is an error to handle where it happens, not a stop.
  std::signal(SIGPIPE, SIG_IGN);
}

__attribute__((section(".preinit_array"),
               used)) void (*const block_signals_first)(int, char**,
                                                        char**) = block_handled_signals;

} // namespace

int main(int argc, char** argv) {
  const sigset_t signals = handled_signals();
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args == std::vector<std::string>{"--version"}) {
    std::cout << "traffic-monitor " << TMON_VERSION << '\n';
    return 0;
  }
  if (args == std::vector<std::string>{"--help"}) {
    std::cout << usage_text;
    return 0;
  }
  if (auto unknown = unknown_argument(args); !unknown.empty()) {
    std::cerr << "unknown argument \"" << unknown << "\"; see traffic-monitor --help\n";
    return 2;
  }
  bool status = !args.empty() && args[0] == "status";
  // The commands other than the monitor end soon: a signal may simply end them.
  if (!args.empty())
    pthread_sigmask(SIG_SETMASK, &mask_at_start, nullptr);
  auto parsed = parse_config(process_environment());
  if (!parsed) {
    std::cerr << parsed.error << '\n';
    return 2;
  }
  const auto& settings = *parsed.value;
  if (args == std::vector<std::string>{"--check-config"}) {
    if (auto unusable = unusable_setting(settings)) {
      std::cerr << *unusable << '\n';
      return 2;
    }
    std::cout << describe_config(settings, system_now());
    return 0;
  }
  if (args == std::vector<std::string>{"health"})
    return check_health(settings, system_now(), std::cout);
  if (status)
    return print_status(status_context{settings, counted_interfaces(settings), system_now()},
                        args.size() == 2, std::cout, std::cerr);
  return run_monitor(settings, signals);
}
