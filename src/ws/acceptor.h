// WsAcceptor: the WebSocket side of the HTTP upgrade seam. Accepts every GET that asks for
// "Upgrade: websocket" (on any path), and starts a Session for it on the connection's own loop;
// Beast then validates the rest of the handshake (and answers 400/426 itself if it fails).
// Owns one LoopWriter per event loop. WsOnlyHandler answers plain HTTP requests on a port that
// serves WebSocket only (--ws-listen).
#pragma once

#include <memory>
#include <vector>

#include "http/handler.h"
#include "http/upgrade.h"
#include "net/loop_group.h"
#include "ws/loop_writer.h"
#include "ws/options.h"
#include "ws/session.h"

namespace warren::ws {

class WsAcceptor final : public http::UpgradeHandler {
 public:
  // `loops` and `factory` must outlive the acceptor (and every session).
  WsAcceptor(net::LoopGroup& loops, const WsOptions& options, HandlerFactory& factory);

  bool accepts(const http::Request& request) const override;
  void take_over(net::EventLoop& loop, net::Stream stream,
                 net::ConnectionLimit::Slot slot, const http::Request& request,
                 std::string_view leftover) override;

  const WsOptions& options() const noexcept { return options_; }
  LoopWriter& writer(unsigned loop_index) noexcept { return *writers_[loop_index]; }

 private:
  WsOptions options_;
  HandlerFactory& factory_;
  std::vector<std::unique_ptr<LoopWriter>> writers_;
};

// The HTTP handler of a WebSocket-only port: any request that is not an upgrade gets 426.
class WsOnlyHandler final : public http::Handler {
 public:
  boost::asio::awaitable<void> handle(http::Request& request,
                                      http::ResponseWriter& response) override;
};

}  // namespace warren::ws
