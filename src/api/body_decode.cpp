// Request-body decoding with Zaqar's field and type rules.
#include "api/body_decode.h"

#include "engine/queue_metadata.h"

namespace warren::api {

namespace json = engine::json;

namespace {

// get_checked_field for an int field: absent -> nullopt; present and not an integer ->
// body_field_type. Booleans are refused too, although Python's isinstance(True, int) lets Zaqar
// take `"ttl": true` as a TTL of 1 (and then answer with a misleading range error).
Result<std::optional<std::int64_t>> int_field(simdjson::dom::object object, std::string_view name) {
  const auto value = json::member(object, name);
  if (!value) return std::optional<std::int64_t>();
  const auto number = value->is_bool() ? std::nullopt : json::as_int(*value);
  if (!number) return make_error(Errc::body_field_type, name, "int");
  return std::optional<std::int64_t>(*number);
}

}  // namespace

Result<std::vector<engine::MessageInput>> decode_messages(json::Element messages,
                                                          const engine::PostPlan& plan) {
  if (!messages.is_array()) return make_error(Errc::body_wrong_type);
  std::vector<engine::MessageInput> result;
  for (json::Element item : json::array_of(messages)) {
    // Zaqar answers a non-object item with a 500; it is a malformed document.
    if (!item.is_object()) return make_error(Errc::body_wrong_type);
    const auto object = json::object_of(item);
    engine::MessageInput input;
    auto ttl = int_field(object, "ttl");
    if (!ttl) return ttl.error();
    input.ttl = *ttl;
    const auto body = json::member(object, "body");
    if (!body) return make_error(Errc::body_missing_field, "body");
    input.body = json::minify(*body);
    if (plan.default_delay) {
      auto delay = int_field(object, "delay");
      if (!delay) return delay.error();
      input.delay = *delay;
    }
    result.push_back(std::move(input));
  }
  return result;
}

Result<std::vector<engine::MessageInput>> decode_post_document(std::string_view body,
                                                               const engine::PostPlan& plan) {
  auto document = json::parse_document(body);
  if (!document) return document.error();
  const json::Element root = document->root();
  if (!root.is_object()) return make_error(Errc::messages_missing);
  const auto messages = json::member(json::object_of(root), "messages");
  if (!messages) return make_error(Errc::messages_missing);
  return decode_messages(*messages, plan);
}

Result<engine::ClaimOptions> decode_claim_options(json::Element document) {
  if (!document.is_object()) return make_error(Errc::body_wrong_type);
  const auto object = json::object_of(document);
  auto ttl = int_field(object, "ttl");
  if (!ttl) return ttl.error();
  auto grace = int_field(object, "grace");
  if (!grace) return grace.error();
  return engine::ClaimOptions{*ttl, *grace};
}

Result<SubscriptionFields> decode_subscription(json::Element document, bool for_create) {
  if (!document.is_object()) {
    if (!json::truthy(document)) return make_error(Errc::subscription_empty);
    return make_error(Errc::subscription_not_object);
  }
  const auto object = json::object_of(document);
  SubscriptionFields fields;
  const auto subscriber = json::member(object, "subscriber");
  if (for_create && !subscriber) return make_error(Errc::subscription_param_missing, "subscriber");
  if (object.size() == 0) return make_error(Errc::subscription_empty);
  if (subscriber && !subscriber->is_null()) {
    if (!subscriber->is_string()) {
      // urlparse() of a non-string fails in Zaqar; no scheme of it can be supported.
      fields.subscriber = json::minify(*subscriber);
    } else {
      fields.subscriber = std::string(json::string_of(*subscriber));
    }
  }
  if (const auto options = json::member(object, "options"); options && !options->is_null()) {
    if (json::truthy(*options) && !options->is_object()) {
      return make_error(Errc::subscription_options_not_object);
    }
    if (options->is_object()) {
      if (const auto policy = json::member(json::object_of(*options), "_retry_policy")) {
        if (auto valid = engine::validate_retry_policy(*policy); !valid) return valid.error();
      }
      fields.options = json::minify(*options);
    } else {
      fields.options = "{}";
    }
  }
  if (const auto ttl = json::member(object, "ttl"); ttl && !ttl->is_null()) {
    const auto number = json::as_int(*ttl);
    if (json::truthy(*ttl) && (!number || ttl->is_bool())) {
      return make_error(Errc::subscription_ttl_not_integer);
    }
    if (number) fields.ttl = *number;
  }
  return fields;
}

Result<bool> decode_confirmation(json::Element document) {
  if (!document.is_object()) return make_error(Errc::subscription_confirmed_not_boolean);
  const auto confirmed = json::member(json::object_of(document), "confirmed");
  if (!confirmed || !confirmed->is_bool()) {
    return make_error(Errc::subscription_confirmed_not_boolean);
  }
  return json::truthy(*confirmed);
}

Result<PurgeTargets> decode_purge(json::Element document) {
  if (!document.is_object()) return make_error(Errc::purge_types_missing);
  const auto types = json::member(json::object_of(document), "resource_types");
  if (!types) return make_error(Errc::purge_types_missing);
  if (!types->is_array()) return make_error(Errc::purge_types_invalid);
  PurgeTargets targets{false, false};
  for (json::Element item : json::array_of(*types)) {
    const std::string_view name = item.is_string() ? json::string_of(item) : std::string_view();
    if (name == "messages") {
      targets.messages = true;
    } else if (name == "subscriptions") {
      targets.subscriptions = true;
    } else {
      return make_error(Errc::purge_types_invalid);
    }
  }
  return targets;
}

}  // namespace warren::api
