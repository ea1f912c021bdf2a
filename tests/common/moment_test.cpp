#define CAF_SUITE moment
#include <caf/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <limits>

#include "common/moment.hpp"

using namespace tmon;

CAF_TEST(a moment is counted in seconds from the unix epoch) {
  CAF_CHECK(from_epoch_seconds(0) == std::chrono::system_clock::from_time_t(0));
  CAF_CHECK(from_epoch_seconds(1'772'323'200)
            == std::chrono::system_clock::from_time_t(std::time_t{1'772'323'200}));
  CAF_CHECK_EQUAL(to_epoch_seconds(from_epoch_seconds(0) + std::chrono::hours{24}), 86'400);
}

CAF_TEST(every whole number of seconds survives the round trip) {
  for (const std::int64_t seconds : {std::numeric_limits<std::int64_t>::min(), std::int64_t{-1},
                                     std::int64_t{0}, std::numeric_limits<std::int64_t>::max()})
    CAF_CHECK_EQUAL(to_epoch_seconds(from_epoch_seconds(seconds)), seconds);
}

CAF_TEST(the difference of two moments is a length) {
  const moment start = from_epoch_seconds(1'772'323'200);
  const std::chrono::seconds length = (start + std::chrono::hours{24}) - start;
  CAF_CHECK_EQUAL(length.count(), 86'400);
}
