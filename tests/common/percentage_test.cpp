#define CAF_SUITE percentage
#include <caf/test/unit_test.hpp>

#include <string>

#include "common/percentage.hpp"

using namespace tmon;

namespace {

// The text of the percentage `text` reads as, or "refused".
std::string read_back(const char* text) {
  const auto parsed = percentage::parse(text);
  return parsed ? parsed->text() : "refused";
}

} // namespace

CAF_TEST(decimal text reads exactly and shows with the fewest decimals) {
  CAF_CHECK_EQUAL(read_back("80"), "80");
  CAF_CHECK_EQUAL(read_back("92.5"), "92.5");
  CAF_CHECK_EQUAL(read_back("080.50"), "80.5");
  CAF_CHECK_EQUAL(read_back("0"), "0");
  CAF_CHECK_EQUAL(read_back("0.0000000001"), "0.0000000001");
  CAF_CHECK_EQUAL(read_back("99999.9999999999"), "99999.9999999999");
  CAF_CHECK_EQUAL(read_back("100000"), "100000");
  CAF_CHECK_EQUAL(percentage::parse("14.3")->units(), 143'000'000'000u);
}

CAF_TEST(text beyond ten decimals or above 100000 is refused) {
  for (const char* text : {"0.00000000001", "80.12345678901", "100000.0000000001", "100001",
                           "99999999999999999999999"}) {
    CAF_MESSAGE(text);
    CAF_CHECK_EQUAL(read_back(text), "refused");
  }
}

CAF_TEST(only digits with at most one point are a percentage) {
  for (const char* text :
       {"", ".", "80.", ".5", "+80", "-5", "1e2", " 80", "80 ", "8,0", "nan", "80.5.1", "0x10"}) {
    CAF_MESSAGE('"' << text << '"');
    CAF_CHECK_EQUAL(read_back(text), "refused");
  }
}

CAF_TEST(percentages compare by value) {
  CAF_CHECK(80_percent == 80.0_percent);
  CAF_CHECK(80_percent != 80.0000000001_percent);
  CAF_CHECK(14.3_percent < 33.3_percent);
  CAF_CHECK(150_percent > 100_percent);
  CAF_CHECK(percentage{} == 0_percent);
}

CAF_TEST(the nearest double reads back as the same percentage) {
  for (auto p : {80_percent, 92.5_percent, 14.3_percent, 0.0000000001_percent,
                 99999.9999999999_percent, 12345.6789012345_percent, 100000_percent}) {
    CAF_MESSAGE(p.text());
    CAF_CHECK(percentage::nearest(p.as_double()) == p);
  }
  CAF_CHECK_EQUAL((92.5_percent).as_double(), 92.5);
  CAF_CHECK_EQUAL((80_percent).as_double(), 80.0);
}

CAF_TEST(a number outside what a count holds has no nearest percentage) {
  CAF_CHECK(!percentage::nearest(-0.5));
  CAF_CHECK(!percentage::nearest(1e10));
  CAF_CHECK(percentage::nearest(0.30000000000000004) == 0.3_percent);
}

CAF_TEST(joined text puts the separator between and the suffix after each) {
  CAF_CHECK_EQUAL(joined_text({80_percent, 92.5_percent}, ", ", "%"), "80%, 92.5%");
  CAF_CHECK_EQUAL(joined_text({80_percent, 90_percent, 95_percent}, ","), "80,90,95");
  CAF_CHECK_EQUAL(joined_text({}, ","), "");
}
