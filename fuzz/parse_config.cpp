// The environment configuration. The input is the environment, one NAME=VALUE per line. A
// NAME ending in _FILE (a secret given as a file, as Docker does) is answered with the path
// of a scratch file that holds VALUE, so the file-reading path is fuzzed too without ever
// reading the machine's own files.
//
// Accepted settings must hold every documented limit and show no secret; a refusal must be
// one line that starts with the variable's name.

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <system_error>

#include <unistd.h>

#include "actors/public_ip/public_ip_reply.hpp"
#include "actors/sampler/proc_net.hpp"
#include "common/secrets.hpp"
#include "fuzz/fuzz_support.hpp"
#include "main/config.hpp"

namespace {

using tmon::fuzz::require;

// Holds the files that *_FILE variables point to; removed when the process ends normally.
class scratch_directory {
public:
  scratch_directory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "tmon-fuzz-XXXXXX").string();
    require(::mkdtemp(pattern.data()) != nullptr, "a scratch directory can be created");
    path_ = pattern;
  }

  ~scratch_directory() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }

  scratch_directory(const scratch_directory&) = delete;
  scratch_directory& operator=(const scratch_directory&) = delete;

  std::string holding(const std::string& name, const std::string& content) const {
    const auto file = path_ / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    out.close();
    require(static_cast<bool>(out), "a scratch file can be written");
    return file.string();
  }

private:
  std::filesystem::path path_;
};

const scratch_directory& scratch() {
  static const scratch_directory directory;
  return directory;
}

bool ends_with(const std::string& text, std::string_view suffix) {
  return text.size() >= suffix.size()
         && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// The last line for a name wins, as with a later `export`. The process environment cannot
// hold a NUL, so a plain value ends at its first one; a file's content keeps every byte.
std::map<std::string, std::string> environment_of(std::string_view text) {
  std::map<std::string, std::string> variables;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    const auto equals = line.find('=');
    if (equals != std::string_view::npos) {
      std::string name{line.substr(0, equals)};
      std::string value{line.substr(equals + 1)};
      if (!ends_with(name, "_FILE"))
        value = value.substr(0, value.find('\0'));
      variables[std::move(name)] = std::move(value);
    }
    if (end == std::string_view::npos)
      break;
    text.remove_prefix(end + 1);
  }
  return variables;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_upper_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || is_digit(c) || c == '_';
}

bool is_control(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return byte < 0x20 || byte == 0x7f;
}

std::string lowercase(std::string text) {
  for (auto& c : text)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  return text;
}

void check_refusal(const std::string& error) {
  require(!error.empty() && error.back() == '.', "a refusal is a sentence");
  require(std::none_of(error.begin(), error.end(), is_control),
          "a refusal is one line without control characters");
  const auto name_end = std::find_if_not(error.begin(), error.end(), is_upper_name_char);
  require(name_end != error.begin() && name_end != error.end()
            && (*name_end == '=' || *name_end == ' '),
          "a refusal starts with the variable's name");
  const std::string token_quote = "TELEGRAM_BOT_TOKEN=\"";
  if (error.rfind(token_quote, 0) == 0) {
    const auto shown = error.substr(token_quote.size(),
                                    error.find('"', token_quote.size()) - token_quote.size());
    const bool masked = shown == "***" || shown == "YOUR_TELEGRAM_BOT_TOKEN"
                        || (ends_with(shown, ":***") && shown.size() > 4
                            && std::all_of(shown.begin(), shown.end() - 4, is_digit));
    require(masked, "a refused bot token is shown masked");
  }
}

void check_telegram(const tmon::config& settings) {
  require(settings.telegram_bot_token.empty() == settings.telegram_chat_ids.empty(),
          "a bot token and chat ids come together");
  const auto& token = settings.telegram_bot_token;
  if (!token.empty()) {
    const auto colon = token.find(':');
    require(colon != std::string::npos && colon > 0
              && std::all_of(token.begin(), token.begin() + colon, is_digit)
              && colon + 1 < token.size(),
            "a bot token is digits, a colon and a secret");
  }
  std::set<std::string> chats;
  for (const auto& chat : settings.telegram_chat_ids)
    require(!chat.empty() && chats.insert(lowercase(chat)).second, "chat ids are distinct");
  const auto base = lowercase(settings.telegram_api_base);
  require((base.rfind("http://", 0) == 0 || base.rfind("https://", 0) == 0) && base.back() != '/',
          "the API base is an http(s) URL without a trailing slash");
}

void check_limits(const tmon::config& settings) {
  require(settings.quota_bytes > 0, "the quota is at least one byte");
  require(std::isfinite(settings.monthly_traffic) && settings.monthly_traffic > 0,
          "the quota is a positive number");
  require((settings.unit.name == "GiB" && settings.unit.bytes == 1024ull * 1024 * 1024)
            || (settings.unit.name == "GB" && settings.unit.bytes == 1000ull * 1000 * 1000),
          "the unit is GiB or GB");
  require(settings.reset_day >= 1 && settings.reset_day <= 31, "the reset day is 1 to 31");
  require(settings.check_interval.count() >= 1 && settings.check_interval.count() <= 86400,
          "the check interval is 1 to 86400 seconds");
  require(settings.report_interval.count() >= 0 && settings.report_interval.count() <= 15,
          "the report interval is 0 to 15 days");
  require(settings.max_bandwidth_mbit >= 0 && settings.max_bandwidth_mbit <= 1'000'000,
          "the bandwidth limit is 0 to 1000000 Mbit/s");
  require(settings.report_time.hour >= 0 && settings.report_time.hour <= 23
            && settings.report_time.minute >= 0 && settings.report_time.minute <= 59,
          "the report time is a time of day");
  const auto& thresholds = settings.thresholds;
  require(!thresholds.empty(), "there is at least one threshold");
  require(std::all_of(thresholds.begin(), thresholds.end(),
                      [](tmon::percentage t) {
                        return t > tmon::percentage{} && t.units() <= tmon::percentage::most_units;
                      }),
          "thresholds are above 0 and at most 100000 percent");
  require(std::adjacent_find(thresholds.begin(), thresholds.end(), std::greater_equal<>())
            == thresholds.end(),
          "thresholds are sorted without repeats");
  std::set<std::string> interfaces;
  for (const auto& name : settings.interfaces)
    require(tmon::is_interface_name(name) && interfaces.insert(name).second,
            "interfaces are distinct names that the kernel allows");
  const auto& server = settings.server_name;
  const auto characters = std::count_if(server.begin(), server.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  });
  require(characters <= 64 && std::none_of(server.begin(), server.end(), is_control),
          "the server name has up to 64 characters and no control characters");
  require(settings.public_ip.empty() || tmon::is_dotted_ipv4(settings.public_ip),
          "a public IP is a dotted IPv4 address");
}

void check_description(const tmon::config& settings) {
  const auto description = tmon::describe_config(settings, tmon::moment{});
  const auto& token = settings.telegram_bot_token;
  const auto masked = token.empty() ? "(none)" : token.substr(0, token.find(':')) + ":***";
  require(description.substr(0, description.find('\n')) == "TELEGRAM_BOT_TOKEN=" + masked,
          "the description masks the bot token's secret");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto variables = environment_of(tmon::fuzz::as_text(data, size));
  const tmon::environment_lookup lookup =
    [&variables](const std::string& name) -> std::optional<std::string> {
    const auto found = variables.find(name);
    if (found == variables.end())
      return std::nullopt;
    if (ends_with(name, "_FILE"))
      return scratch().holding(name, found->second);
    return found->second;
  };
  const auto parsed = tmon::parse_config(lookup);
  if (!parsed) {
    check_refusal(parsed.error);
    return 0;
  }
  check_telegram(*parsed);
  check_limits(*parsed);
  check_description(*parsed);
  return 0;
}
