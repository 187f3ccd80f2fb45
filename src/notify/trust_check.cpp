// TrustSubscriberCheck: refusals without Keystone, the trust_id option, the trust's creation.
#include "notify/trust_check.h"

#include <simdjson.h>

#include "auth/now.h"
#include "common/json_writer.h"
#include "engine/json.h"
#include "notify/webhook_url.h"

namespace warren::notify {

std::optional<std::string> trust_id_option(std::string_view options) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::element member;
  if (parser.parse(options.data(), options.size()).get(root) != simdjson::SUCCESS ||
      !engine::json::get_member(root, "trust_id", member)) {
    return std::nullopt;
  }
  std::string_view id;
  if (member.get(id) != simdjson::SUCCESS) return std::string();
  return std::string(id);
}

std::string with_trust_id(std::string_view options, std::string_view trust_id) {
  std::string out(options);
  while (!out.empty() && out.back() != '}') out.pop_back();
  if (out.empty()) out = "{}";
  out.pop_back();  // the closing brace
  std::size_t last = out.find_last_not_of(" \t\r\n");
  if (last != std::string::npos && out[last] != '{') out += ',';
  append_json_string(out, "trust_id");
  out += ':';
  append_json_string(out, trust_id);
  out += '}';
  return out;
}

engine::Async<void> TrustSubscriberCheck::check(std::string_view subscriber) {
  if (keystone_ == nullptr && trust_webhook_url(subscriber)) {
    co_return make_error(Errc::trust_needs_keystone);
  }
  if (next_ == nullptr) co_return Result<void>{};
  co_return co_await next_->check(subscriber);
}

Result<void> TrustSubscriberCheck::check_options(std::string_view subscriber,
                                                 std::string_view options) {
  if (trust_webhook_url(subscriber)) {
    const auto id = trust_id_option(options);
    if (id && id->empty()) return make_error(Errc::trust_id_invalid);
  }
  if (next_ == nullptr) return {};
  return next_->check_options(subscriber, options);
}

engine::Async<std::string> TrustSubscriberCheck::prepare(const engine::Scope& scope,
                                                         const engine::Caller& caller,
                                                         std::string_view subscriber,
                                                         std::string options,
                                                         std::int64_t ttl_s) {
  const bool needs_trust =
      keystone_ != nullptr && trust_webhook_url(subscriber) && !trust_id_option(options);
  if (!needs_trust) {
    if (next_ == nullptr) co_return options;
    co_return co_await next_->prepare(scope, caller, subscriber, std::move(options), ttl_s);
  }
  if (caller.token.empty() || caller.user.empty()) co_return make_error(Errc::trust_needs_token);
  auth::TrustRequest trust;
  trust.trustor_user_id = caller.user;
  trust.project_id = scope.project;
  trust.roles = caller.roles;
  trust.expires_ms = ttl_s > 0 ? auth::wall_ms() + ttl_s * 1000 : 0;
  auto created = co_await keystone_->create_trust(std::string(caller.token), trust);
  if (!created) co_return created.error();
  co_return with_trust_id(options, *created);
}

}  // namespace warren::notify
