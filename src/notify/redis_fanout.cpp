// Cross-node push over Redis pub/sub (see redis_fanout.h).
#include "notify/redis_fanout.h"

#include <random>
#include <utility>

#include <boost/asio/post.hpp>

#include "common/log.h"
#include "notify/remote_batch.h"
#include "store/redis/command.h"

namespace warren::notify {
namespace {

std::string random_node_id() {
  std::random_device device;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string id(16, '0');
  for (char& c : id) c = "0123456789abcdef"[digit(device)];
  return id;
}

}  // namespace

// Counts the outcome of one PUBLISH and moves the publisher to the next node after a failure.
class RedisFanout::PublishDone final : public store::redis::Completion {
 public:
  PublishDone(std::shared_ptr<RedisFanoutStats> stats, std::shared_ptr<std::size_t> node,
              std::size_t sent_to, std::size_t node_count)
      : stats_(std::move(stats)), node_(std::move(node)), sent_to_(sent_to), count_(node_count) {}

  void complete(store::redis::Reply reply) override {
    if (reply.is_failed() || reply.is_error()) {
      stats_->publish_failed.fetch_add(1, std::memory_order_relaxed);
      // Only the first failure of a node moves on (the others were pipelined behind it).
      if (*node_ == sent_to_) *node_ = (sent_to_ + 1) % count_;
    }
    delete this;
  }

 private:
  std::shared_ptr<RedisFanoutStats> stats_;
  std::shared_ptr<std::size_t> node_;
  std::size_t sent_to_;
  std::size_t count_;
};

RedisFanout::RedisFanout(boost::asio::any_io_executor executor, PushHub& hub,
                         std::vector<store::redis::Endpoint> nodes, RedisFanoutOptions options)
    : executor_(std::move(executor)),
      hub_(hub),
      nodes_(std::move(nodes)),
      options_(std::move(options)),
      node_id_(random_node_id()),
      stats_(std::make_shared<RedisFanoutStats>()),
      publish_node_(std::make_shared<std::size_t>(0)),
      watchdog_(executor_) {}

RedisFanout::~RedisFanout() = default;

const store::redis::Endpoint& RedisFanout::node_at(std::size_t index) const {
  return nodes_[index % nodes_.size()];
}

void RedisFanout::start() {
  if (nodes_.empty()) return;
  stopped_ = false;
  resubscribe();
  watch();
}

void RedisFanout::stop() {
  stopped_ = true;
  watchdog_.cancel();
  // Destroying a connection fails what it still has in flight (counted, not retried).
  subscriber_.reset();
  publisher_.reset();
}

void RedisFanout::publish(const BatchPtr& batch) {
  std::string payload = encode_remote_batch(node_id_, *batch);
  // Through an outbox under a mutex, not one asio::post per batch: a post made on the fan-out's
  // own loop waits in that thread's private queue until the running handler returns, and a
  // batch another loop posts meanwhile (the same producer's next post, its reply already sent)
  // would overtake it.
  bool schedule = false;
  {
    std::lock_guard lock(outbox_mutex_);
    outbox_.push_back(std::move(payload));
    schedule = !drain_posted_;
    drain_posted_ = true;
  }
  if (schedule) boost::asio::post(executor_, [this] { drain(); });
}

void RedisFanout::drain() {
  std::vector<std::string> batches;
  {
    std::lock_guard lock(outbox_mutex_);
    batches.swap(outbox_);
    drain_posted_ = false;
  }
  for (std::string& payload : batches) send(std::move(payload));
}

store::redis::Connection& RedisFanout::publisher() {
  const std::size_t index = *publish_node_ % nodes_.size();
  if (!publisher_ || publisher_at_ != index) {
    publisher_ =
        std::make_shared<store::redis::Connection>(executor_, node_at(index), options_.connection);
    publisher_at_ = index;
  }
  return *publisher_;
}

void RedisFanout::send(std::string payload) {
  if (stopped_) return;
  store::redis::Command cmd;
  cmd.arg("PUBLISH").arg(options_.channel).copy(std::move(payload));
  const std::size_t sent_to = *publish_node_ % nodes_.size();
  stats_->published.fetch_add(1, std::memory_order_relaxed);
  publisher().submit(cmd, new PublishDone(stats_, publish_node_, sent_to, nodes_.size()));
}

void RedisFanout::watch() {
  watchdog_.expires_after(options_.resubscribe_every);
  watchdog_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopped_) return;
    if (!subscriber_ || !subscriber_->open()) resubscribe();
    watch();
  });
}

void RedisFanout::resubscribe() {
  if (subscriber_) {
    // The subscription was lost: try the next node (its master may have failed over).
    subscribe_node_ = (subscribe_node_ + 1) % nodes_.size();
    log::warn("push: lost the Redis subscription; subscribing at {}",
              node_at(subscribe_node_).text());
  }
  subscriber_ = std::make_shared<store::redis::Connection>(executor_, node_at(subscribe_node_),
                                                           options_.connection);
  subscriber_->subscribe(options_.channel, [this](std::string_view wire) { on_message(wire); });
}

void RedisFanout::on_message(std::string_view wire) {
  auto decoded = decode_remote_batch(wire);
  if (!decoded) {
    stats_->malformed.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (decoded->node == node_id_) {
    stats_->own_skipped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  stats_->received.fetch_add(1, std::memory_order_relaxed);
  hub_.deliver_remote(make_batch(std::move(decoded->project), std::move(decoded->queue),
                                 std::move(decoded->payloads)));
}

}  // namespace warren::notify
