// The Prometheus text exposition format (0.0.4) of the monitor's figures, following
// Prometheus's naming practice: base units, `_total` for counters, ratios from 0 to 1,
// `_timestamp_seconds` for moments, no host label (Prometheus adds `instance`).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "messages/types.hpp"

namespace tmon {

// The page of GET /metrics. Before the first figures only the build information and the
// delivery counters are known, and only they are written.
std::string prometheus_text(const std::optional<published_figures>& figures,
                            const delivery_counts& deliveries, const std::string& version);

} // namespace tmon
