// TlsHandshake: the server side of one TLS handshake, between accept and the protocol. It holds
// the connection's place under the connection limit while it lasts, is bounded by a deadline
// (the loop's coarse tick closes a stalled or slow one), and leaves nothing behind when it fails
// (the socket closes, the slot is given back). A handshake that succeeds hands a TLS Stream and
// the slot to the protocol layer.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/ip/tcp.hpp>

#include "net/connection.h"
#include "net/connection_limit.h"
#include "net/event_loop.h"
#include "net/stream.h"
#include "net/tls_stream.h"

namespace warren::net {

// Takes over a connection whose handshake succeeded (loop thread).
using TlsEstablished = std::function<void(EventLoop&, Stream, ConnectionLimit::Slot)>;

class TlsHandshake final : public Connection {
 public:
  // Starts the handshake of `socket` on `loop` with a session of `context`; it must end within
  // `timeout`. `established` (which must outlive the handshake) is called on success only.
  static void start(EventLoop& loop, boost::asio::ip::tcp::socket socket,
                    ConnectionLimit::Slot slot, TlsContextPtr context,
                    std::chrono::milliseconds timeout, const TlsEstablished& established);

  ~TlsHandshake() override;

  void check_deadline(SteadyTime now) override;
  void begin_shutdown() override;
  void force_close() override;

 private:
  TlsHandshake(EventLoop& loop, std::shared_ptr<TlsStream> tls, ConnectionLimit::Slot slot,
               SteadyTime deadline);
  static void finish(std::unique_ptr<TlsHandshake> self, const boost::system::error_code& ec,
                     const TlsEstablished& established);

  EventLoop& loop_;
  std::shared_ptr<TlsStream> tls_;
  ConnectionLimit::Slot slot_;
  SteadyTime deadline_;
  bool closed_ = false;
};

}  // namespace warren::net
