// The error type of the load generator's own set-up steps (bad URL, unreachable server, bad
// option): a message for the operator. Request failures during a run are counted, not returned.
#pragma once

#include <string>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace warren::bench {

struct Failure {
  std::string message;
};

// A T or a Failure.
template <class T = void>
using Outcome = boost::system::result<T, Failure>;

// Called by Outcome::value() on a failure; bench code checks has_value() instead, so reaching
// this is a programming error.
[[noreturn]] void throw_exception_from_error(const Failure& failure,
                                             const boost::source_location& loc);

}  // namespace warren::bench
