// must() and error_of(): how the store tests unwrap a Result that has to hold a value, or has
// to hold an error. Either stops the test at the first surprise, naming the error, by throwing
// UnexpectedError (GoogleTest reports it as the test's failure).
#pragma once

#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <fmt/format.h>

#include "common/errors.h"

namespace warren::store::testing {

struct UnexpectedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline std::string describe(const Error& error) {
  return fmt::format("unexpected error {} ({})", error_info(error.code).name, error.description);
}

// The value of a result that must have succeeded.
template <class T>
T must(Result<T> result) {
  if (!result) throw UnexpectedError(describe(result.error()));
  if constexpr (!std::is_void_v<T>) return std::move(*result);
}

// The code of a result that must have failed.
template <class T>
Errc error_of(const Result<T>& result) {
  if (result) throw UnexpectedError("expected an error, the operation succeeded");
  return result.error().code;
}

}  // namespace warren::store::testing
