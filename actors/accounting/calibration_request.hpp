// A calibration asked for by `traffic-monitor calibrate` of a running monitor: a small file in
// DATA_DIR that the monitor's accounting applies and then removes. Its id, recorded in the
// state in the same write as the adjustment, keeps a request from being applied twice when a
// process stops between the two steps; a lock file keeps the command and the monitor from
// taking the request at the same time.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/moment.hpp"
#include "common/outcome.hpp"

namespace tmon {

struct calibration_request {
  // Unique per request: 32 hexadecimal digits.
  std::string id;
  // The counted usage the open cycle is to show.
  std::uint64_t used_bytes = 0;
  moment requested_at;
};

bool operator==(const calibration_request& x, const calibration_request& y);

// A fresh random id.
std::string new_calibration_id();

std::string encode_calibration_request(const calibration_request& request);

// Fails with a sentence for anything but encode_calibration_request's form.
outcome<calibration_request> decode_calibration_request(std::string_view text);

std::string calibration_request_path(const std::string& data_dir);

// An exclusive lock on DATA_DIR/calibration.lock for as long as it lives; released with the
// process too when it is killed. Waits for the other side's, which is held only for a few
// file operations.
class calibration_lock {
public:
  static outcome<calibration_lock> take(const std::string& data_dir);
  calibration_lock(calibration_lock&& other) noexcept;
  calibration_lock& operator=(calibration_lock&&) = delete;
  calibration_lock(const calibration_lock&) = delete;
  calibration_lock& operator=(const calibration_lock&) = delete;
  ~calibration_lock();

private:
  explicit calibration_lock(int descriptor) : descriptor_(descriptor) {}
  int descriptor_ = -1;
};

// The pending request, if any; a failure when it cannot be read or decoded. Call with the
// lock held.
outcome<std::optional<calibration_request>> pending_calibration(const std::string& data_dir);

// Writes the request, replacing any pending one (the newest calibration is the one meant).
// Call with the lock held.
outcome<void> submit_calibration(const std::string& data_dir, const calibration_request& request);

// Removes the pending request; no failure when there is none. Call with the lock held.
outcome<void> withdraw_calibration(const std::string& data_dir);

} // namespace tmon
