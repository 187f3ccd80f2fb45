// WsOptions: limits and timeouts of WebSocket connections (`warren serve --ws-*`).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace warren::ws {

// Close codes Warren sends besides Beast's own (protocol error 1002, bad payload 1007, message
// too big 1009).
inline constexpr std::uint16_t kCloseGoingAway = 1001;     // server shutting down
inline constexpr std::uint16_t kCloseSlowConsumer = 1008;  // policy: send buffer overflowed

struct WsOptions {
  // A message (all its fragments) bigger than this closes the connection with 1009.
  std::size_t max_message_bytes = 1024 * 1024;
  // Bytes queued for one socket at most. A push that would go beyond closes the socket with
  // 1008 (the slow-subscriber policy, docs/websocket.md); a reply beyond it waits (the socket's
  // next request is not read until the peer has read enough).
  std::size_t max_send_buffer = 1024 * 1024;
  // permessage-deflate (RFC 7692) offered to clients that ask; replies are then compressed,
  // pushes never are (they are encoded once for all subscribers).
  bool permessage_deflate = false;
  // How long the opening handshake, and the closing handshake, may take.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds close_timeout{std::chrono::seconds(5)};
  // Queued output that makes no progress this long closes the socket.
  std::chrono::milliseconds write_stall_timeout{std::chrono::seconds(60)};
  // Pushes to a socket may wait this long from the first push waiting on the loop, so that
  // several notifications leave in one write (0: at the end of the loop turn, like replies).
  std::chrono::milliseconds push_delay{0};
};

}  // namespace warren::ws
