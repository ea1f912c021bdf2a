// One HTTP/1.1 exchange of the metrics listener as pure functions: reading a request's head
// within bounds, checking the bearer token in constant time, choosing the page, writing the
// reply. Every reply closes the connection, so a client holds nothing open between requests.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace tmon {

// A request head, and the request line and the header block, may hold at most this much: a
// scraper's request is a few hundred bytes.
constexpr std::size_t max_request_head_bytes = 8192;

struct request_head {
  std::string method;
  // The path, without the query.
  std::string path;
  // The Authorization header's value; empty when there is none.
  std::string authorization;
};

struct head_reading {
  enum class progress { incomplete, complete, too_large, malformed };
  progress state = progress::incomplete;
  request_head head;
};

// Reads the head from what a connection has sent so far: complete once an empty line ends
// it, too large past max_request_head_bytes without one, malformed when its request line is
// not METHOD TARGET HTTP/1.x or a header line has no colon.
head_reading read_request_head(std::string_view received);

// Whether two strings are equal, in a time that depends on their lengths only.
bool constant_time_equal(std::string_view x, std::string_view y);

struct http_reply {
  int status = 200;
  std::string content_type = "text/plain; charset=utf-8";
  std::string body;
};

// What the listener serves.
struct served_pages {
  std::string metrics;
  // Absent until accounting has published its first figures.
  std::optional<std::string> status_json;
  std::optional<std::string> history_json;
};

// The refusal of `head`, if any: 401 unless it carries "Bearer <token>" (when a token is
// set), 404 for a path not served, 405 for another method than GET on a served one.
std::optional<http_reply> refusal_for(const request_head& head, const std::string& token);

// The reply to `head`: 401 unless it carries "Bearer <token>" (when a token is set); GET
// /metrics, /api/status and /api/history; 404 for any other path, 405 for another method on
// those, 503 for the JSON pages before the first figures.
http_reply reply_to(const request_head& head, const std::string& token, const served_pages& pages);

// The reply for a head that could not be read: 431 too large, 400 malformed, 408 too slow.
http_reply refusal(int status);

// The reply as bytes, with Content-Length and Connection: close.
std::string serialize(const http_reply& reply);

} // namespace tmon
