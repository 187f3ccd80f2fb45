// The table of WebSocket actions and the schema check.
#include "api/ws_schema.h"

#include <array>
#include <unordered_map>

#include "engine/json.h"

namespace warren::api {
namespace {

namespace json = engine::json;

using T = JsonType;
using C = WsConnection;

constexpr FieldRule kQueueList[] = {
    {"marker", T::string, false}, {"limit", T::integer, false}, {"detailed", T::boolean, false}};
constexpr FieldRule kQueueName[] = {{"queue_name", T::string, true}};
constexpr FieldRule kQueuePurge[] = {{"queue_name", T::string, true},
                                     {"resource_types", T::array, false}};
constexpr FieldRule kMessageList[] = {{"queue_name", T::string, true},
                                      {"marker", T::string, false},
                                      {"limit", T::integer, false},
                                      {"echo", T::boolean, false},
                                      {"include_claimed", T::boolean, false}};
constexpr FieldRule kMessageGet[] = {{"queue_name", T::string, true},
                                     {"message_id", T::string, true}};
constexpr FieldRule kMessageGetMany[] = {{"queue_name", T::string, true},
                                         {"message_ids", T::array, true}};
constexpr FieldRule kMessagePost[] = {{"queue_name", T::string, true},
                                      {"messages", T::array, true}};
constexpr FieldRule kMessageDelete[] = {{"queue_name", T::string, true},
                                        {"message_id", T::string, true},
                                        {"claim_id", T::string, false}};
constexpr FieldRule kMessageDeleteMany[] = {{"queue_name", T::string, true},
                                            {"message_ids", T::array, false},
                                            {"claim_ids", T::array, false},
                                            {"pop", T::integer, false}};
constexpr FieldRule kClaimCreate[] = {{"queue_name", T::string, true},
                                      {"limit", T::integer, false},
                                      {"ttl", T::integer, false},
                                      {"grace", T::integer, false}};
constexpr FieldRule kClaimId[] = {{"queue_name", T::string, true}, {"claim_id", T::string, true}};
constexpr FieldRule kClaimUpdate[] = {
    {"queue_name", T::string, true}, {"claim_id", T::string, true}, {"ttl", T::integer, false}};
constexpr FieldRule kSubscriptionCreate[] = {{"queue_name", T::string, true},
                                             {"subscriber", T::string, false},
                                             {"ttl", T::integer, false},
                                             {"options", T::object, false}};
constexpr FieldRule kSubscriptionId[] = {{"queue_name", T::string, true},
                                         {"subscription_id", T::string, true}};

const std::array<ActionRule, 34>& rules() {
  static const std::array<ActionRule, 34> table = {{
      {"get_home_doc", &C::get_home_doc, HeaderRule::none, false, false, {}},
      {"check_node_health", nullptr, HeaderRule::none, false, false, {}},
      {"ping_node", &C::ping_node, HeaderRule::none, false, false, {}},
      {"authenticate", nullptr, HeaderRule::project_and_token, false, false, {}},
      {"queue_list", &C::queue_list, HeaderRule::client_and_project, false, true, kQueueList},
      {"queue_create", &C::queue_create, HeaderRule::client_and_project, true, true, kQueueName},
      {"queue_delete", &C::queue_delete, HeaderRule::client_and_project, true, true, kQueueName},
      {"queue_get", &C::queue_get, HeaderRule::client_and_project, true, true, kQueueName},
      {"queue_get_stats", &C::queue_get_stats, HeaderRule::client_and_project, true, true,
       kQueueName},
      {"queue_purge", &C::queue_purge, HeaderRule::client_and_project, true, true, kQueuePurge},
      {"message_list", &C::message_list, HeaderRule::client_and_project, true, true, kMessageList},
      {"message_get", &C::message_get, HeaderRule::client_and_project, true, true, kMessageGet},
      {"message_get_many", &C::message_get_many, HeaderRule::client_and_project, true, true,
       kMessageGetMany},
      {"message_post", &C::message_post, HeaderRule::client_and_project, true, true, kMessagePost},
      {"message_delete", &C::message_delete, HeaderRule::client_and_project, true, true,
       kMessageDelete},
      {"message_delete_many", &C::message_delete_many, HeaderRule::client_and_project, true, true,
       kMessageDeleteMany},
      {"claim_create", &C::claim_create, HeaderRule::client_and_project, true, true, kClaimCreate},
      {"claim_get", &C::claim_get, HeaderRule::client_and_project, true, true, kClaimId},
      {"claim_update", &C::claim_update, HeaderRule::client_and_project, true, true, kClaimUpdate},
      {"claim_delete", &C::claim_delete, HeaderRule::client_and_project, true, true, kClaimId},
      {"subscription_list", &C::subscription_list, HeaderRule::client_and_project, true, true,
       kQueueName},
      {"subscription_create", &C::subscription_create, HeaderRule::client_and_project, true, true,
       kSubscriptionCreate},
      {"subscription_delete", &C::subscription_delete, HeaderRule::client_and_project, true, true,
       kSubscriptionId},
      {"subscription_get", &C::subscription_get, HeaderRule::client_and_project, true, true,
       kSubscriptionId},
      // Pools and flavors (admin, pooling): in Zaqar's schema, not served by Warren.
      {"pool_list", nullptr, HeaderRule::client_and_project, true, false, {}},
      {"pool_create", nullptr, HeaderRule::client_and_project, true, false, {}},
      {"pool_update", nullptr, HeaderRule::client_and_project, true, false, {}},
      {"pool_get", nullptr, HeaderRule::client_and_project, true, false, {}},
      {"pool_delete", nullptr, HeaderRule::client_and_project, true, false, {}},
      {"flavor_list", nullptr, HeaderRule::client_and_project, true, false, {}},
      {"flavor_create", nullptr, HeaderRule::client_and_project, true, false, {}},
      {"flavor_update", nullptr, HeaderRule::client_and_project, true, false, {}},
      {"flavor_get", nullptr, HeaderRule::client_and_project, true, false, {}},
      {"flavor_delete", nullptr, HeaderRule::client_and_project, true, false, {}},
  }};
  return table;
}

bool has_type(simdjson::dom::element value, JsonType type) {
  switch (type) {
    case T::string:
      return value.is_string();
    case T::integer:
      return value.is_int64() || value.is_uint64();
    case T::boolean:
      return value.is_bool();
    case T::array:
      return value.is_array();
    case T::object:
      return value.is_object();
  }
  return false;
}

// Every header Zaqar's schema names is a string when present.
constexpr std::string_view kKnownHeaders[] = {"User-Agent", "Date",         "Accept",
                                              "Client-ID",  "X-Project-ID", "X-Auth-Token"};

}  // namespace

const ActionRule* find_action(std::string_view action) {
  static const std::unordered_map<std::string_view, const ActionRule*> index = [] {
    std::unordered_map<std::string_view, const ActionRule*> map;
    for (const ActionRule& rule : rules()) map.emplace(rule.name, &rule);
    return map;
  }();
  const auto it = index.find(action);
  return it == index.end() ? nullptr : it->second;
}

bool matches_schema(const ActionRule& rule, simdjson::dom::object envelope) {
  simdjson::dom::element headers;
  if (!json::get_member(envelope, "headers", headers) || !headers.is_object()) return false;
  const simdjson::dom::object header_object = headers.get_object().value_unsafe();
  for (std::string_view name : kKnownHeaders) {
    simdjson::dom::element value;
    if (json::get_member(header_object, name, value) && !value.is_string()) return false;
  }
  auto has_header = [&](std::string_view name) {
    simdjson::dom::element value;
    return json::get_member(header_object, name, value);
  };
  switch (rule.headers) {
    case HeaderRule::client_and_project:
      if (!has_header("Client-ID") || !has_header("X-Project-ID")) return false;
      break;
    case HeaderRule::project_and_token:
      if (!has_header("X-Project-ID") || !has_header("X-Auth-Token")) return false;
      break;
    case HeaderRule::none:
      break;
  }
  simdjson::dom::element body;
  const bool has_body = json::get_member(envelope, "body", body);
  if (!has_body) return !rule.body_required;
  if (!rule.body_checked) return true;
  if (!body.is_object()) return false;
  const simdjson::dom::object fields = body.get_object().value_unsafe();
  for (const FieldRule& field : rule.fields) {
    simdjson::dom::element value;
    if (!json::get_member(fields, field.name, value)) {
      if (field.required) return false;
      continue;
    }
    if (!has_type(value, field.type)) return false;
  }
  return true;
}

}  // namespace warren::api
