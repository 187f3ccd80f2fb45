// BlockingClient: blocking socket with send/receive timeouts, framed by ResponseFramer.
#include "bench/blocking_client.h"

#include <cerrno>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench/http_response.h"

namespace warren::bench {

BlockingClient::BlockingClient(const Target& target, double timeout_s)
    : target_(target), timeout_s_(timeout_s) {}

BlockingClient::~BlockingClient() {
  close();
}

void BlockingClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  used_ = false;
}

Outcome<void> BlockingClient::connect() {
  fd_ = ::socket(target_.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return Failure{std::string("socket: ") + std::strerror(errno)};
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout_s_);
  tv.tv_usec = static_cast<suseconds_t>((timeout_s_ - static_cast<double>(tv.tv_sec)) * 1e6);
  setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  const int one = 1;
  setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&target_.addr), target_.addr_len) != 0) {
    const std::string err = std::strerror(errno);
    close();
    return Failure{"connect to " + target_.host_header + ": " + err};
  }
  return {};
}

Outcome<HttpResult> BlockingClient::roundtrip(const std::string& request, bool head) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (fd_ < 0) {
      if (auto c = connect(); !c) return c.error();
    }
    const bool reused = used_;
    std::size_t sent = 0;
    bool io_failed = false;
    while (sent < request.size()) {
      const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        io_failed = true;
        break;
      }
      sent += static_cast<std::size_t>(n);
    }
    std::string buf;
    ResponseFramer framer;
    Response response;
    std::size_t used = 0;
    char chunk[65536];
    while (!io_failed) {
      const auto st = framer.next(buf, head, true, &response, &used);
      if (st == ResponseFramer::Status::kComplete) {
        HttpResult result{response.status, std::string(response.body)};
        used_ = true;
        if (response.close || used != buf.size()) close();
        return result;
      }
      if (st == ResponseFramer::Status::kError) {
        close();
        return Failure{"unparsable response from " + target_.host_header};
      }
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n == 0 && framer.finish_at_eof(buf, &response)) {
        HttpResult result{response.status, std::string(response.body)};
        close();
        return result;
      }
      if (n <= 0) {
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
          close();
          return Failure{"timeout waiting for " + target_.host_header};
        }
        io_failed = buf.empty();
        if (!io_failed) {
          close();
          return Failure{"connection closed mid-response by " + target_.host_header};
        }
        break;
      }
      buf.append(chunk, static_cast<std::size_t>(n));
    }
    close();
    if (!reused) return Failure{"connection to " + target_.host_header + " failed"};
    // A kept-alive connection the server had closed: try once more on a new one.
  }
  return Failure{"connection to " + target_.host_header + " failed twice"};
}

}  // namespace warren::bench
