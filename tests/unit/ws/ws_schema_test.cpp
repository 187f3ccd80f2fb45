// The WebSocket action table and schema check (Zaqar's request schemas, draft-4 types).
#include "api/ws_schema.h"

#include <gtest/gtest.h>

#include "engine/json.h"

namespace warren::api {
namespace {

bool valid(std::string_view action, std::string_view envelope) {
  const ActionRule* rule = find_action(action);
  EXPECT_NE(rule, nullptr) << action;
  auto document = engine::json::parse_value(envelope);
  EXPECT_TRUE(document.has_value());
  return matches_schema(*rule, engine::json::object_of(document->root()));
}

constexpr std::string_view kHeaders = R"("headers":{"Client-ID":"c","X-Project-ID":"p"})";

std::string with(std::string_view body) {
  return std::string("{") + std::string(kHeaders) + ",\"body\":" + std::string(body) + "}";
}

TEST(WsSchema, KnowsZaqarsActionsOnly) {
  EXPECT_NE(find_action("queue_list"), nullptr);
  EXPECT_NE(find_action("flavor_delete"), nullptr);
  EXPECT_EQ(find_action("flavor_delete")->run, nullptr);  // listed, not served
  EXPECT_EQ(find_action("queue_glorify"), nullptr);
  EXPECT_EQ(find_action(""), nullptr);
}

TEST(WsSchema, RequiredHeadersAndBody) {
  EXPECT_TRUE(valid("queue_list", std::string("{") + std::string(kHeaders) + "}"));
  EXPECT_FALSE(valid("queue_list", R"({"headers":{"Client-ID":"c"}})"));
  EXPECT_FALSE(valid("queue_list", R"({"headers":[]})"));
  EXPECT_FALSE(valid("queue_list", R"({"headers":{"Client-ID":1,"X-Project-ID":"p"}})"));
  EXPECT_FALSE(valid("queue_get", std::string("{") + std::string(kHeaders) + "}"));
  EXPECT_TRUE(valid("ping_node", R"({"headers":{}})"));
  EXPECT_FALSE(valid("ping_node", R"({})"));
  EXPECT_TRUE(valid("authenticate", R"({"headers":{"X-Project-ID":"p","X-Auth-Token":"t"}})"));
  EXPECT_FALSE(valid("authenticate", R"({"headers":{"X-Project-ID":"p"}})"));
}

TEST(WsSchema, FieldTypesAsDraftFour) {
  EXPECT_TRUE(valid("claim_create", with(R"({"queue_name":"q","limit":3,"ttl":60})")));
  EXPECT_FALSE(valid("claim_create", with(R"({"queue_name":"q","limit":true})")));
  EXPECT_FALSE(valid("claim_create", with(R"({"queue_name":"q","limit":3.0})")));
  EXPECT_FALSE(valid("claim_create", with(R"({"limit":3})")));
  EXPECT_TRUE(valid("message_list", with(R"({"queue_name":"q","echo":false})")));
  EXPECT_FALSE(valid("message_list", with(R"({"queue_name":"q","echo":"false"})")));
  EXPECT_FALSE(valid("message_post", with(R"({"queue_name":"q","messages":{}})")));
  EXPECT_FALSE(valid("queue_get", with(R"([])")));
  EXPECT_TRUE(valid("subscription_create", with(R"({"queue_name":"q","options":{}})")));
  EXPECT_FALSE(valid("subscription_create", with(R"({"queue_name":"q","options":[]})")));
  // Fields the schema does not name may have any type.
  EXPECT_TRUE(valid("queue_create", with(R"({"queue_name":"q","metadata":[1]})")));
}

}  // namespace
}  // namespace warren::api
