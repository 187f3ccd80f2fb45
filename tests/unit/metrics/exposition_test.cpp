// The exposition text: families, escaping, histogram lines, and what a scrape leaves out
// (counters made at run time and histograms that have counted nothing yet).
#include "metrics/exposition.h"

#include <string>

#include <gtest/gtest.h>

#include "common/counters.h"
#include "metrics/scrape.h"

namespace warren::metrics {
namespace {

TEST(Exposition, WritesFamiliesSamplesAndEscapes) {
  std::string text;
  Exposition out(text);
  out.family("warren_x_total", Exposition::Type::counter, "Help with \\ and\nnewline.");
  out.sample("warren_x_total", R"(a="1")", std::uint64_t{42});
  out.sample("warren_x_total", "", 0.5);
  EXPECT_EQ(text,
            "# HELP warren_x_total Help with \\\\ and\\nnewline.\n"
            "# TYPE warren_x_total counter\n"
            "warren_x_total{a=\"1\"} 42\n"
            "warren_x_total 0.5\n");
  EXPECT_EQ(Exposition::escape_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(Exposition, WritesAHistogramsBucketsSumAndCount) {
  std::string text;
  Exposition out(text);
  const double bounds[] = {0.001, 0.5};
  const std::uint64_t cumulative[] = {1, 3, 4};
  out.histogram("warren_h_seconds", R"(r="/x")", bounds, cumulative, 1.25, 4);
  EXPECT_EQ(text,
            "warren_h_seconds_bucket{r=\"/x\",le=\"0.001\"} 1\n"
            "warren_h_seconds_bucket{r=\"/x\",le=\"0.5\"} 3\n"
            "warren_h_seconds_bucket{r=\"/x\",le=\"+Inf\"} 4\n"
            "warren_h_seconds_sum{r=\"/x\"} 1.25\n"
            "warren_h_seconds_count{r=\"/x\"} 4\n");
}

TEST(Scrape, ShowsRunTimeSeriesOnceTheyCountAndAddsTheCollectors) {
  Counter& quiet = Counter::make("warren_test_lazy_total", R"(route="/quiet")", "Lazy.");
  Counter& busy = Counter::make("warren_test_lazy_total", R"(route="/busy")", "Lazy.");
  busy.add();
  (void)quiet;
  const double bounds[] = {1.0};
  Histogram::make("warren_test_lazy_seconds", "", "Lazy.", bounds);
  Scrape scrape;
  scrape.add([](Exposition& out) {
    out.family("warren_test_gauge", Exposition::Type::gauge, "A gauge.");
    out.sample("warren_test_gauge", "", std::uint64_t{7});
  });
  const std::string text = scrape.render();
  EXPECT_NE(text.find("warren_test_lazy_total{route=\"/busy\"} 1\n"), std::string::npos);
  EXPECT_EQ(text.find("/quiet"), std::string::npos);
  EXPECT_EQ(text.find("warren_test_lazy_seconds"), std::string::npos);
  EXPECT_NE(text.find("# TYPE warren_test_gauge gauge\nwarren_test_gauge 7\n"),
            std::string::npos);
  EXPECT_NE(text.find("process_resident_memory_bytes "), std::string::npos);
  EXPECT_NE(text.find("warren_build_info{version=\""), std::string::npos);
}

}  // namespace
}  // namespace warren::metrics
