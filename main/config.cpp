#include "main/config.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <utility>

#include <fmt/format.h>

#include "actors/public_ip/public_ip_reply.hpp"
#include "actors/sampler/proc_net.hpp"
#include "common/secrets.hpp"
#include "main/notify_urls.hpp"
#include "main/setting_rows.hpp"

namespace tmon {

namespace {

constexpr std::uint64_t gib_bytes = 1024ull * 1024 * 1024;
constexpr std::uint64_t gb_bytes = 1000ull * 1000 * 1000;

const keyword_table<traffic_direction> directions{
  {"outbound", traffic_direction::outbound},
  {"inbound", traffic_direction::inbound},
  {"bidirectional", traffic_direction::bidirectional},
  {"max", traffic_direction::max},
};

const keyword_table<std::uint64_t> units{{"GiB", gib_bytes}, {"GB", gb_bytes}};

const keyword_table<log_level> levels{
  {"trace", log_level::trace}, {"debug", log_level::debug}, {"info", log_level::info},
  {"warn", log_level::warn},   {"error", log_level::error},
};

const keyword_table<bool> switches{{"on", true}, {"off", false}};

const keyword_table<message_language> languages{
  {"zh", message_language::zh},
  {"en", message_language::en},
};

// ---- reading variables --------------------------------------------------------------------

outcome<void> refuse_placeholder(const setting& s, std::string_view placeholder,
                                 std::string_view wanted) {
  if (s.value != placeholder)
    return outcome<void>::success();
  return outcome<void>::failure(quoted(s)
                                + " is the example placeholder, which was not replaced: expected "
                                + std::string{wanted} + ".");
}

outcome<void> check_token(const setting& token) {
  if (auto checked = refuse_placeholder(token, "YOUR_TELEGRAM_BOT_TOKEN",
                                        "the bot token that @BotFather gave you");
      !checked)
    return checked;
  if (is_token_shaped(token.value))
    return outcome<void>::success();
  auto shown = token;
  shown.value = mask_token(token.value);
  return invalid(shown, "a bot token such as 123456789:ABC-def_ghi (digits, a colon, then letters, "
                        "digits, '_' or '-')");
}

// Channel names are case-insensitive in Telegram; numeric ids are canonical already.
std::string chat_key(std::string_view chat_id) {
  return lowercase(chat_id);
}

outcome<void> read_chat_ids(const setting& chats, std::vector<std::string>& chat_ids) {
  if (auto checked = refuse_placeholder(chats, "YOUR_TELEGRAM_CHAT_ID",
                                        "the id of the chat to send alerts to");
      !checked)
    return checked;
  constexpr std::string_view accepted =
    "a comma-separated list of distinct chat ids, each a whole number without leading zeros "
    "such as -1001234567890 or an @channel name of 5 to 32 letters, digits or underscores";
  auto items = distinct_items(chats, is_chat_id, chat_key, accepted);
  if (!items)
    return outcome<void>::failure(std::move(items.error));
  chat_ids = std::move(*items);
  return outcome<void>::success();
}

// ---- coupled and particular variables ----------------------------------------------------

// The token and the chat ids come together, each directly or from its _FILE twin.
outcome<void> read_telegram(const environment_lookup& lookup, config& settings) {
  std::optional<setting> token;
  std::optional<setting> chats;
  if (auto read = read_secret(lookup, "TELEGRAM_BOT_TOKEN", token); !read)
    return read;
  if (auto read = read_secret(lookup, "TELEGRAM_CHAT_ID", chats); !read)
    return read;
  if (!token && !chats)
    return outcome<void>::success();
  if (!chats)
    return outcome<void>::failure("TELEGRAM_CHAT_ID is not set: expected the chat ids to send "
                                  "alerts to when TELEGRAM_BOT_TOKEN is set, or neither for "
                                  "log-only mode.");
  if (!token)
    return outcome<void>::failure("TELEGRAM_BOT_TOKEN is not set: expected the bot token to send "
                                  "alerts with when TELEGRAM_CHAT_ID is set, or neither for "
                                  "log-only mode.");
  if (auto checked = check_token(*token); !checked)
    return checked;
  settings.telegram_bot_token = token->value;
  return read_chat_ids(*chats, settings.telegram_chat_ids);
}

outcome<void> read_api_base(const setting& s, config& settings) {
  if (!is_http_url(s.value))
    return invalid({s.name, mask_url_credentials(s.value)},
                   "an http:// or https:// URL with a host, such as https://api.telegram.org");
  settings.telegram_api_base = s.value.substr(0, s.value.find_last_not_of('/') + 1);
  return outcome<void>::success();
}

// After the bot token and chats it answers: on needs both.
outcome<void> read_telegram_commands(const setting& s, config& settings) {
  auto value = keyword_value(s, switches);
  if (!value)
    return outcome<void>::failure(std::move(value.error));
  if (*value && settings.telegram_bot_token.empty())
    return outcome<void>::failure(
      quoted(s)
      + " needs TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID: commands are read from the "
        "bot's chats and answered only in TELEGRAM_CHAT_ID's; expected both set, or "
        "TELEGRAM_COMMANDS=off.");
  settings.telegram_commands = *value;
  return outcome<void>::success();
}

// NOTIFY_URLS or NOTIFY_URLS_FILE, after TELEGRAM_API_BASE, which tgram:// entries send
// through.
outcome<void> read_notify_urls(const environment_lookup& lookup, config& settings) {
  std::optional<setting> list;
  if (auto read = read_secret(lookup, "NOTIFY_URLS", list); !read)
    return read;
  if (!list)
    return outcome<void>::success();
  auto targets = parse_notify_urls(list->value, settings.telegram_api_base);
  if (!targets)
    return outcome<void>::failure(std::move(targets.error));
  settings.notify_targets = std::move(*targets);
  return outcome<void>::success();
}

std::string shown_targets(const config& settings) {
  std::vector<std::string> shown;
  for (const auto& target : settings.notify_targets)
    shown.push_back(target.shown);
  return join(shown, ",");
}

outcome<void> read_unit(const setting& s, config& settings) {
  auto bytes = keyword_value(s, units);
  if (!bytes)
    return outcome<void>::failure(std::move(bytes.error));
  settings.unit = {std::string{name_in(units, *bytes)}, *bytes};
  return outcome<void>::success();
}

// In the unit read before it; the default is parsed too, since the quota in bytes depends
// on the unit.
outcome<void> read_quota(const environment_lookup& lookup, config& settings) {
  setting quota{"MONTHLY_TRAFFIC_GB", value_of(lookup, "MONTHLY_TRAFFIC_GB")
                                        .value_or(decimal_text(settings.monthly_traffic))};
  auto amount = parse_positive_decimal(quota.value);
  if (!amount)
    return invalid(quota, "a decimal number above 0 such as 1024 or 200.5");
  auto amount_text = quota.value + " " + settings.unit.name;
  auto bytes = exact_bytes(quota.value, settings.unit.bytes);
  if (!bytes)
    return invalid(quota, "a quota below 2^64 bytes", amount_text + " is more");
  if (*bytes == 0)
    return invalid(quota, "a quota of at least one byte", amount_text + " rounds to 0 bytes");
  settings.monthly_traffic = *amount;
  settings.quota_bytes = *bytes;
  return outcome<void>::success();
}

bool is_threshold(std::string_view text) {
  auto threshold = percentage::parse(text);
  return threshold && *threshold > percentage{};
}

// A threshold's value, so that 80, 80.0 and 080 are the same threshold.
std::string threshold_key(std::string_view text) {
  return percentage::parse(text)->text();
}

outcome<void> read_thresholds(const setting& s, config& settings) {
  auto items = distinct_items(s, is_threshold, threshold_key,
                              "a comma-separated list of distinct percentages, each a decimal "
                              "number above 0 and at most 100000 with at most 10 decimals, such "
                              "as 80 or 92.5");
  if (!items)
    return outcome<void>::failure(std::move(items.error));
  std::vector<percentage> thresholds;
  for (const auto& item : *items)
    thresholds.push_back(*percentage::parse(item));
  std::sort(thresholds.begin(), thresholds.end());
  settings.thresholds = std::move(thresholds);
  return outcome<void>::success();
}

outcome<void> read_limit(const setting& s, config& settings) {
  if (!is_threshold(s.value))
    return invalid(s, "a percentage above 0 and at most 100000 with at most 10 decimals, such as "
                      "95 or 99.5");
  settings.limit_percent = percentage::parse(s.value);
  return outcome<void>::success();
}

outcome<void> read_report_time(const setting& s, config& settings) {
  auto time = parse_time_of_day(s.value);
  if (!time)
    return invalid(s,
                   "H:MM or HH:MM with an hour from 0 to 23 and a two-digit minute from 00 to 59");
  settings.report_time = *time;
  return outcome<void>::success();
}

// POSIX counts a rule's offset west of Greenwich, so "UTC+8" is eight hours behind UTC: the
// trap a user in China falls into. The hint reads the offset as people write it and names
// the zone for that, and says what the rule would really mean.
outcome<void> posix_rule_refusal(const std::string& zone, int written_minutes) {
  std::string hint = "a zone name such as Asia/Shanghai";
  const int hours = written_minutes / 60;
  // The Etc zones (with POSIX's sign) have whole hours from UTC-12 to UTC+14 only.
  if (written_minutes == 0)
    hint += ", or UTC for UTC" + utc_offset_text(0);
  else if (written_minutes % 60 == 0 && hours >= -12 && hours <= 14)
    hint += ", or Etc/GMT" + std::string{hours > 0 ? "-" : "+"} + std::to_string(std::abs(hours))
            + " for UTC" + utc_offset_text(written_minutes);
  return invalid({"TZ", zone}, hint,
                 "in a POSIX rule the offset counts west of Greenwich, so it would mean UTC"
                   + utc_offset_text(-written_minutes));
}

// Only UTC and the names of the time-zone database: glibc silently runs an unknown name in
// UTC and reads a POSIX offset with the sign most people do not expect.
outcome<void> read_time_zone(const environment_lookup& lookup, config& settings) {
  auto raw = lookup("TZ");
  if (!raw || trim(*raw).empty())
    return outcome<void>::success();
  const auto& zone = *raw;
  // The C library takes TZ as it is, so white space around a zone name would silently
  // select UTC.
  if (trim(zone) != zone)
    return invalid({"TZ", zone}, "a zone name without surrounding white space");
  if (zone == "UTC") {
    settings.time_zone = zone;
    return outcome<void>::success();
  }
  if (auto written_offset = posix_rule_offset(zone))
    return posix_rule_refusal(zone, *written_offset);
  auto directory = zone_directory(lookup);
  if (!is_plain_zone_name(zone) || !is_zone_file(directory + "/" + zone))
    return outcome<void>::failure(quoted({"TZ", zone})
                                  + " is not a known time zone: expected a zone name found under "
                                  + printable(directory) + " such as Asia/Shanghai or UTC.");
  settings.time_zone = zone;
  return outcome<void>::success();
}

std::string time_zone_text(const config& settings, moment now) {
  auto offset = "UTC" + local_utc_offset(now);
  if (settings.time_zone.empty())
    return "(system default, " + offset + ")";
  return settings.time_zone + " (" + offset + ")";
}

// Unlike the others, an empty LOG_FILE is not unset: it turns the log file off.
outcome<void> read_log_file(const environment_lookup& lookup, config& settings) {
  auto raw = lookup("LOG_FILE");
  if (raw)
    settings.log_file = std::string{trim(*raw)};
  else
    settings.log_file = (std::filesystem::path{settings.data_dir} / "traffic-monitor.log").string();
  return outcome<void>::success();
}

bool is_server_name(std::string_view text) {
  return character_count(text) <= 64 && std::none_of(text.begin(), text.end(), is_control);
}

outcome<void> read_public_ip_urls(const setting& s, config& settings) {
  // Checked on the masked text, so that a refusal never shows a password; masking keeps
  // every item's validity.
  auto items = checked_items({s.name, mask_url_credentials(s.value)}, is_http_url,
                             "a comma-separated list of http:// or https:// URLs with a host");
  if (!items)
    return outcome<void>::failure(std::move(items.error));
  settings.public_ip_urls.clear();
  for (auto item : split_list(s.value))
    settings.public_ip_urls.emplace_back(item);
  return outcome<void>::success();
}

// HOST:PORT or [IPV6]:PORT.
std::optional<std::pair<std::string, std::uint16_t>> listen_address(std::string_view text) {
  std::string_view host;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string_view::npos || close == 1)
      return std::nullopt;
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    if (host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string_view::npos)
      return std::nullopt;
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon == 0)
      return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
        != std::string_view::npos)
      return std::nullopt;
  }
  const auto number = parse_whole(port);
  if (!number || *number < 1 || *number > 65535)
    return std::nullopt;
  return std::make_pair(std::string{host}, static_cast<std::uint16_t>(*number));
}

bool is_metrics_token(std::string_view token) {
  return token.size() >= 16 && std::none_of(token.begin(), token.end(), [](char c) {
           return is_control(c) || c == ' ' || static_cast<unsigned char>(c) >= 0x80;
         });
}

// METRICS_LISTEN with METRICS_TOKEN or its _FILE twin: a listener that others can reach must
// ask for a token.
outcome<void> read_metrics(const environment_lookup& lookup, config& settings) {
  std::optional<setting> token;
  if (auto read = read_secret(lookup, "METRICS_TOKEN", token); !read)
    return read;
  if (token) {
    if (!is_metrics_token(token->value))
      return invalid({token->name, "***"},
                     "a token of at least 16 printable ASCII characters without spaces");
    settings.metrics_token = token->value;
  }
  const auto listen = value_of(lookup, "METRICS_LISTEN");
  if (!listen)
    return outcome<void>::success();
  const auto address = listen_address(*listen);
  if (!address)
    return invalid({"METRICS_LISTEN", *listen},
                   "HOST:PORT or [IPV6]:PORT with a port from 1 to 65535, such as "
                   "127.0.0.1:9841");
  if (!is_loopback_host(address->first) && !token)
    return outcome<void>::failure(
      quoted({"METRICS_LISTEN", *listen})
      + " is not a loopback address, so METRICS_TOKEN or METRICS_TOKEN_FILE must be set: "
        "expected a token that scrapers send as \"Authorization: Bearer TOKEN\", or a "
        "loopback address such as 127.0.0.1:9841.");
  settings.metrics_host = address->first;
  settings.metrics_port = address->second;
  return outcome<void>::success();
}

// The bot token or the chat ids, each also given as NAME_FILE; both are read by the token's
// row, since one without the other is refused.
variable telegram(std::string_view name,
                  std::function<outcome<void>(const environment_lookup&, config&)> read,
                  settings_text show, bool secret) {
  variable row{name, std::move(read), at_any_time(std::move(show)), "(none)"};
  row.secret = secret;
  row.from_file = true;
  return row;
}

// In the order --check-config shows them, which is also the order they are read and checked
// in: DATA_DIR comes before LOG_FILE, which defaults into it, and TRAFFIC_UNIT before the
// quota given in it.
const std::vector<variable>& variables() {
  static const std::vector<variable> table{
    telegram(
      "TELEGRAM_BOT_TOKEN", read_telegram, [](const config& s) { return s.telegram_bot_token; },
      true),
    telegram(
      "TELEGRAM_CHAT_ID", {}, [](const config& s) { return join(s.telegram_chat_ids, ","); },
      false),
    plain("TELEGRAM_API_BASE", read_api_base, [](const config& s) { return s.telegram_api_base; }),
    plain("TELEGRAM_COMMANDS", read_telegram_commands,
          [](const config& s) { return std::string{name_in(switches, s.telegram_commands)}; }),
    [] {
      variable row{"NOTIFY_URLS", read_notify_urls, at_any_time(shown_targets), "(none)"};
      row.from_file = true;
      return row;
    }(),
    keyword("TRAFFIC_DIRECTION", &config::direction, directions),
    plain("TRAFFIC_UNIT", read_unit, [](const config& s) { return s.unit.name; }),
    {"MONTHLY_TRAFFIC_GB", read_quota,
     at_any_time([](const config& s) { return decimal_text(s.monthly_traffic); })},
    whole_number("RESET_DAY", &config::reset_day, 1, 31),
    plain("THRESHOLDS", read_thresholds,
          [](const config& s) { return joined_text(s.thresholds, ","); }),
    keyword("FORECAST_ALERT", &config::forecast_alert, switches),
    plain(
      "LIMIT_PERCENT", read_limit,
      [](const config& s) { return s.limit_percent ? s.limit_percent->text() : std::string{}; },
      "(none)"),
    whole_number("CHECK_INTERVAL_SECONDS", &config::check_interval, 1, 86400),
    distinct_list("NETWORK_INTERFACE", &config::interfaces, is_interface_name, nullptr,
                  "a comma-separated list of distinct interface names, each 1 to 15 characters "
                  "without '/', ':' or white space and not \".\" or \"..\"",
                  "(default route)"),
    whole_number("REPORT_INTERVAL_DAYS", &config::report_interval, 0, 15),
    plain("REPORT_TIME", read_report_time,
          [](const config& s) {
            return fmt::format("{:02}:{:02}", s.report_time.hour, s.report_time.minute);
          }),
    {"TZ", read_time_zone, time_zone_text},
    text("DATA_DIR", &config::data_dir),
    {"LOG_FILE", read_log_file, at_any_time([](const config& s) { return s.log_file; }), "(none)"},
    keyword("LOG_LEVEL", &config::level, levels),
    text("HOST_PROC", &config::host_proc),
    keyword("MESSAGE_LANG", &config::language, languages),
    text("SERVER_NAME", &config::server_name, "(host name)", is_server_name,
         "a name of up to 64 characters without control characters"),
    text("PUBLIC_IP", &config::public_ip, "(looked up)", is_dotted_ipv4,
         "a dotted IPv4 address such as 203.0.113.7"),
    plain("PUBLIC_IP_URLS", read_public_ip_urls,
          [](const config& s) { return join(s.public_ip_urls, ","); }),
    {"METRICS_LISTEN", read_metrics, at_any_time(metrics_listen_address), "(none)"},
    [] {
      // Read by METRICS_LISTEN's row, which needs it.
      variable row{"METRICS_TOKEN",
                   {},
                   at_any_time([](const config& s) { return s.metrics_token; }),
                   "(none)"};
      row.secret = true;
      row.from_file = true;
      return row;
    }(),
    // Up to 1 Tbit/s, far beyond any server's link.
    whole_number("MAX_BANDWIDTH_MBIT", &config::max_bandwidth_mbit, 0, 1'000'000),
  };
  return table;
}

} // namespace

outcome<config> parse_config(const environment_lookup& lookup) {
  config settings;
  for (const auto& row : variables())
    if (row.read)
      if (auto read = row.read(lookup, settings); !read)
        return outcome<config>::failure(std::move(read.error));
  return outcome<config>::success(std::move(settings));
}

environment_lookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr)
      return std::nullopt;
    return std::string{value};
  };
}

std::vector<std::string> config_variable_names() {
  std::vector<std::string> names;
  for (const auto& row : variables()) {
    names.emplace_back(row.name);
    if (row.from_file)
      names.push_back(std::string{row.name} + "_FILE");
  }
  return names;
}

std::string describe_config(const config& settings, moment now) {
  std::string text;
  for (const auto& row : variables()) {
    auto value = row.show(settings, now);
    if (row.secret)
      value = mask_token(value);
    text += fmt::format("{}={}\n", row.name, value.empty() ? row.when_empty : value);
  }
  return mask_secrets(std::move(text), settings);
}

std::string metrics_listen_address(const config& settings) {
  if (settings.metrics_port == 0)
    return {};
  const bool ipv6 = settings.metrics_host.find(':') != std::string::npos;
  return fmt::format(ipv6 ? "[{}]:{}" : "{}:{}", settings.metrics_host, settings.metrics_port);
}

std::string mask_token(const std::string& token) {
  if (token.empty())
    return {};
  if (!is_token_shaped(token))
    return "***";
  return token.substr(0, token.find(':')) + ":***";
}

namespace {

// The user information of a URL ("user:pass" of "https://user:pass@proxy/"); empty when it
// has none.
std::string url_credentials(std::string_view url) {
  auto separator = url.find("://");
  if (separator == std::string_view::npos)
    return {};
  auto authority = url.substr(separator + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  auto at = authority.rfind('@');
  return at == std::string_view::npos ? std::string{} : std::string{authority.substr(0, at)};
}

} // namespace

std::string mask_secrets(std::string text, const config& settings) {
  text = redact(std::move(text), settings.telegram_bot_token,
                mask_token(settings.telegram_bot_token));
  text = mask_url_credentials(std::move(text));
  std::vector<std::string> urls = settings.public_ip_urls;
  urls.push_back(settings.telegram_api_base);
  for (const auto& url : urls)
    if (const auto credentials = url_credentials(url); credentials.size() >= shortest_masked_alone)
      text = redact(std::move(text), credentials, "***");
  for (const auto& target : settings.notify_targets)
    text = without_secrets(target, std::move(text));
  text = redact(std::move(text), settings.metrics_token, "***");
  return text;
}

} // namespace tmon
