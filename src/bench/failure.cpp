// Failure: the unreachable path of Outcome::value() on an error.
#include "bench/failure.h"

#include <cstdio>
#include <cstdlib>

namespace warren::bench {

void throw_exception_from_error(const Failure& failure, const boost::source_location& loc) {
  std::fprintf(stderr, "warren bench: unchecked failure at %s:%u: %s\n", loc.file_name(),
               static_cast<unsigned>(loc.line()), failure.message.c_str());
  std::abort();
}

}  // namespace warren::bench
