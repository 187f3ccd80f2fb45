// One pipelined connection to one Redis node, owned by one event loop: hiredis's asynchronous
// context driven by Asio (the adapter hiredis lacks). Its socket is registered with the loop
// through a posix::stream_descriptor whose read/write readiness calls redisAsyncHandleRead/Write.
//
// Rules:
// - Only the loop thread that owns the executor touches a Connection.
// - Commands are pipelined: submit() queues the command at once and never waits; replies
//   complete in order. Each command completes exactly once, always later from the loop (never
//   inside submit), with a Reply or a `failed` Reply: not connected and within the reconnect
//   backoff, connect failure or timeout, connection lost, or no reply before the command
//   timeout (a late reply is then discarded).
// - Reconnection is lazy with exponential backoff: a command submitted while disconnected
//   starts a new connection attempt unless the last attempt failed less than `backoff` ago, in
//   which case it fails at once: while Redis is down, operations fail promptly. A connection
//   that had answered a command and then dropped is no failed attempt: the next command
//   reconnects at once (a connection that dies before any good answer, as when Redis is at
//   maxclients, backs off like a refused one).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "store/redis/cluster_slots.h"
#include "store/redis/command.h"
#include "store/redis/reply.h"

struct redisAsyncContext;

namespace warren::store::redis {

struct ConnectionOptions {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds command_timeout{5000};
  std::chrono::milliseconds backoff_min{50};
  std::chrono::milliseconds backoff_max{2000};
};

// Receives the outcome of one submitted command.
class Completion {
 public:
  virtual void complete(Reply reply) = 0;

 protected:
  ~Completion() = default;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Clock = std::chrono::steady_clock;

  Connection(boost::asio::any_io_executor executor, Endpoint endpoint, ConnectionOptions options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Queues `cmd`; `done` is completed exactly once, later, on this connection's executor. The
  // command's arguments are copied into the output buffer before submit returns.
  void submit(const Command& cmd, Completion* done);

  // Subscriber mode, for a connection used for nothing else: sends SUBSCRIBE `channel` (starting
  // a connection attempt if needed) and calls `on_message` on this connection's executor with
  // the payload of every message published there, until the connection is lost (open() turns
  // false: subscribe again, here or on another node). False if no attempt could start (within
  // the reconnect backoff). Messages published while not subscribed are not seen.
  using MessageHandler = std::function<void(std::string_view payload)>;
  bool subscribe(std::string_view channel, MessageHandler on_message);

  const Endpoint& endpoint() const noexcept { return endpoint_; }
  bool connected() const noexcept { return connected_; }
  // A connection exists or is being made.
  bool open() const noexcept { return ac_ != nullptr; }
  // Commands sent and not yet answered (abandoned ones included).
  std::size_t in_flight() const noexcept { return pending_.size(); }

 private:
  struct Pending {
    Clock::time_point deadline;
    Completion* done;  // nullptr once failed by the timeout: the late reply is dropped
  };

  bool start_connect();
  void fail_later(Completion* done, std::string why, bool maybe_sent);
  void lost(bool during_connect);
  void arm_read();
  void arm_write();
  void arm_timer();
  void on_timer();
  void on_connect_timeout();

  // hiredis hooks (privdata / ac->data is the Connection).
  static void hook_add_read(void* self);
  static void hook_del_read(void* self);
  static void hook_add_write(void* self);
  static void hook_del_write(void* self);
  static void hook_cleanup(void* self);
  static void on_connected(const redisAsyncContext* ac, int status);
  static void on_disconnected(const redisAsyncContext* ac, int status);
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void on_push(redisAsyncContext* ac, void* reply, void* privdata);

  boost::asio::any_io_executor executor_;
  Endpoint endpoint_;
  ConnectionOptions options_;

  redisAsyncContext* ac_ = nullptr;
  std::optional<boost::asio::posix::stream_descriptor> socket_;
  std::uint64_t generation_ = 0;  // bumped per connection attempt; stale handlers check it
  bool connected_ = false;
  bool answered_ = false;  // this connection has had a reply that was not an error
  bool closing_ = false;
  bool want_read_ = false;
  bool want_write_ = false;
  bool reading_ = false;
  bool writing_ = false;

  std::deque<Pending> pending_;
  MessageHandler on_message_;  // subscriber mode only
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
  boost::asio::steady_timer connect_timer_;

  Clock::time_point next_attempt_{};
  std::chrono::milliseconds backoff_;
};

}  // namespace warren::store::redis
