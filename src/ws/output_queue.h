// OutputQueue: the bytes waiting to be written to one socket, in order: frames Beast serialised
// (replies, pong, close; copied in) and push frames shared with other sockets of the loop
// (referenced, not copied). A flush writes them with one writev for up to 64 pieces, so every
// frame pending for a socket leaves in one system call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include <boost/asio/buffer.hpp>

#include "net/stream.h"
#include "ws/shared_bytes.h"

namespace warren::ws {

class OutputQueue {
 public:
  // Copies all of `buffers` to the end.
  template <class ConstBufferSequence>
  std::size_t append_copy(const ConstBufferSequence& buffers) {
    std::string& tail = own_tail();
    std::size_t n = 0;
    for (auto it = boost::asio::buffer_sequence_begin(buffers);
         it != boost::asio::buffer_sequence_end(buffers); ++it) {
      const boost::asio::const_buffer b(*it);
      tail.append(static_cast<const char*>(b.data()), b.size());
      n += b.size();
    }
    size_ += n;
    return n;
  }

  // Appends `bytes` by reference. Empty bytes are ignored.
  void append_shared(SharedBytesPtr bytes);

  // Bytes not yet written.
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }

  // Writes as much as `stream` takes now, in gathered writes. Returns the bytes written; `ec` is
  // set on a hard error only (when the stream is full, empty() tells whether bytes remain).
  std::size_t write_to(net::Stream& stream, boost::system::error_code& ec);

  // Drops everything (the socket is gone) and gives back the memory.
  void clear() noexcept;

 private:
  struct Segment {
    SharedBytesPtr bytes;
    std::size_t offset = 0;
    bool own = false;  // created by append_copy: this queue may append to it
  };

  std::string& own_tail();
  void consume(std::size_t n) noexcept;

  std::vector<Segment> segments_;
  std::size_t head_ = 0;  // first segment not fully written
  std::size_t size_ = 0;
};

}  // namespace warren::ws
