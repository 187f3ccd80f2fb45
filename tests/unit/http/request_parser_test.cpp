// RequestParser: framing of whole, split, pipelined and chunked requests, and the typed errors.
#include "http/request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace warren::http {
namespace {

const ParserLimits kDefaults;

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
  RequestParser parser(kDefaults);
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
  RequestParser parser(kDefaults);
  const std::string one = "GET /a HTTP/1.1\r\nHost: h\r\n\r\n";
  const std::string two = "GET /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n";
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
  RequestParser parser(kDefaults);
  const std::string head = "PUT /q HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n";
  Fed fed = feed(parser, head + "01234");
  EXPECT_EQ(fed.status, ParseStatus::need_more);
  EXPECT_TRUE(parser.in_body());
  fed = feed(parser, "56789");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().body, "0123456789");
}

TEST(RequestParser, ChunkedBodyIsDecoded) {
  RequestParser parser(kDefaults);
  const Fed fed = feed(parser,
                       "POST /q HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().body, "abcdefg");
  EXPECT_FALSE(parser.request().content_length);
}

TEST(RequestParser, IncompleteHeaderNeedsMore) {
  RequestParser parser(kDefaults);
  EXPECT_EQ(feed(parser, "GET /v2/ping HTTP/1.1\r\nHost:").status, ParseStatus::need_more);
}

TEST(RequestParser, ExpectContinueAndHttp10) {
  RequestParser parser(kDefaults);
  Fed fed = feed(parser, "POST /q HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
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
                  Errc::http_too_many_headers},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n",
                  Errc::http_body_too_large},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n" +
                      std::string(101, 'x') + "\r\n0\r\n\r\n",
                  Errc::http_body_too_large},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                  Errc::http_malformed},
        // RFC 9112 6.3: a Transfer-Encoding that does not end in exactly one chunked is a 400
        // (its body would otherwise be read as the next request: smuggling).
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n",
                  Errc::http_malformed},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: identity\r\n\r\n",
                  Errc::http_malformed},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, chunked\r\n\r\n",
                  Errc::http_malformed},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: xchunked\r\n\r\n",
                  Errc::http_malformed},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked, gzip\r\n\r\n",
                  Errc::http_malformed},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: \r\n\r\n",
                  Errc::http_malformed},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n"
                  "Transfer-Encoding: gzip\r\n\r\n",
                  Errc::http_malformed},
        ErrorCase{"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
                  Errc::http_malformed},
        // A coding before chunked is understood framing, but not implemented (RFC 9112 6.1).
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n",
                  Errc::http_transfer_coding_unsupported},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n",
                  Errc::http_transfer_coding_unsupported},
        // RFC 9112 3.2: HTTP/1.1 needs exactly one valid Host.
        ErrorCase{"GET / HTTP/1.1\r\n\r\n", Errc::http_malformed},
        ErrorCase{"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", Errc::http_malformed},
        ErrorCase{"GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", Errc::http_malformed},
        // RFC 9110 10.1.1: an expectation other than 100-continue.
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\nContent-Length: 1\r\n\r\n",
                  Errc::http_expectation_failed},
        // Bare LF line endings are refused at once (not waited on until a deadline).
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3\nabc\n0\n\n",
                  Errc::http_malformed},
        ErrorCase{"POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3\r\nabc\r\n0\r\nX: y\n\n",
                  Errc::http_malformed},
        ErrorCase{"GET / HTTP/1.1\r\nHost: h\nX: y\n\n", Errc::http_malformed}));

TEST(RequestParser, TheHeaderCountErrorNamesTheCount) {
  ParserLimits limits;
  limits.max_header_count = 3;
  RequestParser parser(limits);
  ASSERT_EQ(feed(parser, "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 1\r\nC: 1\r\n\r\n").status,
            ParseStatus::failed);
  EXPECT_EQ(parser.error().description, "The request has more than 3 header fields.");
}

TEST(RequestParser, ASmuggledRequestInAnUnknownCodingsBodyIsNeverParsed) {
  RequestParser parser(kDefaults);
  const std::string input =
      "POST /v2/queues/q/messages HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"
      "DELETE /v2/queues/victim HTTP/1.1\r\nHost: h\r\n\r\n";
  EXPECT_EQ(feed(parser, input).status, ParseStatus::failed);  // the connection closes
}

TEST(RequestParser, ABareLfInAChunkLineFailsAsSoonAsItArrives) {
  RequestParser parser(kDefaults);
  Fed fed = feed(parser, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3");
  ASSERT_EQ(fed.status, ParseStatus::need_more);  // "3" may still be followed by CRLF
  fed = feed(parser, "3\n");
  EXPECT_EQ(fed.status, ParseStatus::failed);
  // A bare LF inside chunk data is data.
  RequestParser data(kDefaults);
  fed = feed(data, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "3\r\na\nb\r\n0\r\n\r\n");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(data.request().body, "a\nb");
}

// Feeds `input` one byte more at a time, as reads might deliver it.
ParseStatus feed_bytewise(RequestParser& parser, std::string_view input) {
  std::size_t begin = 0;
  for (std::size_t end = 1; end <= input.size(); ++end) {
    const Fed fed = feed(parser, input.substr(begin, end - begin));
    begin += fed.consumed;
    if (fed.status != ParseStatus::need_more) return fed.status;
  }
  return ParseStatus::need_more;
}

// Found by tests/fuzz/http_chunked_fuzz.cpp: Beast accepted control characters inside a quoted
// chunk-extension value, a bare LF among them, but only when the whole chunk line arrived in
// one read (in pieces the bare LF was refused): the same bytes framed two ways.
TEST(RequestParser, ControlCharactersInAChunkExtensionAreRefusedHoweverTheyArrive) {
  const std::string header = "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (const std::string& chunks : {std::string("3;a=\"x\ny\"\r\nabc\r\n0\r\n\r\n"),
                                    std::string("3;a=\"\x01\"\r\nabc\r\n0\r\n\r\n"),
                                    std::string("3;a=\"\0\"\r\nabc\r\n0\r\n\r\n", 19),
                                    std::string("3;a=\"\x7f\"\r\nabc\r\n0\r\n\r\n"),
                                    std::string("3\r\nabc\r\n0;a=\"\x1b\"\r\n\r\n")}) {
    const std::string input = header + chunks;
    RequestParser whole(kDefaults);
    EXPECT_EQ(feed(whole, input).status, ParseStatus::failed) << chunks;
    EXPECT_EQ(whole.error().code, Errc::http_malformed);
    RequestParser pieces(kDefaults);
    EXPECT_EQ(feed_bytewise(pieces, input), ParseStatus::failed) << chunks;
  }
  // A tab is allowed in a quoted value.
  RequestParser tab(kDefaults);
  EXPECT_EQ(feed(tab, header + "3;a=\"x\ty\"\r\nabc\r\n0\r\n\r\n").status, ParseStatus::complete);
  EXPECT_EQ(tab.request().body, "abc");
}

TEST(RequestParser, TrailerFieldsAreNeverRequestHeaders) {
  RequestParser parser(kDefaults);
  const Fed fed = feed(parser,
                       "POST /q HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                       "X-Project-ID: mine\r\n\r\n"
                       "2\r\n{}\r\n0\r\nX-Project-ID: theirs\r\nClient-ID: c\r\n\r\n");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().body, "{}");
  EXPECT_EQ(parser.request().header("X-Project-ID").value_or(""), "mine");
  EXPECT_FALSE(parser.request().header("Client-ID"));
  EXPECT_EQ(parser.request().headers.size(), 3u);
}

TEST(RequestParser, AbsoluteFormTargetsAreServedByTheirPath) {
  RequestParser parser(kDefaults);
  Fed fed = feed(parser, "GET http://example.com:8888/v2/queues?limit=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().path, "/v2/queues");
  EXPECT_EQ(parser.request().query, "limit=1");
  parser.reset();
  fed = feed(parser, "GET HTTPS://example.com HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().path, "/");
  parser.reset();
  fed = feed(parser, "GET http://example.com?a=b HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(fed.status, ParseStatus::complete);
  EXPECT_EQ(parser.request().path, "/");
  EXPECT_EQ(parser.request().query, "a=b");
}

TEST(RequestParser, Http10NeedsNoHost) {
  RequestParser parser(kDefaults);
  EXPECT_EQ(feed(parser, "GET /v2/ping HTTP/1.0\r\n\r\n").status, ParseStatus::complete);
}

TEST(RequestParser, ABodyInPiecesIsBufferedToItsLength) {
  RequestParser parser(kDefaults);
  Fed fed = feed(parser, "PUT /q HTTP/1.1\r\nHost: h\r\nContent-Length: 100000\r\n\r\nab");
  ASSERT_EQ(fed.status, ParseStatus::need_more);
  EXPECT_EQ(parser.body_buffer_bytes(), 100000u);  // once, to need: never doubled past it
}

TEST(RequestParser, RelocateMovesViewsWithTheirBytes) {
  RequestParser parser(kDefaults);
  std::string first = "GET /moved?q=1 HTTP/1.1\r\nHost: h\r\nX-A: b\r\n\r\n";
  ASSERT_EQ(feed(parser, first).status, ParseStatus::complete);
  std::string second = first;
  parser.request().relocate(first.data(), first.size(), second.data());
  first.assign(first.size(), '#');
  EXPECT_EQ(parser.request().path, "/moved");
  EXPECT_EQ(parser.request().query, "q=1");
  EXPECT_EQ(parser.request().header("X-A").value_or(""), "b");
}

TEST(RequestParser, ChangedLimitsApplyFromTheNextRequest) {
  ParserLimits limits;  // the connection's, replaced by a SIGHUP reload
  limits.max_body_bytes = 100;
  RequestParser parser(limits);
  // (Appended, not `"…" + std::string(50, 'x')`: gcc 12 warns a false -Warray-bounds there.)
  std::string post = "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 50\r\n\r\n";
  post.append(50, 'x');
  EXPECT_EQ(feed(parser, post).status, ParseStatus::complete);
  limits.max_body_bytes = 10;
  parser.reset();  // (the connection's, after each request)
  ASSERT_EQ(feed(parser, post).status, ParseStatus::failed);
  EXPECT_EQ(parser.error().code, Errc::http_body_too_large);
}

}  // namespace
}  // namespace warren::http
