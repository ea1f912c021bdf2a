// The state file's format: monitor_state as versioned JSON, and back.
#pragma once

#include <string>
#include <string_view>

#include "actors/accounting/ledger.hpp"
#include "messages/types.hpp"

namespace tmon {

// monitor_state as JSON text with "schema_version"; 64-bit counters stay exact integers.
std::string encode_state(const monitor_state& state);

// Parses encode_state's output. Fails with a sentence for invalid JSON, a duplicate key, a
// missing or mistyped field (naming its JSON path, e.g. /outbox/0/id), a negative or
// fractional counter, a cycle that does not start before its end, or a schema version this
// build does not know. Every field is required except "outbox", "thresholds_alerted",
// "missing_since", "settings" (absent in version 1) and an event's interface lists and
// calendar fields, which read as empty when absent; unknown fields are ignored.
outcome<monitor_state> decode_state(std::string_view text);

} // namespace tmon
