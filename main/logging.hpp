// Log set-up: every actor gets a logger named after it, writing to stdout (coloured only on
// a terminal, so `docker logs` stays clean) and to the rotating LOG_FILE.
#pragma once

#include <memory>
#include <string>

#include <spdlog/logger.h>

#include "main/config.hpp"

namespace tmon {

// Creates the shared sinks. On failure, why the log file could not be opened.
outcome<void> setup_logging(log_level level, const std::string& log_file);

// Closes LOG_FILE and opens it again by name, so that lines go to a new file after an
// external logrotate moved the old one away (SIGHUP). On failure, why; the old file stays in
// use then.
outcome<void> reopen_log_file();

// A logger named `name` that writes to the sinks made by setup_logging.
std::shared_ptr<spdlog::logger> make_logger(const std::string& name);

} // namespace tmon
