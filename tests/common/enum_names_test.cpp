#define CAF_SUITE enum_names
#include <caf/test/unit_test.hpp>

#include <optional>
#include <vector>

#include "common/enum_names.hpp"

using namespace tmon;

namespace {

enum class colour { red, green, blue };

constexpr named_value<colour> colour_names[] = {
  {"red", colour::red},
  {"green", colour::green},
};

} // namespace

CAF_TEST(a value is found by its name and a name by its value) {
  CAF_CHECK_EQUAL(name_in(colour_names, colour::red), "red");
  CAF_CHECK_EQUAL(name_in(colour_names, colour::green), "green");
  CAF_CHECK(value_named(colour_names, "red") == colour::red);
  CAF_CHECK(value_named(colour_names, "green") == colour::green);
}

CAF_TEST(a value without a name has an empty one) {
  CAF_CHECK_EQUAL(name_in(colour_names, colour::blue), "");
}

CAF_TEST(names match exactly) {
  CAF_CHECK(value_named(colour_names, "blue") == std::nullopt);
  CAF_CHECK(value_named(colour_names, "Red") == std::nullopt);
  CAF_CHECK(value_named(colour_names, "red ") == std::nullopt);
  CAF_CHECK(value_named(colour_names, "") == std::nullopt);
}

CAF_TEST(any range of name and value pairs is a table) {
  const std::vector<named_value<int>> numbers{{"one", 1}, {"two", 2}};
  CAF_CHECK_EQUAL(name_in(numbers, 2), "two");
  CAF_CHECK(value_named(numbers, "one") == 1);
}
