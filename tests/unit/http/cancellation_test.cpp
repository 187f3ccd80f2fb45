// Cancellation of request handling (http/request_scope.h) on a real server and real sockets: a
// handler parked on a long wait ends when the server begins shutting down (and still answers),
// or when the peer leaves while it watches the peer; a pipelined next request does not cancel.
#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include "http/request_scope.h"
#include "http/server.h"
#include "net/connection_limit.h"
#include "net/loop_group.h"

namespace warren::http {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

// Waits up to 20 s (200 ms on paths ending "short") on the request's cancellation slot, watching
// the peer on paths starting "/watch"; answers how the wait ended: "waited", or the cancellation
// type the connection emitted ("total" or "terminal").
class WaitingHandler final : public Handler {
 public:
  std::atomic<int> started{0};
  std::atomic<int> completed{0};

  asio::awaitable<void> handle(Request& request, ResponseWriter& response) override {
    if (request.path.starts_with("/watch")) request.scope->watch_peer();
    const auto wait = request.path.ends_with("short") ? 200ms : 20s;
    ++started;
    asio::steady_timer timer(co_await asio::this_coro::executor, wait);
    asio::cancellation_type seen = asio::cancellation_type::none;
    asio::cancellation_slot slot = request.scope->cancellation_slot();
    slot.assign([&](asio::cancellation_type type) {
      seen = type;
      timer.cancel();
    });
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    slot.clear();
    std::string outcome = "waited";
    if (ec == asio::error::operation_aborted) {
      outcome = seen == asio::cancellation_type::terminal ? "terminal" : "total";
    } else {
      ++completed;
    }
    response.begin(200);
    response.end_with_body("text/plain", outcome);
  }
};

class CancellationTest : public ::testing::Test {
 protected:
  CancellationTest() : loops_(1, 50ms), limit_(100), server_(loops_, limit_, handler_, {}) {
    auto bound = server_.listen(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port_ = bound ? bound->port() : 0;
    server_.start();
    runner_ = std::thread([this] { loops_.run(); });
  }
  ~CancellationTest() override {
    loops_.shutdown(100ms);
    runner_.join();
  }

  int connect_client() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port_));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
  }
  static void send_all(int fd, const std::string& bytes) {
    ASSERT_EQ(::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  // Everything the server sends until it closes (or the 5 s receive timeout).
  static std::string read_to_end(int fd) {
    std::string out;
    char buffer[4096];
    for (;;) {
      const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
      if (n <= 0) break;
      out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
  }
  void wait_until_started(int count) {
    for (int i = 0; i < 500 && handler_.started.load() < count; ++i)
      std::this_thread::sleep_for(2ms);
    ASSERT_EQ(handler_.started.load(), count);
  }

  WaitingHandler handler_;
  net::LoopGroup loops_;
  net::ConnectionLimit limit_;
  HttpServer server_;
  int port_ = 0;
  std::thread runner_;
};

TEST_F(CancellationTest, ShutdownEndsAParkedRequestWhichStillAnswers) {
  const int fd = connect_client();
  send_all(fd, "GET /park HTTP/1.1\r\nHost: x\r\n\r\n");
  wait_until_started(1);
  const auto begun = std::chrono::steady_clock::now();
  loops_.shutdown(10s);  // a long grace: only cancellation can end the wait early
  const std::string answer = read_to_end(fd);
  const auto took = std::chrono::steady_clock::now() - begun;
  ::close(fd);
  EXPECT_NE(answer.find("200"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\r\n\r\ntotal"), std::string::npos) << answer;
  EXPECT_LT(took, 2s);
}

TEST_F(CancellationTest, APeerThatLeavesCancelsAWatchedRequest) {
  const int fd = connect_client();
  send_all(fd, "GET /watch HTTP/1.1\r\nHost: x\r\n\r\n");
  wait_until_started(1);
  const auto begun = std::chrono::steady_clock::now();
  ::shutdown(fd, SHUT_WR);  // the client is done: end of stream (it can still read)
  const std::string answer = read_to_end(fd);
  const auto took = std::chrono::steady_clock::now() - begun;
  ::close(fd);
  EXPECT_NE(answer.find("\r\n\r\nterminal"), std::string::npos) << answer;
  EXPECT_EQ(handler_.completed.load(), 0);
  EXPECT_LT(took, 2s);
}

TEST_F(CancellationTest, AnUnwatchedRequestIsNotCancelledByThePeerLeaving) {
  const int fd = connect_client();
  send_all(fd, "GET /short HTTP/1.1\r\nHost: x\r\n\r\n");
  wait_until_started(1);
  ::shutdown(fd, SHUT_WR);
  const std::string answer = read_to_end(fd);
  ::close(fd);
  EXPECT_NE(answer.find("\r\n\r\nwaited"), std::string::npos) << answer;
}

TEST_F(CancellationTest, APipelinedRequestDoesNotCancelAWatchedOne) {
  const int fd = connect_client();
  // The first request watches the peer; the second arrives at once behind it.
  send_all(fd,
           "GET /watch-short HTTP/1.1\r\nHost: x\r\n\r\n"
           "GET /short HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string answer = read_to_end(fd);
  ::close(fd);
  EXPECT_EQ(handler_.completed.load(), 2) << answer;
}

}  // namespace
}  // namespace warren::http
