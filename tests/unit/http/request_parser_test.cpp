// RequestParser: framing of whole, split, pipelined and chunked requests, and the typed errors.
#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace warren::http {
namespace {

struct Fed {
  ParseStatus status;
  std::size_t consumed;
};

Fed feed(RequestParser& parser, std::string_view input) {
  std::size_t consumed = 0;
  const ParseStatus status = parser.feed(input, consumed);
  return {status, consumed};
}

TEST(RequestParser, WholeRequestWithBodyKeptAsView) {
  RequestParser parser(ParserLimits{});
  const std::string input =
      "POST /v2/queues/q/messages?x=1 HTTP/1.1\r\nHost: h\r\nClient-ID: abc\r\n"
      "Content-Length: 5\r\n\r\nhello";
  const Fed fed = feed(parser, input);
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(fed.consumed, input.size());
  const Request& r = parser.request();
  EXPECT_EQ(r.method, boost::beast::http::verb::post);
  EXPECT_EQ(r.path, "/v2/queues/q/messages");
  EXPECT_EQ(r.query, "x=1");
  EXPECT_EQ(r.version, 11u);
  EXPECT_EQ(r.header("client-id").value_or(""), "abc");
  EXPECT_FALSE(r.header("X-Missing"));
  EXPECT_EQ(r.body, "hello");
  EXPECT_GE(r.body.data(), input.data());  // a view into the input, not a copy
  EXPECT_LT(r.body.data(), input.data() + input.size());
  EXPECT_TRUE(r.keep_alive);
}

TEST(RequestParser, PipelinedRequestsOneAtATime) {
  RequestParser parser(ParserLimits{});
  const std::string one = "GET /a HTTP/1.1\r\n\r\n";
  const std::string two = "GET /b HTTP/1.1\r\nConnection: close\r\n\r\n";
  const std::string input = one + two;
  Fed fed = feed(parser, input);
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(fed.consumed, one.size());
  EXPECT_EQ(parser.request().path, "/a");
  parser.reset();
  fed = feed(parser, std::string_view(input).substr(one.size()));
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().path, "/b");
  EXPECT_FALSE(parser.request().keep_alive);
}

TEST(RequestParser, BodyArrivingInPiecesIsGathered) {
  RequestParser parser(ParserLimits{});
  const std::string head = "PUT /q HTTP/1.1\r\nContent-Length: 10\r\n\r\n";
  Fed fed = feed(parser, head + "01234");
  EXPECT_EQ(fed.status, ParseStatus::need_more);
  EXPECT_TRUE(parser.in_body());
  fed = feed(parser, "56789");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().body, "0123456789");
}

TEST(RequestParser, ChunkedBodyIsDecoded) {
  RequestParser parser(ParserLimits{});
  const Fed fed = feed(parser,
                       "POST /q HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().body, "abcdefg");
  EXPECT_FALSE(parser.request().content_length);
}

TEST(RequestParser, IncompleteHeaderNeedsMore) {
  RequestParser parser(ParserLimits{});
  EXPECT_EQ(feed(parser, "GET /v2/ping HTTP/1.1\r\nHost:").status, ParseStatus::need_more);
}

TEST(RequestParser, ExpectContinueAndHttp10) {
  RequestParser parser(ParserLimits{});
  Fed fed = feed(parser, "POST /q HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  EXPECT_EQ(fed.status, ParseStatus::need_more);
  EXPECT_TRUE(parser.request().expect_continue);
  parser.reset();
  fed = feed(parser, "GET / HTTP/1.0\r\n\r\n");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().version, 10u);
  EXPECT_FALSE(parser.request().keep_alive);
}

struct ErrorCase {
  std::string input;
  Errc code;
};

class RequestParserErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RequestParserErrors, MapToTypedErrors) {
  ParserLimits limits;
  limits.max_header_bytes = 1024;
  limits.max_target_bytes = 200;
  limits.max_body_bytes = 100;
  limits.max_header_count = 5;
  RequestParser parser(limits);
  const Fed fed = feed(parser, GetParam().input);
  ASSERT_EQ(fed.status, ParseStatus::failed) << GetParam().input;
  EXPECT_EQ(parser.error().code, GetParam().code) << parser.error().description;
}

INSTANTIATE_TEST_SUITE_P(
    All, RequestParserErrors,
    ::testing::Values(
        ErrorCase{"NOT A REQUEST\r\n\r\n", Errc::http_malformed},
        ErrorCase{"GET / HTTP/1.1\r\nbad header\r\n\r\n", Errc::http_malformed},
        ErrorCase{"GET / HTTP/2.0\r\n\r\n", Errc::http_version_unsupported},
        ErrorCase{"GET /" + std::string(300, 'a') + " HTTP/1.1\r\n\r\n", Errc::http_target_too_long},
        ErrorCase{"GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n",
                  Errc::http_headers_too_large},
        ErrorCase{"GET / HTTP/1.1\r\nA: 1\r\nB: 1\r\nC: 1\r\nD: 1\r\nE: 1\r\nF: 1\r\n\r\n",
                  Errc::http_headers_too_large},
        ErrorCase{"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", Errc::http_body_too_large},
        ErrorCase{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n" +
                      std::string(101, 'x') + "\r\n0\r\n\r\n",
                  Errc::http_body_too_large},
        ErrorCase{"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                  Errc::http_malformed}));

TEST(RequestParser, RelocateMovesViewsWithTheirBytes) {
  RequestParser parser(ParserLimits{});
  std::string first = "GET /moved?q=1 HTTP/1.1\r\nX-A: b\r\n\r\n";
  ASSERT_EQ(feed(parser, first).status, ParseStatus::complete);
  std::string second = first;
  parser.request().relocate(first.data(), first.size(), second.data());
  first.assign(first.size(), '#');
  EXPECT_EQ(parser.request().path, "/moved");
  EXPECT_EQ(parser.request().query, "q=1");
  EXPECT_EQ(parser.request().header("X-A").value_or(""), "b");
}

}  // namespace
}  // namespace warren::http
