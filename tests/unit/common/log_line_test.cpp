// LogLine: both formats, escaping of hostile bytes, codes; the access log's sampling switch.
#include "common/log_line.h"

#include <gtest/gtest.h>

#include <regex>

#include "common/access_log.h"

namespace warren::log {
namespace {

TEST(LogLine, TextHasTimeLevelCodeMessageAndFields) {
  std::string out;
  const std::string line(LogLine(out, Format::text, Level::error, "startup_failed")
                             .message("no store")
                             .field("path", "/a b")
                             .field("n", std::uint64_t{42})
                             .finish());
  EXPECT_TRUE(std::regex_match(
      line, std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z error \[startup_failed\] no store path="/a b" n=42\n)")))
      << line;
}

TEST(LogLine, TextMessageCannotForgeALine) {
  std::string out;
  const std::string line(LogLine(out, Format::text, Level::info).message("a\nb\rc").finish());
  EXPECT_EQ(line.find('\n'), line.size() - 1);
}

TEST(LogLine, JsonEscapesQuotesControlsAndBadUtf8) {
  std::string out;
  const std::string line(LogLine(out, Format::json, Level::warn)
                             .message("q\"b\\s\n\x01 \xC3\xA9 \xFF \xC0\xAF \xED\xA0\x80 \xF0\x9F\x98\x80")
                             .field("k", "\x7F")
                             .finish());
  EXPECT_EQ(line.substr(line.find("\"level\"")),
            "\"level\":\"warn\",\"msg\":\"q\\\"b\\\\s\\n\\u0001 \xC3\xA9 \\ufffd \\ufffd\\ufffd "
            "\\ufffd\\ufffd\\ufffd \xF0\x9F\x98\x80\",\"k\":\"\\u007f\"}\n");
  EXPECT_EQ(line.rfind("{\"time\":\"", 0), 0u);
}

TEST(LogLine, JsonCarriesTheCode) {
  std::string out;
  const std::string line(
      LogLine(out, Format::json, Level::error, "http_body_too_large").message("m").finish());
  EXPECT_NE(line.find("\"level\":\"error\",\"code\":\"http_body_too_large\",\"msg\":\"m\""),
            std::string::npos);
}

TEST(AccessLog, OffUntilOpenedAndSamplesItsShare) {
  EXPECT_FALSE(access_sampled());
  ASSERT_TRUE(open_access_log("/dev/null", 1.0));
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(access_sampled());
  ASSERT_TRUE(open_access_log("/dev/null", 0.25));
  int taken = 0;
  for (int i = 0; i < 100000; ++i) taken += access_sampled() ? 1 : 0;
  EXPECT_GT(taken, 23000);
  EXPECT_LT(taken, 27000);
  ASSERT_TRUE(open_access_log("/dev/null", 0.0));
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(access_sampled());
  EXPECT_FALSE(open_access_log("/dev/null", 1.5));
  close_access_log();
  EXPECT_FALSE(access_sampled());
}

}  // namespace
}  // namespace warren::log
