// QueryParams: falcon's decoding rules (blank values dropped, comma lists, last value wins).
#include "api/query.h"

#include <limits>

#include <gtest/gtest.h>

namespace warren::api {
namespace {

TEST(QueryParams, DecodesAndDropsBlankValues) {
  const QueryParams q = QueryParams::parse("limit=5&marker=&name=a%20b+c&flag");
  EXPECT_EQ(q.get("limit").value_or(""), "5");
  EXPECT_FALSE(q.has("marker"));
  EXPECT_FALSE(q.has("flag"));
  EXPECT_EQ(q.get("name").value_or(""), "a b c");
}

TEST(QueryParams, CommaListsAndRepeats) {
  const QueryParams q = QueryParams::parse("ids=a,b,,c&ids=d&x=1&x=2");
  const auto ids = q.get_list("ids");
  ASSERT_TRUE(ids);
  EXPECT_EQ(*ids, (std::vector<std::string_view>{"a", "b", "c", "d"}));
  EXPECT_EQ(q.get("x").value_or(""), "2");
}

TEST(QueryParams, IntegersAndBooleans) {
  const QueryParams q = QueryParams::parse("a=12&b=-3&c=x&d=True&e=off&f=maybe&g=+7");
  EXPECT_EQ(*q.get_int("a").value(), 12);
  EXPECT_EQ(*q.get_int("b").value(), -3);
  EXPECT_EQ(*q.get_int("g").value(), 7);
  EXPECT_FALSE(q.get_int("missing").value());
  const auto bad = q.get_int("c");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().description,
            "The \"c\" parameter is invalid. The value must be an integer.");
  EXPECT_TRUE(*q.get_bool("d").value());
  EXPECT_FALSE(*q.get_bool("e").value());
  ASSERT_FALSE(q.get_bool("f"));
  EXPECT_EQ(q.get_bool("f").error().code, Errc::param_not_boolean);
}

TEST(QueryParams, IntegersReadAsPythonInt) {
  const QueryParams q = QueryParams::parse(
      "a=1_000&b=%2011%20&c=99999999999999999999&d=-99999999999999999999&e=1__0&f=_1&g=1_&h=1e2");
  EXPECT_EQ(*q.get_int("a").value(), 1000);
  EXPECT_EQ(*q.get_int("b").value(), 11);
  // Beyond int64: saturated, so a range check (not the parser) refuses it, as in Zaqar.
  EXPECT_EQ(*q.get_int("c").value(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(*q.get_int("d").value(), std::numeric_limits<std::int64_t>::min());
  for (const char* name : {"e", "f", "g", "h"}) {
    EXPECT_FALSE(q.get_int(name)) << name;
  }
}

TEST(QueryParams, EncodingForLinks) {
  std::string out;
  append_query_encoded(out, "a b/c~d.e_f-g");
  EXPECT_EQ(out, "a%20b%2Fc~d.e_f-g");
  EXPECT_EQ(percent_decode("%zz%41", false), "%zzA");
}

}  // namespace
}  // namespace warren::api
