// System resources: versions (GET /), the JSON-home document (GET /v2/), ping, health, metrics.
#include <chrono>

#include "api/home_document.h"
#include "api/http_api.h"
#include "api/http_support.h"
#include "common/random.h"
#include "metrics/scrape.h"
#include "store/pooled/pooled_store.h"

namespace warren::api {

boost::asio::awaitable<void> HttpApi::get_versions(HttpCall& call) {
  call.response.begin(300);
  call.response.end_with_body("application/json", versions_document());
  co_return;
}

boost::asio::awaitable<void> HttpApi::get_home(HttpCall& call) {
  call.response.begin(200);
  call.response.header("cache-control", "max-age=86400");
  call.response.end_with_body("application/json-home", home_document());
  co_return;
}

boost::asio::awaitable<void> HttpApi::get_home_v1_1(HttpCall& call) {
  call.response.begin(200);
  call.response.header("cache-control", "max-age=86400");
  call.response.end_with_body("application/json-home", home_document_v1_1());
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

boost::asio::awaitable<void> HttpApi::get_metrics(HttpCall& call) {
  const std::string text = co_await options_.metrics->render_async();
  call.response.begin(200);
  call.response.end_with_body(metrics::kContentType, text);
}

boost::asio::awaitable<void> HttpApi::head_ping(HttpCall& call) {
  write_empty(call.response, 204);
  co_return;
}

// Zaqar's health runs each basic operation once on a scratch queue and reports whether it
// succeeded and how long it took, with the message volume it saw.
boost::asio::awaitable<void> HttpApi::get_health(HttpCall& call) {
  using Clock = std::chrono::steady_clock;
  const engine::Scope scope{"warren-health-check", "00000000000000000000000000000000", {}};
  // A queue of its own per probe: probes running at once (on several loops or nodes) must not
  // claim, delete or drop each other's messages.
  const std::string queue = fmt::format("health-{}-{:016x}", service_.now(), random_u64());
  std::string body;
  JsonWriter json(body);
  auto ping = co_await service_.ping();
  const bool reachable = ping.has_value();
  json.begin_object().key("storage_reachable").boolean(reachable);
  json.key("operation_status").begin_object();
  auto report = [&json](std::string_view name, bool ok, Clock::time_point start) {
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    json.key(name).begin_object().key("succeeded").boolean(ok).key("seconds").number(seconds)
        .key("ref").null().end_object();
  };
  store::QueueStats volume;
  if (reachable) {
    // One statement per awaited operation: no co_await inside a condition or an argument list
    // (GCC 12 miscompiles some of those).
    auto start = Clock::now();
    auto created = co_await service_.create_queue(scope, queue, "");
    report("create_queue", created.has_value(), start);
    start = Clock::now();
    engine::PostPlan plan;
    std::vector<engine::MessageInput> inputs(2);
    inputs[0].body = "{\"health\":0}";
    inputs[1].body = "{\"health\":1}";
    auto posted = co_await service_.post_messages(scope, queue, std::move(inputs), plan);
    report("post_messages", posted.has_value(), start);
    start = Clock::now();
    auto claimed = co_await service_.create_claim(scope, queue, engine::ClaimCreateRequest{1, {60, 60}});
    report("claim_messages", claimed.has_value(), start);
    start = Clock::now();
    auto listed = co_await service_.list_messages(scope, queue, engine::MessageListRequest{{}, 10, true, true, true});
    report("list_messages", listed.has_value(), start);
    auto stats = co_await service_.queue_stats(scope, queue);
    if (stats) volume = *stats;
    start = Clock::now();
    bool deleted = false;
    if (claimed && !claimed->messages.empty()) {
      auto done = co_await service_.delete_message(scope, queue, claimed->messages.front().id.view(),
                                                   claimed->claim_id.view());
      deleted = done.has_value();
    }
    report("delete_messages", deleted, start);
    start = Clock::now();
    bool released = false;
    if (claimed) {
      auto done = co_await service_.delete_claim(scope, queue, claimed->claim_id.view());
      released = done.has_value();
    }
    report("delete_claim", released, start);
    start = Clock::now();
    bool bulk = false;
    if (posted) {
      std::vector<std::string_view> ids;
      for (const auto& id : *posted) ids.push_back(id.view());
      auto done = co_await service_.delete_messages(scope, queue, ids, {});
      bulk = done.has_value();
    }
    report("bulk_delete_messages", bulk, start);
    start = Clock::now();
    auto dropped = co_await service_.delete_queue(scope, queue);
    report("delete_queue", dropped.has_value(), start);
  }
  json.end_object();
  json.key("message_volume").begin_object()
      .key("free").integer(volume.counts.free)
      .key("claimed").integer(volume.counts.claimed)
      .key("total").integer(volume.counts.total)
      .end_object();
  if (options_.pools != nullptr) {
    // Zaqar's pooled report: the catalog (the home store) and one entry per pool.
    json.key("catalog_reachable").boolean(reachable);
    auto pools = co_await options_.pools->pool_health();
    if (pools) {
      for (const store::pooled::PoolHealth& pool : *pools) {
        json.key(pool.name).begin_object().key("storage_reachable").boolean(pool.reachable)
            .end_object();
      }
    }
  }
  json.end_object();
  call.response.begin(reachable ? 200 : 503);
  call.response.end_with_body("application/json", body);
}

}  // namespace warren::api
