// The load engine: raw epoll, level-triggered, one thread. Reads land in one shared buffer and
// are framed in place; only a partial response is copied into its connection. All requests a
// read makes room for go out in one write.
#include "bench/load_engine.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/clock.h"

namespace warren::bench {
namespace {

constexpr int kMaxConnecting = 256;  // connects in progress at once (listen backlogs)
constexpr std::size_t kReadChunk = 256 * 1024;
constexpr int kMaxEvents = 1024;
constexpr std::int64_t kTickNs = kNsPerMs;  // retries of waiting sessions and reconnects
constexpr std::int64_t kTimeoutScanNs = 100 * kNsPerMs;
constexpr std::int64_t kSpinNs = 250'000;  // rate mode: poll, not sleep, this close to a send

// Fixed-capacity FIFO of the requests in flight on one connection.
class InflightRing {
 public:
  void init(int depth) {
    std::size_t cap = 1;
    while (cap < static_cast<std::size_t>(depth)) cap <<= 1;
    slots_.assign(cap, Issue{});
    mask_ = cap - 1;
  }
  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  Issue& front() noexcept { return slots_[head_]; }
  void push(const Issue& issue) noexcept {
    slots_[(head_ + size_) & mask_] = issue;
    ++size_;
  }
  void pop() noexcept {
    head_ = (head_ + 1) & mask_;
    --size_;
  }

 private:
  std::vector<Issue> slots_;
  std::size_t mask_ = 0;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

enum class ConnState : std::uint8_t { kDown, kConnecting, kOpen };

struct Conn {
  int fd = -1;
  ConnState state = ConnState::kDown;
  bool want_out = false;  // EPOLLOUT registered (unsent bytes in `out`, or connecting)
  bool waiting = false;   // on the waiting list: its session had nothing to send
  bool ready = false;     // on the ready list (rate mode): may take another paced request
  bool paced = true;      // its session's requests follow the --rate schedule
  bool queued = false;    // on the down list, to be connected
  int connect_failures = 0;
  std::uint64_t responses = 0;  // complete responses received over the run
  std::int64_t connect_started = 0;
  std::int64_t retry_at = 0;
  Session* session = nullptr;
  std::string in;   // bytes of a partial response
  std::string out;  // bytes not yet written
  ResponseFramer framer;
  InflightRing inflight;
};

class Engine {
 public:
  Engine(const EngineConfig& config, std::vector<std::unique_ptr<Session>>& sessions,
         RunStats& stats)
      : config_(config), stats_(stats), conns_(sessions.size()) {
    for (std::size_t i = 0; i < sessions.size(); ++i) {
      conns_[i].session = sessions[i].get();
      conns_[i].paced = sessions[i]->paced();
      conns_[i].inflight.init(std::max(1, config.depth));
    }
    scratch_in_.resize(kReadChunk);
    scratch_out_.reserve(64 * 1024);
  }

  void run();

 private:
  void start_connects(std::int64_t now);
  void connect_one(std::size_t i, std::int64_t now);
  void on_connected(std::size_t i, std::int64_t now);
  void on_readable(std::size_t i);
  void on_writable(std::size_t i, std::int64_t now);
  void fail(std::size_t i, ErrorKind kind, std::int64_t now);
  void fill(std::size_t i, std::int64_t now);
  bool fill_one(Conn& c, std::int64_t intended, std::int64_t now);
  void flush(std::size_t i, std::int64_t now);
  void set_out(std::size_t i, bool want);
  void issue_paced(std::int64_t now);
  void tick(std::int64_t now);
  void scan_timeouts(std::int64_t now);
  bool all_finished() const;
  void progress(std::int64_t now, bool final);

  SecondStats& second(std::int64_t now) {
    const std::int64_t s = std::max<std::int64_t>(0, (now - t0_) / kNsPerSec);
    if (s != cur_second_) {
      if (static_cast<std::size_t>(s) >= stats_.series.size()) stats_.series.resize(s + 1);
      cur_second_ = s;
    }
    return stats_.series[cur_second_];
  }
  void record_error(const Issue& issue, ErrorKind kind, std::int64_t now) {
    stats_.ops[issue.op].errors[static_cast<int>(kind)]++;
    second(now).errors++;
  }

  const EngineConfig& config_;
  RunStats& stats_;
  std::vector<Conn> conns_;
  int epfd_ = -1;
  int connecting_ = 0;
  std::int64_t t0_ = 0;
  std::int64_t cur_second_ = -1;
  std::int64_t interval_ns_ = 0;    // rate mode: time between intended sends
  std::uint64_t paced_issued_ = 0;  // rate mode: paced requests sent so far
  std::uint64_t inflight_total_ = 0;
  std::vector<std::size_t> ready_;    // rate mode: connections that can take a paced request
  std::vector<std::size_t> waiting_;  // sessions that had nothing to send and nothing in flight
  std::deque<std::size_t> down_;      // connections to (re)connect
  std::string scratch_in_;
  std::string scratch_out_;
  // Progress line state.
  std::uint64_t last_ok_ = 0;
  std::int64_t last_progress_ = 0;
};

void Engine::set_out(std::size_t i, bool want) {
  Conn& c = conns_[i];
  if (c.want_out == want) return;
  epoll_event ev{};
  ev.events = want ? (EPOLLIN | EPOLLOUT) : EPOLLIN;
  ev.data.u64 = i;
  epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
  c.want_out = want;
}

void Engine::connect_one(std::size_t i, std::int64_t now) {
  Conn& c = conns_[i];
  const std::size_t node = c.session->node() == Session::kAnyNode ? i : c.session->node();
  const auto& t =
      config_.targets.empty() ? config_.target : config_.targets[node % config_.targets.size()];
  const int fd = socket(t.addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    stats_.connect_errors++;
    c.connect_failures++;
    c.retry_at =
        now + std::min<std::int64_t>(kNsPerSec, 10 * kNsPerMs << std::min(c.connect_failures, 7));
    c.queued = true;
    down_.push_back(i);
    return;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c.fd = fd;
  c.state = ConnState::kConnecting;
  c.connect_started = now;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.u64 = i;
  epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev);
  c.want_out = true;
  ++connecting_;
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&t.addr), t.addr_len);
  if (rc == 0) {
    on_connected(i, now);
  } else if (errno != EINPROGRESS) {
    stats_.connect_errors++;
    fail(i, ErrorKind::kConnect, now);
  }
}

void Engine::start_connects(std::int64_t now) {
  std::size_t n = down_.size();
  while (n-- > 0 && connecting_ < kMaxConnecting) {
    const std::size_t i = down_.front();
    down_.pop_front();
    if (conns_[i].retry_at > now) {
      down_.push_back(i);
      continue;
    }
    conns_[i].queued = false;
    connect_one(i, now);
  }
}

void Engine::on_connected(std::size_t i, std::int64_t now) {
  Conn& c = conns_[i];
  --connecting_;
  c.state = ConnState::kOpen;
  c.connect_failures = 0;
  set_out(i, false);
  if (interval_ns_ > 0 && c.paced) {
    if (!c.ready) {
      c.ready = true;
      ready_.push_back(i);
    }
  } else {
    fill(i, now);
  }
}

void Engine::fail(std::size_t i, ErrorKind kind, std::int64_t now) {
  Conn& c = conns_[i];
  // Every request in flight fails with `kind`; a connection lost with nothing in flight (an
  // idle keep-alive closed by the server) loses no request and counts nothing.
  while (!c.inflight.empty()) {
    const Issue issue = c.inflight.front();
    c.inflight.pop();
    --inflight_total_;
    record_error(issue, kind, now);
    c.session->on_failure(issue, kind, now);
  }
  if (c.state == ConnState::kConnecting) {
    --connecting_;
    c.connect_failures++;
  }
  if (c.fd >= 0) ::close(c.fd);
  c.fd = -1;
  c.state = ConnState::kDown;
  c.want_out = false;
  c.in.clear();
  c.out.clear();
  c.framer.reset();
  c.retry_at = c.connect_failures == 0
                   ? now
                   : now + std::min<std::int64_t>(
                               kNsPerSec, (10 * kNsPerMs) << std::min(c.connect_failures, 7));
  if (!c.queued) {
    c.queued = true;
    down_.push_back(i);
  }
}

bool Engine::fill_one(Conn& c, std::int64_t intended, std::int64_t now) {
  Issue issue;
  issue.intended_ns = intended;
  issue.sent_ns = now;
  if (!c.session->next(scratch_out_, &issue, now)) return false;
  c.inflight.push(issue);
  ++inflight_total_;
  return true;
}

void Engine::fill(std::size_t i, std::int64_t now) {
  Conn& c = conns_[i];
  if (c.state != ConnState::kOpen) return;
  scratch_out_.clear();
  const std::size_t depth = static_cast<std::size_t>(std::max(1, config_.depth));
  if (interval_ns_ > 0 && c.paced) {
    // Paced: the schedule hands out send slots (issue_paced); here the connection only says
    // it can take one.
    if (c.inflight.size() < depth && !c.ready) {
      c.ready = true;
      ready_.push_back(i);
    }
    return;
  }
  while (c.inflight.size() < depth) {
    if (!fill_one(c, now, now)) {
      if (c.inflight.empty() && !c.waiting && !c.session->finished()) {
        c.waiting = true;
        waiting_.push_back(i);
      }
      break;
    }
  }
  if (!scratch_out_.empty()) flush(i, now);
}

void Engine::flush(std::size_t i, std::int64_t now) {
  Conn& c = conns_[i];
  if (!c.out.empty()) {  // earlier bytes still queued: keep order, wait for EPOLLOUT
    c.out.append(scratch_out_);
    return;
  }
  const ssize_t n = ::send(c.fd, scratch_out_.data(), scratch_out_.size(), MSG_NOSIGNAL);
  if (n == static_cast<ssize_t>(scratch_out_.size())) return;
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
    fail(i, ErrorKind::kWrite, now);
    return;
  }
  c.out.assign(scratch_out_, n < 0 ? 0 : static_cast<std::size_t>(n));
  set_out(i, true);
}

void Engine::on_writable(std::size_t i, std::int64_t now) {
  Conn& c = conns_[i];
  if (c.state == ConnState::kConnecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      stats_.connect_errors++;
      fail(i, ErrorKind::kConnect, now);
      return;
    }
    on_connected(i, now);
    return;
  }
  if (c.out.empty()) {
    set_out(i, false);
    return;
  }
  const ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK) fail(i, ErrorKind::kWrite, now);
    return;
  }
  c.out.erase(0, static_cast<std::size_t>(n));
  if (c.out.empty()) set_out(i, false);
}

void Engine::on_readable(std::size_t i) {
  Conn& c = conns_[i];
  if (c.state == ConnState::kConnecting) {
    on_writable(i, now_ns());
    if (c.state != ConnState::kOpen) return;
  }
  // Read into the shared buffer when nothing is pending, else behind the pending bytes.
  const bool direct = c.in.empty();
  char* dst;
  std::size_t room;
  if (direct) {
    dst = scratch_in_.data();
    room = scratch_in_.size();
  } else {
    const std::size_t have = c.in.size();
    c.in.resize(have + kReadChunk);
    dst = c.in.data() + have;
    room = kReadChunk;
  }
  const ssize_t n = ::recv(c.fd, dst, room, 0);
  const std::int64_t now = now_ns();
  if (!direct) c.in.resize(c.in.size() - room + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    fail(i, ErrorKind::kRead, now);
    return;
  }
  std::string_view buf =
      direct ? std::string_view(dst, static_cast<std::size_t>(n)) : std::string_view(c.in);
  if (n == 0) {
    Response resp;
    if (!c.inflight.empty() && c.framer.finish_at_eof(buf, &resp)) {
      Issue issue = c.inflight.front();
      c.inflight.pop();
      --inflight_total_;
      OpStats& op = stats_.ops[issue.op];
      if (resp.status >= 200 && resp.status < 300) {
        op.ok++;
        op.latency.record(now - issue.intended_ns);
        SecondStats& s = second(now);
        s.ok++;
        s.latency.record(now - issue.intended_ns);
      } else {
        record_error(issue, error_kind_of_status(resp.status), now);
      }
      c.session->on_response(issue, resp, now);
    }
    fail(i, ErrorKind::kRead, now);  // peer closed: reconnect; anything left failed
    return;
  }

  std::size_t used = 0;
  bool close_after = false;
  SecondStats* sec = &second(now);
  while (!c.inflight.empty()) {
    Issue& issue = c.inflight.front();
    Response resp;
    std::size_t consumed = 0;
    const auto st = c.framer.next(buf.substr(used), issue.head, issue.keep_body, &resp, &consumed);
    if (st == ResponseFramer::Status::kIncomplete) break;
    if (st == ResponseFramer::Status::kError) {
      fail(i, ErrorKind::kParse, now);
      return;
    }
    used += consumed;
    const Issue done = issue;
    c.responses++;
    c.inflight.pop();
    --inflight_total_;
    OpStats& op = stats_.ops[done.op];
    if (resp.status >= 200 && resp.status < 300) {
      const std::int64_t latency = now - done.intended_ns;
      op.ok++;
      op.body_bytes += resp.body.size();
      op.latency.record(latency);
      sec->ok++;
      sec->latency.record(latency);
    } else {
      op.errors[static_cast<int>(error_kind_of_status(resp.status))]++;
      sec->errors++;
    }
    c.session->on_response(done, resp, now);
    if (resp.close) {
      close_after = true;
      break;
    }
  }
  if (close_after) {
    // The server ends the connection after this response: the rest cannot be answered.
    fail(i, ErrorKind::kRead, now);
    return;
  }
  if (used < buf.size() && c.inflight.empty()) {  // bytes nobody asked for
    fail(i, ErrorKind::kParse, now);
    return;
  }
  if (direct) {
    if (used < buf.size()) c.in.assign(buf.substr(used));
  } else {
    c.in.erase(0, used);
  }
  fill(i, now);
}

void Engine::issue_paced(std::int64_t now) {
  const std::size_t depth = static_cast<std::size_t>(std::max(1, config_.depth));
  while (!ready_.empty()) {
    const std::int64_t due = t0_ + static_cast<std::int64_t>(paced_issued_) * interval_ns_;
    if (due > now) return;
    const std::size_t i = ready_.back();
    Conn& c = conns_[i];
    if (c.state != ConnState::kOpen || c.inflight.size() >= depth) {
      c.ready = false;
      ready_.pop_back();
      continue;
    }
    scratch_out_.clear();
    if (!fill_one(c, due, now)) {
      c.ready = false;
      ready_.pop_back();
      if (c.inflight.empty() && !c.waiting && !c.session->finished()) {
        c.waiting = true;
        waiting_.push_back(i);
      }
      continue;
    }
    ++paced_issued_;
    if (c.inflight.size() >= depth) {
      c.ready = false;
      ready_.pop_back();
    }
    flush(i, now);
  }
}

void Engine::tick(std::int64_t now) {
  if (!waiting_.empty()) {
    std::vector<std::size_t> again;
    again.swap(waiting_);
    for (std::size_t i : again) {
      conns_[i].waiting = false;
      fill(i, now);
    }
  }
  if (!down_.empty()) start_connects(now);
}

void Engine::scan_timeouts(std::int64_t now) {
  const std::int64_t limit = static_cast<std::int64_t>(config_.timeout_s * kNsPerSec);
  for (std::size_t i = 0; i < conns_.size(); ++i) {
    Conn& c = conns_[i];
    if (c.state == ConnState::kConnecting && now - c.connect_started > limit) {
      stats_.connect_errors++;
      fail(i, ErrorKind::kConnect, now);
    } else if (c.state == ConnState::kOpen && !c.inflight.empty() &&
               now - c.inflight.front().sent_ns > limit) {
      fail(i, ErrorKind::kTimeout, now);
    }
  }
}

bool Engine::all_finished() const {
  if (inflight_total_ != 0) return false;
  for (const Conn& c : conns_) {
    if (!c.session->finished()) return false;
  }
  return true;
}

void Engine::progress(std::int64_t now, bool final) {
  const std::uint64_t ok = stats_.total_ok();
  const std::uint64_t errors = total(stats_.total_errors());
  const double elapsed = static_cast<double>(now - t0_) / kNsPerSec;
  const double window = static_cast<double>(now - last_progress_) / kNsPerSec;
  const double rate = window > 0 ? static_cast<double>(ok - last_ok_) / window : 0;
  char eta[32] = "";
  if (config_.duration_s > 0) {
    std::snprintf(eta, sizeof eta, "  ETA %.0fs", std::max(0.0, config_.duration_s - elapsed));
  }
  std::fprintf(stderr, "\r\033[K%s%s%6.1fs  %10.0f req/s  ok %llu  errors %llu%s%s",
               config_.label.c_str(), config_.label.empty() ? "" : "  ", elapsed, rate,
               static_cast<unsigned long long>(ok), static_cast<unsigned long long>(errors), eta,
               final ? "\r\033[K" : "");
  std::fflush(stderr);
  last_ok_ = ok;
  last_progress_ = now;
}

void Engine::run() {
  ::signal(SIGPIPE, SIG_IGN);
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (config_.rate > 0)
    interval_ns_ = std::max<std::int64_t>(1, static_cast<std::int64_t>(kNsPerSec / config_.rate));

  rusage ru0{};
  getrusage(RUSAGE_SELF, &ru0);
  t0_ = now_ns();
  last_progress_ = t0_;
  const double limit_s = config_.duration_s > 0 ? config_.duration_s : config_.max_duration_s;
  const std::int64_t deadline = t0_ + static_cast<std::int64_t>(limit_s * kNsPerSec);
  for (std::size_t i = 0; i < conns_.size(); ++i) {
    conns_[i].queued = true;
    down_.push_back(i);
  }
  start_connects(t0_);

  std::vector<epoll_event> events(kMaxEvents);
  std::int64_t next_tick = t0_ + kTickNs;
  std::int64_t next_scan = t0_ + kTimeoutScanNs;
  std::int64_t next_progress = t0_ + kNsPerSec;
  std::int64_t now = t0_;
  for (;;) {
    if (now >= deadline) break;
    if (interval_ns_ > 0) issue_paced(now);
    if (now >= next_tick) {
      tick(now);
      next_tick = now + kTickNs;
    }
    if (now >= next_scan) {
      scan_timeouts(now);
      if (config_.duration_s <= 0 && all_finished()) break;
      next_scan = now + kTimeoutScanNs;
    }
    if (config_.progress && now >= next_progress) {
      progress(now, false);
      next_progress += kNsPerSec;
    }
    // Sleep until the next thing due: the deadline, a paced send, a tick when something
    // waits on one, the timeout scan, or the progress line.
    std::int64_t wake = std::min(deadline, next_scan);
    if (config_.progress) wake = std::min(wake, next_progress);
    if (!waiting_.empty() || !down_.empty()) wake = std::min(wake, next_tick);
    if (interval_ns_ > 0 && !ready_.empty()) {
      wake = std::min(wake, t0_ + static_cast<std::int64_t>(paced_issued_) * interval_ns_);
    }
    std::int64_t wait_ns = std::max<std::int64_t>(0, wake - now);
    // A timed sleep on a virtual machine wakes up to ~100 us late, and a paced request sent
    // late counts the delay as latency: close to a paced send, poll instead of sleeping.
    if (interval_ns_ > 0 && !ready_.empty() && wait_ns < kSpinNs) wait_ns = 0;
    if (config_.busy_poll) wait_ns = 0;
    timespec ts{static_cast<time_t>(wait_ns / kNsPerSec), static_cast<long>(wait_ns % kNsPerSec)};
    const int n = epoll_pwait2(epfd_, events.data(), kMaxEvents, &ts, nullptr);
    if (n < 0 && errno != EINTR) break;
    for (int k = 0; k < n; ++k) {
      const std::size_t i = events[k].data.u64;
      const std::uint32_t ev = events[k].events;
      Conn& c = conns_[i];
      if (c.fd < 0) continue;
      if (ev & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
        on_readable(i);
        if (c.fd < 0) continue;
      }
      if (ev & EPOLLOUT) on_writable(i, now_ns());
    }
    now = now_ns();
    if (config_.duration_s <= 0 && inflight_total_ == 0 && n == 0 && all_finished()) break;
  }

  rusage ru1{};
  getrusage(RUSAGE_SELF, &ru1);
  const std::int64_t end = now_ns();
  if (config_.progress) progress(end, true);
  stats_.elapsed_s = static_cast<double>(std::min(end, deadline) - t0_) / kNsPerSec;
  auto secs = [](const timeval& a, const timeval& b) {
    return static_cast<double>(b.tv_sec - a.tv_sec) +
           static_cast<double>(b.tv_usec - a.tv_usec) / 1e6;
  };
  stats_.cpu_user_s = secs(ru0.ru_utime, ru1.ru_utime);
  stats_.cpu_system_s = secs(ru0.ru_stime, ru1.ru_stime);
  stats_.unfinished = inflight_total_;
  stats_.depth = config_.depth;
  stats_.rate = config_.rate;
  stats_.connections = static_cast<int>(conns_.size());
  // Whole seconds only in the series: a trailing partial second would read as a drop.
  const auto whole = static_cast<std::size_t>(stats_.elapsed_s);
  if (stats_.series.size() > whole && whole > 0) stats_.series.resize(whole);
  for (Conn& c : conns_) {
    if (c.responses == 0) stats_.starved_connections++;
    while (!c.inflight.empty()) {
      stats_.unfinished_oldest_s =
          std::max(stats_.unfinished_oldest_s,
                   static_cast<double>(end - c.inflight.front().sent_ns) / kNsPerSec);
      c.session->on_abandoned(c.inflight.front(), end);
      c.inflight.pop();
    }
    if (c.fd >= 0) ::close(c.fd);
    c.fd = -1;
  }
  ::close(epfd_);
}

}  // namespace

long raise_fd_limit(long wanted) {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return -1;
  if (rl.rlim_cur != RLIM_INFINITY && static_cast<long>(rl.rlim_cur) < wanted) {
    rlim_t target = static_cast<rlim_t>(wanted);
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < target) target = rl.rlim_max;
    rl.rlim_cur = target;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  return rl.rlim_cur == RLIM_INFINITY ? wanted : static_cast<long>(rl.rlim_cur);
}

void run_load(const EngineConfig& config, std::vector<std::unique_ptr<Session>>& sessions,
              RunStats& stats) {
  const long wanted = static_cast<long>(sessions.size()) + 64;
  if (const long limit = raise_fd_limit(wanted); limit < wanted) {
    std::fprintf(stderr,
                 "warren bench: only %ld file descriptors allowed (hard limit); %zu connections "
                 "need %ld: some will fail to connect\n",
                 limit, sessions.size(), wanted);
  }
  Engine engine(config, sessions, stats);
  engine.run();
}

}  // namespace warren::bench
