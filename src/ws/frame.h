// Server-to-client WebSocket frames (RFC 6455 §5.2) built by hand for pushes: one unfragmented,
// unmasked, uncompressed data frame per message. (Beast builds every other frame.) Uncompressed
// frames are valid on a connection that negotiated permessage-deflate (RSV1 clear), so one
// encoded push serves every subscriber whatever each negotiated.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace warren::ws {

enum class Opcode : std::uint8_t { text = 0x1, binary = 0x2 };

// The header of a final, unmasked data frame carrying `payload_size` bytes (2 to 10 bytes).
void append_frame_header(std::string& out, Opcode opcode, std::uint64_t payload_size);

// Header and payload.
inline void append_frame(std::string& out, Opcode opcode, std::string_view payload) {
  append_frame_header(out, opcode, payload.size());
  out.append(payload);
}

}  // namespace warren::ws
