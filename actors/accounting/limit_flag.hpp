// The flag file DATA_DIR/over-limit: present while the open cycle is over LIMIT_PERCENT, for
// the host's units and scripts to act on. Accounting writes it after the state that says so.
#pragma once

#include <string>

#include "common/outcome.hpp"
#include "messages/types.hpp"

namespace tmon {

std::string over_limit_path(const std::string& data_dir);

// One JSON object: cycle_start, cycle_end (ISO 8601 with offset), counted_bytes, quota_bytes,
// percent, reached_at (ISO 8601 with offset).
std::string encode_over_limit(const usage_figures& usage, moment reached_at);

// Creates or replaces the flag file atomically.
outcome<void> raise_limit_flag(const std::string& data_dir, const usage_figures& usage,
                               moment reached_at);

// Removes the flag file; no failure when there is none.
outcome<void> lower_limit_flag(const std::string& data_dir);

} // namespace tmon
