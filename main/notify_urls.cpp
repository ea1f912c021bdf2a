#include "main/notify_urls.hpp"

#include <algorithm>
#include <cctype>
#include <optional>

#include <fmt/format.h>

#include "actors/notifier/telegram.hpp"
#include "common/crypto.hpp"
#include "common/text.hpp"
#include "main/setting_values.hpp"

namespace tmon {

namespace {

// An entry taken apart. Values of the query and the user information are percent-decoded.
struct url_parts {
  std::string scheme; // lower case
  // Between "://" and the first '/', '?' or '#', without the user information.
  std::string authority;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::string path; // from its '/', empty when there is none
  std::vector<std::pair<std::string, std::string>> query;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

std::string percent_decode(std::string_view text) {
  std::string decoded;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (text[at] == '%' && at + 2 < text.size() && hex_value(text[at + 1]) >= 0
        && hex_value(text[at + 2]) >= 0) {
      decoded += static_cast<char>(hex_value(text[at + 1]) * 16 + hex_value(text[at + 2]));
      at += 2;
    } else {
      decoded += text[at];
    }
  }
  return decoded;
}

bool is_scheme_start(std::string_view text) {
  const auto separator = text.find("://");
  if (separator == std::string_view::npos || separator == 0)
    return false;
  const auto scheme = text.substr(0, separator);
  return std::isalpha(static_cast<unsigned char>(scheme.front()))
         && std::all_of(scheme.begin(), scheme.end(), [](char c) {
              return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-'
                     || c == '.';
            });
}

url_parts split_url(std::string_view entry) {
  url_parts parts;
  const auto separator = entry.find("://");
  parts.scheme = lowercase(entry.substr(0, separator));
  auto rest = entry.substr(separator + 3);
  rest = rest.substr(0, rest.find('#'));
  const auto authority_end = rest.find_first_of("/?");
  auto authority = rest.substr(0, authority_end);
  rest = authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = authority.substr(0, at);
    const auto colon = userinfo.find(':');
    parts.user = percent_decode(userinfo.substr(0, colon));
    if (colon != std::string_view::npos)
      parts.password = percent_decode(userinfo.substr(colon + 1));
    authority = authority.substr(at + 1);
  }
  parts.authority = std::string{authority};
  const auto query_start = rest.find('?');
  parts.path = std::string{rest.substr(0, query_start)};
  if (query_start != std::string_view::npos)
    for (auto item : split(rest.substr(query_start + 1), '&')) {
      if (item.empty())
        continue;
      const auto equals = item.find('=');
      parts.query.emplace_back(lowercase(item.substr(0, equals)),
                               equals == std::string_view::npos
                                 ? std::string{}
                                 : percent_decode(item.substr(equals + 1)));
    }
  return parts;
}

std::optional<std::string> query_value(const url_parts& parts, std::string_view name) {
  for (const auto& [key, value] : parts.query)
    if (key == name)
      return value;
  return std::nullopt;
}

// The path's non-empty segments.
std::vector<std::string> segments(const std::string& path) {
  std::vector<std::string> found;
  for (auto segment : split(path, '/'))
    if (!segment.empty())
      found.push_back(percent_decode(segment));
  return found;
}

// Letters, digits, '-', '_', '.' and '~' only: what keys, tokens and topics are made of, and
// nothing that could change the URL they are put into.
bool is_key(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'
           || c == '~';
  });
}

// HOST, HOST:PORT or [IPV6]:PORT, with a port from 1 to 65535.
bool is_host_and_port(std::string_view authority) {
  if (authority.empty())
    return false;
  std::string_view port;
  if (authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos || close == 1)
      return false;
    const auto after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':')
      return false;
    port = after.empty() ? std::string_view{} : after.substr(1);
    if (after.size() == 1)
      return false;
  } else {
    const auto colon = authority.find(':');
    const auto host = authority.substr(0, colon);
    if (host.empty() || !std::all_of(host.begin(), host.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
        }))
      return false;
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty())
        return false;
    }
  }
  if (port.empty())
    return true;
  const auto number = parse_whole(port);
  return number && *number >= 1 && *number <= 65535;
}

std::string host_of(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[')
    return std::string{authority.substr(0, authority.find(']') + 1)};
  return std::string{authority.substr(0, authority.find(':'))};
}

// An e-mail address, as far as a setting needs checking: something@domain, nothing that
// would break a header or the SMTP envelope.
bool is_mail_address(std::string_view text) {
  const auto at = text.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < text.size()
         && text.find('@', at + 1) == std::string_view::npos
         && std::none_of(text.begin(), text.end(), [](char c) {
              return std::isspace(static_cast<unsigned char>(c)) || c == '<' || c == '>' || c == ','
                     || c == '"' || is_control(c);
            });
}

// The one refusal format: entry number, kind, what is wrong and what is accepted.
struct refusal {
  std::size_t position;
  std::string kind;

  outcome<std::vector<delivery_target>> operator()(std::string_view problem,
                                                   std::string_view accepted) const {
    return outcome<std::vector<delivery_target>>::failure(
      fmt::format("NOTIFY_URLS entry {} ({}) {}: expected {}.", position, kind, problem, accepted));
  }
};

delivery_target target_of(channel kind, std::string shown, std::string endpoint,
                          std::vector<std::string> secrets, std::string_view entry) {
  delivery_target target;
  target.kind = kind;
  target.id = fmt::format("{}#{:08x}", shown, fnv1a64(entry) >> 32);
  target.shown = std::move(shown);
  target.endpoint = std::move(endpoint);
  secrets.erase(std::remove(secrets.begin(), secrets.end(), std::string{}), secrets.end());
  target.secrets = std::move(secrets);
  return target;
}

using targets = std::vector<delivery_target>;
using parse_result = outcome<targets>;

parse_result one(delivery_target target) {
  return parse_result::success(targets{std::move(target)});
}

// "***@" when the entry had user information: it may hold a password.
std::string masked_userinfo(const url_parts& parts) {
  return parts.user ? "***@" : "";
}

// The user information as it goes into a URL libcurl reads.
std::string userinfo_for_url(const url_parts& parts) {
  if (!parts.user)
    return {};
  auto userinfo = percent_encode(*parts.user);
  if (parts.password)
    userinfo += ":" + percent_encode(*parts.password);
  return userinfo + "@";
}

std::vector<std::string> userinfo_secrets(const url_parts& parts) {
  std::vector<std::string> secrets;
  if (parts.password)
    secrets.push_back(*parts.password);
  else if (parts.user)
    // A lone user part is a token (ntfy's tk_…).
    secrets.push_back(*parts.user);
  return secrets;
}

constexpr std::string_view telegram_forms = "tgram://BOT_TOKEN/CHAT_ID[/CHAT_ID...]";

parse_result parse_telegram(const url_parts& parts, std::string_view entry, const refusal& refuse,
                            const std::string& api_base) {
  const auto token = parts.authority;
  if (!is_token_shaped(token))
    return refuse("has no bot token such as 123456789:ABC-def_ghi", telegram_forms);
  const auto chats = segments(parts.path);
  if (chats.empty())
    return refuse("names no chat", telegram_forms);
  targets found;
  const auto bot = token.substr(0, token.find(':'));
  for (const auto& chat : chats) {
    if (!is_chat_id(chat))
      return refuse(fmt::format("has a chat id \"{}\" that is not one", printable(chat)),
                    "chat ids that are whole numbers such as -1001234567890 or @channel names");
    auto target = target_of(channel::telegram, fmt::format("tgram://{}:***/{}", bot, chat),
                            send_message_url(api_base, token), {token},
                            std::string{entry} + "\n" + chat);
    target.chat_id = chat;
    found.push_back(std::move(target));
  }
  return parse_result::success(std::move(found));
}

constexpr std::string_view wecom_forms =
  "wecombot://KEY or https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY";
constexpr std::string_view wecom_send = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send";

parse_result wecom(const std::string& key, bool native, std::string_view entry,
                   const refusal& refuse) {
  if (!is_key(key))
    return refuse(key.empty() ? "has no key" : "has a key with characters keys do not have",
                  wecom_forms);
  return one(target_of(channel::wecom,
                       native ? std::string{wecom_send} + "?key=***" : "wecombot://***",
                       std::string{wecom_send} + "?key=" + key, {key}, entry));
}

constexpr std::string_view dingtalk_forms =
  "dingtalk://TOKEN, dingtalk://SECRET@TOKEN or "
  "https://oapi.dingtalk.com/robot/send?access_token=TOKEN[&secret=SECRET]";
constexpr std::string_view dingtalk_send = "https://oapi.dingtalk.com/robot/send";

parse_result dingtalk(const std::string& token, const std::string& secret, bool native,
                      std::string_view entry, const refusal& refuse) {
  if (!is_key(token))
    return refuse(token.empty() ? "has no access token"
                                : "has an access token with characters tokens do not have",
                  dingtalk_forms);
  if (!secret.empty() && !is_key(secret))
    return refuse("has a signing secret with characters secrets do not have", dingtalk_forms);
  std::string shown = native ? std::string{dingtalk_send} + "?access_token=***"
                                 + (secret.empty() ? "" : "&secret=***")
                             : (secret.empty() ? "dingtalk://***" : "dingtalk://***@***");
  auto target = target_of(channel::dingtalk, std::move(shown),
                          std::string{dingtalk_send} + "?access_token=" + token, {token, secret},
                          entry);
  target.key = secret;
  return one(std::move(target));
}

constexpr std::string_view feishu_forms =
  "feishu://TOKEN, lark://TOKEN (a signing secret as ?secret=SECRET), "
  "https://open.feishu.cn/open-apis/bot/v2/hook/TOKEN or "
  "https://open.larksuite.com/open-apis/bot/v2/hook/TOKEN";

parse_result feishu(const std::string& scheme_or_host, const std::string& token,
                    const url_parts& parts, std::string_view entry, const refusal& refuse) {
  if (!is_key(token))
    return refuse(token.empty() ? "has no token" : "has a token with characters tokens do not have",
                  feishu_forms);
  const auto secret = query_value(parts, "secret").value_or("");
  if (!secret.empty() && !is_key(secret))
    return refuse("has a signing secret with characters secrets do not have", feishu_forms);
  const bool lark = scheme_or_host == "lark" || scheme_or_host == "open.larksuite.com";
  const std::string base = lark ? "https://open.larksuite.com/open-apis/bot/v2/hook/"
                                : "https://open.feishu.cn/open-apis/bot/v2/hook/";
  const bool native = scheme_or_host.find('.') != std::string::npos;
  auto shown = native ? base + "***" : scheme_or_host + "://***";
  if (!secret.empty())
    shown += "?secret=***";
  auto target = target_of(channel::feishu, std::move(shown), base + token, {token, secret}, entry);
  target.key = secret;
  return one(std::move(target));
}

constexpr std::string_view bark_forms =
  "bark://HOST[:PORT]/DEVICE_KEY, barks://HOST[:PORT]/DEVICE_KEY or "
  "https://api.day.app/DEVICE_KEY";

// The last path segment is the device key; what comes before it is the server's base path.
parse_result bark(const std::string& web_scheme, const url_parts& parts, std::string_view entry,
                  const refusal& refuse) {
  if (!is_host_and_port(parts.authority))
    return refuse("has no host, or a port that is not 1 to 65535", bark_forms);
  auto path = segments(parts.path);
  if (path.empty() || !is_key(path.back()))
    return refuse(path.empty() ? "has no device key"
                               : "has a device key with characters keys do not have",
                  bark_forms);
  const auto key = path.back();
  path.pop_back();
  std::string base_path;
  for (const auto& segment : path)
    base_path += "/" + percent_encode(segment);
  const auto shown_scheme = parts.scheme == "https" || parts.scheme == "http"
                              ? parts.scheme
                              : std::string{web_scheme == "https" ? "barks" : "bark"};
  auto target = target_of(
    channel::bark,
    fmt::format("{}://{}{}{}/***", shown_scheme, masked_userinfo(parts), parts.authority,
                base_path),
    fmt::format("{}://{}{}{}", web_scheme, userinfo_for_url(parts), parts.authority, base_path),
    [&] {
      auto secrets = userinfo_secrets(parts);
      secrets.push_back(key);
      return secrets;
    }(),
    entry);
  target.key = key;
  return one(std::move(target));
}

constexpr std::string_view ntfy_forms =
  "ntfy://TOPIC (ntfy.sh), ntfy://HOST[:PORT]/TOPIC or ntfys://HOST[:PORT]/TOPIC";

parse_result ntfy(const url_parts& parts, std::string_view entry, const refusal& refuse) {
  const auto path = segments(parts.path);
  const bool on_ntfy_sh = path.empty();
  const auto topic = on_ntfy_sh ? parts.authority : (path.size() == 1 ? path.front() : "");
  if (!is_key(topic))
    return refuse(topic.empty() ? "has no topic (or more than one)"
                                : "has a topic with characters topics do not have",
                  ntfy_forms);
  if (!on_ntfy_sh && !is_host_and_port(parts.authority))
    return refuse("has no host, or a port that is not 1 to 65535", ntfy_forms);
  const auto web_scheme = on_ntfy_sh || parts.scheme == "ntfys" ? "https" : "http";
  const auto server = on_ntfy_sh ? std::string{"ntfy.sh"} : parts.authority;
  const auto shown = on_ntfy_sh ? fmt::format("ntfy://{}***", masked_userinfo(parts))
                                : fmt::format("{}://{}{}/***", parts.scheme, masked_userinfo(parts),
                                              parts.authority);
  auto secrets = userinfo_secrets(parts);
  secrets.push_back(topic);
  return one(
    target_of(channel::ntfy, shown,
              fmt::format("{}://{}{}/{}", web_scheme, userinfo_for_url(parts), server, topic),
              secrets, entry));
}

constexpr std::string_view discord_forms =
  "discord://WEBHOOK_ID/WEBHOOK_TOKEN or https://discord.com/api/webhooks/ID/TOKEN";

parse_result discord(const std::string& id, const std::string& token, bool native,
                     std::string_view entry, const refusal& refuse) {
  if (id.empty() || !std::all_of(id.begin(), id.end(), is_digit) || !is_key(token))
    return refuse("has no numeric webhook id and token", discord_forms);
  return one(target_of(channel::discord,
                       native ? "https://discord.com/api/webhooks/***" : "discord://***",
                       "https://discord.com/api/webhooks/" + id + "/" + token, {token}, entry));
}

constexpr std::string_view slack_forms =
  "slack://T.../B.../X... or https://hooks.slack.com/services/T.../B.../X...";

parse_result slack(const std::vector<std::string>& tokens, bool native, std::string_view entry,
                   const refusal& refuse) {
  if (tokens.size() != 3
      || !std::all_of(tokens.begin(), tokens.end(),
                      [](const std::string& token) { return is_key(token); }))
    return refuse("does not have the three parts of an incoming webhook", slack_forms);
  return one(
    target_of(channel::slack, native ? "https://hooks.slack.com/services/***" : "slack://***",
              "https://hooks.slack.com/services/" + tokens[0] + "/" + tokens[1] + "/" + tokens[2],
              {tokens[1] + "/" + tokens[2], tokens[2]}, entry));
}

parse_result pushplus(const url_parts& parts, std::string_view entry, const refusal& refuse) {
  const auto token = parts.authority;
  if (!is_key(token) || (!parts.path.empty() && parts.path != "/"))
    return refuse("has no token", "pushplus://TOKEN");
  auto target = target_of(channel::pushplus, "pushplus://***", "https://www.pushplus.plus/send",
                          {token}, entry);
  target.key = token;
  return one(std::move(target));
}

// SendKeys of ServerChan 3 ("sctp<uid>t…") go to the user's own host; the others to Turbo's.
parse_result serverchan(const url_parts& parts, std::string_view entry, const refusal& refuse) {
  const auto key = parts.authority;
  if (!is_key(key) || (!parts.path.empty() && parts.path != "/"))
    return refuse("has no SendKey", "schan://SENDKEY");
  std::string endpoint = "https://sctapi.ftqq.com/" + key + ".send";
  if (key.rfind("sctp", 0) == 0) {
    const auto digits_end = key.find_first_not_of("0123456789", 4);
    if (digits_end != std::string::npos && digits_end > 4 && key[digits_end] == 't')
      endpoint = fmt::format("https://{}.push.ft07.com/send/{}.send", key.substr(4, digits_end - 4),
                             key);
  }
  return one(target_of(channel::serverchan, "schan://***", endpoint, {key}, entry));
}

constexpr std::string_view mail_forms =
  "mailto://USER:PASSWORD@HOST[:PORT]?to=ADDRESS[,ADDRESS] (STARTTLS, port 587) or "
  "mailtos://USER:PASSWORD@HOST[:PORT]?to=... (TLS, port 465), with from=ADDRESS when USER is "
  "not one";

parse_result mail(const url_parts& parts, std::string_view entry, const refusal& refuse) {
  if (!is_host_and_port(parts.authority))
    return refuse("has no host, or a port that is not 1 to 65535", mail_forms);
  const bool implicit_tls = parts.scheme == "mailtos";
  const auto host = host_of(parts.authority);
  const auto user = parts.user.value_or("");
  auto from = query_value(parts, "from").value_or("");
  if (from.empty())
    from = user.find('@') != std::string::npos ? user : (user.empty() ? "" : user + "@" + host);
  if (!is_mail_address(from))
    return refuse("has no sender address (USER, or from=)", mail_forms);
  std::vector<std::string> recipients;
  const auto to = query_value(parts, "to").value_or("");
  for (auto address : split(to, ','))
    if (!trim(address).empty())
      recipients.emplace_back(trim(address));
  if (recipients.empty())
    return refuse("names no recipient (to=)", mail_forms);
  for (const auto& address : recipients)
    if (!is_mail_address(address))
      return refuse(fmt::format("has a recipient \"{}\" that is not an address",
                                printable(address)),
                    mail_forms);
  auto authority = parts.authority;
  if (authority == host)
    authority += implicit_tls ? ":465" : ":587";
  auto target = target_of(channel::email,
                          fmt::format("{}://{}{}?to={}", parts.scheme, masked_userinfo(parts),
                                      authority, join(recipients, ",")),
                          fmt::format("{}://{}", implicit_tls ? "smtps" : "smtp", authority),
                          {parts.password.value_or("")}, entry);
  target.user = user;
  target.password = parts.password.value_or("");
  target.mail_from = from;
  target.mail_to = std::move(recipients);
  // A relay on this host is reached without TLS when it offers none; anywhere else the
  // password and the message must not cross the network in the clear.
  target.require_tls = !is_loopback_host(host);
  return one(std::move(target));
}

constexpr std::string_view webhook_forms =
  "json://HOST[:PORT]/PATH, jsons://HOST[:PORT]/PATH or an http:// or https:// URL";

// The generic JSON webhook. Its path and query may hold the receiver's secret (a Home
// Assistant webhook id, an n8n path), so they are masked.
parse_result webhook(const std::string& web_scheme, const std::string& entry_text,
                     const url_parts& parts, std::string_view entry, const refusal& refuse) {
  if (!is_host_and_port(parts.authority))
    return refuse("has no host, or a port that is not 1 to 65535", webhook_forms);
  const auto separator = entry_text.find("://");
  auto after_authority = entry_text.substr(separator + 3);
  after_authority = after_authority.substr(
    std::min(after_authority.find_first_of("/?"), after_authority.size()));
  after_authority = after_authority.substr(0, after_authority.find('#'));
  if (std::any_of(after_authority.begin(), after_authority.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) || is_control(c);
      }))
    return refuse("has white space or control characters", webhook_forms);
  const auto shown = fmt::format("{}://{}{}{}", parts.scheme, masked_userinfo(parts),
                                 parts.authority, after_authority.empty() ? "" : "/***");
  auto secrets = userinfo_secrets(parts);
  const auto path_and_query = after_authority.size() > 1 ? after_authority.substr(1) : "";
  secrets.push_back(path_and_query);
  return one(target_of(channel::json_webhook, shown,
                       fmt::format("{}://{}{}{}", web_scheme, userinfo_for_url(parts),
                                   parts.authority, after_authority),
                       secrets, entry));
}

parse_result parse_entry(std::string_view entry, std::size_t position,
                         const std::string& api_base) {
  if (!is_scheme_start(entry))
    return refusal{position, "no scheme"}("is not a URL", "SCHEME://... such as ntfy://my-topic or "
                                                          "wecombot://KEY");
  const auto text = std::string{entry};
  const auto parts = split_url(entry);
  const refusal refuse{position, parts.scheme + "://"};
  if (std::any_of(text.begin(), text.end(), [](char c) {
        return std::isspace(static_cast<unsigned char>(c)) || is_control(c);
      }))
    return refuse("has white space or control characters", "a URL without them");
  const auto path = segments(parts.path);
  const auto& scheme = parts.scheme;
  if (scheme == "tgram")
    return parse_telegram(parts, entry, refuse, api_base);
  if (scheme == "wecombot")
    return wecom(query_value(parts, "key").value_or(parts.authority), false, entry, refuse);
  if (scheme == "dingtalk")
    return dingtalk(parts.authority, parts.user.value_or(query_value(parts, "secret").value_or("")),
                    false, entry, refuse);
  if (scheme == "feishu" || scheme == "lark")
    return feishu(scheme, parts.authority, parts, entry, refuse);
  if (scheme == "bark" || scheme == "barks")
    return bark(scheme == "barks" ? "https" : "http", parts, entry, refuse);
  if (scheme == "ntfy" || scheme == "ntfys")
    return ntfy(parts, entry, refuse);
  if (scheme == "discord")
    return discord(parts.authority, path.size() == 1 ? path.front() : "", false, entry, refuse);
  if (scheme == "slack") {
    auto tokens = path;
    tokens.insert(tokens.begin(), parts.authority);
    return slack(tokens, false, entry, refuse);
  }
  if (scheme == "pushplus")
    return pushplus(parts, entry, refuse);
  if (scheme == "schan")
    return serverchan(parts, entry, refuse);
  if (scheme == "mailto" || scheme == "mailtos")
    return mail(parts, entry, refuse);
  if (scheme == "json" || scheme == "jsons")
    return webhook(scheme == "jsons" ? "https" : "http", text, parts, entry, refuse);
  if (scheme != "http" && scheme != "https")
    return refuse("is not a kind of target this monitor knows",
                  "tgram://, wecombot://, dingtalk://, feishu://, lark://, bark://, barks://, "
                  "ntfy://, ntfys://, discord://, slack://, pushplus://, schan://, mailto://, "
                  "mailtos://, json://, jsons://, or an http:// or https:// URL");
  // The services' own webhook URLs, by host; any other http(s) URL is a generic webhook.
  const auto host = lowercase(host_of(parts.authority));
  if (scheme == "https" && host == "qyapi.weixin.qq.com" && parts.path == "/cgi-bin/webhook/send")
    return wecom(query_value(parts, "key").value_or(""), true, entry,
                 refusal{position, "https://qyapi.weixin.qq.com"});
  if (scheme == "https" && host == "oapi.dingtalk.com" && parts.path == "/robot/send")
    return dingtalk(query_value(parts, "access_token").value_or(""),
                    query_value(parts, "secret").value_or(""), true, entry,
                    refusal{position, "https://oapi.dingtalk.com"});
  if (scheme == "https" && (host == "open.feishu.cn" || host == "open.larksuite.com")
      && parts.path.rfind("/open-apis/bot/v2/hook/", 0) == 0)
    return feishu(host, path.size() == 5 ? path.back() : "", parts, entry,
                  refusal{position, "https://" + host});
  if (scheme == "https" && host == "api.day.app")
    return bark("https", parts, entry, refusal{position, "https://api.day.app"});
  if (scheme == "https" && (host == "discord.com" || host == "discordapp.com")
      && parts.path.rfind("/api/webhooks/", 0) == 0)
    return discord(path.size() == 4 ? path[2] : "", path.size() == 4 ? path[3] : "", true, entry,
                   refusal{position, "https://discord.com"});
  if (scheme == "https" && host == "hooks.slack.com" && parts.path.rfind("/services/", 0) == 0)
    return slack(std::vector<std::string>(path.begin() + 1, path.end()), true, entry,
                 refusal{position, "https://hooks.slack.com"});
  return webhook(scheme, text, parts, entry, refuse);
}

} // namespace

std::vector<std::string_view> split_notify_urls(std::string_view list) {
  std::vector<std::string_view> entries;
  std::size_t start = 0;
  const auto add = [&](std::size_t end) {
    const auto entry = trim(list.substr(start, end - start));
    if (!entry.empty())
      entries.push_back(entry);
    start = end + 1;
  };
  for (std::size_t at = 0; at < list.size(); ++at) {
    if (list[at] == '\n' || list[at] == '\r')
      add(at);
    else if (const auto rest = trim(list.substr(at + 1));
             list[at] == ',' && (rest.empty() || is_scheme_start(rest)))
      add(at);
  }
  if (start < list.size())
    add(list.size());
  return entries;
}

outcome<std::vector<delivery_target>> parse_notify_urls(std::string_view list,
                                                        const std::string& telegram_api_base) {
  std::vector<delivery_target> found;
  std::size_t position = 0;
  for (const auto entry : split_notify_urls(list)) {
    ++position;
    auto parsed = parse_entry(entry, position, telegram_api_base);
    if (!parsed)
      return parsed;
    for (auto& target : *parsed) {
      const auto same = std::find_if(found.begin(), found.end(), [&](const delivery_target& t) {
        return t.endpoint == target.endpoint && t.chat_id == target.chat_id && t.key == target.key
               && t.mail_to == target.mail_to;
      });
      if (same != found.end())
        return outcome<std::vector<delivery_target>>::failure(
          fmt::format("NOTIFY_URLS entry {} ({}) is listed twice: expected each target once.",
                      position, same->shown));
      found.push_back(std::move(target));
    }
  }
  return outcome<std::vector<delivery_target>>::success(std::move(found));
}

} // namespace tmon
