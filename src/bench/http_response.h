// Minimal HTTP/1.x response framing for the load generator: the status line, the headers that
// decide where a response ends (Content-Length, Transfer-Encoding: chunked, Connection), and the
// body. Nothing else is parsed: the load client must cost less than the server it measures.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace warren::bench {

// One complete response.
struct Response {
  int status = 0;
  // The body: a view into the buffer given to ResponseFramer::next (Content-Length framing) or
  // into the framer's own storage (chunked). Valid until the next call to next().
  std::string_view body;
  // The server said `Connection: close` (or spoke HTTP/1.0 without keep-alive).
  bool close = false;
};

// Splits a byte stream into responses. Keeps its state between calls, so a response whose
// bytes arrive in several reads costs one header parse.
class ResponseFramer {
 public:
  enum class Status { kComplete, kIncomplete, kError };

  // Looks for one complete response at the start of `buf`. kComplete: `*out` holds it and
  // `*consumed` says how many bytes of `buf` it used (the caller drops them before the next
  // call). kIncomplete: more bytes are needed; call again with the same bytes plus more.
  // kError: the bytes are not an HTTP/1.x response; the connection is unusable.
  // `head_request`: the response answers a HEAD, so it has no body whatever its headers say.
  // `keep_body`: false when the caller ignores bodies; chunked bodies are then skipped, not
  // copied.
  Status next(std::string_view buf, bool head_request, bool keep_body, Response* out,
              std::size_t* consumed);

  // At end of stream: a response delimited by the connection close (no Content-Length, not
  // chunked) is complete now. Returns true and fills `*out` if there was one.
  bool finish_at_eof(std::string_view buf, Response* out);

  // Forgets any partial response (after a reconnect).
  void reset() noexcept {
    state_ = State{};
    skipped_ = 0;
    chunked_body_.clear();
  }

 private:
  enum class Framing { kNone, kLength, kChunked, kUntilClose };
  struct State {
    bool have_head = false;
    int status = 0;
    bool close = false;
    Framing framing = Framing::kNone;
    std::size_t head_len = 0;  // bytes of status line + headers + blank line
    std::uint64_t content_length = 0;
    std::size_t chunk_pos = 0;  // chunked: offset of the next chunk-size line in buf
  };
  Status parse_head(std::string_view buf, bool head_request);
  Status parse_chunks(std::string_view buf, bool keep_body, std::size_t* end);

  State state_;
  std::size_t skipped_ = 0;  // bytes of interim (1xx) responses before the current one
  std::string chunked_body_;
};

}  // namespace warren::bench
