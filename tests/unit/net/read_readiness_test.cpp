// ReadReadiness: on real loopback sockets and Asio's real epoll reactor, the flag behaves as the
// contract in net/read_readiness.h says: a marked-drained socket waits for an edge without a
// recv(), an edge that arrives while no read is queued sets the flag again (no byte is stranded),
// and a closed socket is harmless.
#include "net/read_readiness.h"

#include <array>
#include <chrono>
#include <optional>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <gtest/gtest.h>

namespace warren::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

class ReadReadinessTest : public ::testing::Test {
 protected:
  ReadReadinessTest() {
    tcp::acceptor acceptor(context_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    client_.connect(acceptor.local_endpoint());
    server_ = acceptor.accept();
    server_->non_blocking(true);
  }

  void send(std::string_view bytes) { asio::write(client_, asio::buffer(bytes)); }

  // Runs the loop (its reactor included) for `time`; a timer keeps it from running dry.
  void run_for(std::chrono::milliseconds time) {
    asio::steady_timer timer(context_, time);
    timer.async_wait([](boost::system::error_code) {});
    context_.restart();
    context_.run_for(time + std::chrono::milliseconds(50));
  }

  // Starts an async read on the server socket; its result lands in read_.
  void start_read() {
    read_.reset();
    server_->async_read_some(asio::buffer(buffer_), [this](boost::system::error_code ec,
                                                           std::size_t n) { read_ = ec ? 0 : n; });
  }

  asio::io_context context_{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  tcp::socket client_{context_};
  std::optional<tcp::socket> server_;
  std::array<char, 64> buffer_{};
  std::optional<std::size_t> read_;
};

TEST_F(ReadReadinessTest, AFreshSocketIsExpectedToHaveData) {
  EXPECT_TRUE(ReadReadiness::is_expected(*server_));
}

TEST_F(ReadReadinessTest, MarkingDrainedClearsTheFlag) {
  ReadReadiness::mark_drained(*server_);
  EXPECT_FALSE(ReadReadiness::is_expected(*server_));
}

TEST_F(ReadReadinessTest, AQueuedReadCompletesOnTheNextEdge) {
  ReadReadiness::mark_drained(*server_);
  start_read();
  run_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(read_.has_value());  // waiting, not failed

  send("ping");
  run_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(read_.has_value());
  EXPECT_EQ(*read_, 4U);
  EXPECT_EQ(std::string_view(buffer_.data(), 4), "ping");
  EXPECT_TRUE(ReadReadiness::is_expected(*server_));  // the edge set it
}

TEST_F(ReadReadinessTest, AnEdgeWithNoReadQueuedSetsTheFlagAgain) {
  ReadReadiness::mark_drained(*server_);
  send("late");
  run_for(std::chrono::milliseconds(50));  // the reactor sees the edge, no read is queued
  EXPECT_TRUE(ReadReadiness::is_expected(*server_));

  start_read();  // so the read tries recv() at once and finds the bytes
  run_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(read_.has_value());
  EXPECT_EQ(*read_, 4U);
}

TEST_F(ReadReadinessTest, BytesSentBeforeTheDrainedMarkRaiseAnEdgeLater) {
  // Bytes already in the socket whose edge the reactor has not processed yet: marking drained
  // (wrongly, as nothing read them) still cannot strand them, the pending edge wakes the read.
  send("early");
  ReadReadiness::mark_drained(*server_);
  start_read();
  run_for(std::chrono::milliseconds(200));
  ASSERT_TRUE(read_.has_value());
  EXPECT_EQ(*read_, 5U);
}

TEST_F(ReadReadinessTest, AClosedSocketIsHarmless) {
  server_->close();
  ReadReadiness::mark_drained(*server_);
  EXPECT_TRUE(ReadReadiness::is_expected(*server_));
}

}  // namespace
}  // namespace warren::net
