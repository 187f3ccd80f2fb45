// PushHub: delivers the notifications of posted messages to the WebSocket sessions subscribed
// to their queue, across event loops, without a lock on the delivery path.
//
// Concurrency rules (also in docs/websocket.md):
// - Each loop owns a routing table (queue -> subscribed sockets of that loop). Only that loop's
//   thread reads or writes it; a Subscriber is only ever called on its own loop.
// - Each queue has a home loop (a hash of project and queue). The home loop keeps, for its
//   queues, how many routes each loop has; only the home loop's thread touches those counts.
// - publish() may run on any thread. It builds the batch once (owned, immutable, shared by
//   reference count), hands it to the queue's home loop through that loop's inbox (a FIFO
//   under a mutex, one lock per batch per loop hop, never per socket; even from the home loop
//   itself, so a poster's reply is queued before its own notification),
//   and the home loop forwards it to each loop that has routes for the queue, in the order it
//   received the batches. So every subscriber of a queue sees the same order, and each
//   producer's posts in the order they were acknowledged.
// - add_route()/remove_route() run on the subscriber's loop; they update the local table at
//   once and hand the count change to the home loop's inbox. A route added before a post was
//   acknowledged to its producer is seen by that post (the home loop is FIFO).
// - The only shared mutable state is an atomic count of routes, read on publish to skip all
//   work while nobody is subscribed anywhere (and no remote fan-out is set).
//
// Cross-node seam: set_remote() installs a RemoteFanout that is given every local batch to
// send to the other nodes; what arrives from them goes to deliver_remote(), which routes it
// exactly like a local post (and does not send it back out).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "engine/queue_service.h"
#include "net/loop_group.h"
#include "store/types.h"
#include "ws/shared_bytes.h"

namespace warren::notify {

// The notifications of one post (one queue), in queue order: built once, shared read-only.
struct NotificationBatch {
  std::string project;
  std::string queue;
  std::vector<std::string> payloads;  // one JSON notification document per message
  std::string route_key;              // filled by make_batch()
};
using BatchPtr = std::shared_ptr<const NotificationBatch>;

// A batch for `queue` of `project` with the given notification documents (JSON text, as
// append_notification() writes them), e.g. as received from another node.
BatchPtr make_batch(std::string project, std::string queue, std::vector<std::string> payloads);

// One subscribed socket. Called on its own loop only.
class Subscriber {
 public:
  virtual ~Subscriber() = default;
  // MessagePack (true) or JSON text frames.
  virtual bool wants_binary() const noexcept = 0;
  // Queues whole frames for the socket (applying its slow-subscriber policy). Must not throw.
  virtual void push(const ws::SharedBytesPtr& frames) noexcept = 0;
};

// Sends local batches to the other nodes (implemented over Redis pub/sub, say).
class RemoteFanout {
 public:
  virtual ~RemoteFanout() = default;
  // Called for every local post, on the posting loop; must not block.
  virtual void publish(const BatchPtr& batch) = 0;
};

struct PushStats {
  std::uint64_t batches = 0;     // batches delivered on this loop
  std::uint64_t deliveries = 0;  // frames queued to sockets (one per message per socket)
  std::uint64_t expired = 0;     // routes dropped at delivery because their TTL had passed
};

class PushHub {
 public:
  // `loops` must outlive the hub (and the hub every Subscriber's registration).
  explicit PushHub(net::LoopGroup& loops);
  PushHub(const PushHub&) = delete;
  PushHub& operator=(const PushHub&) = delete;

  // ---- routes: on the subscriber's loop `loop_index` (its thread) ----

  // Routes notifications of (project, queue) to `subscriber` until `expires_ms` (wall clock).
  // A second call for the same subscriber and queue only moves the expiry.
  void add_route(unsigned loop_index, Subscriber& subscriber, std::string_view project,
                 std::string_view queue, store::TimeMs expires_ms);
  // Removes the route, if any.
  void remove_route(unsigned loop_index, Subscriber& subscriber, std::string_view project,
                    std::string_view queue);

  // ---- publishing: any thread ----

  // The notifications of messages just posted (the MessageObserver path).
  void publish(std::string_view project, std::string_view queue,
               std::span<const engine::PostedMessage> messages);
  // A batch posted on another node: routed like a local one, not sent to the remote again.
  void deliver_remote(BatchPtr batch);

  void set_remote(RemoteFanout* remote) noexcept { remote_.store(remote); }

  // Routes on every loop (approximate while routes change).
  std::int64_t route_count() const noexcept { return routes_.load(std::memory_order_acquire); }
  // This loop's counters (its thread only).
  const PushStats& stats(unsigned loop_index) const noexcept {
    return loops_state_[loop_index]->stats;
  }

  // The time routes expire by; tests inject one. Wall-clock milliseconds.
  void set_clock(const engine::Clock* clock) noexcept { clock_ = clock; }

 private:
  struct Route {
    Subscriber* subscriber;
    store::TimeMs expires;
  };
  struct LoopState {
    std::unordered_map<std::string, std::vector<Route>> routes;
    // Home-side: routes per loop of the queues homed on this loop.
    std::unordered_map<std::string, std::vector<std::uint32_t>> route_counts;
    PushStats stats;
    // What other threads (and this one) hand this loop, in the order they handed it.
    std::mutex inbox_mutex;
    std::vector<std::function<void()>> inbox;
    bool drain_posted = false;
  };

  static std::string key_of(std::string_view project, std::string_view queue);
  unsigned home_of(std::string_view key) const noexcept;
  // Runs `f` on loop `index` after everything handed to that loop before (from any thread).
  // (asio::post alone does not keep that order: a post made on the loop's own thread waits
  // in a private queue until the running handler returns, behind later posts from others.)
  void enqueue(unsigned index, std::function<void()> f);
  void drain(unsigned index);
  void change_count(unsigned home, std::string key, unsigned loop_index, int delta);
  void route_from_home(const BatchPtr& batch);
  void deliver_local(unsigned loop_index, const NotificationBatch& batch);

  net::LoopGroup& loops_;
  std::vector<std::unique_ptr<LoopState>> loops_state_;
  std::atomic<std::int64_t> routes_{0};
  std::atomic<RemoteFanout*> remote_{nullptr};
  engine::SystemClock system_clock_;
  const engine::Clock* clock_ = &system_clock_;
};

}  // namespace warren::notify
