// BroadcastClients: the connections of `warren bench broadcast`. C WebSocket clients in one
// thread on raw epoll (level-triggered): each completes the opening handshake, subscribes its
// socket to the queue (Zaqar's subscription_create without a subscriber) and then both posts
// messages (message_post) and receives every message posted, pushed back as bare notification
// frames. Reads are big (one shared 256 KiB buffer) and frames are parsed in place, so one
// system call takes in every frame the server coalesced; posts due in the same millisecond on
// one connection leave in one write. Client frames are masked with the all-zero key (valid,
// and free). Every message body carries the sender's index, a sequence number and the send
// time, so the sender measures its own message's round trip.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <sys/socket.h>
#include <vector>

#include "bench/failure.h"
#include "bench/histogram.h"

namespace warren::bench {

struct BroadcastTarget {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string host_header;
  std::string path = "/";
  std::string project = "warren-bench";
  std::string queue = "broadcast";
  std::string client_id = "3c7d6a2e-6a55-4e8b-9d3e-5b0f0c1e2a47";
  int payload_bytes = 64;  // padding in each message body
};

// What one step of load measured.
struct StepResult {
  double offered_posts_per_s = 0;
  double send_seconds = 0;       // first to last post
  double receive_seconds = 0;    // first post to last push received
  std::int64_t posted = 0;       // posts sent
  std::int64_t post_errors = 0;  // replies other than 201
  std::int64_t pushes = 0;       // notifications received of this step's messages
  std::int64_t expected_pushes = 0;
  std::int64_t lost_messages = 0;  // not received by every client within the loss timeout
  int dropped_sockets = 0;
  std::int64_t rtt_samples = 0;
  double rtt_mean_ms = 0, rtt_p50_ms = 0, rtt_p99_ms = 0, rtt_max_ms = 0;
  // Send to receipt of every push by every client (not only the sender's own): what a
  // subscriber waits. Differs from the round trip when a server delays pushes but flushes a
  // sender's socket with its reply.
  double delivery_mean_ms = 0, delivery_p99_ms = 0;
  double client_cpu_s = 0;  // this process, user + system, over the step

  double received_per_s() const { return receive_seconds > 0 ? pushes / receive_seconds : 0; }
};

class BroadcastClients {
 public:
  explicit BroadcastClients(BroadcastTarget target);
  BroadcastClients(const BroadcastClients&) = delete;
  BroadcastClients& operator=(const BroadcastClients&) = delete;
  ~BroadcastClients();

  // Opens `count` connections, completes their handshakes and subscribes each. A Failure if
  // any does not succeed within `timeout_s`.
  Outcome<void> connect_and_subscribe(int count, double timeout_s);

  // Sends one action (`body_json` is the body object) on the first connection and returns
  // the reply's status.
  Outcome<int> request(std::string_view action, std::string_view body_json, double timeout_s);

  // Posts `rate` messages per second in total, round robin over the connections, for
  // `seconds`; then waits until every client has received every message or `loss_timeout_s`
  // has passed since the last post.
  StepResult run_step(double rate, double seconds, double loss_timeout_s);

  void close_all();
  int open_connections() const noexcept;
  int size() const noexcept { return static_cast<int>(conns_.size()); }

 private:
  struct Conn;
  enum class Event { none, reply, push, closed };

  void add_connection();
  void send_frame(Conn& c, std::string_view payload);
  void flush(Conn& c);
  void poll(int timeout_ms);
  void on_readable(Conn& c);
  void parse_frames(Conn& c, char* data, std::size_t size);
  void on_message(Conn& c, std::string_view payload);
  void drop(Conn& c);
  std::string envelope(std::string_view action, std::string_view body) const;

  BroadcastTarget target_;
  int epoll_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::vector<char> buffer_;  // the shared read buffer
  std::string frame_;         // scratch for one outgoing frame

  // The step in progress.
  bool measuring_ = false;
  std::int64_t seq_base_ = 0;
  std::vector<std::uint32_t> received_;  // per message of the step: clients that got it
  std::vector<std::int64_t> rtts_ns_;
  Histogram delivery_;
  std::int64_t step_pushes_ = 0;
  std::int64_t last_push_ns_ = 0;
  std::int64_t replies_ = 0;
  std::int64_t reply_errors_ = 0;
  int last_status_ = 0;
  int dropped_ = 0;
};

}  // namespace warren::bench
