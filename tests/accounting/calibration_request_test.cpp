#define CAF_SUITE calibration_request
#include <caf/test/unit_test.hpp>

#include <string>

#include "actors/accounting/calibration_request.hpp"
#include "test_support.hpp"

using namespace tmon;

CAF_TEST(a request round trips) {
  const calibration_request request{new_calibration_id(), (std::uint64_t{1} << 62) + 1,
                                    test::utc(2026, 11, 30, 8)};
  const auto decoded = decode_calibration_request(encode_calibration_request(request));
  CAF_REQUIRE(decoded);
  CAF_CHECK(*decoded == request);
}

CAF_TEST(ids are 32 hexadecimal digits and differ) {
  const auto first = new_calibration_id();
  CAF_CHECK_EQUAL(first.size(), 32u);
  CAF_CHECK_EQUAL(first.find_first_not_of("0123456789abcdef"), std::string::npos);
  CAF_CHECK_NOT_EQUAL(first, new_calibration_id());
}

CAF_TEST(a damaged request is refused with a sentence) {
  for (const char* text :
       {"", "{", "[]", R"({"used_bytes": 5, "requested_at": 1})",
        R"({"id": "", "used_bytes": 5, "requested_at": 1})",
        R"({"id": "a", "used_bytes": -5, "requested_at": 1})",
        R"({"id": "a", "used_bytes": 5.5, "requested_at": 1})", R"({"id": "a", "used_bytes": 5})",
        R"({"id": 7, "used_bytes": 5, "requested_at": 1})"}) {
    CAF_MESSAGE(text);
    const auto decoded = decode_calibration_request(text);
    CAF_CHECK(!decoded);
    CAF_CHECK_EQUAL(decoded.error.rfind("the calibration request is invalid: ", 0), 0u);
  }
}

CAF_TEST(a request is submitted replaced and withdrawn) {
  test::temp_dir dir;
  auto lock = calibration_lock::take(dir.path());
  CAF_REQUIRE(lock);
  auto none = pending_calibration(dir.path());
  CAF_REQUIRE(none);
  CAF_CHECK(!*none);
  const calibration_request first{"first", 100, test::at(10)};
  const calibration_request second{"second", 200, test::at(20)};
  CAF_REQUIRE(submit_calibration(dir.path(), first));
  CAF_REQUIRE(submit_calibration(dir.path(), second));
  auto pending = pending_calibration(dir.path());
  CAF_REQUIRE(pending && *pending);
  CAF_CHECK(**pending == second);
  CAF_REQUIRE(withdraw_calibration(dir.path()));
  CAF_CHECK(!*pending_calibration(dir.path()));
  CAF_CHECK(withdraw_calibration(dir.path()));
}

CAF_TEST(a damaged request file is reported) {
  test::temp_dir dir;
  test::write_file(calibration_request_path(dir.path()), "{\"id\":");
  const auto pending = pending_calibration(dir.path());
  CAF_CHECK(!pending);
  CAF_CHECK(pending.error.find("invalid") != std::string::npos);
}

CAF_TEST(the lock cannot be taken in a directory that does not exist) {
  test::temp_dir dir;
  const auto lock = calibration_lock::take(dir.path() + "/missing");
  CAF_REQUIRE(!lock);
  CAF_CHECK(lock.error.find("calibration.lock") != std::string::npos);
}
