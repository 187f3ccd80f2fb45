// PostFanout: a MessageObserver of the engine's event source (its posts) that tells subscribers
// of every successful post, over either transport: WebSocket subscribers through the PushHub at
// once, webhook subscribers through the WebhookSender, mailto: subscribers through the
// MailSender. Finding a queue's URI subscriptions needs the store, so that part runs as a
// separate coroutine on the poster's loop after the post has been answered; the deliveries
// themselves run on the senders' threads.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "engine/queue_service.h"
#include "net/loop_group.h"
#include "notify/mail_sender.h"
#include "notify/push_hub.h"
#include "notify/webhook_sender.h"

namespace warren::notify {

class PostFanout final : public engine::MessageObserver {
 public:
  // Everything must outlive the fan-out. `webhooks` may be null (webhook delivery off), and
  // so may `mail` (no relay).
  PostFanout(engine::QueueService& service, net::LoopGroup& loops, PushHub& hub,
             WebhookSender* webhooks, MailSender* mail = nullptr);

  void messages_posted(std::string_view project, std::string_view queue,
                       std::span<const engine::PostedMessage> messages) override;

 private:
  struct Posted {
    std::string project;
    std::string queue;
    std::vector<std::string> notifications;  // one JSON document per message
  };
  boost::asio::awaitable<void> send_to_subscribers(Posted posted);

  engine::QueueService& service_;
  net::LoopGroup& loops_;
  PushHub& hub_;
  WebhookSender* webhooks_;
  MailSender* mail_;
};

// The body a webhook receives for `notification` given the subscription's options (JSON
// object text): options.post_data, a string with "$zaqar_message$" (quotes included)
// replaced by the notification, or the notification itself.
std::string webhook_body(std::string_view options, std::string_view notification);

// The extra headers of options.post_headers (an object of strings; other values are written
// as their JSON text).
std::vector<std::pair<std::string, std::string>> webhook_headers(std::string_view options);

}  // namespace warren::notify
