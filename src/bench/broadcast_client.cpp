// BroadcastClients: connecting, the handshake, frames in and out, and one measured step.
#include "bench/broadcast_client.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include "bench/clock.h"

namespace warren::bench {
namespace {

constexpr std::size_t kReadBuffer = 256 * 1024;
constexpr int kMaxHandshaking = 256;  // connections opening at once

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
         usage.ru_stime.tv_usec / 1e6;
}

// The integer after `key` in `text`, or -1.
std::int64_t number_after(std::string_view text, std::string_view key, std::size_t& pos) {
  const std::size_t at = text.find(key, pos);
  if (at == std::string_view::npos) return -1;
  const char* begin = text.data() + at + key.size();
  std::int64_t value = -1;
  const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc()) return -1;
  pos = static_cast<std::size_t>(end - text.data());
  return value;
}

}  // namespace

struct BroadcastClients::Conn {
  enum class State { connecting, handshaking, subscribing, open, closed };
  int fd = -1;
  int index = 0;
  State state = State::connecting;
  std::string in;        // bytes of an incomplete frame (or of the handshake answer)
  std::string out;       // bytes not yet written
  bool writing = false;  // EPOLLOUT registered
  bool dirty = false;    // has output to flush this turn
  bool listed = false;   // in this turn's list of connections to flush
};

BroadcastClients::BroadcastClients(BroadcastTarget target)
    : target_(std::move(target)), epoll_(epoll_create1(EPOLL_CLOEXEC)), buffer_(kReadBuffer) {}

BroadcastClients::~BroadcastClients() {
  close_all();
  if (epoll_ >= 0) ::close(epoll_);
}

std::string BroadcastClients::envelope(std::string_view action, std::string_view body) const {
  return fmt::format(
      R"({{"action":"{}","headers":{{"Client-ID":"{}","X-Project-ID":"{}"}},"body":{}}})", action,
      target_.client_id, target_.project, body);
}

void BroadcastClients::add_connection() {
  auto conn = std::make_unique<Conn>();
  conn->index = static_cast<int>(conns_.size());
  conn->fd = ::socket(target_.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (conn->fd < 0) {
    conn->state = Conn::State::closed;
    ++dropped_;
    conns_.push_back(std::move(conn));
    return;
  }
  const int one = 1;
  setsockopt(conn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const int rc =
      ::connect(conn->fd, reinterpret_cast<const sockaddr*>(&target_.addr), target_.addr_len);
  if (rc != 0 && errno != EINPROGRESS) {
    ::close(conn->fd);
    conn->fd = -1;
    conn->state = Conn::State::closed;
    ++dropped_;
    conns_.push_back(std::move(conn));
    return;
  }
  conn->out = fmt::format(
      "GET {} HTTP/1.1\r\nHost: {}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
      target_.path, target_.host_header);
  conn->writing = true;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.ptr = conn.get();
  epoll_ctl(epoll_, EPOLL_CTL_ADD, conn->fd, &ev);
  conns_.push_back(std::move(conn));
}

void BroadcastClients::send_frame(Conn& c, std::string_view payload) {
  if (c.state == Conn::State::closed) return;
  std::string& out = c.out;
  out.push_back(static_cast<char>(0x81));  // FIN, text
  const std::size_t n = payload.size();
  if (n < 126) {
    out.push_back(static_cast<char>(0x80 | n));
  } else if (n <= 0xFFFF) {
    out.push_back(static_cast<char>(0x80 | 126));
    out.push_back(static_cast<char>(n >> 8));
    out.push_back(static_cast<char>(n & 0xFF));
  } else {
    out.push_back(static_cast<char>(0x80 | 127));
    for (int shift = 56; shift >= 0; shift -= 8)
      out.push_back(static_cast<char>((n >> shift) & 0xFF));
  }
  out.append(4, '\0');  // masking key 0: the payload goes as is
  out.append(payload);
  c.dirty = true;
}

void BroadcastClients::flush(Conn& c) {
  c.dirty = false;
  if (c.state == Conn::State::closed || c.state == Conn::State::connecting) return;
  while (!c.out.empty()) {
    const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
    if (n > 0) {
      c.out.erase(0, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    drop(c);
    return;
  }
  const bool want = !c.out.empty();
  if (want != c.writing) {
    c.writing = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  }
}

void BroadcastClients::drop(Conn& c) {
  if (c.state == Conn::State::closed) return;
  c.state = Conn::State::closed;
  if (c.fd >= 0) {
    epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
  }
  std::string().swap(c.in);
  std::string().swap(c.out);
  ++dropped_;
}

void BroadcastClients::poll(int timeout_ms) {
  epoll_event events[1024];
  const int n = epoll_wait(epoll_, events, 1024, timeout_ms);
  for (int i = 0; i < n; ++i) {
    Conn& c = *static_cast<Conn*>(events[i].data.ptr);
    if (c.state == Conn::State::closed) continue;
    if (events[i].events & EPOLLOUT) {
      if (c.state == Conn::State::connecting) {
        int error = 0;
        socklen_t len = sizeof error;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &len);
        if (error != 0) {
          drop(c);
          continue;
        }
        c.state = Conn::State::handshaking;
      }
      flush(c);
    }
    if (c.state != Conn::State::closed && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
      on_readable(c);
    }
  }
}

void BroadcastClients::on_readable(Conn& c) {
  std::size_t have = c.in.size();
  if (have > 0) {
    if (have > buffer_.size() / 2) buffer_.resize(have * 2 + kReadBuffer);
    std::memcpy(buffer_.data(), c.in.data(), have);
  }
  const ssize_t n = ::read(c.fd, buffer_.data() + have, buffer_.size() - have);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
    drop(c);
    return;
  }
  if (n < 0) return;
  have += static_cast<std::size_t>(n);
  char* data = buffer_.data();
  if (c.state == Conn::State::handshaking) {
    const std::string_view head(data, have);
    const std::size_t end = head.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      c.in.assign(data, have);
      return;
    }
    if (!head.starts_with("HTTP/1.1 101")) {
      drop(c);
      return;
    }
    c.state = Conn::State::subscribing;
    send_frame(c, envelope("subscription_create",
                           fmt::format(R"({{"queue_name":"{}","ttl":3600}})", target_.queue)));
    flush(c);
    data += end + 4;
    have -= end + 4;
  }
  parse_frames(c, data, have);
}

void BroadcastClients::parse_frames(Conn& c, char* data, std::size_t size) {
  std::size_t pos = 0;
  while (size - pos >= 2) {
    const auto b0 = static_cast<unsigned char>(data[pos]);
    const auto b1 = static_cast<unsigned char>(data[pos + 1]);
    std::size_t header = 2;
    std::uint64_t length = b1 & 0x7F;
    if (length == 126) {
      if (size - pos < 4) break;
      length = (static_cast<std::uint64_t>(static_cast<unsigned char>(data[pos + 2])) << 8) |
               static_cast<unsigned char>(data[pos + 3]);
      header = 4;
    } else if (length == 127) {
      if (size - pos < 10) break;
      length = 0;
      for (int i = 0; i < 8; ++i)
        length = (length << 8) | static_cast<unsigned char>(data[pos + 2 + i]);
      header = 10;
    }
    if (b1 & 0x80) header += 4;  // servers do not mask; skip a key if one came
    if (size - pos < header + length) break;
    const std::string_view payload(data + pos + header, length);
    const unsigned opcode = b0 & 0x0F;
    pos += header + length;
    if (opcode == 0x1 || opcode == 0x2) {
      on_message(c, payload);
    } else if (opcode == 0x8) {
      drop(c);
      return;
    } else if (opcode == 0x9) {
      c.out.push_back(static_cast<char>(0x8A));  // pong with the ping's payload
      c.out.push_back(static_cast<char>(0x80 | payload.size()));
      c.out.append(4, '\0');
      c.out.append(payload);
      flush(c);
    }
    if (c.state == Conn::State::closed) return;
  }
  c.in.assign(data + pos, size - pos);
}

void BroadcastClients::on_message(Conn& c, std::string_view payload) {
  if (payload.starts_with("{\"request\"")) {
    std::size_t pos = payload.rfind("\"status\":");
    if (pos == std::string_view::npos) pos = 0;
    const int status = static_cast<int>(number_after(payload, "\"status\":", pos));
    last_status_ = status;
    ++replies_;
    if (c.state == Conn::State::subscribing) {
      if (status == 201) {
        c.state = Conn::State::open;
      } else {
        drop(c);
      }
      return;
    }
    if (measuring_ && status != 201) ++reply_errors_;
    return;
  }
  if (!measuring_) return;
  std::size_t pos = 0;
  const std::int64_t sender = number_after(payload, "\"c\":", pos);
  const std::int64_t seq = number_after(payload, "\"s\":", pos);
  const std::int64_t sent = number_after(payload, "\"t\":", pos);
  const std::int64_t index = seq - seq_base_;
  if (index < 0 || index >= static_cast<std::int64_t>(received_.size())) return;
  ++received_[static_cast<std::size_t>(index)];
  ++step_pushes_;
  const std::int64_t now = now_ns();
  last_push_ns_ = now;
  if (sent > 0) {
    delivery_.record(now - sent);
    if (sender == c.index) rtts_ns_.push_back(now - sent);
  }
}

Outcome<void> BroadcastClients::connect_and_subscribe(int count, double timeout_s) {
  const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(timeout_s * kNsPerSec);
  int started = static_cast<int>(conns_.size());
  const int target = started + count;
  while (true) {
    int opening = 0;
    int ready = 0;
    for (const auto& c : conns_) {
      if (c->state == Conn::State::open) ++ready;
      if (c->state == Conn::State::connecting || c->state == Conn::State::handshaking ||
          c->state == Conn::State::subscribing) {
        ++opening;
      }
    }
    if (ready == target) return {};
    if (dropped_ > 0) {
      return Failure{
          fmt::format("{} of {} connections failed to open or subscribe", dropped_, target)};
    }
    while (started < target && opening < kMaxHandshaking) {
      add_connection();
      ++started;
      ++opening;
    }
    if (now_ns() > deadline) {
      return Failure{
          fmt::format("only {} of {} clients subscribed in {} s", ready, target, timeout_s)};
    }
    poll(10);
  }
}

Outcome<int> BroadcastClients::request(std::string_view action, std::string_view body_json,
                                       double timeout_s) {
  Conn* conn = nullptr;
  for (const auto& c : conns_) {
    if (c->state == Conn::State::open) {
      conn = c.get();
      break;
    }
  }
  if (conn == nullptr) return Failure{"no open connection"};
  const std::int64_t replies = replies_;
  send_frame(*conn, envelope(action, body_json));
  flush(*conn);
  const std::int64_t deadline = now_ns() + static_cast<std::int64_t>(timeout_s * kNsPerSec);
  while (replies_ == replies) {
    if (now_ns() > deadline) return Failure{fmt::format("no reply to {}", action)};
    poll(10);
  }
  return last_status_;
}

StepResult BroadcastClients::run_step(double rate, double seconds, double loss_timeout_s) {
  StepResult r;
  r.offered_posts_per_s = rate;
  std::vector<Conn*> senders;
  for (const auto& c : conns_) {
    if (c->state == Conn::State::open) senders.push_back(c.get());
  }
  if (senders.empty() || rate <= 0) return r;
  const int clients = static_cast<int>(senders.size());
  const auto total = static_cast<std::int64_t>(std::llround(rate * seconds));
  received_.assign(static_cast<std::size_t>(total), 0);
  rtts_ns_.clear();
  rtts_ns_.reserve(static_cast<std::size_t>(total));
  delivery_.reset();
  step_pushes_ = 0;
  reply_errors_ = 0;
  const int dropped_before = dropped_;
  measuring_ = true;
  const double cpu0 = cpu_seconds();
  const double interval = kNsPerSec / rate;
  const std::string pad(static_cast<std::size_t>(std::max(0, target_.payload_bytes)), 'x');
  std::vector<Conn*> dirty;
  const std::int64_t t0 = now_ns();
  last_push_ns_ = t0;
  std::int64_t k = 0;
  std::int64_t last_send = t0;
  while (k < total) {
    std::int64_t now = now_ns();
    while (k < total && t0 + static_cast<std::int64_t>(k * interval) <= now) {
      Conn* c = senders[static_cast<std::size_t>(k % clients)];
      frame_.clear();
      fmt::format_to(
          std::back_inserter(frame_),
          R"({{"action":"message_post","headers":{{"Client-ID":"{}","X-Project-ID":"{}"}},)"
          R"("body":{{"queue_name":"{}","messages":[{{"ttl":60,"body":)"
          R"({{"c":{},"s":{},"t":{},"p":"{}"}}}}]}}}})",
          target_.client_id, target_.project, target_.queue, c->index, seq_base_ + k, now, pad);
      send_frame(*c, frame_);
      if (c->dirty && !c->listed) {
        c->listed = true;
        dirty.push_back(c);
      }
      ++k;
    }
    for (Conn* c : dirty) {
      c->listed = false;
      flush(*c);
    }
    dirty.clear();
    last_send = now;
    if (k >= total) break;
    const std::int64_t next = t0 + static_cast<std::int64_t>(k * interval);
    now = now_ns();
    const int wait_ms =
        next <= now ? 0 : static_cast<int>(std::max<std::int64_t>(1, (next - now) / kNsPerMs));
    poll(wait_ms);
  }
  r.posted = total;
  r.send_seconds = static_cast<double>(last_send - t0) / kNsPerSec;
  r.expected_pushes = total * clients;
  const std::int64_t drain_until =
      last_send + static_cast<std::int64_t>(loss_timeout_s * kNsPerSec);
  while (step_pushes_ < r.expected_pushes && now_ns() < drain_until && dropped_ == dropped_before) {
    poll(5);
  }
  measuring_ = false;
  r.client_cpu_s = cpu_seconds() - cpu0;
  r.pushes = step_pushes_;
  r.receive_seconds = static_cast<double>(last_push_ns_ - t0) / kNsPerSec;
  r.post_errors = reply_errors_;
  r.dropped_sockets = dropped_ - dropped_before;
  for (const std::uint32_t got : received_) {
    if (got < static_cast<std::uint32_t>(clients)) ++r.lost_messages;
  }
  r.rtt_samples = static_cast<std::int64_t>(rtts_ns_.size());
  if (!rtts_ns_.empty()) {
    std::sort(rtts_ns_.begin(), rtts_ns_.end());
    double sum = 0;
    for (const std::int64_t v : rtts_ns_) sum += static_cast<double>(v);
    r.rtt_mean_ms = sum / static_cast<double>(rtts_ns_.size()) / kNsPerMs;
    r.rtt_p50_ms = static_cast<double>(rtts_ns_[rtts_ns_.size() / 2]) / kNsPerMs;
    r.rtt_p99_ms = static_cast<double>(rtts_ns_[rtts_ns_.size() * 99 / 100]) / kNsPerMs;
    r.rtt_max_ms = static_cast<double>(rtts_ns_.back()) / kNsPerMs;
  }
  r.delivery_mean_ms = delivery_.mean() / kNsPerMs;
  r.delivery_p99_ms = static_cast<double>(delivery_.percentile(0.99)) / kNsPerMs;
  seq_base_ += total;
  return r;
}

void BroadcastClients::close_all() {
  for (const auto& c : conns_) {
    if (c->fd >= 0) {
      ::close(c->fd);
      c->fd = -1;
    }
  }
  conns_.clear();
  dropped_ = 0;
}

int BroadcastClients::open_connections() const noexcept {
  int n = 0;
  for (const auto& c : conns_) n += c->state == Conn::State::open ? 1 : 0;
  return n;
}

}  // namespace warren::bench
