// Routing, redirections, retries and script loading for one event loop (see client.h).
#include "store/redis/client.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace warren::store::redis {

namespace asio = boost::asio;

namespace {

// Completes an Asio handler with a Reply, posted to the handler's executor.
template <class Handler>
class HandlerCompletion final : public Completion {
 public:
  explicit HandlerCompletion(Handler handler) : handler_(std::move(handler)) {}
  void complete(Reply reply) override {
    Handler handler = std::move(handler_);
    delete this;
    auto executor = asio::get_associated_executor(handler);
    asio::post(executor, [h = std::move(handler), r = std::move(reply)]() mutable {
      std::move(h)(std::move(r));
    });
  }

 private:
  Handler handler_;
};

// Submits `cmd` on `conn` and completes with its reply.
template <class Token>
auto async_submit(Connection& conn, const Command& cmd, Token&& token) {
  return asio::async_initiate<Token, void(Reply)>(
      [](auto handler, Connection* c, const Command* command) {
        using H = std::decay_t<decltype(handler)>;
        c->submit(*command, new HandlerCompletion<H>(std::move(handler)));
      },
      token, &conn, &cmd);
}

// Several submitted commands whose replies land in `replies`; the waiter sleeps on `wake`, which
// the last reply cancels.
struct Gather {
  explicit Gather(const asio::any_io_executor& executor)
      : wake(executor, asio::steady_timer::time_point::max()) {}
  std::vector<Reply>* replies = nullptr;
  std::size_t left = 0;
  asio::steady_timer wake;
};

class GatherCompletion final : public Completion {
 public:
  GatherCompletion(std::shared_ptr<Gather> gather, std::size_t index)
      : gather_(std::move(gather)), index_(index) {}
  void complete(Reply reply) override {
    auto gather = std::move(gather_);
    (*gather->replies)[index_] = std::move(reply);
    delete this;
    if (--gather->left == 0) gather->wake.cancel();
  }

 private:
  std::shared_ptr<Gather> gather_;
  std::size_t index_;
};

// Waits until every command of `gather` has its reply.
asio::awaitable<void> wait_all(Gather& gather) {
  while (gather.left > 0) {
    boost::system::error_code ec;
    co_await gather.wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
}

// A completion that drops the reply (ASKING's +OK).
class IgnoreCompletion final : public Completion {
 public:
  void complete(Reply) override { delete this; }
};

bool retryable_error(const Reply& reply) {
  return reply.error_is("TRYAGAIN") || reply.error_is("CLUSTERDOWN") || reply.error_is("LOADING") ||
         reply.error_is("READONLY") || reply.error_is("MASTERDOWN");
}

}  // namespace

std::shared_ptr<const SlotMap> Topology::map() const {
  std::lock_guard lock(mutex_);
  return map_;
}

void Topology::set_standalone() {
  mode_.store(Mode::standalone, std::memory_order_release);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

void Topology::publish(std::shared_ptr<const SlotMap> map) {
  {
    std::lock_guard lock(mutex_);
    map_ = std::move(map);
  }
  mode_.store(Mode::cluster, std::memory_order_release);
  version_.fetch_add(1, std::memory_order_acq_rel);
}

Client::Client(asio::any_io_executor executor, std::shared_ptr<Topology> topology,
               ClientOptions options)
    : executor_(std::move(executor)), topology_(std::move(topology)), options_(options) {}

Client::~Client() = default;

bool Client::idle() const noexcept {
  if (active_ != 0) return false;
  for (const auto& [name, conn] : connections_) {
    if (conn->in_flight() != 0) return false;
  }
  return true;
}

Connection& Client::connection(const Endpoint& node) {
  auto key = node.text();
  auto it = connections_.find(key);
  if (it == connections_.end()) {
    it = connections_
             .emplace(std::move(key),
                      std::make_shared<Connection>(executor_, node, options_.connection))
             .first;
  }
  return *it->second;
}

asio::awaitable<void> Client::sleep(std::chrono::milliseconds delay) {
  asio::steady_timer timer(executor_, delay);
  boost::system::error_code ec;
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<Reply> Client::run_on(const Endpoint& node, const Command& cmd) {
  const Busy busy(active_);
  co_return co_await async_submit(connection(node), cmd, asio::use_awaitable);
}

asio::awaitable<Reply> Client::send(Connection& conn, const Command& cmd, bool asking) {
  if (asking) {
    static const Command kAsking = [] {
      Command c;
      c.arg("ASKING");
      return c;
    }();
    conn.submit(kAsking, new IgnoreCompletion);  // pipelined just before the command
  }
  if (options_.wait_replicas <= 0 || !cmd.is_write()) {
    co_return co_await async_submit(conn, cmd, asio::use_awaitable);
  }
  // WAIT right behind the write on the same connection: it waits for every earlier write of
  // this connection to reach `wait_replicas` replicas (or for the timeout).
  Command wait;
  wait.arg("WAIT").num(options_.wait_replicas).num(options_.wait_timeout.count());
  std::vector<Reply> replies(2);
  auto gather = std::make_shared<Gather>(executor_);
  gather->replies = &replies;
  gather->left = 2;
  conn.submit(cmd, new GatherCompletion(gather, 0));
  conn.submit(wait, new GatherCompletion(gather, 1));
  co_await wait_all(*gather);
  if (!replies[0].is_failed() && !replies[0].is_error() && !replies[1].is_error() &&
      replies[1].as_int(0) < options_.wait_replicas) {
    co_return Reply::failure("The write reached " + std::to_string(replies[1].as_int(0)) +
                                 " Redis replicas of the " +
                                 std::to_string(options_.wait_replicas) + " required.",
                             true);
  }
  co_return std::move(replies[0]);
}

asio::awaitable<bool> Client::discover() {
  // CLUSTER SLOTS on the known masters first (a failover moved slots), then on the seeds.
  std::vector<Endpoint> candidates;
  if (map_) candidates = map_->masters();
  for (const auto& seed : topology_->seeds()) candidates.push_back(seed);
  Command cmd;
  cmd.arg("CLUSTER").arg("SLOTS");
  for (const Endpoint& node : candidates) {
    Reply reply = co_await run_on(node, cmd);
    if (reply.is_failed()) continue;
    if (reply.is_error()) {
      if (reply.str.find("cluster support disabled") != std::string::npos) {
        topology_->set_standalone();
        co_return true;
      }
      continue;
    }
    auto map = SlotMap::from_cluster_slots(reply, node);
    if (!map || map->masters().empty()) continue;
    topology_->publish(std::make_shared<const SlotMap>(std::move(*map)));
    co_return true;
  }
  co_return false;
}

asio::awaitable<bool> Client::refresh() {
  const Busy busy(active_);
  while (refreshing_) co_await sleep(std::chrono::milliseconds(5));
  refreshing_ = true;
  bool ok = co_await discover();
  last_refresh_ = std::chrono::steady_clock::now();
  refreshing_ = false;
  if (ok) map_version_ = ~std::uint64_t{0};  // re-read the published map
  co_return ok;
}

asio::awaitable<bool> Client::ensure_topology() {
  if (topology_->mode() == Topology::Mode::unknown) {
    bool found = co_await refresh();
    if (!found) co_return false;
  }
  auto version = topology_->version();
  if (version != map_version_) {
    map_ = topology_->mode() == Topology::Mode::cluster ? topology_->map() : nullptr;
    map_version_ = version;
  }
  co_return true;
}

void Client::use_map_for_test(std::shared_ptr<const SlotMap> map) {
  map_ = std::move(map);
  map_version_ = topology_->version();
}

const Endpoint* Client::route(std::string_view key) {
  if (topology_->mode() != Topology::Mode::cluster) return &topology_->seeds().front();
  if (!map_) return nullptr;
  return map_->node_for(key.empty() ? 0 : key_slot(key));
}

asio::awaitable<std::vector<Endpoint>> Client::masters() {
  const Busy busy(active_);
  std::vector<Endpoint> out;
  bool known = co_await ensure_topology();
  if (!known) co_return out;
  if (topology_->mode() != Topology::Mode::cluster) {
    out.push_back(topology_->seeds().front());
  } else if (map_) {
    out = map_->masters();
  }
  co_return out;
}

asio::awaitable<Reply> Client::run(const Command& cmd) {
  const Busy busy(active_);
  std::optional<Endpoint> redirected;  // MOVED or ASK target for the next attempt
  bool ask = false;                    // the redirection was ASK: send ASKING first
  bool script_loaded = false;
  Reply last = Reply::failure("No Redis node could run the command.", false);
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    bool known = co_await ensure_topology();
    if (!known) {
      co_return Reply::failure("No Redis node answered (seeds unreachable).", false);
    }
    Endpoint target;
    if (redirected) {
      target = *redirected;
    } else if (const Endpoint* node = route(cmd.route_key())) {
      target = *node;
    } else {
      co_await refresh();
      co_await sleep(std::chrono::milliseconds(50 << std::min(attempt, 4)));
      continue;
    }
    Connection& conn = connection(target);
    Reply reply = co_await send(conn, cmd, ask);
    if (reply.is_failed()) {
      // Only a command that never left is safe to send again; and only a cluster can have moved
      // the slot to another node (failover).
      if (reply.integer != 0 || topology_->mode() != Topology::Mode::cluster) co_return reply;
      last = std::move(reply);
      redirected.reset();
      ask = false;
      co_await sleep(std::chrono::milliseconds(50 << std::min(attempt, 4)));
      co_await refresh();
      continue;
    }
    if (!reply.is_error()) co_return reply;
    if (auto redirect = parse_redirect(reply)) {
      redirected = redirect->target;
      ask = redirect->kind == Redirect::Kind::ask;
      auto since = std::chrono::steady_clock::now() - last_refresh_;
      if (!ask && since > std::chrono::milliseconds(100)) {
        // The slot map is stale (resharding or failover): re-read it for the next commands.
        co_await refresh();
      }
      last = std::move(reply);
      continue;
    }
    if (reply.error_is("NOSCRIPT") && cmd.script() != nullptr && !script_loaded) {
      script_loaded = true;
      Command load;
      load.arg("SCRIPT").arg("LOAD").arg(cmd.script()->text);
      Reply loaded = co_await send(conn, load, false);
      if (loaded.is_failed() || loaded.is_error()) co_return loaded;
      redirected = target;  // same node again, ASKING again if it was an ASK target
      continue;
    }
    if (retryable_error(reply)) {
      last = std::move(reply);
      co_await sleep(std::chrono::milliseconds(50 << std::min(attempt, 4)));
      if (last.error_is("READONLY") || last.error_is("CLUSTERDOWN")) {
        redirected.reset();
        ask = false;
        co_await refresh();
      }
      continue;
    }
    co_return reply;
  }
  if (last.is_failed()) co_return last;
  co_return Reply::failure("Redis kept redirecting or refusing the command (" + last.str + ").",
                           false);
}

asio::awaitable<std::vector<Reply>> Client::run_all(std::span<const Command> cmds) {
  const Busy busy(active_);
  std::vector<Reply> replies(cmds.size());
  if (cmds.empty()) co_return replies;
  bool known = co_await ensure_topology();
  if (cmds.size() == 1 || !known || options_.wait_replicas > 0) {
    for (std::size_t i = 0; i < cmds.size(); ++i) replies[i] = co_await run(cmds[i]);
    co_return replies;
  }
  // Send everything at once on the routed connections, wait for all replies, then redo through
  // run() the few that were redirected or failed before being sent.
  auto gather = std::make_shared<Gather>(executor_);
  gather->replies = &replies;
  gather->left = cmds.size();
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    const Endpoint* node = route(cmds[i].route_key());
    if (node == nullptr) {
      (new GatherCompletion(gather, i))->complete(Reply::failure("unrouted", false));
      continue;
    }
    connection(*node).submit(cmds[i], new GatherCompletion(gather, i));
  }
  co_await wait_all(*gather);
  for (std::size_t i = 0; i < cmds.size(); ++i) {
    const Reply& r = replies[i];
    bool redo = (r.is_failed() && r.integer == 0) || parse_redirect(r).has_value() ||
                (r.error_is("NOSCRIPT") && cmds[i].script() != nullptr) || retryable_error(r);
    if (!redo) continue;
    Reply again = co_await run(cmds[i]);
    replies[i] = std::move(again);
  }
  co_return replies;
}

}  // namespace warren::store::redis
