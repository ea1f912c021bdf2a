#pragma once

#include <cstdint>

namespace tmon {

// Wall-clock time as seconds since the Unix epoch. Seconds are the resolution of every
// rule (cycle bounds, reports), and an integer survives JSON and messages unchanged.
using epoch_seconds = std::int64_t;

} // namespace tmon
