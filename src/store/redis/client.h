// The per-event-loop Redis client: one Connection per node on this loop, routing of each
// command to the node that serves its key's slot, and the cluster protocol around it (MOVED and
// ASK redirections, slot-map refresh on failover, TRYAGAIN/CLUSTERDOWN retries), plus NOSCRIPT
// handling (SCRIPT LOAD, then EVALSHA again) and the optional WAIT after writes.
//
// A Topology is shared by every loop's Client of one store: it holds the seeds and the current
// slot map (nullptr in standalone mode), swapped atomically under a mutex when refreshed.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "store/redis/cluster_slots.h"
#include "store/redis/command.h"
#include "store/redis/connection.h"
#include "store/redis/reply.h"

namespace warren::store::redis {

class Topology {
 public:
  enum class Mode : std::uint8_t { unknown, standalone, cluster };

  explicit Topology(std::vector<Endpoint> seeds) : seeds_(std::move(seeds)) {}

  const std::vector<Endpoint>& seeds() const noexcept { return seeds_; }
  Mode mode() const noexcept { return mode_.load(std::memory_order_acquire); }
  // Bumped on every publish, so a Client re-reads the map only when it changed.
  std::uint64_t version() const noexcept { return version_.load(std::memory_order_acquire); }
  std::shared_ptr<const SlotMap> map() const;

  void set_standalone();
  void publish(std::shared_ptr<const SlotMap> map);

 private:
  const std::vector<Endpoint> seeds_;
  std::atomic<Mode> mode_{Mode::unknown};
  std::atomic<std::uint64_t> version_{0};
  mutable std::mutex mutex_;
  std::shared_ptr<const SlotMap> map_;
};

struct ClientOptions {
  ConnectionOptions connection;
  int max_attempts = 6;  // per command: redirections, retries after TRYAGAIN/CLUSTERDOWN/failover
  int wait_replicas = 0;  // > 0: follow each write with WAIT wait_replicas wait_timeout
  std::chrono::milliseconds wait_timeout{100};
};

class Client {
 public:
  Client(boost::asio::any_io_executor executor, std::shared_ptr<Topology> topology,
         ClientOptions options);
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs `cmd` on the node serving cmd.route_key(), following redirections. Returns the reply
  // (which may be an error reply), or a `failed` Reply if no node could run it.
  boost::asio::awaitable<Reply> run(const Command& cmd);

  // Runs every command concurrently (pipelined per node), each as run() would; replies in order.
  boost::asio::awaitable<std::vector<Reply>> run_all(std::span<const Command> cmds);

  // Runs `cmd` on `node` as is: no routing, no redirections.
  boost::asio::awaitable<Reply> run_on(const Endpoint& node, const Command& cmd);

  // The masters (the single server in standalone mode), discovering the topology if needed.
  // Empty if no node answered.
  boost::asio::awaitable<std::vector<Endpoint>> masters();

  // No operation under way (none of the calls above is waiting, even between attempts) and no
  // command in flight on any of its connections: it may be destroyed.
  bool idle() const noexcept;

  // Re-reads the slot map from the cluster now (tests; failover handling).
  boost::asio::awaitable<bool> refresh();

  // Makes this client use `map` until the next refresh (tests: stale maps, MOVED handling).
  void use_map_for_test(std::shared_ptr<const SlotMap> map);

 private:
  boost::asio::awaitable<bool> ensure_topology();
  boost::asio::awaitable<bool> discover();
  const Endpoint* route(std::string_view key);
  Connection& connection(const Endpoint& node);
  boost::asio::awaitable<Reply> send(Connection& conn, const Command& cmd, bool asking);
  boost::asio::awaitable<void> sleep(std::chrono::milliseconds delay);

  boost::asio::any_io_executor executor_;
  std::shared_ptr<Topology> topology_;
  ClientOptions options_;
  std::unordered_map<std::string, std::shared_ptr<Connection>> connections_;
  std::shared_ptr<const SlotMap> map_;  // this loop's copy of the topology's map
  std::uint64_t map_version_ = ~std::uint64_t{0};
  bool refreshing_ = false;
  // Calls of the public operations under way (nested ones included).
  int active_ = 0;
  struct Busy {
    explicit Busy(int& count) : count_(count) { ++count_; }
    ~Busy() { --count_; }
    Busy(const Busy&) = delete;
    Busy& operator=(const Busy&) = delete;
    int& count_;
  };
  std::chrono::steady_clock::time_point last_refresh_{};
};

}  // namespace warren::store::redis
