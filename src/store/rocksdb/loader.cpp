// The start-up scan of the rocksdb engine.
#include "store/rocksdb/loader.h"

#include <algorithm>
#include <chrono>
#include <unordered_map>

#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>

#include "common/log.h"
#include "store/rocksdb/codec.h"

namespace warren::store::rocks {
namespace {

using Clock = std::chrono::steady_clock;

bool after(std::uint32_t a, std::uint32_t b) noexcept {
  return static_cast<std::int32_t>(a - b) > 0;
}

std::string hex(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes.substr(0, 64)) out += fmt::format("{:02x}", c);
  return out;
}

Error corrupt(Cf cf, std::string_view key, std::string_view what) {
  return make_error(Errc::startup_failed,
                    fmt::format("rocksdb: corrupt {} record (column family {}, key {}); refusing "
                                "to start rather than guess what it held",
                                what, cf_name(cf), hex(key)));
}

struct LoadedQueue {
  memory::Queue* queue = nullptr;
  std::string key;
  CountersValue counters;
  std::uint64_t max_seq = 0;  // of the messages seen, expired ones included
};

class Loader {
 public:
  Loader(Database& database, memory::Index& index, const RocksStoreOptions& options, TimeMs now)
      : db_(database), index_(index), options_(options), now_(now), started_(Clock::now()) {
    read_.fill_cache = false;
    read_.readahead_size = 4u << 20;
    read_.verify_checksums = true;
  }

  Result<Loaded> run() {
    log::info("rocksdb: opening {}", options_.path);
    if (auto r = meta(); !r) return r.error();
    index_.track_changes();
    if (auto r = queues(); !r) return r.error();
    if (auto r = claims(); !r) return r.error();
    if (auto r = messages(); !r) return r.error();
    finish_queues();
    if (auto r = subscriptions(); !r) return r.error();
    index_.restore_counters(loaded_.next_incarnation, loaded_.subscription_nonce,
                            loaded_.last_subscription);
    if (cleanup_.Count() > 0) {
      rocksdb::WriteOptions sync;
      sync.sync = true;
      rocksdb::Status status = db_.db().Write(sync, &cleanup_);
      if (!status.ok()) {
        return make_error(Errc::startup_failed,
                          fmt::format("rocksdb: cannot write at start-up: {}", status.ToString()));
      }
    }
    LoadStats& s = loaded_.stats;
    s.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
    log::info(
        "rocksdb: loaded {} queues, {} messages ({} expired dropped), {} claims, {} "
        "subscriptions in {:.2f} s",
        s.queues, s.messages, s.expired, s.claims, s.subscriptions, s.seconds);
    return std::move(loaded_);
  }

 private:
  std::unique_ptr<rocksdb::Iterator> scan(Cf cf) {
    std::unique_ptr<rocksdb::Iterator> it(db_.db().NewIterator(read_, db_.handle(cf)));
    it->SeekToFirst();
    return it;
  }
  static Result<void> finished(rocksdb::Iterator& it, Cf cf) {
    if (it.status().ok()) return {};
    return make_error(Errc::startup_failed, fmt::format("rocksdb: reading column family {}: {}",
                                                        cf_name(cf), it.status().ToString()));
  }
  LoadedQueue* find(std::uint32_t incarnation) {
    if (last_ != nullptr && last_incarnation_ == incarnation) return last_;
    auto it = queues_.find(incarnation);
    if (it == queues_.end()) return nullptr;
    last_incarnation_ = incarnation;
    last_ = &it->second;
    return last_;
  }
  void progress() {
    const auto now = Clock::now();
    if (now - last_report_ < std::chrono::seconds(1) &&
        loaded_.stats.messages % options_.progress_every != 0) {
      return;
    }
    last_report_ = now;
    log::info("rocksdb: loading: {} messages of {} queues so far ({:.1f} s)",
              loaded_.stats.messages, loaded_.stats.queues,
              std::chrono::duration<double>(now - started_).count());
  }

  Result<void> meta() {
    rocksdb::DB& db = db_.db();
    std::string format;
    rocksdb::Status status = db.Get({}, db_.handle(kMeta), kFormatKey, &format);
    if (status.IsNotFound()) {
      // A new database (or one that never got past its first write): stamp it.
      std::unique_ptr<rocksdb::Iterator> it = scan(kQueues);
      if (it->Valid()) return corrupt(kMeta, kFormatKey, "missing format");
      loaded_.next_incarnation = index_.next_incarnation();
      loaded_.subscription_nonce = index_.subscription_nonce();
      loaded_.last_subscription = 0;
      rocksdb::WriteBatch batch;
      batch.Put(db_.handle(kMeta), kFormatKey, kFormatValue);
      batch.Put(db_.handle(kMeta), kIncarnationKey, encode_u32(loaded_.next_incarnation));
      batch.Put(db_.handle(kMeta), kSubscriptionKey,
                encode_subscription_ids(loaded_.subscription_nonce, 0));
      rocksdb::WriteOptions sync;
      sync.sync = true;
      status = db.Write(sync, &batch);
      if (!status.ok()) {
        return make_error(Errc::startup_failed, fmt::format("rocksdb: cannot initialise {}: {}",
                                                            options_.path, status.ToString()));
      }
      log::info("rocksdb: created a new store in {}", options_.path);
      return {};
    }
    if (!status.ok()) {
      return make_error(Errc::startup_failed,
                        fmt::format("rocksdb: reading {}: {}", options_.path, status.ToString()));
    }
    if (format != kFormatValue) {
      return make_error(Errc::startup_failed,
                        fmt::format("rocksdb: {} holds format '{}', this warren reads '{}'",
                                    options_.path, format, kFormatValue));
    }
    std::string value;
    status = db.Get({}, db_.handle(kMeta), kIncarnationKey, &value);
    std::optional<std::uint32_t> incarnation = status.ok() ? decode_u32(value) : std::nullopt;
    if (!incarnation) return corrupt(kMeta, kIncarnationKey, "counter");
    status = db.Get({}, db_.handle(kMeta), kSubscriptionKey, &value);
    auto ids = status.ok() ? decode_subscription_ids(value) : std::nullopt;
    if (!ids) return corrupt(kMeta, kSubscriptionKey, "counter");
    loaded_.next_incarnation = *incarnation;
    loaded_.subscription_nonce = ids->first;
    loaded_.last_subscription = ids->second;
    return {};
  }

  Result<void> queues() {
    std::unique_ptr<rocksdb::Iterator> it = scan(kQueues);
    for (; it->Valid(); it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      std::optional<QueueValue> value = decode_queue({it->value().data(), it->value().size()});
      if (!value) return corrupt(kQueues, key, "queue");
      if (queues_.count(value->incarnation) != 0) return corrupt(kQueues, key, "duplicate queue");
      memory::Queue* queue =
          index_.restore_queue(key, value->incarnation, std::string(value->metadata));
      if (queue == nullptr) return corrupt(kQueues, key, "queue key");
      queues_[value->incarnation] = LoadedQueue{queue, std::string(key), {}, 0};
      if (!after(loaded_.next_incarnation, value->incarnation)) {
        loaded_.next_incarnation = value->incarnation + 1;  // never reuse an incarnation
      }
      ++loaded_.stats.queues;
    }
    return finished(*it, kQueues);
  }

  Result<void> claims() {
    std::unique_ptr<rocksdb::Iterator> it = scan(kClaims);
    for (; it->Valid(); it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      std::optional<NumberedKey> k = parse_numbered_key(key);
      if (!k) return corrupt(kClaims, key, "claim key");
      std::optional<ClaimValue> claim = decode_claim({it->value().data(), it->value().size()});
      if (!claim) return corrupt(kClaims, key, "claim");
      LoadedQueue* q = find(k->incarnation);
      if (q == nullptr) {
        cleanup_.Delete(db_.handle(kClaims), it->key());  // left by a vanished queue
        continue;
      }
      q->queue->restore_claim(k->number, claim->started, claim->expires, claim->ttl_s);
      ++loaded_.stats.claims;
    }
    return finished(*it, kClaims);
  }

  Result<void> messages() {
    std::unique_ptr<rocksdb::Iterator> it = scan(kMessages);
    std::int64_t orphans = 0;
    std::int64_t unclaimed = 0;
    for (; it->Valid(); it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      std::optional<NumberedKey> k = parse_numbered_key(key);
      if (!k) return corrupt(kMessages, key, "message key");
      const std::string_view bytes(it->value().data(), it->value().size());
      LoadedQueue* q = find(k->incarnation);
      if (q == nullptr) {
        cleanup_.Delete(db_.handle(kMessages), it->key());
        ++orphans;
        continue;
      }
      if (k->number == 0) {
        std::optional<CountersValue> counters = decode_counters(bytes);
        if (!counters) return corrupt(kMessages, key, "counters");
        q->counters = *counters;
        continue;
      }
      std::optional<MessageValue> m = decode_message(bytes);
      if (!m) return corrupt(kMessages, key, "message");
      q->max_seq = std::max(q->max_seq, k->number);
      if (m->expires <= now_) {
        cleanup_.Delete(db_.handle(kMessages), it->key());
        ++loaded_.stats.expired;
        continue;
      }
      memory::RestoredMessage restored;
      memory::Record& record = restored.record;
      record.body = Body::copy_of(m->body, m->encoding);
      record.created = m->created;
      record.expires = m->expires;
      record.ttl_s = m->ttl_s;
      record.delay_s = m->delay_s;
      record.claim_count = m->claim_count;
      record.receive_count = m->receive_count;
      restored.claim = m->claim;
      restored.client = m->client;
      if (!q->queue->restore_message(k->number, std::move(restored))) ++unclaimed;
      ++loaded_.stats.messages;
      progress();
    }
    if (orphans > 0)
      log::warn("rocksdb: dropped {} messages of queues that no longer exist", orphans);
    if (unclaimed > 0) {
      log::warn("rocksdb: {} messages named a claim that is gone; they are unclaimed", unclaimed);
    }
    return finished(*it, kMessages);
  }

  void finish_queues() {
    for (auto& [incarnation, q] : queues_) {
      const std::uint64_t next = std::max(q.counters.next_seq, q.max_seq + 1);
      q.queue->marks.reserved_seq = q.counters.next_seq;
      q.queue->marks.reserved_claim = q.counters.last_claim;
      for (std::uint64_t claim : q.queue->finish_restore(next, q.counters.last_claim)) {
        cleanup_.Delete(db_.handle(kClaims), numbered_key(incarnation, claim));
        --loaded_.stats.claims;  // no message names it any more
      }
      index_.schedule_restored(q.key, *q.queue);
    }
  }

  Result<void> subscriptions() {
    std::unique_ptr<rocksdb::Iterator> it = scan(kSubscriptions);
    for (; it->Valid(); it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      std::optional<SubscriptionKey> k = parse_subscription_key(key);
      if (!k) return corrupt(kSubscriptions, key, "subscription key");
      auto entry = decode_subscription({it->value().data(), it->value().size()});
      if (!entry) return corrupt(kSubscriptions, key, "subscription");
      loaded_.last_subscription = std::max(loaded_.last_subscription, k->seq);
      if (entry->expires <= now_) {
        cleanup_.Delete(db_.handle(kSubscriptions), it->key());
        continue;
      }
      index_.restore_subscription(k->queue_key, k->seq, std::move(*entry));
      ++loaded_.stats.subscriptions;
    }
    return finished(*it, kSubscriptions);
  }

  Database& db_;
  memory::Index& index_;
  const RocksStoreOptions& options_;
  const TimeMs now_;
  const Clock::time_point started_;
  Clock::time_point last_report_ = Clock::now();
  rocksdb::ReadOptions read_;
  std::unordered_map<std::uint32_t, LoadedQueue> queues_;
  LoadedQueue* last_ = nullptr;
  std::uint32_t last_incarnation_ = 0;
  rocksdb::WriteBatch cleanup_;
  Loaded loaded_;
};

}  // namespace

Result<Loaded> load_index(Database& database, memory::Index& index,
                          const RocksStoreOptions& options, TimeMs now) {
  Loader loader(database, index, options, now);
  return loader.run();
}

}  // namespace warren::store::rocks
