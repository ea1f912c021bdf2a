// The test runner's main() for the pure-logic suites.
#include <caf/test/unit_test_impl.hpp>
