// The head of a request to the metrics listener, as a client sends it: whatever the bytes, a
// head read whole has a method and a path that starts with '/', one that cannot be read whole
// is refused past the limit and nowhere before it, and the reply to it is well formed.

#include <string>

#include "actors/metrics/http_exchange.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  using progress = tmon::head_reading::progress;
  const auto text = tmon::fuzz::as_text(data, size);
  const auto reading = tmon::read_request_head(text);
  if (reading.state == progress::too_large)
    require(size > tmon::max_request_head_bytes, "only a head past the limit is too large");
  if (reading.state == progress::incomplete)
    require(size <= tmon::max_request_head_bytes, "a head past the limit is not awaited");
  if (reading.state != progress::complete)
    return 0;
  require(!reading.head.method.empty(), "a request has a method");
  require(!reading.head.path.empty() && reading.head.path.front() == '/',
          "a request's path starts with '/'");
  const tmon::served_pages pages{"# page\n", std::string{"{}"}, std::nullopt};
  const auto reply = tmon::serialize(tmon::reply_to(reading.head, "sixteen-chars-token", pages));
  require(reply.rfind("HTTP/1.1 ", 0) == 0, "a reply starts with its status line");
  require(reply.find("\r\nConnection: close\r\n") != std::string::npos, "a reply closes");
  return 0;
}
