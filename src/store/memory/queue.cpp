// Message and claim semantics of one queue of the memory engine.
#include "store/memory/queue.h"

#include <algorithm>

#include "store/memory/ids.h"
#include "store/memory/time_math.h"

namespace warren::store::memory {
namespace {

// Makes the log's summaries exact again when an operation returns, whatever path it takes.
class FlushOnExit {
 public:
  explicit FlushOnExit(MessageLog& log) : log_(log) {}
  ~FlushOnExit() { log_.flush(); }
  FlushOnExit(const FlushOnExit&) = delete;
  FlushOnExit& operator=(const FlushOnExit&) = delete;

 private:
  MessageLog& log_;
};

}  // namespace

Queue::Queue(std::uint32_t incarnation, std::string metadata_text)
    : metadata(std::move(metadata_text)), incarnation_(incarnation) {}

std::optional<std::uint64_t> Queue::own_seq(std::string_view id) const noexcept {
  std::optional<IdParts> parts = parse_id(id);
  if (!parts || parts->prefix != incarnation_) return std::nullopt;
  return parts->seq;
}

std::uint32_t Queue::live_claim(std::string_view claim_id, TimeMs now) const noexcept {
  std::optional<IdParts> parts = parse_id(claim_id);
  if (!parts || parts->prefix != incarnation_) return ClaimTable::kNoClaim;
  std::uint32_t ref = claims_.find(parts->seq);
  if (ref == ClaimTable::kNoClaim || claims_.at(ref).expires <= now) return ClaimTable::kNoClaim;
  return ref;
}

Message Queue::to_message(std::uint64_t seq, const Record& record) const {
  Message m;
  m.id = format_id({incarnation_, seq});
  m.created = record.created;
  m.ttl_s = record.ttl_s;
  m.expires = record.expires;
  m.visible_at = record.visible_at();
  if (record.claim != ClaimTable::kNoClaim) {
    const Claim& claim = claims_.at(record.claim);
    m.claim_id = format_id({incarnation_, claim.seq});
    m.claim_expires = claim.expires;
  }
  m.claim_count = static_cast<std::int32_t>(std::min<std::uint32_t>(record.claim_count, INT32_MAX));
  m.receive_count =
      static_cast<std::int32_t>(std::min<std::uint32_t>(record.receive_count, INT32_MAX));
  m.body = record.body;
  return m;
}

void Queue::remove(std::uint64_t seq) {
  Record* record = log_.find(seq);
  if (record == nullptr) return;
  note_message(seq);
  if (record->claim != ClaimTable::kNoClaim) {
    note_claim(claims_.at(record->claim).seq);
    claims_.detach(record->claim, seq);
  }
  clients_.release(record->client);
  log_.erase(seq);
}

void Queue::stretch(Record& record, TimeMs claim_end, std::int64_t ttl_s,
                    std::int64_t grace_s) noexcept {
  const TimeMs until = add_seconds(claim_end, grace_s);
  if (record.expires < until) {
    record.expires = until;
    record.ttl_s = clamp_u32(add_counts(ttl_s, grace_s));
  }
}

// ---- messages ----

std::vector<ShortId> Queue::post(std::string_view client, std::span<const NewMessage> messages,
                                 TimeMs now) {
  std::vector<ShortId> ids;
  ids.reserve(messages.size());
  const std::uint32_t client_index = messages.empty() ? 0 : clients_.acquire(client);
  bool first = true;
  for (const NewMessage& message : messages) {
    Record record;
    record.body = Body::copy_of(message.body, message.encoding);
    record.created = now;
    record.expires = add_seconds(now, message.ttl_s);
    record.ttl_s = clamp_u32(message.ttl_s);
    record.delay_s = clamp_u32(message.delay_s);
    record.client = client_index;
    // The first message uses the reference acquire() took; each further one takes its own, so
    // the count stays right even if an allocation fails half-way.
    if (!first && client_index != ClientTable::kNone) clients_.retain(client_index, 1);
    first = false;
    const std::uint64_t seq = log_.append(std::move(record));
    note_message(seq);
    ids.push_back(format_id({incarnation_, seq}));
  }
  changes_.counters = tracking_;
  return ids;
}

void Queue::append(DeadLetter&& letter) {
  letter.record.client = clients_.acquire(letter.client);
  letter.record.claim = ClaimTable::kNoClaim;
  note_message(log_.append(std::move(letter.record)));
  changes_.counters = tracking_;
}

MessagePage Queue::list(const MessageListOptions& options, TimeMs now) {
  FlushOnExit flush(log_);
  MessagePage page;
  std::uint64_t from = 1;
  if (!options.marker.empty()) {
    std::optional<IdParts> marker = parse_id(options.marker);
    if (!marker) return page;  // unparseable marker: empty page
    // A marker of an earlier incarnation of this queue precedes every current message.
    if (marker->prefix == incarnation_) from = marker->seq + 1;
  }
  Key key = kExpires;
  TimeMs bound = kNever - 1;  // any live message
  if (!options.include_claimed && !options.include_delayed) {
    key = kAvailable;
    bound = now;
  } else if (!options.include_claimed) {
    key = kUnclaimed;
    bound = now;
  } else if (!options.include_delayed) {
    key = kVisible;
    bound = now;
  }
  const bool echo_filter = !options.echo_client.empty();
  const std::uint32_t hidden = echo_filter ? clients_.find(options.echo_client) : 0;
  const std::size_t limit = static_cast<std::size_t>(std::max(options.limit, 0));
  page.messages.reserve(std::min<std::size_t>(limit, 64));
  while (page.messages.size() < limit) {
    const std::uint64_t seq = log_.find_first(key, from, bound);
    if (seq == 0) break;
    from = seq + 1;
    const Record& record = *log_.find(seq);
    if (record.expires <= now) {
      remove(seq);
      continue;
    }
    if (echo_filter && record.client == hidden) continue;
    page.messages.push_back(to_message(seq, record));
  }
  return page;
}

std::vector<Message> Queue::get(std::span<const std::string_view> ids, TimeMs now) {
  std::vector<std::uint64_t> seqs;
  seqs.reserve(ids.size());
  for (std::string_view id : ids) {
    if (std::optional<std::uint64_t> seq = own_seq(id)) seqs.push_back(*seq);
  }
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());
  std::vector<Message> messages;
  for (std::uint64_t seq : seqs) {
    const Record* record = log_.find(seq);
    if (record != nullptr && record->expires > now) messages.push_back(to_message(seq, *record));
  }
  return messages;
}

Result<void> Queue::delete_one(std::string_view id, std::optional<std::string_view> claim_id,
                               TimeMs now) {
  FlushOnExit flush(log_);
  std::optional<IdParts> claim_parts;
  if (claim_id) {
    claim_parts = parse_id(*claim_id);
    if (!claim_parts) return make_error(Errc::claim_invalid);
  }
  std::optional<std::uint64_t> seq = own_seq(id);
  if (!seq) return {};
  Record* record = log_.find(*seq);
  if (record == nullptr || record->expires <= now) return {};
  const std::uint32_t ref = record->claim;
  const bool held = ref != ClaimTable::kNoClaim && claims_.at(ref).expires > now;
  if (!claim_id) {
    if (held) return make_error(Errc::message_claimed);
  } else {
    // The message's own claim deletes it even after that claim expired.
    const bool own = ref != ClaimTable::kNoClaim && claim_parts->prefix == incarnation_ &&
                     claims_.at(ref).seq == claim_parts->seq;
    if (!own) return make_error(held ? Errc::message_claimed : Errc::message_not_claimed);
  }
  remove(*seq);
  return {};
}

std::optional<ShortId> Queue::delete_many(std::span<const std::string_view> ids,
                                          std::span<const std::string_view> claim_ids, TimeMs now) {
  FlushOnExit flush(log_);
  if (!claim_ids.empty()) {
    for (std::string_view id : ids) {
      const std::optional<std::uint64_t> seq = own_seq(id);
      const Record* record = seq ? log_.find(*seq) : nullptr;
      if (record == nullptr || record->expires <= now || record->claim == ClaimTable::kNoClaim) {
        continue;
      }
      const Claim& claim = claims_.at(record->claim);
      if (claim.expires <= now) continue;
      const ShortId holder = format_id({incarnation_, claim.seq});
      if (std::find(claim_ids.begin(), claim_ids.end(), holder.view()) == claim_ids.end()) {
        return holder;
      }
    }
  }
  for (std::string_view id : ids) {
    if (std::optional<std::uint64_t> seq = own_seq(id)) remove(*seq);
  }
  return std::nullopt;
}

std::vector<Message> Queue::pop(int limit, TimeMs now) {
  FlushOnExit flush(log_);
  std::vector<Message> popped;
  const std::size_t wanted = static_cast<std::size_t>(std::max(limit, 0));
  std::uint64_t from = 1;
  while (popped.size() < wanted) {
    const std::uint64_t seq = log_.find_first(kUnclaimed, from, now);
    if (seq == 0) break;
    from = seq + 1;
    const Record& record = *log_.find(seq);
    if (record.expires > now) popped.push_back(to_message(seq, record));
    remove(seq);
  }
  return popped;
}

void Queue::purge(TimeMs now) {
  FlushOnExit flush(log_);
  std::uint64_t from = 1;
  while (const std::uint64_t seq = log_.find_first(kUnclaimed, from, now)) {
    from = seq + 1;
    remove(seq);
  }
}

QueueStats Queue::stats(TimeMs now) {
  FlushOnExit flush(log_);
  claims_.settle(now);
  while (const std::uint64_t seq = log_.find_first(kExpires, 1, now)) remove(seq);
  QueueStats stats;
  stats.counts.total = static_cast<std::int64_t>(log_.size());
  stats.counts.claimed = std::min(claims_.held(), stats.counts.total);
  stats.counts.free = stats.counts.total - stats.counts.claimed;
  stats.bytes = static_cast<std::int64_t>(log_.bytes());
  if (stats.counts.total > 0) {
    const std::uint64_t oldest = log_.first();
    const std::uint64_t newest = log_.last();
    stats.oldest = MessageMark{format_id({incarnation_, oldest}), log_.find(oldest)->created};
    stats.newest = MessageMark{format_id({incarnation_, newest}), log_.find(newest)->created};
  }
  return stats;
}

// ---- claims ----

ClaimResult Queue::claim(const ClaimParams& params, TimeMs now, std::vector<DeadLetter>& moved) {
  FlushOnExit flush(log_);
  ClaimResult result;
  const std::size_t limit = static_cast<std::size_t>(std::max(params.limit, 0));
  std::vector<std::uint64_t> selected;
  selected.reserve(std::min<std::size_t>(limit, 64));
  for (std::uint64_t from = 1; selected.size() < limit;) {
    const std::uint64_t seq = log_.find_first(kAvailable, from, now);
    if (seq == 0) break;
    from = seq + 1;
    if (log_.find(seq)->expires <= now) {
      remove(seq);
    } else {
      selected.push_back(seq);
    }
  }
  if (selected.empty()) return result;

  const DeadLetterPolicy& dead_letter = params.dead_letter;
  const TimeMs claim_end = add_seconds(now, params.ttl_s);
  std::uint32_t ref = ClaimTable::kNoClaim;
  result.messages.reserve(selected.size());
  for (std::uint64_t seq : selected) {
    Record& record = *log_.find(seq);
    if (dead_letter.active() &&
        static_cast<std::int64_t>(record.claim_count) >= *dead_letter.max_claims) {
      DeadLetter letter{record, std::string(clients_.name(record.client))};
      letter.record.delay_s = 0;  // visible there at once
      if (dead_letter.message_ttl_s) {
        // The dead-letter TTL counts from the move, so the message really is kept that long.
        letter.record.ttl_s = clamp_u32(*dead_letter.message_ttl_s);
        letter.record.expires = add_seconds(now, *dead_letter.message_ttl_s);
      }
      moved.push_back(std::move(letter));
      remove(seq);
      continue;
    }
    if (ref == ClaimTable::kNoClaim) {
      ref = claims_.create(++last_claim_seq_, now, claim_end, params.ttl_s);
      note_claim(last_claim_seq_);
      changes_.counters = tracking_;
    }
    note_message(seq);
    const Summary before = log_.keys_of(record);
    if (record.claim != ClaimTable::kNoClaim) {
      note_claim(claims_.at(record.claim).seq);
      claims_.detach(record.claim, seq);
    }
    record.claim = ref;
    claims_.attach(ref, seq);
    if (dead_letter.active() && record.claim_count < UINT32_MAX) ++record.claim_count;
    if (record.receive_count < UINT32_MAX) ++record.receive_count;
    stretch(record, claim_end, params.ttl_s, params.grace_s);
    log_.touch(seq, before);
    result.messages.push_back(to_message(seq, record));
  }
  if (ref != ClaimTable::kNoClaim) result.claim_id = format_id({incarnation_, claims_.at(ref).seq});
  return result;
}

Result<ClaimInfo> Queue::get_claim(QueueRef ref, std::string_view claim_id, TimeMs now) {
  const std::uint32_t claim_ref = live_claim(claim_id, now);
  if (claim_ref == ClaimTable::kNoClaim) {
    return make_error(Errc::claim_not_found, claim_id, ref.name, ref.project);
  }
  const Claim& claim = claims_.at(claim_ref);
  ClaimInfo info;
  info.ttl_s = claim.ttl_s;
  info.expires = claim.expires;
  info.created = claim.started;
  info.messages.reserve(claim.messages.size());
  for (std::uint64_t seq : claim.messages) {
    const Record* record = log_.find(seq);
    if (record != nullptr && record->expires > now)
      info.messages.push_back(to_message(seq, *record));
  }
  return info;
}

Result<void> Queue::update_claim(QueueRef ref, std::string_view claim_id, std::int64_t ttl_s,
                                 std::int64_t grace_s, TimeMs now) {
  FlushOnExit flush(log_);
  const std::uint32_t claim_ref = live_claim(claim_id, now);
  if (claim_ref == ClaimTable::kNoClaim) {
    return make_error(Errc::claim_not_found, claim_id, ref.name, ref.project);
  }
  const TimeMs claim_end = add_seconds(now, ttl_s);
  // Every message of the claim had the same claim end; only expiry differs between them.
  const TimeMs old_end = claims_.at(claim_ref).expires;
  claims_.restart(claim_ref, now, claim_end, ttl_s);
  note_claim(claims_.at(claim_ref).seq);
  for (std::uint64_t seq : claims_.at(claim_ref).messages) {
    if (Record* record = log_.find(seq)) {
      Summary before = log_.keys_of(*record);
      before.min[kUnclaimed] = old_end;
      before.min[kAvailable] = std::max(record->visible_at(), old_end);
      stretch(*record, claim_end, ttl_s, grace_s);
      log_.touch(seq, before);
      note_message(seq);
    }
  }
  return {};
}

void Queue::release_claim(std::string_view claim_id) {
  FlushOnExit flush(log_);
  std::optional<IdParts> parts = parse_id(claim_id);
  if (!parts || parts->prefix != incarnation_) return;
  const std::uint32_t ref = claims_.find(parts->seq);
  if (ref == ClaimTable::kNoClaim) return;
  // Like Zaqar, releasing also clears an expired claim from its messages: its id no longer
  // deletes them, and they show no claim.
  for (std::uint64_t seq : claims_.at(ref).messages) {
    if (Record* record = log_.find(seq)) {
      const Summary before = log_.keys_of(*record);
      record->claim = ClaimTable::kNoClaim;
      log_.touch(seq, before);
      note_message(seq);
    }
  }
  note_claim(parts->seq);
  claims_.free(ref);
}

// ---- per-message visibility ----

Result<void> Queue::change_visibility(QueueRef ref, Receipt receipt, TimeMs visible_at,
                                      TimeMs now) {
  FlushOnExit flush(log_);
  const std::optional<std::uint64_t> seq = own_seq(receipt.id);
  Record* record = seq ? log_.find(*seq) : nullptr;
  if (record == nullptr || record->expires <= now) {
    return make_error(Errc::message_not_found, receipt.id, ref.name, ref.project);
  }
  if (static_cast<std::int64_t>(record->receive_count) != receipt.receive_count) {
    return make_error(Errc::receipt_stale, receipt.id);
  }
  const std::uint32_t old = record->claim;
  if (old == ClaimTable::kNoClaim || claims_.at(old).expires <= now) {
    return make_error(Errc::message_not_in_flight, receipt.id);
  }
  const Summary before = log_.keys_of(*record);
  note_message(*seq);
  note_claim(claims_.at(old).seq);
  claims_.detach(old, *seq);  // frees the claim if this was its last message
  record->claim = ClaimTable::kNoClaim;
  if (visible_at > now) {
    // A claim of its own: the hold's length in whole seconds, rounded up, as its TTL.
    const std::int64_t ttl_s = (visible_at - now + 999) / 1000;
    const std::uint32_t own = claims_.create(++last_claim_seq_, now, visible_at, ttl_s);
    note_claim(last_claim_seq_);
    changes_.counters = tracking_;
    record->claim = own;
    claims_.attach(own, *seq);
    stretch(*record, visible_at, ttl_s, 0);
  }
  log_.touch(*seq, before);
  return {};
}

bool Queue::delete_received(Receipt receipt, TimeMs now) {
  FlushOnExit flush(log_);
  const std::optional<std::uint64_t> seq = own_seq(receipt.id);
  const Record* record = seq ? log_.find(*seq) : nullptr;
  if (record == nullptr || record->expires <= now) return false;
  if (static_cast<std::int64_t>(record->receive_count) != receipt.receive_count) return false;
  remove(*seq);
  return true;
}

// ---- maintenance ----

QueueReap Queue::reap(TimeMs now, std::size_t budget) {
  FlushOnExit flush(log_);
  QueueReap done;
  const std::size_t claims_before = claims_.size();
  while (done.work < budget) {
    const std::uint64_t seq = log_.find_first(kExpires, 1, now);
    if (seq == 0) break;
    remove(seq);
    ++done.messages;
    ++done.work;
  }
  done.claims = claims_before - claims_.size();
  return done;
}

// ---- restoring ----

void Queue::restore_claim(std::uint64_t seq, TimeMs started, TimeMs expires, std::int64_t ttl_s) {
  if (seq == 0 || claims_.find(seq) != ClaimTable::kNoClaim) return;
  restored_claims_.push_back(claims_.create(seq, started, expires, ttl_s));
  last_claim_seq_ = std::max(last_claim_seq_, seq);
}

bool Queue::restore_message(std::uint64_t seq, RestoredMessage&& message) {
  if (seq < log_.next_seq()) return true;  // out of order or repeated: nothing to restore
  log_.skip_to(seq);
  Record& record = message.record;
  record.client = clients_.acquire(message.client);
  std::uint32_t ref = ClaimTable::kNoClaim;
  if (message.claim != 0) ref = claims_.find(message.claim);
  record.claim = ref;
  log_.append(std::move(record));
  if (ref != ClaimTable::kNoClaim) claims_.attach(ref, seq);
  return message.claim == 0 || ref != ClaimTable::kNoClaim;
}

std::vector<std::uint64_t> Queue::finish_restore(std::uint64_t next_seq, std::uint64_t last_claim) {
  std::vector<std::uint64_t> freed;
  for (std::uint32_t ref : restored_claims_) {
    Claim& claim = claims_.at(ref);
    if (claim.seq != 0 && claim.messages.empty()) {
      freed.push_back(claim.seq);
      claims_.free(ref);
    }
  }
  restored_claims_.clear();
  restored_claims_.shrink_to_fit();
  log_.skip_to(next_seq);
  last_claim_seq_ = std::max(last_claim_seq_, last_claim);
  log_.flush();
  return freed;
}

}  // namespace warren::store::memory
