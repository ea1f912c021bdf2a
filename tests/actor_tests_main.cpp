// The test runner's main() for the actor suites.
#include <caf/test/unit_test_impl.hpp>
