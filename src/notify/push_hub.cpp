// PushHub: routing tables, the home-loop hop and per-loop delivery.
#include "notify/push_hub.h"

#include <functional>

#include <boost/asio/post.hpp>

#include "notify/notification.h"
#include "ws/frame.h"
#include "ws/msgpack_json.h"

namespace warren::notify {
namespace {

std::string route_key(std::string_view project, std::string_view queue) {
  // Length-prefixed, so no choice of characters in either part can collide.
  std::string key;
  key.reserve(2 + project.size() + queue.size());
  key.push_back(static_cast<char>((project.size() >> 8) & 0xFF));
  key.push_back(static_cast<char>(project.size() & 0xFF));
  key.append(project);
  key.append(queue);
  return key;
}

ws::SharedBytesPtr build_frames(const NotificationBatch& batch, bool binary) {
  ws::SharedBytesPtr frames = ws::make_shared_bytes();
  std::string& out = frames->mutable_bytes();
  if (binary) {
    std::string packed;
    for (const std::string& payload : batch.payloads) {
      packed.clear();
      if (!ws::json_to_msgpack(payload, packed)) continue;  // never: payloads are Warren's JSON
      ws::append_frame(out, ws::Opcode::binary, packed);
    }
  } else {
    std::size_t total = 0;
    for (const std::string& payload : batch.payloads) total += payload.size() + 10;
    out.reserve(total);
    for (const std::string& payload : batch.payloads) {
      ws::append_frame(out, ws::Opcode::text, payload);
    }
  }
  return frames;
}

}  // namespace

BatchPtr make_batch(std::string project, std::string queue, std::vector<std::string> payloads) {
  auto batch = std::make_shared<NotificationBatch>();
  batch->route_key = route_key(project, queue);
  batch->project = std::move(project);
  batch->queue = std::move(queue);
  batch->payloads = std::move(payloads);
  return batch;
}

PushHub::PushHub(net::LoopGroup& loops) : loops_(loops) {
  loops_state_.reserve(loops.size());
  for (unsigned i = 0; i < loops.size(); ++i) loops_state_.push_back(std::make_unique<LoopState>());
}

std::string PushHub::key_of(std::string_view project, std::string_view queue) {
  return route_key(project, queue);
}

unsigned PushHub::home_of(std::string_view key) const noexcept {
  return static_cast<unsigned>(std::hash<std::string_view>()(key) % loops_.size());
}

void PushHub::enqueue(unsigned index, std::function<void()> f) {
  LoopState& state = *loops_state_[index];
  bool post_drain = false;
  {
    std::lock_guard<std::mutex> lock(state.inbox_mutex);
    state.inbox.push_back(std::move(f));
    post_drain = !state.drain_posted;
    state.drain_posted = true;
  }
  if (post_drain) {
    boost::asio::post(loops_.loop(index).context(), [this, index] { drain(index); });
  }
}

void PushHub::drain(unsigned index) {
  LoopState& state = *loops_state_[index];
  std::vector<std::function<void()>> work;
  {
    std::lock_guard<std::mutex> lock(state.inbox_mutex);
    work.swap(state.inbox);
    state.drain_posted = false;
  }
  for (auto& f : work) f();
}

void PushHub::add_route(unsigned loop_index, Subscriber& subscriber, std::string_view project,
                        std::string_view queue, store::TimeMs expires_ms) {
  std::string key = key_of(project, queue);
  std::vector<Route>& routes = loops_state_[loop_index]->routes[key];
  for (Route& route : routes) {
    if (route.subscriber == &subscriber) {
      route.expires = expires_ms;
      return;
    }
  }
  routes.push_back(Route{&subscriber, expires_ms});
  routes_.fetch_add(1, std::memory_order_acq_rel);
  const unsigned home = home_of(key);  // before the move below (argument order is unspecified)
  change_count(home, std::move(key), loop_index, +1);
}

void PushHub::remove_route(unsigned loop_index, Subscriber& subscriber, std::string_view project,
                           std::string_view queue) {
  std::string key = key_of(project, queue);
  auto& table = loops_state_[loop_index]->routes;
  const auto it = table.find(key);
  if (it == table.end()) return;
  std::vector<Route>& routes = it->second;
  for (std::size_t i = 0; i < routes.size(); ++i) {
    if (routes[i].subscriber != &subscriber) continue;
    routes[i] = routes.back();
    routes.pop_back();
    if (routes.empty()) table.erase(it);
    routes_.fetch_sub(1, std::memory_order_acq_rel);
    const unsigned home = home_of(key);  // before the move below
    change_count(home, std::move(key), loop_index, -1);
    return;
  }
}

void PushHub::change_count(unsigned home, std::string key, unsigned loop_index, int delta) {
  enqueue(home, [this, home, key = std::move(key), loop_index, delta] {
    auto& counts_table = loops_state_[home]->route_counts;
    std::vector<std::uint32_t>& counts = counts_table[key];
    counts.resize(loops_.size(), 0);
    counts[loop_index] = static_cast<std::uint32_t>(static_cast<int>(counts[loop_index]) + delta);
    for (const std::uint32_t c : counts) {
      if (c != 0) return;
    }
    counts_table.erase(key);
  });
}

void PushHub::publish(std::string_view project, std::string_view queue,
                      std::span<const engine::PostedMessage> messages) {
  RemoteFanout* remote = remote_.load(std::memory_order_acquire);
  if (routes_.load(std::memory_order_acquire) == 0 && remote == nullptr) return;
  if (messages.empty()) return;
  std::vector<std::string> payloads;
  payloads.reserve(messages.size());
  for (const engine::PostedMessage& message : messages) {
    std::string& payload = payloads.emplace_back();
    payload.reserve(message.body.size() + 64 + queue.size());
    append_notification(payload, queue, message);
  }
  BatchPtr batch = make_batch(std::string(project), std::string(queue), std::move(payloads));
  if (remote != nullptr) remote->publish(batch);
  if (routes_.load(std::memory_order_acquire) == 0) return;
  const unsigned home = home_of(batch->route_key);
  // Never inline, also on the home loop itself: the poster's reply (queued before this runs)
  // then reaches a poster that is also a subscriber before the notification, as in Zaqar.
  enqueue(home, [this, batch = std::move(batch)] { route_from_home(batch); });
}

void PushHub::deliver_remote(BatchPtr batch) {
  if (!batch || routes_.load(std::memory_order_acquire) == 0) return;
  const unsigned home = home_of(batch->route_key);
  enqueue(home, [this, batch = std::move(batch)] { route_from_home(batch); });
}

void PushHub::route_from_home(const BatchPtr& batch) {
  const unsigned home = home_of(batch->route_key);
  const auto& counts_table = loops_state_[home]->route_counts;
  const auto it = counts_table.find(batch->route_key);
  if (it == counts_table.end()) return;
  const std::vector<std::uint32_t>& counts = it->second;
  for (unsigned loop = 0; loop < counts.size(); ++loop) {
    if (counts[loop] == 0) continue;
    if (loop == home) {
      deliver_local(loop, *batch);
    } else {
      enqueue(loop, [this, loop, batch] { deliver_local(loop, *batch); });
    }
  }
}

void PushHub::deliver_local(unsigned loop_index, const NotificationBatch& batch) {
  LoopState& state = *loops_state_[loop_index];
  const auto it = state.routes.find(batch.route_key);
  if (it == state.routes.end()) return;
  std::vector<Route>& routes = it->second;
  const store::TimeMs now = clock_->now();
  ws::SharedBytesPtr text;
  ws::SharedBytesPtr binary;
  ++state.stats.batches;
  for (std::size_t i = 0; i < routes.size();) {
    Route& route = routes[i];
    if (route.expires <= now) {
      ++state.stats.expired;
      routes[i] = routes.back();
      routes.pop_back();
      routes_.fetch_sub(1, std::memory_order_acq_rel);
      change_count(home_of(batch.route_key), batch.route_key, loop_index, -1);
      continue;
    }
    const bool wants_binary = route.subscriber->wants_binary();
    ws::SharedBytesPtr& frames = wants_binary ? binary : text;
    if (!frames) frames = build_frames(batch, wants_binary);
    route.subscriber->push(frames);
    state.stats.deliveries += batch.payloads.size();
    ++i;
  }
  if (routes.empty()) state.routes.erase(it);
}

}  // namespace warren::notify
