// RedisFanout: the PushHub's RemoteFanout over Redis pub/sub, so WebSocket subscribers on every
// Warren node of a redis deployment see the messages posted on any node.
//
// - One channel for the whole deployment (default "w:push"). Each local post is PUBLISHed once
//   (one message per post batch, whatever the number of subscribers anywhere), carrying this
//   node's random id; every node SUBSCRIBEs and hands the batches of other nodes to
//   PushHub::deliver_remote(), skipping its own (already delivered locally).
// - Redis Cluster: PUBLISH works on any node and the cluster bus broadcasts it to every node, so
//   both connections go to one of the given nodes; if it fails, the next one is tried.
// - Two dedicated connections, both on one event loop (the `executor`), never blocking: a
//   publisher (pipelined, replies only counted) and a subscriber in SUBSCRIBE mode. publish()
//   may run on any loop: it encodes the batch there and hands it to the fan-out's loop through
//   a FIFO outbox, so one producer's posts are published in the order they were acknowledged.
// - Delivery is at most once: a batch published while this node's subscriber is reconnecting,
//   or whose PUBLISH fails, is not pushed to the other nodes (the messages are in the queue all
//   the same). A watchdog re-subscribes within `resubscribe_every`.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "notify/push_hub.h"
#include "store/redis/cluster_slots.h"
#include "store/redis/connection.h"

namespace warren::notify {

struct RedisFanoutOptions {
  std::string channel = "w:push";
  std::chrono::milliseconds resubscribe_every{250};
  store::redis::ConnectionOptions connection;
};

struct RedisFanoutStats {
  std::atomic<std::uint64_t> published{0};       // PUBLISH commands sent
  std::atomic<std::uint64_t> publish_failed{0};  // ... that Redis did not acknowledge
  std::atomic<std::uint64_t> received{0};        // batches of other nodes delivered
  std::atomic<std::uint64_t> own_skipped{0};     // our own batches seen on the channel
  std::atomic<std::uint64_t> malformed{0};       // messages on the channel that were no batch
};

class RedisFanout final : public RemoteFanout {
 public:
  // `nodes`: the Redis server, or nodes of the cluster (tried in turn). `hub` must outlive the
  // fan-out; the fan-out must be destroyed before `executor`'s io_context, after stop().
  RedisFanout(boost::asio::any_io_executor executor, PushHub& hub,
              std::vector<store::redis::Endpoint> nodes, RedisFanoutOptions options = {});
  ~RedisFanout() override;
  RedisFanout(const RedisFanout&) = delete;
  RedisFanout& operator=(const RedisFanout&) = delete;

  // Subscribes and starts the watchdog. On the executor's thread.
  void start();
  // Closes both connections and stops the watchdog; publish() then drops batches. On the
  // executor's thread (a loop shutdown hook).
  void stop();

  // Any thread; never blocks.
  void publish(const BatchPtr& batch) override;

  // This node's random id (in every batch it publishes) and the channel.
  const std::string& node_id() const noexcept { return node_id_; }
  const std::string& channel() const noexcept { return options_.channel; }
  const RedisFanoutStats& stats() const noexcept { return *stats_; }

 private:
  class PublishDone;

  void drain();                    // on the executor: sends the outbox in order
  void send(std::string payload);  // on the executor
  void watch();
  void resubscribe();
  void on_message(std::string_view wire);
  store::redis::Connection& publisher();
  const store::redis::Endpoint& node_at(std::size_t index) const;

  boost::asio::any_io_executor executor_;
  PushHub& hub_;
  const std::vector<store::redis::Endpoint> nodes_;
  const RedisFanoutOptions options_;
  const std::string node_id_;
  // Shared with in-flight PUBLISH completions, which may outlive the fan-out's connections.
  std::shared_ptr<RedisFanoutStats> stats_;
  std::shared_ptr<std::size_t> publish_node_;  // index into nodes_; moved on when one fails
  std::shared_ptr<store::redis::Connection> publisher_;
  std::size_t publisher_at_ = 0;  // the node publisher_ talks to
  std::shared_ptr<store::redis::Connection> subscriber_;
  std::size_t subscribe_node_ = 0;
  boost::asio::steady_timer watchdog_;
  bool stopped_ = true;
  // Encoded batches handed over by publish(), in the order they were handed.
  std::mutex outbox_mutex_;
  std::vector<std::string> outbox_;
  bool drain_posted_ = false;
};

}  // namespace warren::notify
