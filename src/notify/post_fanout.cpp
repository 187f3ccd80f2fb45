// PostFanout: socket pushes at once, webhook and mail deliveries after a subscription lookup.
#include "notify/post_fanout.h"

#include <algorithm>

#include <simdjson.h>

#include "common/log.h"
#include "common/spawn.h"
#include "engine/json.h"
#include "engine/topics.h"
#include "notify/mail_address.h"
#include "notify/notification.h"
#include "notify/retry_policy.h"
#include "notify/trust_check.h"
#include "notify/webhook_url.h"

namespace warren::notify {
namespace {

// An http(s) or trust+http(s) URL, its scheme in any case (as the engine's check reads it:
// RFC 3986 3.1).
bool is_webhook(std::string_view subscriber) {
  return is_webhook_url(subscriber) || trust_webhook_url(subscriber).has_value();
}

}  // namespace

PostFanout::PostFanout(engine::QueueService& service, net::LoopGroup& loops, PushHub& hub,
                       WebhookSender* webhooks, MailSender* mail)
    : service_(service), loops_(loops), hub_(hub), webhooks_(webhooks), mail_(mail) {}

void PostFanout::messages_posted(std::string_view project, std::string_view queue,
                                 std::span<const engine::PostedMessage> messages) {
  hub_.publish(project, queue, messages);
  if ((webhooks_ == nullptr && mail_ == nullptr) || messages.empty()) return;
  // Most queues have no subscription: then there is nothing to look up (nor to render).
  // `project` is the store project: a topic's comes back as its owner with the topic space.
  if (!service_.may_have_subscriptions(engine::scope_of_store_project(project), queue)) return;
  Posted posted{std::string(project), std::string(queue), {}};
  posted.notifications.reserve(messages.size());
  for (const engine::PostedMessage& message : messages) {
    append_notification(posted.notifications.emplace_back(), queue, message);
  }
  // The poster's loop, or loop 0 if a post ever came from elsewhere.
  net::EventLoop* const here = net::EventLoop::current();
  spawn((here != nullptr ? *here : loops_.loop(0)).context(),
        send_to_subscribers(std::move(posted)), "the subscription lookup of a post");
}

boost::asio::awaitable<void> PostFanout::send_to_subscribers(Posted posted) {
  const engine::Scope scope = engine::scope_of_store_project(posted.project);
  std::vector<store::Subscription> hooks;
  std::vector<store::Subscription> mailboxes;
  std::string marker;
  const std::int64_t page_size = service_.limits().max_subscriptions_per_page;
  while (true) {
    auto page = co_await service_.list_subscriptions(scope, posted.queue, marker, page_size);
    if (!page) {
      log::warn("notifications: cannot list subscriptions of {}: {}", posted.queue,
                page.error().description);
      co_return;
    }
    for (store::Subscription& s : page->subscriptions) {
      if (webhooks_ != nullptr && is_webhook(s.subscriber)) {
        hooks.push_back(std::move(s));
      } else if (mail_ != nullptr && is_mailto(s.subscriber)) {
        mailboxes.push_back(std::move(s));
      }
    }
    if (static_cast<std::int64_t>(page->subscriptions.size()) < page_size) break;
    marker = std::string(page->subscriptions.back().id.view());
  }
  if (hooks.empty() && mailboxes.empty()) co_return;
  auto metadata = co_await service_.get_queue_metadata(scope, posted.queue);
  const std::string queue_metadata = metadata ? metadata->to_json() : std::string();
  for (const store::Subscription& hook : hooks) {
    const std::vector<int> delays =
        retry_delays(resolve_retry_policy(hook.options, queue_metadata));
    const auto headers = webhook_headers(hook.options);
    // trust+http(s): the URL after "trust+", called with a token of the subscription's trust.
    const auto trust_url = trust_webhook_url(hook.subscriber);
    std::optional<std::string> trust_id;
    if (trust_url) trust_id = trust_id_option(hook.options).value_or(std::string());
    for (const std::string& notification : posted.notifications) {
      WebhookDelivery delivery;
      delivery.project = std::string(scope.project);
      delivery.url = trust_url ? std::string(*trust_url) : hook.subscriber;
      delivery.trust_id = trust_id;
      delivery.headers = headers;
      delivery.body = webhook_body(hook.options, notification);
      delivery.retry_delays = delays;
      webhooks_->enqueue(std::move(delivery));
    }
  }
  for (const store::Subscription& mailbox : mailboxes) {
    const std::vector<int> delays =
        retry_delays(resolve_retry_policy(mailbox.options, queue_metadata));
    for (const std::string& notification : posted.notifications) {
      mail_->enqueue(MailDelivery{std::string(scope.project), posted.queue, mailbox.subscriber,
                                  mailbox.options, notification, delays});
    }
  }
}

std::string webhook_body(std::string_view options, std::string_view notification) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::element member;
  std::string_view post_data;
  // Of repeated keys the last counts, as everywhere (engine/json.h).
  if (parser.parse(options.data(), options.size()).get(root) != simdjson::SUCCESS ||
      !engine::json::get_member(root, "post_data", member) ||
      member.get(post_data) != simdjson::SUCCESS) {
    return std::string(notification);
  }
  constexpr std::string_view kPlaceholder = "\"$zaqar_message$\"";
  std::string body;
  std::size_t pos = 0;
  while (true) {
    const std::size_t at = post_data.find(kPlaceholder, pos);
    if (at == std::string_view::npos) break;
    body.append(post_data.substr(pos, at - pos));
    body.append(notification);
    pos = at + kPlaceholder.size();
  }
  body.append(post_data.substr(pos));
  return body;
}

std::vector<std::pair<std::string, std::string>> webhook_headers(std::string_view options) {
  std::vector<std::pair<std::string, std::string>> headers;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::element member;
  simdjson::dom::object post_headers;
  if (parser.parse(options.data(), options.size()).get(root) != simdjson::SUCCESS ||
      !engine::json::get_member(root, "post_headers", member) ||
      member.get(post_headers) != simdjson::SUCCESS) {
    return headers;
  }
  for (auto field : post_headers) {
    std::string_view text;
    std::string value = field.value.get(text) == simdjson::SUCCESS ? std::string(text)
                                                                   : simdjson::minify(field.value);
    // A header value never carries a line break (it would split the request).
    bool clean = value.find_first_of("\r\n") == std::string::npos &&
                 field.key.find_first_of("\r\n: ") == std::string_view::npos && !field.key.empty();
    if (!clean) continue;
    // A repeated name keeps its last value (a JSON object read as Python reads it).
    const auto same = std::find_if(headers.begin(), headers.end(),
                                   [&](const auto& h) { return h.first == field.key; });
    if (same != headers.end()) {
      same->second = std::move(value);
    } else {
      headers.emplace_back(std::string(field.key), std::move(value));
    }
  }
  return headers;
}

}  // namespace warren::notify
