// `traffic-monitor calibrate --used AMOUNT`: sets the open cycle's counted usage to the
// provider's figure. A running monitor applies it itself (accounting stays the only writer of
// its state); with none running, the command takes the data directory's lock and applies it.
#pragma once

#include <chrono>
#include <functional>
#include <iosfwd>
#include <string_view>

#include "main/config.hpp"

namespace tmon {

// How the command meets the world: the wall clock, and a pause while it waits for the
// monitor (tests pass their own).
struct calibrate_environment {
  wall_clock now;
  std::function<void(std::chrono::milliseconds)> pause;
};

// Returns the exit status: 0 applied (the new status is printed), 1 not applied (why is
// printed), 2 a bad AMOUNT or an unusable state file. A running monitor has
// 2 * CHECK_INTERVAL_SECONDS + 10 s to apply it; then the request is withdrawn, unless the
// monitor took it meanwhile.
int calibrate_usage(const config& settings, std::string_view amount,
                    const calibrate_environment& environment, std::ostream& out, std::ostream& err);

} // namespace tmon
