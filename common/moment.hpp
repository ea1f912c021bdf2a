#pragma once

#include <chrono>
#include <cstdint>

namespace tmon {

// A point in wall-clock time, to the second: C++17's spelling of C++20's
// std::chrono::sys_seconds. Seconds are the resolution of every rule (cycle bounds, reports);
// lengths of time are std::chrono::seconds, so a moment and a length cannot be mixed up.
using moment = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

// The moment `seconds` after the Unix epoch, for what stores time as a number (the state
// file's JSON, time_t, a file's modification time).
constexpr moment from_epoch_seconds(std::int64_t seconds) {
  return moment{std::chrono::seconds{seconds}};
}

// Seconds since the Unix epoch of `t`, for what stores time as a number.
constexpr std::int64_t to_epoch_seconds(moment t) {
  return t.time_since_epoch().count();
}

} // namespace tmon
