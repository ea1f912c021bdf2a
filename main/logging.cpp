#include "main/logging.hpp"

#include <vector>

#include <spdlog/sinks/dist_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace tmon {

namespace {

constexpr std::size_t log_file_bytes = 10 * 1024 * 1024;
constexpr std::size_t log_files_kept = 3;

// ISO 8601 local time with offset, level, the writing actor, the text.
constexpr const char* line_pattern = "%Y-%m-%dT%H:%M:%S.%e%z %^%-5l%$ [%n] %v";

std::vector<spdlog::sink_ptr> shared_sinks;
spdlog::level::level_enum shared_level = spdlog::level::info;
// The loggers write to the log file through this, so that reopen_log_file can put a new
// file in place under all of them at once.
std::shared_ptr<spdlog::sinks::dist_sink_mt> log_file_sink;
std::string log_file_path;

// Appends to `path`, creating it (and its directory) when missing.
spdlog::sink_ptr open_log_file(const std::string& path) {
  auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, log_file_bytes,
                                                                     log_files_kept);
  sink->set_pattern(line_pattern);
  return sink;
}

spdlog::level::level_enum to_spdlog(log_level level) {
  switch (level) {
    case log_level::trace:
      return spdlog::level::trace;
    case log_level::debug:
      return spdlog::level::debug;
    case log_level::info:
      return spdlog::level::info;
    case log_level::warn:
      return spdlog::level::warn;
    case log_level::error:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

} // namespace

outcome<void> setup_logging(log_level level, const std::string& log_file) {
  shared_level = to_spdlog(level);
  shared_sinks.clear();
  shared_sinks.push_back(
    std::make_shared<spdlog::sinks::stdout_color_sink_mt>(spdlog::color_mode::automatic));
  shared_sinks.back()->set_pattern(line_pattern);
  log_file_sink.reset();
  log_file_path = log_file;
  if (!log_file.empty()) {
    try {
      log_file_sink = std::make_shared<spdlog::sinks::dist_sink_mt>(
        std::vector<spdlog::sink_ptr>{open_log_file(log_file)});
    } catch (const spdlog::spdlog_ex& failure) {
      return outcome<void>::failure(failure.what());
    }
    shared_sinks.push_back(log_file_sink);
  }
  return outcome<void>::success();
}

outcome<void> reopen_log_file() {
  if (!log_file_sink)
    return outcome<void>::success();
  try {
    auto reopened = open_log_file(log_file_path);
    log_file_sink->flush();
    log_file_sink->set_sinks({reopened});
  } catch (const spdlog::spdlog_ex& failure) {
    return outcome<void>::failure(failure.what());
  }
  return outcome<void>::success();
}

std::shared_ptr<spdlog::logger> make_logger(const std::string& name) {
  auto logger = std::make_shared<spdlog::logger>(name, shared_sinks.begin(), shared_sinks.end());
  logger->set_level(shared_level);
  // Warnings and errors reach the file at once; a crash must not swallow them.
  logger->flush_on(spdlog::level::warn);
  return logger;
}

} // namespace tmon
