// The error table: every row is well-formed and make_error fills descriptions.
#include "common/errors.h"

#include <gtest/gtest.h>

namespace warren {
namespace {

TEST(Errors, EveryRowHasAStatusAndATitle) {
  const auto last = static_cast<int>(Errc::internal);
  for (int i = 0; i <= last; ++i) {
    const ErrorInfo& info = error_info(static_cast<Errc>(i));
    EXPECT_FALSE(info.name.empty());
    EXPECT_GE(info.status, 400) << info.name;
    EXPECT_LT(info.status, 600) << info.name;
    EXPECT_FALSE(info.title.empty()) << info.name;
  }
}

TEST(Errors, MakeErrorFillsTheDescriptionTemplate) {
  const Error e = make_error(Errc::queue_not_found, "fizz", "p1");
  EXPECT_EQ(e.status(), 404);
  EXPECT_EQ(e.title(), "Not found");
  EXPECT_EQ(e.description, "Queue fizz does not exist for project p1");
}

TEST(Errors, RetitlingKeepsStatusAndDescription) {
  Error e = make_error(Errc::message_ttl_range, 1209600, 60).retitled(Errc::invalid_body);
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.title(), "Invalid request body");
  EXPECT_EQ(e.description,
            "The TTL for a message may not exceed 1209600 seconds, and must be at least 60 "
            "seconds long.");
}

TEST(Errors, DescriptionAsTitle) {
  const Error e = make_error(Errc::client_id_length, 10, 36);
  EXPECT_EQ(e.title(), "Length of client id must be at least 10 and no greater than 36.");
  EXPECT_TRUE(e.shown_description().empty());
}

TEST(Errors, ResultCarriesValueOrError) {
  Result<int> ok = 5;
  Result<int> bad = make_error(Errc::internal, "boom");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 5);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, Errc::internal);
  EXPECT_THROW((void)bad.value(), std::logic_error);
}

}  // namespace
}  // namespace warren
