// WsOptions: limits and timeouts of WebSocket connections (`warren serve --ws-*`).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

#include "net/buffer_budget.h"

namespace warren::ws {

// Close codes Warren sends besides Beast's own (protocol error 1002, bad payload 1007, message
// too big 1009).
inline constexpr std::uint16_t kCloseGoingAway = 1001;     // server shutting down
inline constexpr std::uint16_t kCloseSlowConsumer = 1008;  // policy: send buffer overflowed
inline constexpr std::uint16_t kClosePolicy = 1008;        // policy: a message took too long
inline constexpr std::uint16_t kCloseTryAgainLater = 1013;  // the process's buffers are full

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
  // A message must have arrived whole this long after its first byte (the HTTP request
  // deadline, --request-timeout): trickled bytes extend nothing; past it the socket is closed
  // with 1008. An idle socket between messages has no deadline.
  std::chrono::milliseconds message_timeout{std::chrono::seconds(60)};
  // The process's bound on bytes buffered for requests still arriving, shared with HTTP
  // (owned by the server; null: unbounded). A message that would pass it closes the socket with
  // 1013 (try again later).
  net::BufferBudget* buffer_budget = nullptr;
  // Pushes to a socket may wait this long from the first push waiting on the loop, so that
  // several notifications leave in one write (0: at the end of the loop turn, like replies).
  std::chrono::milliseconds push_delay{0};
};

}  // namespace warren::ws
