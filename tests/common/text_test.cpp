#define CAF_SUITE text
#include <caf/test/unit_test.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "common/text.hpp"

using namespace tmon;

namespace {

using parts = std::vector<std::string_view>;

} // namespace

CAF_TEST(trim removes every kind of white space at both ends only) {
  CAF_CHECK_EQUAL(trim(" \t\n\v\f\rword \t\n\v\f\r"), "word");
  CAF_CHECK_EQUAL(trim("two words"), "two words");
  CAF_CHECK_EQUAL(trim("  inner \t space  "), "inner \t space");
  CAF_CHECK_EQUAL(trim(" \t\r\n"), "");
  CAF_CHECK_EQUAL(trim(""), "");
}

CAF_TEST(trim with other characters removes only those) {
  CAF_CHECK_EQUAL(trim("  eth0\r ", " \t"), "eth0\r");
  CAF_CHECK_EQUAL(trim("--x--", "-"), "x");
}

CAF_TEST(split keeps empty parts) {
  CAF_CHECK(split("a,b,c", ',') == (parts{"a", "b", "c"}));
  CAF_CHECK(split("a,,b", ',') == (parts{"a", "", "b"}));
  CAF_CHECK(split(",a,", ',') == (parts{"", "a", ""}));
  CAF_CHECK(split("", ',') == (parts{""}));
  CAF_CHECK(split("no separator", ',') == (parts{"no separator"}));
}

CAF_TEST(join puts the separator between items only) {
  CAF_CHECK_EQUAL(join({"eth0", "ens5", "wlan0"}, ", "), "eth0, ens5, wlan0");
  CAF_CHECK_EQUAL(join({"eth0", "ens5"}, ","), "eth0,ens5");
  CAF_CHECK_EQUAL(join({"alone"}, ", "), "alone");
  CAF_CHECK_EQUAL(join({}, ", "), "");
  CAF_CHECK_EQUAL(join({"", "b"}, ","), ",b");
}
