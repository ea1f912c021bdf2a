#define CAF_SUITE http_exchange
#include <caf/test/unit_test.hpp>

#include "actors/metrics/http_exchange.hpp"

using namespace tmon;
using progress = head_reading::progress;

namespace {

const std::string token = "abcdefghijklmnop0123";

served_pages pages() {
  return {"# metrics\n", std::string{R"({"counted_bytes":1})"}, std::string{R"({"days":[]})"}};
}

request_head get(const std::string& path, const std::string& authorization = {}) {
  return {"GET", path, authorization};
}

} // namespace

CAF_TEST(a head is read once an empty line ends it) {
  CAF_CHECK(read_request_head("GET /metrics HTTP/1.1\r\nHost: x\r\n").state
            == progress::incomplete);
  CAF_CHECK(read_request_head("").state == progress::incomplete);
  auto complete = read_request_head(
    "GET /metrics?x=1 HTTP/1.1\r\nHost: x\r\nauthorization:  Bearer abc \r\n\r\n");
  CAF_REQUIRE(complete.state == progress::complete);
  CAF_CHECK_EQUAL(complete.head.method, "GET");
  CAF_CHECK_EQUAL(complete.head.path, "/metrics");
  CAF_CHECK_EQUAL(complete.head.authorization, "Bearer abc");
  auto bare = read_request_head("GET /api/status HTTP/1.0\n\n");
  CAF_REQUIRE(bare.state == progress::complete);
  CAF_CHECK_EQUAL(bare.head.path, "/api/status");
}

CAF_TEST(a head too long or malformed is refused) {
  CAF_CHECK(read_request_head("GET /" + std::string(max_request_head_bytes, 'a')).state
            == progress::too_large);
  CAF_CHECK(read_request_head("GET / HTTP/1.1\r\nX: " + std::string(max_request_head_bytes, 'a')
                              + "\r\n\r\n")
              .state
            == progress::too_large);
  for (const std::string garbage :
       {"\x16\x03\x01\x02\x01\r\n\r\n", "GET\r\n\r\n", "GET / \r\n\r\n",
        "GET metrics HTTP/1.1\r\n\r\n", "GET / HTTP/2.0\r\n\r\n", "G(T / HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nno colon\r\n\r\n"}) {
    CAF_MESSAGE(garbage);
    CAF_CHECK(read_request_head(garbage).state == progress::malformed);
  }
}

CAF_TEST(the pages are served by path and method) {
  auto metrics = reply_to(get("/metrics"), {}, pages());
  CAF_CHECK_EQUAL(metrics.status, 200);
  CAF_CHECK_EQUAL(metrics.content_type, "text/plain; version=0.0.4; charset=utf-8");
  CAF_CHECK_EQUAL(metrics.body, "# metrics\n");
  auto status = reply_to(get("/api/status"), {}, pages());
  CAF_CHECK_EQUAL(status.content_type, "application/json");
  CAF_CHECK_EQUAL(status.body, "{\"counted_bytes\":1}\n");
  CAF_CHECK_EQUAL(reply_to(get("/api/history"), {}, pages()).body, "{\"days\":[]}\n");
  CAF_CHECK_EQUAL(reply_to(get("/"), {}, pages()).status, 404);
  CAF_CHECK_EQUAL(reply_to(get("/metrics/"), {}, pages()).status, 404);
  CAF_CHECK_EQUAL(reply_to({"POST", "/metrics", {}}, {}, pages()).status, 405);
  CAF_CHECK_EQUAL(reply_to({"HEAD", "/api/status", {}}, {}, pages()).status, 405);
  served_pages early{"# metrics\n", std::nullopt, std::nullopt};
  CAF_CHECK_EQUAL(reply_to(get("/api/status"), {}, early).status, 503);
  CAF_CHECK_EQUAL(reply_to(get("/metrics"), {}, early).status, 200);
}

CAF_TEST(with a token every request needs it as a bearer token) {
  CAF_CHECK_EQUAL(reply_to(get("/metrics"), token, pages()).status, 401);
  CAF_CHECK_EQUAL(reply_to(get("/metrics", "Bearer wrong"), token, pages()).status, 401);
  CAF_CHECK_EQUAL(reply_to(get("/metrics", token), token, pages()).status, 401);
  CAF_CHECK_EQUAL(reply_to(get("/metrics", "Basic " + token), token, pages()).status, 401);
  CAF_CHECK_EQUAL(reply_to(get("/nothing", "Bearer wrong"), token, pages()).status, 401);
  CAF_CHECK_EQUAL(reply_to(get("/metrics", "Bearer " + token), token, pages()).status, 200);
  CAF_CHECK_EQUAL(reply_to(get("/nothing", "Bearer " + token), token, pages()).status, 404);
}

CAF_TEST(a request is refused before any figures are asked for) {
  // The status of the refusal, 0 for none; by value, as the check keeps no temporary alive.
  auto refused_with = [](const request_head& head, const std::string& required) {
    const auto refused = refusal_for(head, required);
    return refused ? refused->status : 0;
  };
  CAF_CHECK_EQUAL(refused_with(get("/metrics"), {}), 0);
  CAF_CHECK_EQUAL(refused_with(get("/api/history", "Bearer " + token), token), 0);
  CAF_CHECK_EQUAL(refused_with(get("/metrics"), token), 401);
  CAF_CHECK_EQUAL(refused_with(get("/nothing", "Bearer wrong"), token), 401);
  CAF_CHECK_EQUAL(refused_with(get("/nothing"), {}), 404);
  CAF_CHECK_EQUAL(refused_with({"DELETE", "/api/status", {}}, {}), 405);
}

CAF_TEST(tokens are compared whole) {
  CAF_CHECK(constant_time_equal("", ""));
  CAF_CHECK(constant_time_equal("abc", "abc"));
  CAF_CHECK(!constant_time_equal("abc", "abd"));
  CAF_CHECK(!constant_time_equal("abc", "abcd"));
  CAF_CHECK(!constant_time_equal("abcd", "abc"));
  CAF_CHECK(!constant_time_equal("", "a"));
  CAF_CHECK(!constant_time_equal(std::string{"a\0", 2}, "a"));
}

CAF_TEST(a reply says its length and closes the connection) {
  CAF_CHECK_EQUAL(serialize({200, "application/json", "{}\n"}),
                  "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 3\r\n"
                  "Connection: close\r\n\r\n{}\n");
  const auto unauthorized = serialize(refusal(401));
  CAF_CHECK(unauthorized.find("WWW-Authenticate: Bearer realm=\"traffic-monitor\"\r\n")
            != std::string::npos);
  CAF_CHECK_EQUAL(unauthorized.rfind("HTTP/1.1 401 Unauthorized\r\n", 0), 0u);
  CAF_CHECK(serialize(refusal(405)).find("Allow: GET\r\n") != std::string::npos);
  CAF_CHECK_EQUAL(serialize(refusal(431)).rfind("HTTP/1.1 431 Request Header Fields Too Large", 0),
                  0u);
  CAF_CHECK_EQUAL(serialize(refusal(408)).rfind("HTTP/1.1 408 Request Timeout", 0), 0u);
}
