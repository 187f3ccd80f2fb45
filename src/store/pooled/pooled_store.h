// PooledStore: the storage contract over several engines (Zaqar's pools and flavors; see
// docs/pools.md). A queue created with a flavor ("_flavor" in its metadata) is placed on a pool
// of that flavor, chosen at random in proportion to the pools' weights, and stays there; every
// later operation on it is routed to that pool's engine. Queues without a flavor, every
// subscription and the shared rate buckets stay on the home store (the server's own
// --storage engine), which also keeps the durable records: pools, flavors and the catalog of
// placed queues (records.h).
//
// Each process mirrors the pools and the catalog in memory, so routing an operation costs one
// hash lookup and no I/O (none at all while no queue is pooled). The mirror is written through
// by this process's own changes and reloaded from the home store every
// options.refresh_interval (from reap()), so nodes sharing a home store (redis) converge;
// create_queue always reads the durable catalog, so two nodes never place one queue twice.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/pooled/records.h"
#include "store/store.h"

namespace warren::store::pooled {

// Opens the engine a pool URI names (the server's store factory). Errors: pool_uri_invalid for
// a URI of no known form; anything else is reported as pool_unreachable.
using EngineOpener = std::function<Result<std::unique_ptr<Store>>(std::string_view uri)>;

struct PooledStoreOptions {
  // How often reap() reloads pools and catalog from the home store (other nodes' changes).
  std::chrono::milliseconds refresh_interval{2000};
  // The most pools there may be (a PUT of one more is refused), and the most catalog entries
  // a reload reads (a bound on its work and memory; beyond it a reload stops and logs).
  std::size_t max_pools = 64;
  std::size_t max_catalog_entries = 1000000;
  // Queues created without a flavor are placed on the pools of this flavor (a pool's
  // `flavor`, no flavor record needed) instead of the home store; "" = they stay home.
  std::string default_flavor;
};

// What a pool holds, for health: whether its engine answered a ping.
struct PoolHealth {
  std::string name;
  bool reachable = false;
};

// A change to a pool (PATCH): the fields given.
struct PoolPatch {
  std::optional<std::string> uri;
  std::optional<std::int64_t> weight;
  std::optional<std::string> flavor;
  std::optional<std::string> options;
};

class PooledStore final : public Store {
 public:
  PooledStore(std::unique_ptr<Store> home, EngineOpener opener, PooledStoreOptions options);
  ~PooledStore() override;

  // Reads pools and catalog from the home store and opens every pool's engine, on a private
  // io_context (before the event loops run). Errors (startup_failed): the home store cannot
  // be read, or a pool's engine cannot be opened (fail closed).
  Result<void> load();

  // ---- pools (admin) ----
  // Pools in name order after `marker`, at most `limit`.
  Async<std::vector<PoolRecord>> list_pools(std::string_view marker, int limit);
  // nullopt if there is none of that name.
  Async<std::optional<PoolRecord>> get_pool(std::string_view name);
  // Creates or replaces the pool (Zaqar's PUT: an upsert) after opening its engine and pinging
  // it: pool_unreachable if that fails; pools_limit beyond options.max_pools.
  Async<void> put_pool(PoolRecord pool);
  // pool_not_found; a new URI is opened and pinged as by put_pool.
  Async<PoolRecord> patch_pool(std::string_view name, const PoolPatch& patch);
  // Missing: success. pool_in_use if it is the last pool of a flavor (Zaqar) or holds queues.
  Async<void> delete_pool(std::string_view name);
  // Names of the pools whose flavor is `flavor`, in name order (from the mirror).
  std::vector<std::string> pools_of_flavor(std::string_view flavor) const;
  // The URI of one pool of the mirror ("" if none), for capabilities.
  std::string uri_of(std::string_view pool) const;

  // ---- flavors (admin) ----
  Async<std::vector<FlavorRecord>> list_flavors(std::string_view project, std::string_view marker,
                                                int limit);
  Async<bool> flavor_exists(std::string_view project, std::string_view name);
  // Creates the flavor (or keeps it) and gives each of `pools` this flavor; pools of it not
  // listed are left with none. flavor_pool_missing if one does not exist (or cannot: a name
  // is_record_name refuses). `name` must pass is_record_name.
  Async<void> put_flavor(std::string_view project, std::string_view name,
                         std::vector<std::string> pools);
  // Deletes the flavor; its pools are left with none. Missing: success.
  Async<void> delete_flavor(std::string_view project, std::string_view name);

  // Pings the home store and every pool.
  Async<std::vector<PoolHealth>> pool_health();
  // The pool holding a queue ("" = the home store), from the mirror.
  std::string pool_of(QueueRef queue) const;

  // ---- the storage contract ----
  std::string_view engine_name() const noexcept override { return home_->engine_name(); }
  Async<bool> create_queue(QueueRef queue, std::string_view metadata, TimeMs now) override;
  Async<std::optional<std::string>> get_queue_metadata(QueueRef queue) override {
    return route(queue).get_queue_metadata(queue);
  }
  Async<void> set_queue_metadata(QueueRef queue, std::string_view metadata) override {
    return route(queue).set_queue_metadata(queue, metadata);
  }
  Async<void> delete_queue(QueueRef queue) override;
  Async<QueuePage> list_queues(std::string_view project, const QueueListOptions& options) override;
  Async<std::int64_t> count_queues(std::string_view project) override;
  Async<std::vector<std::string>> list_projects(std::string_view marker, int limit) override;
  Async<QueueStats> queue_stats(QueueRef queue, TimeMs now) override {
    return route(queue).queue_stats(queue, now);
  }
  Async<std::vector<ShortId>> post_messages(QueueRef queue, std::string_view client,
                                            std::span<const NewMessage> messages,
                                            TimeMs now) override {
    return route(queue).post_messages(queue, client, messages, now);
  }
  Async<MessagePage> list_messages(QueueRef queue, const MessageListOptions& options,
                                   TimeMs now) override {
    return route(queue).list_messages(queue, options, now);
  }
  Async<std::vector<Message>> get_messages(QueueRef queue, std::span<const std::string_view> ids,
                                           TimeMs now) override {
    return route(queue).get_messages(queue, ids, now);
  }
  Async<void> delete_message(QueueRef queue, std::string_view id,
                             std::optional<std::string_view> claim_id, TimeMs now) override {
    return route(queue).delete_message(queue, id, claim_id, now);
  }
  Async<void> delete_messages(QueueRef queue, std::span<const std::string_view> ids,
                              std::span<const std::string_view> claim_ids, TimeMs now) override {
    return route(queue).delete_messages(queue, ids, claim_ids, now);
  }
  Async<std::vector<Message>> pop_messages(QueueRef queue, int limit, TimeMs now) override {
    return route(queue).pop_messages(queue, limit, now);
  }
  Async<void> purge_messages(QueueRef queue, TimeMs now) override {
    return route(queue).purge_messages(queue, now);
  }
  // A dead-letter queue that does not exist yet is entered in the catalog on the source
  // queue's pool first (the engine creates it there).
  Async<ClaimResult> create_claim(QueueRef queue, const ClaimParams& params, TimeMs now) override;
  Async<ClaimInfo> get_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override {
    return route(queue).get_claim(queue, claim_id, now);
  }
  Async<void> update_claim(QueueRef queue, std::string_view claim_id, std::int64_t ttl_s,
                           std::int64_t grace_s, TimeMs now) override {
    return route(queue).update_claim(queue, claim_id, ttl_s, grace_s, now);
  }
  Async<void> release_claim(QueueRef queue, std::string_view claim_id, TimeMs now) override {
    return route(queue).release_claim(queue, claim_id, now);
  }
  Async<void> change_visibility(QueueRef queue, Receipt receipt, TimeMs visible_at,
                                TimeMs now) override {
    return route(queue).change_visibility(queue, receipt, visible_at, now);
  }
  Async<bool> delete_received(QueueRef queue, Receipt receipt, TimeMs now) override {
    return route(queue).delete_received(queue, receipt, now);
  }
  // Subscriptions stay on the home store whatever pool holds their queue: they may exist
  // before the queue does, and outlive it.
  Async<SubscriptionCreated> create_subscription(QueueRef queue,
                                                 const NewSubscription& subscription,
                                                 TimeMs now) override {
    return home_->create_subscription(queue, subscription, now);
  }
  bool may_have_subscriptions(QueueRef queue) override {
    return home_->may_have_subscriptions(queue);
  }
  Async<SubscriptionPage> list_subscriptions(QueueRef queue, std::string_view marker, int limit,
                                             TimeMs now) override {
    return home_->list_subscriptions(queue, marker, limit, now);
  }
  Async<Subscription> get_subscription(QueueRef queue, std::string_view id, TimeMs now) override {
    return home_->get_subscription(queue, id, now);
  }
  Async<void> update_subscription(QueueRef queue, std::string_view id,
                                  const SubscriptionUpdate& update, TimeMs now) override {
    return home_->update_subscription(queue, id, update, now);
  }
  Async<void> confirm_subscription(QueueRef queue, std::string_view id, bool confirmed,
                                   TimeMs now) override {
    return home_->confirm_subscription(queue, id, confirmed, now);
  }
  Async<void> delete_subscription(QueueRef queue, std::string_view id) override {
    return home_->delete_subscription(queue, id);
  }
  Async<void> purge_subscriptions(QueueRef queue) override {
    return home_->purge_subscriptions(queue);
  }
  // The home store's (the catalog lives there).
  Async<void> ping() override { return home_->ping(); }
  // Reaps the home store and every pool, and reloads the mirror when it is due.
  Async<ReapStats> reap(TimeMs now, std::size_t budget) override;
  bool shares_rate_buckets() const noexcept override { return home_->shares_rate_buckets(); }
  Async<TokenGrant> take_tokens(std::string_view bucket, std::uint64_t rate, std::uint64_t least,
                                std::uint64_t most, TimeMs now) override {
    return home_->take_tokens(bucket, rate, least, most, now);
  }
  void release_loop(boost::asio::io_context& loop) override;

 private:
  struct Pool {
    PoolRecord record;
    std::shared_ptr<Store> engine;  // null while it cannot be opened
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  using QueueMap = std::unordered_map<std::string, std::string, StringHash, std::equal_to<>>;
  // project -> queue name -> pool name
  using Catalog = std::unordered_map<std::string, QueueMap, StringHash, std::equal_to<>>;

  // The engine holding `queue`: the home store unless the catalog places it on a pool (a pool
  // that is not open answers every operation with storage_unavailable).
  Store& route(QueueRef queue) const {
    if (!pooled_.load(std::memory_order_acquire)) return *home_;
    return route_slow(queue);
  }
  Store& route_slow(QueueRef queue) const;
  // The engines of the pools holding some queue of `project`, the home store first.
  std::vector<Store*> engines_of(std::string_view project) const;
  // Opens and pings a pool's engine. Errors: pool_uri_invalid, pool_unreachable.
  Async<std::shared_ptr<Store>> open_engine(std::string_view uri);
  // Places a queue created with `flavor`: picks a pool and writes the catalog entry (or finds
  // the one another node wrote). Returns the pool's name. `known`: the flavor needs no record
  // of the project (the default flavor).
  Async<std::string> place(QueueRef queue, std::string_view flavor, bool known);
  void remember(std::string_view project, std::string_view queue, std::string_view pool);
  void forget(std::string_view project, std::string_view queue);
  Async<ClaimResult> claim_dead_lettering(Store& engine, QueueRef queue, const ClaimParams& params,
                                          TimeMs now);
  // Reads and opens the pool `name` if this process does not know it yet (another node added
  // it since the last reload).
  Async<void> ensure_pool(std::string_view name);
  // Reloads pools and catalog from the home store into the mirror.
  Async<void> reload();
  Async<std::vector<PoolRecord>> read_pools();
  Async<void> write_pool(const PoolRecord& pool);
  void install_pool(PoolRecord record, std::shared_ptr<Store> engine);
  std::size_t queues_on(std::string_view pool) const;

  std::unique_ptr<Store> home_;
  EngineOpener opener_;
  PooledStoreOptions options_;
  // Whether any queue is pooled (route()'s fast path when none is).
  std::atomic<bool> pooled_{false};
  mutable std::shared_mutex mutex_;  // guards pools_, catalog_, retired_
  std::unordered_map<std::string, Pool, StringHash, std::equal_to<>> pools_;
  Catalog catalog_;
  // Engines of deleted or re-pointed pools: kept (operations may still run on them) and
  // released with the loops.
  std::vector<std::shared_ptr<Store>> retired_;
  // The context load() ran on; kept so that no event loop is ever allocated at its address
  // (engines remember released loops by address).
  std::unique_ptr<boost::asio::io_context> startup_context_;
  std::atomic<std::int64_t> next_refresh_ms_{0};
  std::atomic<bool> reloading_{false};
};

}  // namespace warren::store::pooled
