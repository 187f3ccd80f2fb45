// OutputQueue: segment bookkeeping and the gathered write.
#include "ws/output_queue.h"

#include <array>
#include <span>

namespace warren::ws {
namespace {

constexpr std::size_t kMaxPieces = 64;    // iovecs per sendmsg
constexpr std::size_t kKeptSegments = 8;  // capacity kept when the queue empties

}  // namespace

void OutputQueue::append_shared(SharedBytesPtr bytes) {
  if (!bytes || bytes->size() == 0) return;
  size_ += bytes->size();
  segments_.push_back(Segment{std::move(bytes), 0, false});
}

std::string& OutputQueue::own_tail() {
  if (segments_.size() > head_ && segments_.back().own) {
    return segments_.back().bytes->mutable_bytes();
  }
  segments_.push_back(Segment{make_shared_bytes(), 0, true});
  return segments_.back().bytes->mutable_bytes();
}

std::size_t OutputQueue::write_to(net::Stream& stream, boost::system::error_code& ec) {
  std::size_t written = 0;
  while (size_ > 0) {
    std::array<iovec, kMaxPieces> pieces;
    std::size_t count = 0;
    for (std::size_t i = head_; i < segments_.size() && count < kMaxPieces; ++i) {
      const Segment& s = segments_[i];
      const std::string_view bytes = s.bytes->view();
      pieces[count++] = iovec{const_cast<char*>(bytes.data() + s.offset), bytes.size() - s.offset};
    }
    const std::size_t n = stream.write_gathered(std::span(pieces.data(), count), ec);
    if (n == 0) break;  // full (or failed: ec says which)
    consume(n);
    written += n;
  }
  return written;
}

void OutputQueue::consume(std::size_t n) noexcept {
  size_ -= n;
  while (n > 0) {
    Segment& s = segments_[head_];
    const std::size_t left = s.bytes->size() - s.offset;
    if (n < left) {
      s.offset += n;
      return;
    }
    n -= left;
    s.bytes.reset();
    ++head_;
  }
  if (head_ == segments_.size()) {
    segments_.clear();
    head_ = 0;
    if (segments_.capacity() > kKeptSegments) std::vector<Segment>().swap(segments_);
  } else if (head_ > 32 && head_ * 2 > segments_.size()) {
    segments_.erase(segments_.begin(), segments_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void OutputQueue::clear() noexcept {
  std::vector<Segment>().swap(segments_);
  head_ = 0;
  size_ = 0;
}

}  // namespace warren::ws
