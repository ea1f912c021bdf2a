// A service's reply to a delivery. The first byte picks the channel, the next two give the
// status (0 to 999, where 0 is no response at all); the rest is the body, and for no response
// also the transport's error. Whatever the body holds, no reply without a success status is a
// delivery and a transport failure or an overloaded server is always tried again.

#include <string>

#include "actors/notifier/channels.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  using verdict = tmon::send_verdict::next_step;
  if (size < 3)
    return 0;
  constexpr int channels = static_cast<int>(tmon::channel::json_webhook) + 1;
  const auto kind = static_cast<tmon::channel>(data[0] % channels);
  tmon::http_response reply;
  reply.status = (data[1] << 8 | data[2]) % 1000;
  reply.body = std::string{tmon::fuzz::as_text(data + 3, size - 3)};
  if (reply.status == 0)
    reply.error = reply.body;
  const auto judged = tmon::judge_delivery_reply(kind, reply);
  const long status = reply.status;
  require(!judged.reason.empty(), "a verdict gives a reason");
  if (judged.action == verdict::delivered)
    require(status >= 200 && status < 300, "only a success status is a delivery");
  if (status == 0)
    require(judged.action == verdict::retry, "no response is tried again");
  if (kind != tmon::channel::email && (status == 429 || status == 408 || status >= 500))
    require(judged.action == verdict::retry, "an overloaded server is tried again");
  return 0;
}
