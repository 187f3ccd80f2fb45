// System resources: versions (GET /), the JSON-home document (GET /v2/), ping, health.
#include <chrono>

#include "api/home_document.h"
#include "api/http_api.h"
#include "api/http_support.h"

namespace warren::api {

boost::asio::awaitable<void> HttpApi::get_versions(HttpCall& call) {
  call.response.begin(300);
  call.response.end_with_body("application/json", versions_document());
  co_return;
}

boost::asio::awaitable<void> HttpApi::get_home(HttpCall& call) {
  call.response.begin(200);
  call.response.header("Cache-Control", "max-age=86400");
  call.response.end_with_body("application/json-home", home_document());
  co_return;
}

boost::asio::awaitable<void> HttpApi::get_ping(HttpCall& call) {
  auto alive = co_await service_.ping();
  if (alive) {
    write_empty(call.response, 204);
  } else {
    call.response.error(alive.error());
  }
}

boost::asio::awaitable<void> HttpApi::head_ping(HttpCall& call) {
  write_empty(call.response, 204);
  co_return;
}

// Zaqar's health runs each basic operation once on a scratch queue and reports whether it
// succeeded and how long it took, with the message volume it saw.
boost::asio::awaitable<void> HttpApi::get_health(HttpCall& call) {
  using Clock = std::chrono::steady_clock;
  const engine::Scope scope{"warren-health-check", "00000000000000000000000000000000"};
  const std::string queue = fmt::format("health-{}", service_.now());
  std::string body;
  JsonWriter json(body);
  const bool reachable = static_cast<bool>(co_await service_.ping());
  json.begin_object().key("storage_reachable").boolean(reachable);
  json.key("operation_status").begin_object();
  auto report = [&json](std::string_view name, bool ok, Clock::time_point start) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    json.key(name).begin_object().key("succeeded").boolean(ok).key("seconds").number(seconds)
        .key("ref").null().end_object();
  };
  store::QueueStats volume;
  if (reachable) {
    auto start = Clock::now();
    report("create_queue", static_cast<bool>(co_await service_.create_queue(scope, queue, "")), start);
    start = Clock::now();
    engine::PostPlan plan;
    std::vector<engine::MessageInput> inputs(2);
    inputs[0].body = "{\"health\":0}";
    inputs[1].body = "{\"health\":1}";
    auto posted = co_await service_.post_messages(scope, queue, std::move(inputs), plan);
    report("post_messages", static_cast<bool>(posted), start);
    start = Clock::now();
    auto claimed = co_await service_.create_claim(scope, queue, engine::ClaimCreateRequest{1, 60, 60});
    report("claim_messages", static_cast<bool>(claimed), start);
    start = Clock::now();
    auto listed = co_await service_.list_messages(scope, queue, engine::MessageListRequest{{}, 10, true, true, true});
    report("list_messages", static_cast<bool>(listed), start);
    if (auto stats = co_await service_.queue_stats(scope, queue)) volume = *stats;
    start = Clock::now();
    bool deleted = false;
    if (claimed && !claimed->messages.empty()) {
      deleted = static_cast<bool>(co_await service_.delete_message(
          scope, queue, claimed->messages.front().id.view(), claimed->claim_id.view()));
    }
    report("delete_messages", deleted, start);
    start = Clock::now();
    report("delete_claim",
           claimed && static_cast<bool>(co_await service_.delete_claim(scope, queue, claimed->claim_id.view())),
           start);
    start = Clock::now();
    bool bulk = false;
    if (posted) {
      std::vector<std::string_view> ids;
      for (const auto& id : *posted) ids.push_back(id.view());
      bulk = static_cast<bool>(co_await service_.delete_messages(scope, queue, ids, {}));
    }
    report("bulk_delete_messages", bulk, start);
    start = Clock::now();
    report("delete_queue", static_cast<bool>(co_await service_.delete_queue(scope, queue)), start);
  }
  json.end_object();
  json.key("message_volume").begin_object()
      .key("free").integer(volume.counts.free)
      .key("claimed").integer(volume.counts.claimed)
      .key("total").integer(volume.counts.total)
      .end_object().end_object();
  call.response.begin(reachable ? 200 : 503);
  call.response.end_with_body("application/json", body);
}

}  // namespace warren::api
