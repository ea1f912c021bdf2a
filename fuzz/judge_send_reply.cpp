// Telegram's reply to sendMessage. The first two bytes give the HTTP status (0 to 999, where
// 0 is no response at all); the rest is the body, and for no response also the transport's
// error. Whatever the body holds, the verdict follows the status as documented.

#include <chrono>
#include <string>

#include "actors/notifier/telegram.hpp"
#include "fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using tmon::fuzz::require;
  using verdict = tmon::send_verdict::next_step;
  if (size < 2)
    return 0;
  tmon::http_response reply;
  reply.status = (data[0] << 8 | data[1]) % 1000;
  reply.body = std::string{tmon::fuzz::as_text(data + 2, size - 2)};
  if (reply.status == 0)
    reply.error = reply.body;
  const auto judged = tmon::judge_send_reply(reply);
  const long status = reply.status;
  require(!judged.reason.empty(), "a verdict gives a reason");
  if (judged.action == verdict::delivered) {
    require(status >= 200 && status < 300, "only a 2xx reply is a delivery");
    // JSON has no other way to write true, whatever escapes spell the key "ok".
    require(reply.body.find("true") != std::string::npos, "a delivery says \"ok\": true");
  }
  // 408 is a slow request, 429 a pace, 401 and 404 a wrong token or address for every chat.
  const bool refused = status >= 400 && status < 500 && status != 408 && status != 429
                       && status != 401 && status != 404;
  require((judged.action == verdict::drop) == refused,
          "a message is dropped exactly when Telegram refuses it for this chat");
  require((judged.action == verdict::retry_later) == (status == 401 || status == 404),
          "a wrong token or address is retried later");
  if (judged.retry_after) {
    require(status == 429, "only a 429 asks to wait");
    require(*judged.retry_after >= std::chrono::seconds{0}
              && *judged.retry_after <= std::chrono::hours{24},
            "a requested wait is between nothing and a day");
  }
  return 0;
}
