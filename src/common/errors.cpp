// The error table compiled from errors.def.
#include "common/errors.h"

#include <array>
#include <stdexcept>

namespace warren {
namespace {

constexpr std::array kErrorTable = {
#define WARREN_ERROR(name, status, title, description) \
  ErrorInfo{#name, status, title, description},
#include "common/errors.def"
#undef WARREN_ERROR
};

}  // namespace

const ErrorInfo& error_info(Errc code) noexcept {
  return kErrorTable[static_cast<std::size_t>(code)];
}

void throw_exception_from_error(const Error& error, const boost::source_location& loc) {
  throw std::logic_error(fmt::format("unchecked Result holding {} ({}) at {}:{}",
                                     error_info(error.code).name, error.description,
                                     loc.file_name(), loc.line()));
}

}  // namespace warren
