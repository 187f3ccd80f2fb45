// The storage contract's defaults: what an engine that does not offer an optional capability
// answers.
#include "store/store.h"

namespace warren::store {

Async<TokenGrant> Store::take_tokens(std::string_view bucket, std::uint64_t rate,
                                     std::uint64_t least, std::uint64_t most, TimeMs now) {
  (void)bucket, (void)rate, (void)least, (void)most, (void)now;
  co_return make_error(Errc::internal, "This storage engine keeps no shared rate buckets.");
}

}  // namespace warren::store
