#include "actors/http/curl_transport.hpp"

#include <algorithm>
#include <memory>
#include <string_view>

#include <curl/curl.h>

namespace tmon {

namespace {

// Bot API and IP-service answers are small; a larger body is not one of them.
constexpr std::size_t max_body_bytes = 1 << 20;

struct transfer {
  std::string body;
  const std::atomic<bool>* aborted;
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

int check_abort(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<transfer*>(user)->aborted->load() ? 1 : 0;
}

struct easy_deleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};

struct header_list_deleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

http_response perform(const http_request& request, const std::atomic<bool>& aborted) {
  if (aborted.load())
    return {0, {}, "stopping"};
  transfer current{{}, &aborted, request.body};
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
  curl_easy_setopt(easy, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(easy, CURLOPT_XFERINFOFUNCTION, check_abort);
  curl_easy_setopt(easy, CURLOPT_XFERINFODATA, &current);
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
  auto code = curl_easy_perform(easy);
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

http_transport make_curl_transport(std::function<std::string(std::string)> mask_secrets,
                                   std::shared_ptr<std::atomic<bool>> abort_flag) {
  return [mask_secrets = std::move(mask_secrets),
          abort_flag = std::move(abort_flag)](const http_request& request) {
    auto response = perform(request, *abort_flag);
    response.error = mask_secrets(std::move(response.error));
    return response;
  };
}

} // namespace tmon
