// The little cryptography and encoding that signed webhooks and e-mail need, on OpenSSL's
// libcrypto, which libcurl loads anyway.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace tmon {

// The raw 32-byte HMAC-SHA256 of `message` under `key`.
std::string hmac_sha256(std::string_view key, std::string_view message);

// Standard base64 with padding, on one line.
std::string base64(std::string_view bytes);

// `text` with every byte but RFC 3986's unreserved characters written as %XX.
std::string percent_encode(std::string_view text);

// A 64-bit FNV-1a hash: tells configured targets apart without keeping their secrets.
std::uint64_t fnv1a64(std::string_view bytes);

} // namespace tmon
