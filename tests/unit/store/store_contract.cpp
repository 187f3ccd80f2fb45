// The contract suite's fixture: store creation per test and the small helpers the tests share.
#include "store_contract.h"

namespace warren::store::testing {

void StoreContract::SetUp() {
  std::string why_not;
  store_ = GetParam().make(io_, why_not);
  if (!store_) GTEST_SKIP() << "engine " << GetParam().name << " unavailable: " << why_not;
}

void StoreContract::TearDown() {
  store_.reset();
}

std::vector<std::string> StoreContract::post(QueueRef q, int count, const Post& options,
                                             int first) {
  std::vector<std::string> bodies;
  std::vector<NewMessage> messages;
  bodies.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) bodies.push_back(body_text(first + i));
  for (const std::string& body : bodies) {
    messages.push_back(NewMessage{body, options.ttl_s, options.delay_s});
  }
  must(run(store_->create_queue(q, "{}", options.at)));  // a post never creates its queue
  std::vector<ShortId> ids =
      must(run(store_->post_messages(q, options.client, messages, options.at)));
  std::vector<std::string> out;
  for (const ShortId& id : ids) out.emplace_back(id.view());
  return out;
}

std::vector<std::string> StoreContract::list_ids(QueueRef q, const List& options, TimeMs now) {
  MessageListOptions o;
  o.marker = options.marker;
  o.limit = options.limit;
  o.echo_client = options.echo_client;
  o.include_claimed = options.include_claimed;
  o.include_delayed = options.include_delayed;
  return ids_of(must(run(store_->list_messages(q, o, now))).messages);
}

std::vector<std::string> StoreContract::list_all_ids(QueueRef q, List options, TimeMs now) {
  std::vector<std::string> all;
  std::string marker(options.marker);
  for (int pages = 0; pages < 10000; ++pages) {
    options.marker = marker;
    std::vector<std::string> page = list_ids(q, options, now);
    if (page.empty()) return all;
    if (page.size() > static_cast<std::size_t>(options.limit)) {
      throw UnexpectedError("a page holds more than the limit");
    }
    all.insert(all.end(), page.begin(), page.end());
    marker = page.back();
  }
  throw UnexpectedError("paging did not end");
}

ClaimResult StoreContract::claim(QueueRef q, int limit, std::int64_t ttl_s, std::int64_t grace_s,
                                 TimeMs now, DeadLetterPolicy dead_letter) {
  ClaimParams params;
  params.limit = limit;
  params.ttl_s = ttl_s;
  params.grace_s = grace_s;
  params.dead_letter = std::move(dead_letter);
  return must(run(store_->create_claim(q, params, now)));
}

QueueStats StoreContract::stats(QueueRef q, TimeMs now) {
  return must(run(store_->queue_stats(q, now)));
}

std::vector<Message> StoreContract::get(QueueRef q, const std::vector<std::string>& ids,
                                        TimeMs now) {
  std::vector<std::string_view> views(ids.begin(), ids.end());
  return must(run(store_->get_messages(q, views, now)));
}

Message StoreContract::get_one(QueueRef q, const std::string& id, TimeMs now) {
  std::vector<Message> found = get(q, {id}, now);
  if (found.size() != 1) throw UnexpectedError(fmt::format("message {} not found", id));
  return std::move(found.front());
}

bool StoreContract::exists(QueueRef q, const std::string& id, TimeMs now) {
  return !get(q, {id}, now).empty();
}

std::vector<std::string> StoreContract::ids_of(const std::vector<Message>& messages) {
  std::vector<std::string> ids;
  ids.reserve(messages.size());
  for (const Message& m : messages) ids.emplace_back(m.id.view());
  return ids;
}

}  // namespace warren::store::testing
