// UpgradeHandler: the seam where a connection leaves HTTP for another protocol (WebSocket).
// The HTTP connection asks it about every request that carries "Connection: upgrade" with an
// Upgrade header; if it accepts, the connection writes out the responses it still owes earlier
// pipelined requests, stops serving HTTP and hands over its stream, its place under the
// connection limit, the upgrade request and the bytes it had already read past that request.
// http/ knows nothing of the protocol taken over.
#pragma once

#include <string_view>

#include "http/request.h"
#include "net/connection_limit.h"
#include "net/event_loop.h"
#include "net/stream.h"

namespace warren::http {

class UpgradeHandler {
 public:
  virtual ~UpgradeHandler() = default;

  // True if this handler takes over connections asking for what `request` asks. Called only for
  // complete requests with request.upgrade set. A request it declines is answered as plain HTTP.
  virtual bool accepts(const Request& request) const = 0;

  // Owns `stream` and `slot` from here (the HTTP connection forgets them). `request` and
  // `leftover` (bytes read after the request, in order) are valid only during the call, which
  // must not block.
  virtual void take_over(net::EventLoop& loop, net::Stream stream, net::ConnectionLimit::Slot slot,
                         const Request& request, std::string_view leftover) = 0;
};

}  // namespace warren::http
