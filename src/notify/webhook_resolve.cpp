// resolve_webhook_target: Asio's async resolver raced against a timer, then the policy.
#include "notify/webhook_resolve.h"

#include <memory>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "notify/address_policy.h"

namespace warren::notify {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Filled by the resolver's completion, which may come after the waiter gave up (Asio cannot
// interrupt a getaddrinfo call): shared, so either side may finish last.
struct Lookup {
  explicit Lookup(const asio::any_io_executor& executor) : timer(executor) {}
  asio::steady_timer timer;
  bool done = false;
  boost::system::error_code error;
  tcp::resolver::results_type results;
};

void add(ResolvedTarget& out, const tcp::endpoint& endpoint, bool allow_private) {
  const auto why = allow_private ? std::nullopt : refused_range(endpoint.address());
  if (!why) {
    out.allowed.push_back(endpoint);
  } else if (!out.refused) {
    out.refused = endpoint.address();
    out.refused_why = *why;
  }
}

}  // namespace

asio::awaitable<ResolvedTarget> resolve_webhook_target(const WebhookTarget& target,
                                                       bool allow_private,
                                                       std::chrono::milliseconds timeout) {
  ResolvedTarget out;
  const auto port = static_cast<unsigned short>(std::stoi(target.port));
  if (target.literal) {
    add(out, tcp::endpoint(*target.literal, port), allow_private);
    co_return out;
  }
  const auto executor = co_await asio::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(executor);
  auto lookup = std::make_shared<Lookup>(executor);
  lookup->timer.expires_after(timeout);
  resolver->async_resolve(target.host, target.port,
                          [lookup, resolver](const boost::system::error_code& error,
                                             tcp::resolver::results_type results) {
                            lookup->done = true;
                            lookup->error = error;
                            lookup->results = std::move(results);
                            lookup->timer.cancel();
                          });
  auto [waited] = co_await lookup->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  (void)waited;
  if (!lookup->done) {
    resolver->cancel();
    out.failed = true;
    co_return out;
  }
  if (lookup->error || lookup->results.empty()) {
    out.failed = true;
    co_return out;
  }
  for (const auto& entry : lookup->results) add(out, entry.endpoint(), allow_private);
  co_return out;
}

}  // namespace warren::notify
