// A result that is either a value or a sentence saying why there is none: the error form of
// the pure logic, free of CAF so that it crosses no actor boundary by accident.
#pragma once

#include <optional>
#include <string>
#include <utility>

namespace tmon {

// A value, or a sentence that says why there is none.
template <class T>
struct outcome {
  std::optional<T> value;
  std::string error;

  static outcome success(T x) { return outcome{std::move(x), {}}; }

  static outcome failure(std::string why) { return outcome{std::nullopt, std::move(why)}; }

  explicit operator bool() const { return value.has_value(); }

  // The value; only after checking that there is one, as with std::optional.
  T& operator*() { return *value; }
  const T& operator*() const { return *value; }
  T* operator->() { return &*value; }
  const T* operator->() const { return &*value; }
};

// Done, or a sentence that says why not.
template <>
struct outcome<void> {
  bool done = false;
  std::string error;

  static outcome success() { return outcome{true, {}}; }

  static outcome failure(std::string why) { return outcome{false, std::move(why)}; }

  explicit operator bool() const { return done; }
};

} // namespace tmon
