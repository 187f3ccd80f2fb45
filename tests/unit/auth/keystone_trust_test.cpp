// The documents of Keystone's trust exchanges (auth/keystone_trust.h): the trust a trust+
// subscription creates, the trustee's trust-scoped password authentication, the reading of
// Keystone's answers and error bodies, and the time format Keystone reads.
#include "auth/keystone_trust.h"

#include <simdjson.h>
#include <gtest/gtest.h>

namespace warren::auth {
namespace {

simdjson::dom::element parse(simdjson::dom::parser& parser, const std::string& text) {
  simdjson::dom::element root;
  EXPECT_EQ(parser.parse(text).get(root), simdjson::SUCCESS) << text;
  return root;
}

std::string_view text_at(simdjson::dom::element root, std::string_view pointer) {
  std::string_view out;
  EXPECT_EQ(root.at_pointer(pointer).get(out), simdjson::SUCCESS) << pointer;
  return out;
}

TEST(KeystoneTrust, TheTrustDelegatesTheCallersRolesOnTheProjectToTheServiceUser) {
  TrustRequest trust;
  trust.trustor_user_id = "alice-id";
  trust.trustee_user_id = "warren-id";
  trust.project_id = "p\"1";
  trust.roles = "member, reader,,";
  trust.expires_ms = 1'700'000'000'123;
  simdjson::dom::parser parser;
  const std::string body = trust_request_body(trust);
  const auto root = parse(parser, body);
  EXPECT_EQ(text_at(root, "/trust/trustor_user_id"), "alice-id");
  EXPECT_EQ(text_at(root, "/trust/trustee_user_id"), "warren-id");
  EXPECT_EQ(text_at(root, "/trust/project_id"), "p\"1");
  bool impersonation = false;
  ASSERT_EQ(root.at_pointer("/trust/impersonation").get(impersonation), simdjson::SUCCESS);
  EXPECT_TRUE(impersonation);  // as Zaqar's create_trust_id
  simdjson::dom::array roles;
  ASSERT_EQ(root.at_pointer("/trust/roles").get(roles), simdjson::SUCCESS);
  ASSERT_EQ(roles.size(), 2u);
  EXPECT_EQ(text_at(root, "/trust/roles/0/name"), "member");
  EXPECT_EQ(text_at(root, "/trust/roles/1/name"), "reader");
  EXPECT_EQ(text_at(root, "/trust/expires_at"), "2023-11-14T22:13:20.123000Z");
}

TEST(KeystoneTrust, ATrustWithoutExpiryHasNoExpiresAt) {
  TrustRequest trust;
  trust.trustor_user_id = "a";
  trust.trustee_user_id = "b";
  trust.project_id = "p";
  simdjson::dom::parser parser;
  const auto root = parse(parser, trust_request_body(trust));
  simdjson::dom::element ignored;
  EXPECT_NE(root.at_pointer("/trust/expires_at").get(ignored), simdjson::SUCCESS);
  simdjson::dom::array roles;
  ASSERT_EQ(root.at_pointer("/trust/roles").get(roles), simdjson::SUCCESS);
  EXPECT_EQ(roles.size(), 0u);
}

TEST(KeystoneTrust, ReadsTheTrustIdOfKeystonesAnswer) {
  auto id = parse_trust_id(R"({"trust": {"id": "0a1b", "impersonation": true}})");
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, "0a1b");
  for (std::string_view bad : {"", "[]", R"({"trust": {}})", R"({"trust": {"id": ""}})",
                               R"({"trust": {"id": 5}})", "{\"trust\""}) {
    auto refused = parse_trust_id(bad);
    ASSERT_FALSE(refused) << bad;
    EXPECT_EQ(refused.error().code, Errc::auth_unavailable);
  }
}

TEST(KeystoneTrust, ReadsKeystonesErrorMessageOnOneLine) {
  EXPECT_EQ(keystone_error_message(
                R"({"error": {"code": 403, "message": "not\nyours", "title": "Forbidden"}})"),
            "not yours");
  EXPECT_EQ(keystone_error_message("<html>"), "");
  EXPECT_EQ(keystone_error_message(R"({"error": {}})"), "");
  const std::string long_message = R"({"error": {"message": ")" + std::string(1000, 'x') + "\"}}";
  EXPECT_EQ(keystone_error_message(long_message).size(), 300u);
}

TEST(KeystoneTrust, TheTrusteeAuthenticatesWithItsPasswordScopedToTheTrust) {
  simdjson::dom::parser parser;
  const auto root = parse(parser, trust_token_request_body("warren", "Default", "s3\"cret", "T1"));
  EXPECT_EQ(text_at(root, "/auth/identity/methods/0"), "password");
  EXPECT_EQ(text_at(root, "/auth/identity/password/user/name"), "warren");
  EXPECT_EQ(text_at(root, "/auth/identity/password/user/domain/name"), "Default");
  EXPECT_EQ(text_at(root, "/auth/identity/password/user/password"), "s3\"cret");
  EXPECT_EQ(text_at(root, "/auth/scope/OS-TRUST:trust/id"), "T1");
}

TEST(KeystoneTrust, TimesAreUtcWithMicroseconds) {
  EXPECT_EQ(keystone_time(0), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(keystone_time(86'400'000 + 7), "1970-01-02T00:00:00.007000Z");
}

}  // namespace
}  // namespace warren::auth
