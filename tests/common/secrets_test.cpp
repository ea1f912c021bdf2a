#define CAF_SUITE secrets
#include <caf/test/unit_test.hpp>

#include "common/secrets.hpp"

using namespace tmon;

CAF_TEST(redaction replaces every occurrence of the secret) {
  CAF_CHECK_EQUAL(redact("GET /bot1:abc/x failed; /bot1:abc/y", "1:abc", "1:***"),
                  "GET /bot1:***/x failed; /bot1:***/y");
  CAF_CHECK_EQUAL(redact("nothing here", "1:abc", "1:***"), "nothing here");
  CAF_CHECK_EQUAL(redact("keep", "", "***"), "keep");
  CAF_CHECK_EQUAL(redact("aaaa", "aa", "aa-"), "aa-aa-");
}

CAF_TEST(mask url credentials hides the user information of any url) {
  CAF_CHECK_EQUAL(mask_url_credentials("https://user:pass@proxy/"), "https://***@proxy/");
  CAF_CHECK_EQUAL(mask_url_credentials("http://user@proxy"), "http://***@proxy");
  CAF_CHECK_EQUAL(mask_url_credentials("a HTTPS://u:p@x.example:1/p?q=a@b and http://v:q@[::1]/"),
                  "a HTTPS://***@x.example:1/p?q=a@b and http://***@[::1]/");
  CAF_CHECK_EQUAL(mask_url_credentials("https://proxy/path@x"), "https://proxy/path@x");
  CAF_CHECK_EQUAL(mask_url_credentials("https://proxy?u=a@b"), "https://proxy?u=a@b");
  CAF_CHECK_EQUAL(mask_url_credentials("no url, user@example.org"), "no url, user@example.org");
  CAF_CHECK_EQUAL(mask_url_credentials(""), "");
}
