// Router: literal and parameter segments, trailing slashes, 404 versus 405 with Allow.
#include "http/router.h"

#include <gtest/gtest.h>

namespace warren::http {
namespace {

using boost::beast::http::verb;
using Kind = Router<int>::Match::Kind;

Router<int> make_router() {
  Router<int> r;
  r.add(verb::get, "/", 1);
  r.add(verb::get, "/v2/", 2);
  r.add(verb::get, "/v2/queues/{queue_name}", 3);
  r.add(verb::put, "/v2/queues/{queue_name}", 4);
  r.add(verb::get, "/v2/queues/{queue_name}/messages/{message_id}", 5);
  r.add(verb::get, "/v2/queues/{queue_name}/stats", 6);
  return r;
}

TEST(Router, MatchesLiteralsAndParameters) {
  const Router<int> r = make_router();
  auto m = r.match(verb::get, "/v2/queues/fizz/messages/abc");
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(*m.target, 5);
  ASSERT_EQ(m.param_count, 2u);
  EXPECT_EQ(m.params[0], "fizz");
  EXPECT_EQ(m.params[1], "abc");
  m = r.match(verb::get, "/v2/queues/stats/stats");  // a literal-looking parameter
  ASSERT_EQ(m.kind, Kind::found);
  EXPECT_EQ(*m.target, 6);
  EXPECT_EQ(m.params[0], "stats");
}

TEST(Router, TrailingSlashIsASegment) {
  const Router<int> r = make_router();
  EXPECT_EQ(r.match(verb::get, "/v2/").kind, Kind::found);
  EXPECT_EQ(r.match(verb::get, "/v2").kind, Kind::no_route);
  EXPECT_EQ(r.match(verb::get, "/v2/queues/q/").kind, Kind::no_route);
  EXPECT_EQ(*r.match(verb::get, "/").target, 1);
}

TEST(Router, EmptyParameterSegmentsDoNotMatch) {
  const Router<int> r = make_router();
  EXPECT_EQ(r.match(verb::get, "/v2/queues//messages/x").kind, Kind::no_route);
  EXPECT_EQ(r.match(verb::get, "relative").kind, Kind::no_route);
}

TEST(Router, KnownPathWithOtherMethodIs405WithAllow) {
  const Router<int> r = make_router();
  auto m = r.match(verb::delete_, "/v2/queues/q");
  EXPECT_EQ(m.kind, Kind::method_not_allowed);
  EXPECT_EQ(m.allow, "GET, PUT");
}

}  // namespace
}  // namespace warren::http
