#include "actors/accounting/calibration_request.hpp"

#include <cerrno>
#include <random>
#include <utility>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/files.hpp"

namespace tmon {

bool operator==(const calibration_request& x, const calibration_request& y) {
  return x.id == y.id && x.used_bytes == y.used_bytes && x.requested_at == y.requested_at;
}

std::string new_calibration_id() {
  std::random_device entropy;
  std::string id;
  for (int part = 0; part < 4; ++part)
    id += fmt::format("{:08x}", entropy());
  return id;
}

std::string encode_calibration_request(const calibration_request& request) {
  return nlohmann::json{{"id", request.id},
                        {"used_bytes", request.used_bytes},
                        {"requested_at", to_epoch_seconds(request.requested_at)}}
           .dump()
         + "\n";
}

outcome<calibration_request> decode_calibration_request(std::string_view text) {
  const auto refused = [](const std::string& why) {
    return outcome<calibration_request>::failure("the calibration request is invalid: " + why);
  };
  const auto document = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (document.is_discarded() || !document.is_object())
    return refused("it is not a JSON object");
  const auto id = document.find("id");
  const auto used = document.find("used_bytes");
  const auto at = document.find("requested_at");
  if (id == document.end() || !id->is_string() || id->get<std::string>().empty())
    return refused("\"id\" must be a non-empty string");
  if (used == document.end() || !used->is_number_unsigned())
    return refused("\"used_bytes\" must be a non-negative integer");
  if (at == document.end() || !at->is_number_integer())
    return refused("\"requested_at\" must be a whole number of seconds");
  return outcome<calibration_request>::success({id->get<std::string>(), used->get<std::uint64_t>(),
                                                from_epoch_seconds(at->get<std::int64_t>())});
}

std::string calibration_request_path(const std::string& data_dir) {
  return data_dir + "/calibration-request.json";
}

outcome<calibration_lock> calibration_lock::take(const std::string& data_dir) {
  const std::string path = data_dir + "/calibration.lock";
  const int descriptor = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (descriptor < 0)
    return outcome<calibration_lock>::failure(cannot_sentence("open", path, errno));
  int locked;
  do
    locked = ::flock(descriptor, LOCK_EX);
  while (locked != 0 && errno == EINTR);
  if (locked != 0) {
    const int error = errno;
    ::close(descriptor);
    return outcome<calibration_lock>::failure(cannot_sentence("lock", path, error));
  }
  return outcome<calibration_lock>::success(calibration_lock{descriptor});
}

calibration_lock::calibration_lock(calibration_lock&& other) noexcept
    : descriptor_(std::exchange(other.descriptor_, -1)) {}

calibration_lock::~calibration_lock() {
  if (descriptor_ >= 0)
    ::close(descriptor_);
}

outcome<std::optional<calibration_request>> pending_calibration(const std::string& data_dir) {
  using result = outcome<std::optional<calibration_request>>;
  const auto text = read_file_if_present(calibration_request_path(data_dir));
  if (!text)
    return result::failure(text.error);
  if (!*text)
    return result::success(std::nullopt);
  auto request = decode_calibration_request(**text);
  if (!request)
    return result::failure(std::move(request.error));
  return result::success(std::move(*request));
}

outcome<void> submit_calibration(const std::string& data_dir, const calibration_request& request) {
  return replace_file(calibration_request_path(data_dir), encode_calibration_request(request));
}

outcome<void> withdraw_calibration(const std::string& data_dir) {
  return remove_file_if_present(calibration_request_path(data_dir));
}

} // namespace tmon
