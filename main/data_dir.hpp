// The data directory's lock: one monitor per directory, and the commands that change the
// state while no monitor runs.
#pragma once

#include <string>

#include "common/outcome.hpp"

namespace tmon {

// Locks `data_dir` for as long as the process lives (also when it is killed, the lock goes
// with it). True: locked; false: another process holds it, which is a running monitor. The
// lock is on the directory itself, so a read-only directory can still be locked.
outcome<bool> lock_data_dir(const std::string& data_dir);

} // namespace tmon
