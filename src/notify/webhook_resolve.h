// Resolving a webhook's host and applying the address policy to what it resolves to: the
// check at subscription time and the sender's connect use the same steps, so a name that
// resolved to a public address then and to 127.0.0.1 now (DNS rebinding) is refused at connect.
// An IP literal needs no lookup. The lookup runs on the calling coroutine's executor (Asio's
// resolver thread, never blocking the loop) and is waited for at most `timeout`.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "notify/webhook_url.h"

namespace warren::notify {

struct ResolvedTarget {
  bool failed = false;  // the name did not resolve (an error, no address, or the timeout)
  std::vector<boost::asio::ip::tcp::endpoint> allowed;  // in the resolver's order
  // The first address the policy refused, and why; allowed holds none of them.
  std::optional<boost::asio::ip::address> refused;
  std::string_view refused_why;
};

// The addresses of `target` split by the address policy (all allowed with `allow_private`).
boost::asio::awaitable<ResolvedTarget> resolve_webhook_target(const WebhookTarget& target,
                                                              bool allow_private,
                                                              std::chrono::milliseconds timeout);

}  // namespace warren::notify
