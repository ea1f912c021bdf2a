#define CAF_SUITE outcome
#include <caf/test/unit_test.hpp>

#include <string>

#include "common/outcome.hpp"

using namespace tmon;

CAF_TEST(a success holds its value and no error) {
  const auto result = outcome<int>::success(42);
  CAF_CHECK(static_cast<bool>(result));
  CAF_CHECK(result.value == 42);
  CAF_CHECK_EQUAL(result.error, "");
}

CAF_TEST(a failure holds its sentence and no value) {
  const auto result = outcome<std::string>::failure("the file is empty");
  CAF_CHECK(!result);
  CAF_CHECK(!result.value);
  CAF_CHECK_EQUAL(result.error, "the file is empty");
}

CAF_TEST(an outcome without a value says only whether it was done) {
  CAF_CHECK(static_cast<bool>(outcome<void>::success()));
  CAF_CHECK_EQUAL(outcome<void>::success().error, "");
  const auto failed = outcome<void>::failure("cannot sync /x: Input/output error");
  CAF_CHECK(!failed);
  CAF_CHECK_EQUAL(failed.error, "cannot sync /x: Input/output error");
}

CAF_TEST(a success reads like an optional through star and arrow) {
  auto result = outcome<std::string>::success("eth0");
  CAF_CHECK_EQUAL(*result, "eth0");
  CAF_CHECK_EQUAL(result->size(), 4u);
  *result += ".100";
  const auto& same = result;
  CAF_CHECK_EQUAL(*same, "eth0.100");
  CAF_CHECK_EQUAL(same->size(), 8u);
}
