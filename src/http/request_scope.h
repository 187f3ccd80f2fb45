// RequestScope: what a handler may learn from its connection about the request it answers,
// beyond the request's bytes: when the answer stops being wanted. This is how request handling
// is cancelled (a long poll parks a request for many seconds: it must end when the server
// stops or the client leaves).
#pragma once

#include <string>

#include <boost/asio/cancellation_signal.hpp>

namespace warren::http {

class RequestScope {
 public:
  virtual ~RequestScope() = default;

  // A slot the connection emits while this request is being handled:
  // - cancellation_type::total when the server begins shutting down: answer at once with what
  //   there is (the client still reads the answer);
  // - cancellation_type::terminal when the connection closes (forced shutdown, or the peer left
  //   while watch_peer() was on): nobody will read the answer.
  // Bind at most one operation at a time to it (Asio's rule for slots), e.g.
  // timer.async_wait(bind_cancellation_slot(scope.cancellation_slot(), use_awaitable)).
  virtual boost::asio::cancellation_slot cancellation_slot() noexcept = 0;

  // Also emits terminal when the peer closes its end while this request is handled. Costs a
  // wait on the socket, so only a handler about to wait long asks for it; it ends with the
  // request. Bytes of a pipelined next request end the watch without cancelling anything.
  // Does nothing on a stream that cannot be watched without reading it (TLS, later).
  virtual void watch_peer() = 0;

  // The client's address ("203.0.113.5:41000"), for logs; "" when unknown. Not free (a system
  // call): for refusals and errors, not every request.
  virtual std::string peer_address() const { return {}; }
};

}  // namespace warren::http
