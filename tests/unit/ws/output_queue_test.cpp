// OutputQueue: order of copied and shared pieces, partial writes, and what stays allocated.
#include "ws/output_queue.h"

#include <sys/socket.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <gtest/gtest.h>

#include "net/stream.h"

namespace warren::ws {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// A connected loopback pair: `writer` (a net::Stream with a small send buffer) and `reader`.
struct Pair {
  asio::io_context context;
  tcp::socket reader{context};
  net::Stream writer{connected_socket()};

  tcp::socket connected_socket() {
    tcp::socket socket(context);
    tcp::acceptor acceptor(context, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    socket.connect(acceptor.local_endpoint());
    acceptor.accept(reader);
    socket.set_option(asio::socket_base::send_buffer_size(16384));
    reader.set_option(asio::socket_base::receive_buffer_size(16384));
    return socket;
  }

  std::string read_all(std::size_t size) {
    std::string out(size, '\0');
    asio::read(reader, asio::buffer(out));
    return out;
  }
};

TEST(OutputQueue, WritesCopiedAndSharedPiecesInOrder) {
  Pair pair;
  OutputQueue queue;
  const std::string a = "first;";
  queue.append_copy(asio::buffer(a));
  queue.append_shared(make_shared_bytes("shared;"));
  const std::string b = "second;";
  const std::string c = "third;";
  const std::array<asio::const_buffer, 2> pieces = {asio::buffer(b), asio::buffer(c)};
  queue.append_copy(pieces);
  queue.append_shared(make_shared_bytes(""));  // ignored
  EXPECT_EQ(queue.size(), 26u);
  boost::system::error_code ec;
  EXPECT_EQ(queue.write_to(pair.writer, ec), 26u);
  EXPECT_FALSE(ec);
  EXPECT_TRUE(queue.empty());
  EXPECT_EQ(pair.read_all(26), "first;shared;second;third;");
}

TEST(OutputQueue, PartialWritesResumeWhereTheyStopped) {
  Pair pair;
  OutputQueue queue;
  std::string expected;
  for (int i = 0; i < 300; ++i) {
    std::string piece = std::to_string(i) + std::string(997, 'a' + i % 26) + ";";
    expected += piece;
    if (i % 2) {
      queue.append_shared(make_shared_bytes(piece));
    } else {
      queue.append_copy(asio::buffer(piece));
    }
  }
  std::string received;
  while (!queue.empty()) {
    boost::system::error_code ec;
    queue.write_to(pair.writer, ec);
    ASSERT_FALSE(ec);
    std::array<char, 65536> chunk;
    const std::size_t n = pair.reader.read_some(asio::buffer(chunk));
    received.append(chunk.data(), n);
  }
  while (received.size() < expected.size()) {
    std::array<char, 65536> chunk;
    received.append(chunk.data(), pair.reader.read_some(asio::buffer(chunk)));
  }
  EXPECT_EQ(received, expected);
}

TEST(OutputQueue, SharedBytesAreReferencedNotCopied) {
  Pair pair;
  OutputQueue first, second;
  auto shared = make_shared_bytes("broadcast");
  first.append_shared(shared);
  second.append_shared(shared);
  EXPECT_EQ(first.size(), 9u);
  first.clear();
  EXPECT_EQ(second.size(), 9u);
  EXPECT_EQ(shared->view(), "broadcast");
}

TEST(OutputQueue, AWriteErrorIsReported) {
  Pair pair;
  pair.reader.close();
  OutputQueue queue;
  boost::system::error_code ec;
  for (int i = 0; i < 50 && !ec; ++i) {
    queue.append_copy(asio::buffer(std::string(10000, 'x')));
    queue.write_to(pair.writer, ec);
  }
  EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace warren::ws
