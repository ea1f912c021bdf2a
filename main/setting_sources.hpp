// Where settings come from and what they point to: the environment's values, secrets given
// as files, the time-zone database, and the directories and files the run will need (the
// checks of check_usable, declared in config.hpp, are defined with these).
#pragma once

#include <optional>
#include <string>

#include "main/config.hpp"
#include "main/setting_values.hpp"

namespace tmon {

// The trimmed value; nothing when unset or blank, so that the default applies.
std::optional<std::string> value_of(const environment_lookup& lookup, const std::string& name);

// NAME or NAME_FILE (a file holding the value, as Docker secrets are given); `found` stays
// empty when neither is set.
outcome<void> read_secret(const environment_lookup& lookup, const std::string& name,
                          std::optional<setting>& found);

// Where glibc looks for a zone file: TZDIR when set and not empty.
std::string zone_directory(const environment_lookup& lookup);

// A regular file that starts with the magic of the time-zone database's files.
bool is_zone_file(const std::string& path);

} // namespace tmon
