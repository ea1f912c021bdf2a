#include "actors/http/curl_transport.hpp"

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string_view>

#include <curl/curl.h>

namespace tmon {

namespace {

// Bot API and IP-service answers are small; a larger body is not one of them.
constexpr std::size_t max_body_bytes = 1 << 20;

struct transfer {
  std::string body;
  // MAIL: the part of the message not yet handed to libcurl.
  std::string_view upload;
};

size_t supply_upload(char* buffer, size_t size, size_t count, void* user) {
  auto& current = *static_cast<transfer*>(user);
  const auto bytes = std::min(size * count, current.upload.size());
  std::copy_n(current.upload.data(), bytes, buffer);
  current.upload.remove_prefix(bytes);
  return bytes;
}

size_t collect_body(char* data, size_t size, size_t count, void* user) {
  auto& current = *static_cast<transfer*>(user);
  auto bytes = size * count;
  if (current.body.size() + bytes > max_body_bytes)
    return 0; // makes libcurl fail the transfer
  current.body.append(data, bytes);
  return bytes;
}

struct easy_deleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

// The multi handle of the calling thread, made at its first call and kept until it ends:
// its connection cache keeps the connection to a server open between calls (no new TCP and
// TLS handshake per message or per long poll), and curl_multi_poll sleeps until a socket or
// one of libcurl's own timers needs it, where curl_easy_perform wakes every second.
// Each HTTP client runs on a thread of its own, so no handle is shared between threads.
class thread_session {
public:
  thread_session() : multi_(curl_multi_init()) {}
  ~thread_session() {
    if (multi_ != nullptr)
      curl_multi_cleanup(multi_);
  }
  thread_session(const thread_session&) = delete;
  thread_session& operator=(const thread_session&) = delete;
  CURLM* multi() const { return multi_; }

private:
  CURLM* multi_;
};

CURLM* session_of_this_thread() {
  thread_local thread_session session;
  return session.multi();
}

// Enlists `multi` with `stop` while it runs one transfer.
class enlisted {
public:
  enlisted(transfer_stop& stop, CURLM* multi) : stop_(stop), multi_(multi) { stop_.enlist(multi_); }
  ~enlisted() { stop_.discharge(multi_); }
  enlisted(const enlisted&) = delete;
  enlisted& operator=(const enlisted&) = delete;

private:
  transfer_stop& stop_;
  CURLM* multi_;
};

// Runs the transfer of `easy` on this thread's multi handle until it ends or `stop` is
// triggered. Returns its result, or nothing when stopped.
std::optional<CURLcode> run(CURL* easy, transfer_stop& stop) {
  CURLM* multi = session_of_this_thread();
  if (multi == nullptr || curl_multi_add_handle(multi, easy) != CURLM_OK)
    return CURLE_OUT_OF_MEMORY;
  enlisted while_running{stop, multi};
  std::optional<CURLcode> result;
  for (;;) {
    if (stop.triggered())
      break;
    int running = 0;
    if (curl_multi_perform(multi, &running) != CURLM_OK) {
      result = CURLE_FAILED_INIT;
      break;
    }
    int queued = 0;
    if (auto* done = curl_multi_info_read(multi, &queued);
        done != nullptr && done->msg == CURLMSG_DONE) {
      result = done->data.result;
      break;
    }
    // -1: libcurl has no timer of its own pending; its sockets alone wake the poll then.
    long timeout_ms = -1;
    curl_multi_timeout(multi, &timeout_ms);
    const int wait_ms = timeout_ms < 0 ? 60'000 : static_cast<int>(std::min(timeout_ms, 60'000L));
    if (curl_multi_poll(multi, nullptr, 0, wait_ms, nullptr) != CURLM_OK) {
      result = CURLE_FAILED_INIT;
      break;
    }
  }
  curl_multi_remove_handle(multi, easy);
  return result;
}

struct header_list_deleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

http_response perform(const http_request& request, transfer_stop& stop) {
  if (stop.triggered())
    return {0, {}, "stopping"};
  transfer current{{}, request.body};
  char error_text[CURL_ERROR_SIZE] = {};
  std::unique_ptr<curl_slist, header_list_deleter> headers;
  // Declared after the buffers it is given, so it is cleaned up while they still exist.
  std::unique_ptr<CURL, easy_deleter> handle{curl_easy_init()};
  if (!handle)
    return {0, {}, "libcurl could not create a handle"};
  auto* easy = handle.get();
  const bool mail = request.method == "MAIL";
  curl_easy_setopt(easy, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, mail ? "smtp,smtps" : "http,https");
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT,
                   static_cast<long>(request.connect_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_TIMEOUT, static_cast<long>(request.total_timeout.count()));
  curl_easy_setopt(easy, CURLOPT_USERAGENT, "traffic-monitor/" TMON_VERSION);
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, error_text);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, collect_body);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, &current);
  if (request.ipv4_only)
    curl_easy_setopt(easy, CURLOPT_IPRESOLVE, CURL_IPRESOLVE_V4);
  if (request.method == "POST") {
    headers.reset(curl_slist_append(nullptr, ("Content-Type: " + request.content_type).c_str()));
    for (const auto& line : request.headers)
      curl_slist_append(headers.get(), line.c_str());
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, request.body.c_str());
  }
  std::unique_ptr<curl_slist, header_list_deleter> recipients;
  const auto envelope_sender = "<" + request.mail_from + ">";
  if (mail) {
    for (const auto& address : request.mail_to) {
      auto* list = curl_slist_append(recipients.get(), ("<" + address + ">").c_str());
      if (!recipients)
        recipients.reset(list);
    }
    curl_easy_setopt(easy, CURLOPT_MAIL_FROM, envelope_sender.c_str());
    curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(easy, CURLOPT_READFUNCTION, supply_upload);
    curl_easy_setopt(easy, CURLOPT_READDATA, &current);
    curl_easy_setopt(easy, CURLOPT_USE_SSL,
                     request.require_tls ? static_cast<long>(CURLUSESSL_ALL)
                                         : static_cast<long>(CURLUSESSL_TRY));
    if (!request.user.empty()) {
      curl_easy_setopt(easy, CURLOPT_USERNAME, request.user.c_str());
      curl_easy_setopt(easy, CURLOPT_PASSWORD, request.password.c_str());
    }
  }
  const auto ended = run(easy, stop);
  if (!ended)
    return {0, {}, "stopping"};
  const auto code = *ended;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if (code != CURLE_OK) {
    std::string why = error_text[0] != '\0' ? error_text : curl_easy_strerror(code);
    // An SMTP server's refusal carries its reply code; an HTTP failure has no response.
    return {mail ? status : 0, {}, why};
  }
  return {status, std::move(current.body), {}};
}

} // namespace

void transfer_stop::trigger() {
  std::lock_guard<std::mutex> guard{mutex_};
  triggered_ = true;
  for (auto* multi : running_)
    curl_multi_wakeup(static_cast<CURLM*>(multi));
}

bool transfer_stop::triggered() const {
  return triggered_.load();
}

void transfer_stop::enlist(void* multi) {
  std::lock_guard<std::mutex> guard{mutex_};
  running_.insert(multi);
}

void transfer_stop::discharge(void* multi) {
  std::lock_guard<std::mutex> guard{mutex_};
  running_.erase(multi);
}

http_transport make_curl_transport(std::function<std::string(std::string)> mask_secrets,
                                   std::shared_ptr<transfer_stop> stop) {
  return
    [mask_secrets = std::move(mask_secrets), stop = std::move(stop)](const http_request& request) {
      auto response = perform(request, *stop);
      response.error = mask_secrets(std::move(response.error));
      return response;
    };
}

} // namespace tmon
