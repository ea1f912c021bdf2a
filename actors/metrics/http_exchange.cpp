#include "actors/metrics/http_exchange.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "common/text.hpp"

namespace tmon {

namespace {

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 431:
      return "Request Header Fields Too Large";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c))
         || std::string_view{"!#$%&'*+-.^_`|~"}.find(c) != std::string_view::npos;
}

// METHOD SP TARGET SP HTTP/1.x
bool read_request_line(std::string_view line, request_head& head) {
  const auto first_space = line.find(' ');
  const auto last_space = line.rfind(' ');
  if (first_space == std::string_view::npos || first_space == last_space || first_space == 0)
    return false;
  const auto method = line.substr(0, first_space);
  const auto target = line.substr(first_space + 1, last_space - first_space - 1);
  const auto version = line.substr(last_space + 1);
  if (!std::all_of(method.begin(), method.end(), is_token_char) || target.empty()
      || target.front() != '/' || version.rfind("HTTP/1.", 0) != 0 || version.size() != 8)
    return false;
  head.method = std::string{method};
  head.path = std::string{target.substr(0, target.find('?'))};
  return true;
}

} // namespace

head_reading read_request_head(std::string_view received) {
  using progress = head_reading::progress;
  head_reading reading;
  // Lines end in CRLF, or in a bare LF as tolerant servers accept.
  const auto end = std::min(received.find("\r\n\r\n"), received.find("\n\n"));
  if (end == std::string_view::npos) {
    reading.state = received.size() > max_request_head_bytes ? progress::too_large
                                                             : progress::incomplete;
    return reading;
  }
  if (end > max_request_head_bytes) {
    reading.state = progress::too_large;
    return reading;
  }
  auto head_text = received.substr(0, end);
  bool first = true;
  while (!head_text.empty() || first) {
    const auto line_end = head_text.find('\n');
    auto line = head_text.substr(0, line_end);
    head_text = line_end == std::string_view::npos ? std::string_view{}
                                                   : head_text.substr(line_end + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    if (first) {
      first = false;
      if (!read_request_line(line, reading.head)) {
        reading.state = progress::malformed;
        return reading;
      }
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      reading.state = progress::malformed;
      return reading;
    }
    if (lowercase(line.substr(0, colon)) == "authorization")
      reading.head.authorization = std::string{trim(line.substr(colon + 1))};
  }
  reading.state = progress::complete;
  return reading;
}

bool constant_time_equal(std::string_view x, std::string_view y) {
  // Every byte of the longer one is looked at, whatever differs first.
  const auto length = std::max(x.size(), y.size());
  unsigned difference = x.size() == y.size() ? 0u : 1u;
  for (std::size_t at = 0; at < length; ++at) {
    const auto a = at < x.size() ? static_cast<unsigned char>(x[at]) : 0u;
    const auto b = at < y.size() ? static_cast<unsigned char>(y[at]) : 0u;
    difference |= a ^ b;
  }
  return difference == 0;
}

http_reply refusal(int status) {
  return {status, "text/plain; charset=utf-8", fmt::format("{}\n", reason_phrase(status))};
}

std::optional<http_reply> refusal_for(const request_head& head, const std::string& token) {
  if (!token.empty() && !constant_time_equal(head.authorization, "Bearer " + token))
    return refusal(401);
  if (head.path != "/metrics" && head.path != "/api/status" && head.path != "/api/history")
    return refusal(404);
  if (head.method != "GET")
    return refusal(405);
  return std::nullopt;
}

http_reply reply_to(const request_head& head, const std::string& token, const served_pages& pages) {
  if (auto refused = refusal_for(head, token))
    return *refused;
  const bool metrics = head.path == "/metrics";
  const bool status = head.path == "/api/status";
  if (metrics)
    return {200, "text/plain; version=0.0.4; charset=utf-8", pages.metrics};
  const auto& json = status ? pages.status_json : pages.history_json;
  if (!json)
    return refusal(503);
  return {200, "application/json", *json + "\n"};
}

std::string serialize(const http_reply& reply) {
  std::string extra;
  if (reply.status == 401)
    extra = "WWW-Authenticate: Bearer realm=\"traffic-monitor\"\r\n";
  else if (reply.status == 405)
    extra = "Allow: GET\r\n";
  return fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}"
                     "Connection: close\r\n\r\n{}",
                     reply.status, reason_phrase(reply.status), reply.content_type,
                     reply.body.size(), extra, reply.body);
}

} // namespace tmon
