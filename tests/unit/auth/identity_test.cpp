// The --auth none identity: the principal X-Project-ID and X-Roles name, and the one rule for a
// project id.
#include "auth/header_identity.h"

#include <gtest/gtest.h>

namespace warren::auth {
namespace {

Result<Principal> decide(std::optional<std::string_view> project,
                         std::optional<std::string_view> roles = std::nullopt) {
  HeaderIdentity identity;
  Principal principal;
  std::optional<Error> error;
  const auto decision = identity.decide(Credentials{project, roles, std::nullopt}, principal, error);
  EXPECT_NE(decision, Identity::Decision::later) << "a header identity decides at once";
  if (decision == Identity::Decision::refused) return *error;
  return principal;
}

TEST(HeaderIdentity, TheProjectIsTheOneTheHeaderNames) {
  auto principal = decide("p1", " member ,Admin");
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->project, "p1");
  EXPECT_TRUE(principal->admin);
  EXPECT_TRUE(principal->has_role("member"));
  EXPECT_FALSE(principal->has_role("reader"));
  EXPECT_EQ(principal->source, Principal::Source::header);
  EXPECT_FALSE(decide("p1")->admin);
  EXPECT_FALSE(decide("p1", "administrator")->admin);
}

TEST(HeaderIdentity, AMissingEmptyOrControlCharacterProjectIsRefused) {
  EXPECT_EQ(decide(std::nullopt).error().code, Errc::project_id_missing);
  EXPECT_EQ(decide("").error().code, Errc::project_id_empty);
  EXPECT_EQ(decide(std::string_view("a\0b", 3)).error().code, Errc::project_id_invalid);
  EXPECT_EQ(decide("tab\there").error().code, Errc::project_id_invalid);
  EXPECT_EQ(decide("del\x7f").error().code, Errc::project_id_invalid);
  EXPECT_TRUE(decide("with space"));  // a header value may hold spaces
}

}  // namespace
}  // namespace warren::auth
