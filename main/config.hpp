// The monitor's settings, read from the environment and checked strictly: a bad value is
// refused with a sentence that names the variable, repeats the value and says what is
// accepted.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "actors/notifier/channels.hpp"
#include "actors/notifier/message_catalog.hpp"
#include "actors/scheduler/calendar.hpp"
#include "messages/types.hpp"

namespace tmon {

// Looks up one environment variable; nothing when it is unset.
using environment_lookup = std::function<std::optional<std::string>(const std::string&)>;

enum class log_level { trace, debug, info, warn, error };

// Whole days, as C++20 names std::chrono::days.
using days = std::chrono::duration<int, std::ratio<86400>>;

struct config {
  // Both empty: log-only mode.
  std::string telegram_bot_token;
  std::vector<std::string> telegram_chat_ids;
  // No trailing slash.
  std::string telegram_api_base = "https://api.telegram.org";
  // Whether the bot's messages are polled for commands.
  bool telegram_commands = false;
  // NOTIFY_URLS: the targets besides the chats of TELEGRAM_CHAT_ID.
  std::vector<delivery_target> notify_targets;
  traffic_direction direction = traffic_direction::outbound;
  // MONTHLY_TRAFFIC_GB as written, in `unit`.
  double monthly_traffic = 1024;
  traffic_unit unit{"GiB", 1024ull * 1024 * 1024};
  std::uint64_t quota_bytes = 0;
  int reset_day = 1;
  std::vector<percentage> thresholds{80_percent, 90_percent, 95_percent};
  // Whether a projection over the quota alerts, once per cycle.
  bool forecast_alert = true;
  // The share of the quota at which DATA_DIR/over-limit is created; none: no limit action.
  std::optional<percentage> limit_percent;
  std::chrono::seconds check_interval{60};
  // Empty: the interface of the default route, resolved at start.
  std::vector<std::string> interfaces;
  // 0: no periodic reports.
  days report_interval{7};
  time_of_day report_time{9, 0};
  // TZ as given; empty: the system's zone. The C library reads TZ itself, this is for show.
  std::string time_zone;
  std::string data_dir = "/data";
  // Empty: no log file.
  std::string log_file;
  log_level level = log_level::info;
  std::string host_proc = "/proc";
  message_language language = message_language::zh;
  // Empty: the caller uses the host name.
  std::string server_name;
  // Dotted IPv4; empty: looked up through public_ip_urls.
  std::string public_ip;
  std::vector<std::string> public_ip_urls{"https://api.ipify.org", "https://ipv4.icanhazip.com",
                                          "https://4.ipw.cn", "https://v4.ident.me"};
  // METRICS_LISTEN's host (without brackets) and port; port 0: no metrics listener.
  std::string metrics_host;
  std::uint16_t metrics_port = 0;
  // Required of every metrics request as a bearer token when not empty.
  std::string metrics_token;
  // The fastest the interfaces can move, in Mbit/s; a counter that seems to have moved
  // faster is a glitch and is not counted. 0: no limit.
  int max_bandwidth_mbit = 10000;
};

// Reads and checks every variable. On failure, `error` is one sentence naming the variable.
outcome<config> parse_config(const environment_lookup& lookup);

// Every variable parse_config reads as a setting, in the order describe_config shows them,
// each followed by its _FILE twin where it has one. (TZDIR, which the C library reads too, is
// only consulted to find the zone files.)
std::vector<std::string> config_variable_names();

// The process environment as an environment_lookup.
environment_lookup process_environment();

// The effective configuration, one "NAME=value" per line, secrets masked. TZ shows the
// local time's UTC offset at `now`; the local time is the process's, whose TZ is the one
// the settings were read from.
std::string describe_config(const config& settings, moment now);

// `text` safe to show: the bot token masked as mask_token does, the credentials of every URL
// in it masked ("https://user:pass@proxy/" becomes "https://***@proxy/"), and the credentials
// of the configured URLs and the secrets of NOTIFY_URLS also where they appear on their own,
// as a library's message may quote them, when they have shortest_masked_alone characters or
// more.
std::string mask_secrets(std::string text, const config& settings);

// What the run will need and --check-config therefore checks, without changing anything:
// HOST_PROC's net/dev and boot id readable and parsable, DATA_DIR and LOG_FILE's directory
// a directory that exists or can be made, and writable. On failure, one sentence naming the
// variable.
outcome<void> check_usable(const config& settings);

// METRICS_LISTEN as it is written back: HOST:PORT, or [IPV6]:PORT; empty without one.
std::string metrics_listen_address(const config& settings);

// A secret shown safely: a bot token keeps its numeric bot id ("123456789:***"), anything
// else becomes "***"; empty stays empty.
std::string mask_token(const std::string& token);

} // namespace tmon
