// traffic-monitor: counts a server's traffic per billing cycle and warns before the quota
// runs out. This file reads the command line and the environment and runs the actors.
#include <atomic>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <system_error>
#include <thread>
#include <variant>
#include <vector>

#include <caf/all.hpp>
#include <caf/io/all.hpp>
#include <curl/curl.h>

#include <fmt/format.h>

#include "actors/http/curl_transport.hpp"
#include "actors/scheduler/calendar.hpp"
#include "main/calibrate.hpp"
#include "main/config.hpp"
#include "main/data_dir.hpp"
#include "main/history.hpp"
#include "main/logging.hpp"
#include "main/monitor.hpp"
#include "main/status.hpp"

namespace {

using namespace tmon;

moment system_now() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
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
  self->request(accounting, std::chrono::seconds{4}, usage_atom_v)
    .receive(
      [&](const usage_figures& usage) {
        // The amounts without their unit, which the line names once.
        const auto amount = [&](std::uint64_t bytes) {
          auto text = format_amount(bytes, settings.unit);
          return text.substr(0, text.rfind(' '));
        };
        log.info("status: {} of {} {} counted ({}) in the cycle {} to {}; received {} bytes, "
                 "sent {} bytes",
                 amount(usage.counted_bytes), amount(usage.quota_bytes), settings.unit.name,
                 format_share(usage.counted_bytes, usage.quota_bytes),
                 local_iso8601(usage.cycle.start), local_iso8601(usage.cycle.end), usage.rx_bytes,
                 usage.tx_bytes);
      },
      [&](caf::error& error) { log.error("no status: {}", caf::to_string(error)); });
  // Asked for by an operator who is reading the log file now.
  log.flush();
}

int run_monitor(const config& settings) {
  const sigset_t signals = handled_signals();
  std::error_code failure;
  std::filesystem::create_directories(settings.data_dir, failure);
  if (failure) {
    std::cerr << "DATA_DIR=\"" << settings.data_dir << "\" cannot be created: " << failure.message()
              << '\n';
    return 2;
  }
  // Two monitors on one data directory would each write their own totals over the other's.
  const auto locked = lock_data_dir(settings.data_dir);
  if (!locked || !*locked) {
    std::cerr << "DATA_DIR=\"" << settings.data_dir << "\" "
              << (locked ? "is in use by another running traffic-monitor; give each one a "
                           "directory of its own"
                         : locked.error)
              << ".\n";
    return 2;
  }
  // Before anything runs: a state file that cannot be read must stop the monitor, not be
  // replaced by a fresh count.
  loaded_state loaded = load_state(settings.data_dir, system_now());
  if (loaded.status == state_file_status::unusable) {
    std::cerr << loaded.problem << ".\n";
    return 2;
  }
  if (auto opened = setup_logging(settings.level, settings.log_file); !opened) {
    std::cerr << "LOG_FILE=\"" << settings.log_file << "\" cannot be opened: " << opened.error
              << '\n';
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
  // One worker runs a sample's chain of messages (timer, sampler, scheduler, accounting)
  // without waking a second one for each hop: about two wake-ups a minute fewer when idle.
  // Nothing on it blocks for long: HTTP calls run on threads of their own.
  system_config.set("scheduler.policy", caf::atom("sharing"));
  system_config.set("scheduler.max-threads", 1);
  system_config.add_message_types<caf::id_block::tmon>();
  // The network layer, with its two threads, only for the metrics listener.
  if (settings.metrics_port != 0)
    system_config.load<caf::io::middleman>();
  caf::actor_system system{system_config};

  auto stop_http = std::make_shared<transfer_stop>();
  monitor_dependencies dependencies;
  dependencies.now = system_now;
  dependencies.logger = make_logger;
  dependencies.transport = make_curl_transport(
    [settings](std::string text) { return mask_secrets(std::move(text), settings); }, stop_http);
  dependencies.jitter = [random = std::mt19937{std::random_device{}()}]() mutable {
    return std::uniform_real_distribution<double>{0.0, 1.0}(random);
  };
  dependencies.loaded = std::move(loaded);
  const auto spawned = spawn_monitor(system, settings, std::move(dependencies));
  if (!spawned) {
    log->error("{}", spawned.error);
    std::cerr << spawned.error << '\n';
    return 2;
  }
  const auto& monitor = *spawned;

  caf::scoped_actor self{system};
  // Signals sent before this point were held pending by the mask set in main.
  for (;;) {
    int received = 0;
    sigwait(&signals, &received);
    if (received == SIGHUP) {
      if (auto reopened = reopen_log_file(); !reopened)
        log->error("SIGHUP received, but LOG_FILE cannot be reopened: {}", reopened.error);
      else
        log->info("SIGHUP received: log file reopened");
      continue;
    }
    if (received == SIGUSR1) {
      log_status_line(self, monitor.accounting, settings, *log);
      continue;
    }
    log->info("{} received: taking a last sample and stopping", strsignal(received));
    break;
  }

  self->request(monitor.accounting, std::chrono::seconds{4}, caf::flush_atom_v)
    .receive(
      [&](bool saved) {
        if (!saved)
          log->error("the last sample could not be saved");
      },
      [&](caf::error& error) { log->error("no last sample: {}", caf::to_string(error)); });
  // Messages still on their way stay in the outbox for the next start.
  stop_http->trigger();
  for (const auto& handle : monitor.all())
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

int print_version() {
  fmt::print("traffic-monitor {}\n{}\n", TMON_VERSION, TMON_BUILT_WITH);
  return 0;
}

int print_help();

int check_config(const config& settings) {
  if (auto usable = check_usable(settings); !usable) {
    std::cerr << usable.error << '\n';
    return 2;
  }
  std::cout << describe_config(settings, system_now());
  return 0;
}

int check_health_now(const config& settings) {
  return check_health(settings, system_now(), std::cout);
}

int print_status_text(const config& settings) {
  return print_status(status_context{settings, counted_interfaces(settings), system_now()}, false,
                      std::cout, std::cerr);
}

int print_status_json(const config& settings) {
  return print_status(status_context{settings, counted_interfaces(settings), system_now()}, true,
                      std::cout, std::cerr);
}

int print_history_of(const config& settings, bool previous, bool as_json) {
  return print_history(status_context{settings, counted_interfaces(settings), system_now()},
                       previous, as_json, std::cout, std::cerr);
}

int calibrate_now(const config& settings, const std::string& amount) {
  const calibrate_environment environment{system_now, [](std::chrono::milliseconds pause) {
                                            std::this_thread::sleep_for(pause);
                                          }};
  return calibrate_usage(settings, amount, environment, std::cout, std::cerr);
}

// A command either runs without the configuration, or with it read and checked, or with it
// and the one argument that follows its words.
using command_handler =
  std::variant<int (*)(), int (*)(const config&), int (*)(const config&, const std::string&)>;

struct command {
  std::vector<std::string> words;
  // Shown by --help; a line break continues the text below it.
  const char* help;
  command_handler run;

  // The number of arguments the command takes after its words.
  std::size_t arguments() const {
    return std::holds_alternative<int (*)(const config&, const std::string&)>(run) ? 1 : 0;
  }

  // As --help shows it, with its argument.
  std::string usage() const {
    if (words.empty())
      return "(none)";
    return fmt::format("{}{}", fmt::join(words, " "), arguments() == 1 ? " AMOUNT" : "");
  }
};

const std::vector<command>& commands() {
  static const std::vector<command> table{
    {{},
     "run the monitor until SIGTERM, SIGINT or another stop signal\n"
     "(SIGHUP reopens LOG_FILE, SIGUSR1 logs one status line)",
     run_monitor},
    {{"status"}, "print the current cycle from the state file", print_status_text},
    {{"status", "--json"}, "the same as one JSON object", print_status_json},
    {{"calibrate", "--used"},
     "set the cycle's counted usage to the provider's figure:\n"
     "312.5 (in TRAFFIC_UNIT), 312.5GB, 1.2 TiB, 800 MiB, ...",
     calibrate_now},
    {{"history"},
     "print the current cycle's traffic day by day",
     [](const config& s) { return print_history_of(s, false, false); }},
    {{"history", "--json"},
     "the same as one JSON object",
     [](const config& s) { return print_history_of(s, false, true); }},
    {{"history", "--previous"},
     "the days of the cycle closed last",
     [](const config& s) { return print_history_of(s, true, false); }},
    {{"history", "--previous", "--json"},
     "the same as one JSON object",
     [](const config& s) { return print_history_of(s, true, true); }},
    {{"health"}, "exit 0 when the state file is fresh, else say why and exit 1", check_health_now},
    {{"over-limit"},
     "exit 0 while the cycle is over LIMIT_PERCENT, else 1",
     [](const config& s) { return check_over_limit(s.data_dir, system_now(), std::cout); }},
    {{"--check-config"},
     "check the environment and print the effective configuration",
     check_config},
    {{"--version"}, "print the version", print_version},
    {{"--help"}, "print this text", print_help},
  };
  return table;
}

int print_help() {
  std::string text = "Usage: traffic-monitor [COMMAND]\n\n"
                     "Counts this server's network traffic per billing cycle and sends alerts, "
                     "cycle-reset\nnotices and periodic reports to Telegram (or to the log when "
                     "no bot is configured).\n\nCommands:\n";
  std::size_t width = 0;
  for (const auto& entry : commands())
    width = std::max(width, entry.usage().size() + 2);
  for (const auto& entry : commands()) {
    const auto usage = entry.usage();
    std::string_view help = entry.help;
    for (auto name = std::string_view{usage}; !help.empty(); name = {}) {
      const auto line = help.substr(0, help.find('\n'));
      text += fmt::format("  {:<{}}{}\n", name, width, line);
      help.remove_prefix(std::min(help.size(), line.size() + 1));
    }
  }
  text += "\nConfiguration is read from environment variables; see the README.\n";
  std::cout << text;
  return 0;
}

// The command whose words begin `args` for the longest stretch: the command meant, when it
// has all of `args`, else the one whose words end before the first argument not understood.
const command& longest_match(const std::vector<std::string>& args) {
  const command* best = &commands().front();
  for (const auto& entry : commands())
    if (entry.words.size() > best->words.size() && entry.words.size() <= args.size()
        && std::equal(entry.words.begin(), entry.words.end(), args.begin()))
      best = &entry;
  return *best;
}

} // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  const command& meant = longest_match(args);
  const std::size_t expected = meant.words.size() + meant.arguments();
  if (args.size() < expected) {
    std::cerr << fmt::format("\"{}\" needs an argument; see traffic-monitor --help\n",
                             fmt::join(meant.words, " "));
    return 2;
  }
  if (args.size() > expected) {
    std::cerr << "unknown argument \"" << args[expected] << "\"; see traffic-monitor --help\n";
    return 2;
  }
  if (const auto* plain = std::get_if<int (*)()>(&meant.run))
    return (*plain)();
  // The commands other than the monitor end soon: a signal may simply end them.
  if (!args.empty())
    pthread_sigmask(SIG_SETMASK, &mask_at_start, nullptr);
  auto parsed = parse_config(process_environment());
  if (!parsed) {
    std::cerr << parsed.error << '\n';
    return 2;
  }
  if (const auto* with_argument = std::get_if<int (*)(const config&, const std::string&)>(
        &meant.run))
    return (*with_argument)(*parsed, args.back());
  return std::get<int (*)(const config&)>(meant.run)(*parsed);
}
