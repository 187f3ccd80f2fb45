// Claim resources: create, get, renew, release.
#include "api/body_decode.h"
#include "api/http_api.h"
#include "api/http_render.h"
#include "api/http_support.h"

namespace warren::api {

boost::asio::awaitable<void> HttpApi::post_claim(HttpCall& call) {
  engine::ClaimCreateRequest request;
  auto limit = call.query.get_int("limit");
  if (!limit) co_return write_error(call, limit.error());
  request.limit = *limit;
  auto document = optional_json_body(call);
  if (!document) co_return write_error(call, document.error());
  if (*document) {
    auto options = decode_claim_options((*document)->root());
    if (!options) co_return write_error(call, options.error());
    request.options = *options;
  }
  auto claim = co_await service_.create_claim(call.scope, call.queue, request);
  if (!claim) co_return write_error(call, claim.error());
  if (claim->messages.empty()) co_return write_empty(call.response, 204);

  const store::TimeMs now = service_.now();
  JsonWriter json =
      json_response(call, 201, fmt::format("{}/{}", call.path(), claim->claim_id.view()));
  json.begin_object().key("messages").begin_array();
  const std::string_view base = queue_path(call.path(), 1);
  for (const store::Message& message : claim->messages) {
    write_message(json, message, base, now, claim->claim_id.view());
  }
  json.end_array().end_object();
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::get_claim(HttpCall& call) {
  const std::string_view claim_id = call.params[1];
  auto claim = co_await service_.get_claim(call.scope, call.queue, claim_id);
  if (!claim) co_return write_error(call, claim.error());
  const store::TimeMs now = service_.now();
  JsonWriter json = json_response(call, 200);
  json.begin_object()
      .key("age").integer(age_seconds(claim->created, now))
      .key("ttl").integer(claim->ttl_s)
      .key("messages").begin_array();
  const std::string_view base = queue_path(call.path(), 2);
  for (const store::Message& message : claim->messages) {
    write_message(json, message, base, now, claim_id);
  }
  json.end_array().key("href").string(call.path()).end_object();
  call.response.finish_body();
}

boost::asio::awaitable<void> HttpApi::patch_claim(HttpCall& call) {
  auto document = required_json_body(call);
  if (!document) co_return write_error(call, document.error());
  auto options = decode_claim_options(document->root());
  if (!options) co_return write_error(call, options.error());
  auto updated = co_await service_.update_claim(call.scope, call.queue, call.params[1], *options);
  if (!updated) co_return write_error(call, updated.error());
  write_empty(call.response, 204);
}

boost::asio::awaitable<void> HttpApi::delete_claim(HttpCall& call) {
  auto released = co_await service_.delete_claim(call.scope, call.queue, call.params[1]);
  if (!released) co_return write_error(call, released.error());
  write_empty(call.response, 204);
}

}  // namespace warren::api
