#include "actors/accounting/limit_flag.hpp"

#include <nlohmann/json.hpp>

#include "common/files.hpp"
#include "common/local_time.hpp"

namespace tmon {

std::string over_limit_path(const std::string& data_dir) {
  return data_dir + "/over-limit";
}

std::string encode_over_limit(const usage_figures& usage, moment reached_at) {
  return nlohmann::json{{"cycle_start", local_iso8601(usage.cycle.start)},
                        {"cycle_end", local_iso8601(usage.cycle.end)},
                        {"counted_bytes", usage.counted_bytes},
                        {"quota_bytes", usage.quota_bytes},
                        {"percent", percent_of_quota(usage.counted_bytes, usage.quota_bytes)},
                        {"reached_at", local_iso8601(reached_at)}}
           .dump()
         + "\n";
}

outcome<void> raise_limit_flag(const std::string& data_dir, const usage_figures& usage,
                               moment reached_at) {
  return replace_file(over_limit_path(data_dir), encode_over_limit(usage, reached_at));
}

outcome<void> lower_limit_flag(const std::string& data_dir) {
  return remove_file_if_present(over_limit_path(data_dir));
}

} // namespace tmon
