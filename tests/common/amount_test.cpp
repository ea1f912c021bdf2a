#define CAF_SUITE amount
#include <caf/test/unit_test.hpp>

#include <cstdint>
#include <string>

#include "common/amount.hpp"

using namespace tmon;

namespace {

constexpr std::uint64_t gib = 1024ull * 1024 * 1024;
constexpr std::uint64_t gb = 1000ull * 1000 * 1000;

// In GiB, as TRAFFIC_UNIT's default.
std::uint64_t bytes_of(const std::string& text) {
  const auto parsed = parse_amount(text, "GiB", gib);
  CAF_CHECK(parsed);
  if (!parsed) {
    CAF_MESSAGE(text << ": " << parsed.error);
    return 0;
  }
  return *parsed;
}

std::string refusal_of(const std::string& text) {
  const auto parsed = parse_amount(text, "GB", gb);
  CAF_CHECK(!parsed);
  return parsed.error;
}

} // namespace

CAF_TEST(a bare number is in the default unit) {
  CAF_CHECK_EQUAL(bytes_of("312.5"), 312 * gib + gib / 2);
  CAF_CHECK_EQUAL(bytes_of("0"), 0u);
  CAF_CHECK_EQUAL(bytes_of("7"), 7 * gib);
  const auto in_gb = parse_amount("312.5", "GB", gb);
  CAF_REQUIRE(in_gb);
  CAF_CHECK_EQUAL(*in_gb, 312'500'000'000u);
}

CAF_TEST(every unit in any case with or without a space) {
  CAF_CHECK_EQUAL(bytes_of("312.5GB"), 312'500'000'000u);
  CAF_CHECK_EQUAL(bytes_of("312.5 gb"), 312'500'000'000u);
  CAF_CHECK_EQUAL(bytes_of("1.2 TiB"), 1'319'413'953'331u);
  CAF_CHECK_EQUAL(bytes_of("1.2tib"), 1'319'413'953'331u);
  CAF_CHECK_EQUAL(bytes_of("5 B"), 5u);
  CAF_CHECK_EQUAL(bytes_of("5b"), 5u);
  CAF_CHECK_EQUAL(bytes_of("3KB"), 3000u);
  CAF_CHECK_EQUAL(bytes_of("3 KiB"), 3072u);
  CAF_CHECK_EQUAL(bytes_of("2MB"), 2'000'000u);
  CAF_CHECK_EQUAL(bytes_of("2MiB"), 2u * 1024 * 1024);
  CAF_CHECK_EQUAL(bytes_of("4 GiB"), 4 * gib);
  CAF_CHECK_EQUAL(bytes_of("1 TB"), 1'000'000'000'000u);
  CAF_CHECK_EQUAL(bytes_of("  9 GB  "), 9 * gb);
}

CAF_TEST(amounts round to the nearest byte and a half up) {
  CAF_CHECK_EQUAL(bytes_of("0.4B"), 0u);
  CAF_CHECK_EQUAL(bytes_of("0.5B"), 1u);
  CAF_CHECK_EQUAL(bytes_of("1.49 B"), 1u);
  // 0.000000001 GiB is 1.07 bytes.
  CAF_CHECK_EQUAL(bytes_of("0.000000001"), 1u);
  CAF_CHECK_EQUAL(bytes_of("0.1 KiB"), 102u);
}

CAF_TEST(the largest amount is accepted and one byte more is not ) {
  CAF_CHECK_EQUAL(bytes_of("4194304 TiB"), largest_amount);
  const auto error = refusal_of("4194304.000000001 TiB");
  CAF_CHECK(error.find("largest amount") != std::string::npos);
}

CAF_TEST(anything else is refused naming the argument and what is accepted) {
  for (const char* bad : {"", " ", "-5", "+5", "abc", "5,5", "1e3", ".5", "5.", "5 .5", "5 PB",
                          "5 GBs", "5  GB", "5 G B", "0x10", "５", "5GB extra", "NaN", "inf"}) {
    CAF_MESSAGE("\"" << bad << "\"");
    const auto error = refusal_of(bad);
    CAF_CHECK(error.rfind("\"" + std::string{bad} + "\"", 0) == 0);
    CAF_CHECK(error.find("TRAFFIC_UNIT (GB)") != std::string::npos);
    CAF_CHECK(error.find("KiB, MiB, GiB, TiB") != std::string::npos);
    CAF_CHECK(error.find('\n') == std::string::npos);
  }
}

CAF_TEST(more digits than an amount can have are refused) {
  CAF_CHECK_EQUAL(bytes_of("999999999999999 B"), 999'999'999'999'999u);
  CAF_CHECK(refusal_of("1000000000000000 B").find("more digits") != std::string::npos);
  CAF_CHECK_EQUAL(bytes_of("1.123456789 KB"), 1123u);
  CAF_CHECK(refusal_of("1.1234567891 KB").find("more digits") != std::string::npos);
}
