// Typed errors: every failure Warren reports is an Errc from the one table in errors.def, with
// its HTTP status, title and description template. Layers pass Error values up, never strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>
#include <fmt/format.h>

namespace warren {

enum class Errc : std::uint16_t {
#define WARREN_ERROR(name, status, title, description) name,
#include "common/errors.def"
#undef WARREN_ERROR
};

// One row of the table.
struct ErrorInfo {
  std::string_view name;
  int status;
  std::string_view title;
  std::string_view description;  // fmt template; empty = no description in the body
};

// The table row of `code`. Never fails: every Errc has a row.
const ErrorInfo& error_info(Errc code) noexcept;

// A failed operation: its code and the description with the arguments filled in.
struct Error {
  Errc code{};
  std::string description;
  // Zaqar titles some validation failures by where they happened (a queue PATCH reports them
  // as "Invalid request body", a PUT as "Invalid API request"): the title then comes from this
  // other row of the table. Status and description stay the code's.
  std::optional<Errc> titled_as;
  // Seconds after which a refused request may be tried again (HTTP's Retry-After), where the
  // refusal says so (rate limits).
  std::optional<std::uint32_t> retry_after;

  int status() const noexcept { return error_info(code).status; }
  std::string_view title() const noexcept {
    const std::string_view title = error_info(titled_as.value_or(code)).title;
    return title == "{}" ? std::string_view(description) : title;
  }
  // The description as the error body shows it: none when it serves as the title.
  std::string_view shown_description() const noexcept {
    return error_info(titled_as.value_or(code)).title == "{}" ? std::string_view() : description;
  }
  Error retitled(Errc title_source) && {
    titled_as = title_source;
    return std::move(*this);
  }
  friend bool operator==(const Error&, const Error&) = default;
};

// Builds the Error for `code`, formatting the table's description template with `args`.
template <class... Args>
Error make_error(Errc code, const Args&... args) {
  const ErrorInfo& info = error_info(code);
  if constexpr (sizeof...(Args) == 0) {
    return Error{code, std::string(info.description), std::nullopt, std::nullopt};
  } else {
    return Error{code, fmt::format(fmt::runtime(info.description), args...), std::nullopt,
                 std::nullopt};
  }
}

// The outcome of an operation that can fail: a T or an Error.
template <class T = void>
using Result = boost::system::result<T, Error>;

// Called by Result::value() on an error; Warren code checks has_value() instead, so reaching
// this is a programming error.
[[noreturn]] void throw_exception_from_error(const Error& error, const boost::source_location& loc);

}  // namespace warren
