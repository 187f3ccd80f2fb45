// Queue membership of a shard and its bounded reclamation step.
#include "store/memory/shard.h"

namespace warren::store::memory {

Queue* Shard::find(std::string_view key) noexcept {
  auto it = queues.find(key);
  return it == queues.end() ? nullptr : it->second.get();
}

Queue& Shard::insert(std::string_view key, std::unique_ptr<Queue> queue) {
  queue->count_footprint_into(&footprint);
  return *queues.emplace(std::string(key), std::move(queue)).first->second;
}

std::unique_ptr<Queue> Shard::take(std::string_view key) {
  auto it = queues.find(key);
  if (it == queues.end()) return nullptr;
  std::unique_ptr<Queue> queue = std::move(it->second);
  queues.erase(it);
  return queue;
}

void Shard::schedule(std::string_view key, Queue& queue) {
  const TimeMs next = queue.next_expiry();
  if (next >= queue.scheduled) return;
  due.push(Due{next, queue.incarnation(), std::string(key)});
  queue.scheduled = next;
}

bool Shard::has_work(TimeMs now) const noexcept {
  return !graveyard.empty() || subscriptions.next_due() <= now ||
         (!due.empty() && due.top().when <= now);
}

ShardReap Shard::reap(TimeMs now, std::size_t budget, Journal* journal) {
  ShardReap done;
  while (!graveyard.empty() && done.work < budget) {
    done.work += graveyard.front()->drain(budget - done.work) + 1;
    if (graveyard.front()->size() == 0) graveyard.pop_front();
  }
  done.more = !graveyard.empty();

  if (done.work < budget) {
    bool more = false;
    done.subscriptions = subscriptions.reap(now, budget - done.work, more);
    done.work += done.subscriptions;
    if (journal != nullptr) journal->subscriptions_used(subscriptions, Journal::Use::read);
    done.more = done.more || more;
  }

  while (!due.empty() && due.top().when <= now) {
    if (done.work >= budget) {
      done.more = true;
      break;
    }
    Due next = due.top();
    due.pop();
    ++done.work;
    Queue* queue = find(next.key);
    if (queue == nullptr || queue->incarnation() != next.incarnation) continue;
    queue->scheduled = kNever;  // this entry is consumed; schedule() below adds the next one
    QueueReap q = queue->reap(now, budget - done.work);
    done.messages += q.messages;
    done.claims += q.claims;
    done.work += q.work;
    if (journal != nullptr) journal->queue_used(next.key, *queue, Journal::Use::read);
    schedule(next.key, *queue);
  }
  return done;
}

}  // namespace warren::store::memory
