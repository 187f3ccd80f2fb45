// ResponseWriter: status lines, Connection headers, patched Content-Length, HEAD, error bodies.
#include "http/response_writer.h"

#include <gtest/gtest.h>

#include "common/counters.h"

namespace warren::http {
namespace {

std::string without_date(std::string text) {
  const auto at = text.find("Date: ");
  if (at != std::string::npos) text.erase(at, text.find("\r\n", at) + 2 - at);
  return text;
}

TEST(ResponseWriter, BodyWrittenInPlaceGetsItsLength) {
  std::string out;
  ResponseWriter w(out);
  w.begin(200);
  std::string& body = w.begin_body("application/json");
  body += "{\"a\":1}";
  w.finish_body();
  EXPECT_EQ(without_date(out),
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nContent-Length:          7"
            "\r\n\r\n{\"a\":1}");
}

TEST(ResponseWriter, HeaderValueWrittenInPlaceMatchesAWholeOne) {
  std::string in_place;
  ResponseWriter a(in_place);
  a.begin(201);
  a.begin_header("location").append("/v2/queues/q/messages?ids=").append("a,b");
  a.end_header();
  a.header("x-after", "1");
  a.end_without_body();
  std::string whole;
  ResponseWriter b(whole);
  b.begin(201);
  b.header("location", "/v2/queues/q/messages?ids=a,b");
  b.header("x-after", "1");
  b.end_without_body();
  EXPECT_EQ(without_date(in_place), without_date(whole));
  EXPECT_EQ(without_date(in_place),
            "HTTP/1.1 201 Created\r\nlocation: /v2/queues/q/messages?ids=a,b\r\nx-after: 1\r\n\r\n");
}

TEST(ResponseWriter, NoContentHasNoLengthAndCloseIsAnnounced) {
  std::string out;
  ResponseWriter w(out);
  w.set_close(true);
  w.begin(204);
  w.end_without_body();
  EXPECT_EQ(without_date(out), "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
}

TEST(ResponseWriter, HeadKeepsTheLengthButDropsTheBody) {
  std::string out;
  ResponseWriter w(out);
  w.set_head_request(true);
  w.begin(200);
  w.end_with_body("text/plain", "12345");
  EXPECT_EQ(without_date(out), "HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nContent-Length: 5\r\n\r\n");
}

TEST(ResponseWriter, ErrorBodyFollowsZaqar) {
  std::string out;
  ResponseWriter w(out);
  w.set_keep_alive_header(true);
  w.error(make_error(Errc::route_not_found));
  EXPECT_NE(out.find("HTTP/1.1 404 Not Found\r\n"), std::string::npos);
  EXPECT_NE(out.find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(out.substr(out.find("\r\n\r\n") + 4), "{\"title\":\"404 Not Found\"}");
}

TEST(ResponseWriter, DateHeaderIsAnHttpDate) {
  const std::string_view date = http_date_now();
  EXPECT_EQ(date.size(), 29u);
  EXPECT_EQ(date.substr(25), " GMT");
}

TEST(ResponseWriter, EveryResponseIsCountedByItsStatusClass) {
  const Counter* ok = Counter::find("warren_http_responses_total", R"(code="2xx")");
  const Counter* refused = Counter::find("warren_http_responses_total", R"(code="4xx")");
  const Counter* failed = Counter::find("warren_http_responses_total", R"(code="5xx")");
  ASSERT_TRUE(ok && refused && failed);
  const std::uint64_t ok_before = ok->total();
  const std::uint64_t refused_before = refused->total();
  const std::uint64_t failed_before = failed->total();
  std::string out;
  ResponseWriter w(out);
  w.begin(204);
  w.end_without_body();
  w.error(make_error(Errc::body_missing));
  (void)canned_error_response(Errc::http_too_many_connections);
  EXPECT_EQ(ok->total() - ok_before, 1u);
  EXPECT_EQ(refused->total() - refused_before, 1u);
  EXPECT_EQ(failed->total() - failed_before, 1u);
}

}  // namespace
}  // namespace warren::http
