// PushHub across real event loops: routing by project and queue, one order for every
// subscriber, expiry by TTL with an injected clock, MessagePack subscribers, removal, and the
// cross-node seam (RemoteFanout out, deliver_remote in).
#include "notify/push_hub.h"

#include <chrono>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "notify/notification.h"
#include "ws/msgpack_json.h"

namespace warren::notify {
namespace {

using namespace std::chrono_literals;

// Records the frames pushed to it (on its loop), for the test thread to read.
class FakeSubscriber final : public Subscriber {
 public:
  explicit FakeSubscriber(bool binary = false) : binary_(binary) {}
  bool wants_binary() const noexcept override { return binary_; }
  void push(const ws::SharedBytesPtr& frames) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    bytes_.append(frames->view());
  }
  // The payloads of the frames received so far (unmasked server frames, short or 16-bit).
  std::vector<std::string> payloads() {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos + 2 <= bytes_.size()) {
      std::size_t length = static_cast<unsigned char>(bytes_[pos + 1]) & 0x7F;
      std::size_t at = pos + 2;
      if (length == 126) {
        length = (static_cast<unsigned char>(bytes_[pos + 2]) << 8) |
                 static_cast<unsigned char>(bytes_[pos + 3]);
        at = pos + 4;
      }
      out.push_back(bytes_.substr(at, length));
      pos = at + length;
    }
    return out;
  }
  std::vector<std::string> wait_for(std::size_t count) {
    for (int i = 0; i < 500; ++i) {
      auto got = payloads();
      if (got.size() >= count) return got;
      std::this_thread::sleep_for(2ms);
    }
    return payloads();
  }

 private:
  bool binary_;
  std::mutex mutex_;
  std::string bytes_;
};

class RecordingRemote final : public RemoteFanout {
 public:
  void publish(const BatchPtr& batch) override {
    std::lock_guard<std::mutex> lock(mutex);
    batches.push_back(batch);
  }
  std::mutex mutex;
  std::vector<BatchPtr> batches;
};

class PushHubTest : public ::testing::Test {
 protected:
  PushHubTest() : loops_(3, 50ms), hub_(loops_) {
    hub_.set_clock(&clock_);
    runner_ = std::thread([this] { loops_.run(); });
  }
  ~PushHubTest() override {
    loops_.shutdown(0ms);
    runner_.join();
  }

  // Runs `f` on loop `index` and waits for it.
  template <class F>
  void on_loop(unsigned index, F f) {
    std::promise<void> done;
    boost::asio::post(loops_.loop(index).context(), [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }

  void subscribe(unsigned loop, FakeSubscriber& s, std::string_view project,
                 std::string_view queue, std::int64_t ttl_ms = 60000) {
    on_loop(loop, [&] { hub_.add_route(loop, s, project, queue, clock_.now() + ttl_ms); });
  }

  void publish(std::string_view project, std::string_view queue, std::string_view body) {
    const engine::PostedMessage message{store::ShortId::from("id"), body, 60, 0};
    hub_.publish(project, queue, std::span<const engine::PostedMessage>(&message, 1));
  }

  engine::ManualClock clock_;
  net::LoopGroup loops_;
  PushHub hub_;
  std::thread runner_;
};

TEST_F(PushHubTest, DeliversToTheSubscribersOfTheProjectAndQueueOnEveryLoop) {
  FakeSubscriber a, b, c, other_queue;
  subscribe(0, a, "p", "q");
  subscribe(1, b, "p", "q");
  subscribe(2, c, "p", "q");
  subscribe(1, other_queue, "p", "r");
  EXPECT_EQ(hub_.route_count(), 4);
  publish("p", "q", R"({"n":1})");
  publish("x", "q", R"({"n":"other project"})");
  publish("p", "q", R"({"n":2})");
  const std::string first = R"({"ttl":60,"body":{"n":1},"Message_Type":"Notification","queue_name":"q"})";
  const std::string second = R"({"ttl":60,"body":{"n":2},"Message_Type":"Notification","queue_name":"q"})";
  for (FakeSubscriber* s : {&a, &b, &c}) {
    EXPECT_EQ(s->wait_for(2), (std::vector<std::string>{first, second}));
  }
  EXPECT_TRUE(other_queue.payloads().empty());
}

TEST_F(PushHubTest, EverySubscriberSeesOneOrderWhateverLoopPosts) {
  FakeSubscriber a, b;
  subscribe(0, a, "p", "q");
  subscribe(2, b, "p", "q");
  // Posts from the loops themselves and from this thread, interleaved.
  for (int i = 0; i < 300; ++i) {
    const unsigned loop = i % 4;
    const std::string body = std::to_string(i);
    if (loop == 3) {
      publish("p", "q", body);
    } else {
      on_loop(loop, [&] { publish("p", "q", body); });
    }
  }
  const auto got_a = a.wait_for(300);
  const auto got_b = b.wait_for(300);
  ASSERT_EQ(got_a.size(), 300u);
  EXPECT_EQ(got_a, got_b);
  // Each post here waited for the previous one, so the order is the posting order.
  for (int i = 0; i < 300; ++i) {
    EXPECT_NE(got_a[static_cast<std::size_t>(i)].find("\"body\":" + std::to_string(i) + ","),
              std::string::npos);
  }
}

TEST_F(PushHubTest, RoutesExpireWithTheirTtl) {
  FakeSubscriber a;
  subscribe(1, a, "p", "q", 1000);
  publish("p", "q", "1");
  a.wait_for(1);
  clock_.advance(1500ms);
  publish("p", "q", "2");
  publish("p", "q", "3");
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(a.payloads().size(), 1u);
  std::uint64_t expired = 0;
  on_loop(1, [&] { expired = hub_.stats(1).expired; });
  EXPECT_EQ(expired, 1u);
  EXPECT_EQ(hub_.route_count(), 0);
}

TEST_F(PushHubTest, ResubscribingMovesTheExpiryAndRemovingStops) {
  FakeSubscriber a;
  subscribe(0, a, "p", "q", 1000);
  subscribe(0, a, "p", "q", 5000);  // same route, later expiry
  EXPECT_EQ(hub_.route_count(), 1);
  clock_.advance(2000ms);
  publish("p", "q", "1");
  a.wait_for(1);
  on_loop(0, [&] { hub_.remove_route(0, a, "p", "q"); });
  EXPECT_EQ(hub_.route_count(), 0);
  publish("p", "q", "2");
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(a.payloads().size(), 1u);
}

TEST_F(PushHubTest, BinarySubscribersGetMessagePack) {
  FakeSubscriber text, binary(true);
  subscribe(0, text, "p", "q");
  subscribe(1, binary, "p", "q");
  publish("p", "q", R"({"k":[1,2]})");
  const auto packed = binary.wait_for(1);
  ASSERT_EQ(packed.size(), 1u);
  std::string json, error;
  ASSERT_TRUE(ws::msgpack_to_json(packed[0], json, error)) << error;
  EXPECT_EQ(json, text.wait_for(1)[0]);
}

TEST_F(PushHubTest, RemoteSeamPublishesLocalPostsAndRoutesRemoteOnes) {
  RecordingRemote remote;
  hub_.set_remote(&remote);
  FakeSubscriber a;
  publish("p", "q", "1");  // no local route: still published to the other nodes
  {
    std::lock_guard<std::mutex> lock(remote.mutex);
    ASSERT_EQ(remote.batches.size(), 1u);
    EXPECT_EQ(remote.batches[0]->queue, "q");
    EXPECT_EQ(remote.batches[0]->payloads.size(), 1u);
  }
  subscribe(2, a, "p", "q");
  std::vector<std::string> payloads;
  append_notification(payloads.emplace_back(), "q",
                      engine::PostedMessage{store::ShortId::from("x"), "\"from afar\"", 60, 0});
  hub_.deliver_remote(make_batch("p", "q", payloads));
  EXPECT_EQ(a.wait_for(1), payloads);
  std::lock_guard<std::mutex> lock(remote.mutex);
  EXPECT_EQ(remote.batches.size(), 1u);  // a remote batch is not sent back out
  hub_.set_remote(nullptr);
}

}  // namespace
}  // namespace warren::notify
