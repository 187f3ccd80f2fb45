// ResponseFramer: responses split anywhere, pipelined, chunked, 1xx, HEAD, close-delimited.
#include "bench/http_response.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace warren::bench {
namespace {

using Status = ResponseFramer::Status;

// Feeds `stream` to a framer `step` bytes at a time, as a connection would, and returns the
// statuses and bodies of the responses found.
std::vector<std::pair<int, std::string>> frame_all(const std::string& stream, std::size_t step,
                                                   bool head = false) {
  ResponseFramer f;
  std::string buf;
  std::vector<std::pair<int, std::string>> got;
  for (std::size_t pos = 0; pos < stream.size();) {
    buf.append(stream, pos, step);
    pos += step;
    for (;;) {
      Response r;
      std::size_t used = 0;
      const Status st = f.next(buf, head, true, &r, &used);
      if (st == Status::kError) return {{-1, ""}};
      if (st == Status::kIncomplete) break;
      got.emplace_back(r.status, std::string(r.body));
      buf.erase(0, used);
    }
  }
  return got;
}

const std::string kPipelined =
    "HTTP/1.1 204 No Content\r\nServer: x\r\n\r\n"
    "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello"
    "HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n4;ext=1\r\ndefg\r\n"
    "0\r\nTrailer: t\r\n\r\n"
    "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}";

TEST(ResponseFramer, PipelinedResponsesAtAnySplit) {
  const std::vector<std::pair<int, std::string>> want = {
      {204, ""}, {200, "hello"}, {201, "abcdefg"}, {404, "{}"}};
  for (std::size_t step : {1u, 2u, 3u, 7u, 13u, 1000u}) {
    EXPECT_EQ(frame_all(kPipelined, step), want) << "step " << step;
  }
}

TEST(ResponseFramer, HeadResponseHasNoBody) {
  const std::string s = "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\nHTTP/1.1 200 OK\r\n\r\n";
  ResponseFramer f;
  Response r;
  std::size_t used = 0;
  ASSERT_EQ(f.next(s, true, false, &r, &used), Status::kComplete);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(used, s.find("HTTP/1.1", 1));
}

TEST(ResponseFramer, ConnectionCloseAndHttp10) {
  ResponseFramer f;
  Response r;
  std::size_t used = 0;
  ASSERT_EQ(f.next("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false,
                   false, &r, &used),
            Status::kComplete);
  EXPECT_TRUE(r.close);
  ASSERT_EQ(f.next("HTTP/1.0 204 No Content\r\n\r\n", false, false, &r, &used), Status::kComplete);
  EXPECT_TRUE(r.close);
  ASSERT_EQ(
      f.next("HTTP/1.0 204 No Content\r\nConnection: keep-alive\r\n\r\n", false, false, &r, &used),
      Status::kComplete);
  EXPECT_FALSE(r.close);
}

TEST(ResponseFramer, BodyUntilClose) {
  ResponseFramer f;
  Response r;
  std::size_t used = 0;
  const std::string s = "HTTP/1.1 200 OK\r\n\r\npartial body";
  EXPECT_EQ(f.next(s, false, true, &r, &used), Status::kIncomplete);
  ASSERT_TRUE(f.finish_at_eof(s, &r));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "partial body");
}

TEST(ResponseFramer, RejectsGarbage) {
  for (const char* bad : {"SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
                          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"}) {
    ResponseFramer f;
    Response r;
    std::size_t used = 0;
    EXPECT_EQ(f.next(bad, false, true, &r, &used), Status::kError) << bad;
  }
}

}  // namespace
}  // namespace warren::bench
