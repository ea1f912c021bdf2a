// Runs a fuzz target, without libFuzzer, on every file of the directories given: its seed
// corpus and its crash regressions. Any compiler builds it, so the inputs that once crashed
// stay tested in the ordinary test suite.

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_support.hpp"

namespace {

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

} // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: " << argv[0] << " DIRECTORY...\n";
    return 2;
  }
  std::size_t replayed = 0;
  for (int i = 1; i < argc; ++i) {
    const std::filesystem::path directory = argv[i];
    if (!std::filesystem::is_directory(directory)) {
      std::cerr << directory.string() << " is not a directory\n";
      return 2;
    }
    std::vector<std::filesystem::path> inputs;
    for (const auto& entry : std::filesystem::directory_iterator(directory))
      if (entry.is_regular_file())
        inputs.push_back(entry.path());
    std::sort(inputs.begin(), inputs.end());
    for (const auto& input : inputs) {
      // Named before it runs: when the target aborts, the last name printed is the culprit.
      std::cout << input.string() << std::endl;
      const auto bytes = file_bytes(input);
      LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
      ++replayed;
    }
  }
  // A corpus that went missing must not pass as a run of nothing.
  if (replayed == 0) {
    std::cerr << "no inputs found\n";
    return 1;
  }
  std::cout << "replayed " << replayed << " inputs\n";
  return 0;
}
