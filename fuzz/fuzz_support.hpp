// What every fuzz target shares: the libFuzzer entry point and a check that stops the run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "messages/types.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace tmon::fuzz {

// An abort is what libFuzzer records as a crash and what fails a replay, so a broken rule is
// kept as a crash input just like a memory error.
inline void require(bool holds, const char* rule) {
  if (holds)
    return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", rule);
  std::abort();
}

// True when the parser refused the input; a refusal must say why.
template <class T>
bool refused(const outcome<T>& parsed) {
  if (parsed)
    return false;
  require(!parsed.error.empty(), "a refusal comes with a reason");
  return true;
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

} // namespace tmon::fuzz
