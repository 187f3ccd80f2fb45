// The commit thread: groups of journal sections written as one WriteBatch, one WAL sync each.
#include "store/rocksdb/committer.h"

#include <algorithm>
#include <pthread.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

#include "common/log.h"

namespace warren::store::rocks {
namespace {

// Recycled write buffers kept at most (larger ones are freed).
constexpr std::size_t kMaxSpares = 4096;
constexpr std::size_t kMaxSpareBytes = 64 * 1024;

// Sections pending before a submission wakes the thread without waiting for a flush.
constexpr std::size_t kWakeSections = 8192;

// Serial-number order of 32-bit counters that may wrap (RFC 1982).
bool after(std::uint32_t a, std::uint32_t b) noexcept {
  return static_cast<std::int32_t>(a - b) > 0;
}

}  // namespace

Committer::Committer(rocksdb::DB& db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
                     Options options)
    : db_(db),
      handles_(std::move(handles)),
      options_(options),
      last_sync_(std::chrono::steady_clock::now()),
      written_incarnation_(options.next_incarnation),
      written_subscription_(options.last_subscription) {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "warren-commit");
    run();
  });
}

Committer::~Committer() {
  {
    std::lock_guard lock(bell_->mutex);
    stop_ = true;
  }
  bell_->wake.notify_one();
  thread_.join();
}

std::uint64_t Committer::submit(WriteSet&& writes, const CounterMarks& marks,
                                std::string* recycled) {
  bool wake = false;
  std::uint64_t lsn;
  {
    std::lock_guard lock(bell_->mutex);
    if (marks.next_incarnation && after(*marks.next_incarnation, written_incarnation_)) {
      written_incarnation_ = *marks.next_incarnation;
      writes.put(kMeta, kIncarnationKey, encode_u32(written_incarnation_));
    }
    if (marks.last_subscription && *marks.last_subscription > written_subscription_) {
      written_subscription_ = *marks.last_subscription;
      writes.put(kMeta, kSubscriptionKey,
                 encode_subscription_ids(options_.subscription_nonce, written_subscription_));
    }
    lsn = ++submitted_;
    if (recycled != nullptr && !spare_.empty()) {
      *recycled = std::move(spare_.back());
      spare_.pop_back();
    }
    if (failure_) return lsn;  // read-only: never written, never acknowledged
    ++stats_.sections;
    pending_.push_back(std::move(writes));
    if (pending_.size() >= kWakeSections && !bell_->kicked) {
      bell_->kicked = true;
      wake = true;
    }
  }
  if (wake) bell_->wake.notify_one();
  return lsn;
}

void Committer::flush_soon(const boost::asio::any_io_executor& executor) {
  if (bell_->scheduled.exchange(true, std::memory_order_acq_rel)) return;
  boost::asio::post(executor, [bell = bell_] {
    // Cleared first: a submission after this point schedules its own flush.
    bell->scheduled.store(false, std::memory_order_release);
    {
      std::lock_guard lock(bell->mutex);
      bell->kicked = true;
    }
    bell->wake.notify_one();
  });
}

// Not a coroutine itself: the awaitable of the operation is returned as it is, so a waiting
// request costs no coroutine frame of its own. An acknowledged `lsn` completes through park()
// too (posted, never inline).
Async<void> Committer::wait(std::uint64_t lsn) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(Result<void>)>(
      [this, lsn](auto handler) {
        auto executor = boost::asio::get_associated_executor(handler);
        boost::asio::any_io_executor tracked =
            boost::asio::prefer(executor, boost::asio::execution::outstanding_work.tracked);
        park(lsn, Handler(std::move(handler)), std::move(tracked));
      },
      boost::asio::use_awaitable);
}

void Committer::park(std::uint64_t lsn, Handler handler, boost::asio::any_io_executor executor) {
  std::unique_lock lock(bell_->mutex);
  const bool done = lsn <= acked();
  const bool failed = !done && failure_ && lsn >= failed_from_;
  if (done || failed) {
    const Result<void> result = done ? Result<void>() : Result<void>(*failure_);
    lock.unlock();
    std::vector<Waiter> one;
    one.push_back(Waiter{lsn, Resumer(std::move(handler)), std::move(executor)});
    complete(one, result);
    return;
  }
  waiters_.push_back(Waiter{lsn, Resumer(std::move(handler)), std::move(executor)});
  std::push_heap(waiters_.begin(), waiters_.end(), Later{});
}

void Committer::complete(std::vector<Waiter>& waiters, const Result<void>& result) {
  // Never inline: each waiter resumes on its own loop.
  while (!waiters.empty()) {
    const boost::asio::any_io_executor executor = waiters.front().executor;
    std::vector<Resumer> batch;
    auto kept = waiters.begin();
    for (auto it = waiters.begin(); it != waiters.end(); ++it) {
      if (it->executor == executor) {
        batch.push_back(std::move(it->resume));
      } else {
        if (kept != it) *kept = std::move(*it);
        ++kept;
      }
    }
    waiters.erase(kept, waiters.end());
    boost::asio::post(executor, [batch = std::move(batch), result]() mutable {
      for (Resumer& resume : batch) resume(result);
    });
  }
}

void Committer::complete_ready(std::unique_lock<std::mutex>& lock) {
  std::vector<Waiter> ready;
  const std::uint64_t acked_now = acked();
  while (!waiters_.empty() && waiters_.front().lsn <= acked_now) {
    std::pop_heap(waiters_.begin(), waiters_.end(), Later{});
    ready.push_back(std::move(waiters_.back()));
    waiters_.pop_back();
  }
  std::vector<Waiter> failed;
  std::optional<Error> failure = failure_;
  if (failure_) {
    failed = std::move(waiters_);  // all beyond the last acknowledged position
    waiters_.clear();
  }
  drained_.notify_all();
  if (ready.empty() && failed.empty()) return;
  lock.unlock();
  complete(ready, Result<void>());
  if (!failed.empty()) complete(failed, Result<void>(*failure));
  lock.lock();
}

void Committer::fail(const rocksdb::Status& status, const char* what) {
  if (failure_) return;
  failure_ = make_error(Errc::storage_read_only, fmt::format("{}: {}", what, status.ToString()));
  failed_from_ = acked() + 1;
  failed_.store(true, std::memory_order_release);
  log::error("rocksdb: {} failed ({}); the store is read-only until restarted", what,
             status.ToString());
}

rocksdb::Status Committer::write_group(std::vector<WriteSet>& group) {
  batch_.Clear();
  for (const WriteSet& writes : group) {
    rocksdb::Status status = writes.apply(batch_, handles_);
    if (!status.ok()) return status;
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = options_.mode == FsyncMode::always;
  return db_.Write(write_options, &batch_);
}

rocksdb::Status Committer::sync_wal() {
  return db_.SyncWAL();
}

void Committer::run() {
  std::vector<WriteSet> group;
  std::unique_lock lock(bell_->mutex);
  const auto ready = [&] { return stop_ || (bell_->kicked && !pending_.empty()); };
  for (;;) {
    if (!ready()) {
      if (pending_.empty()) bell_->kicked = false;  // the flush found its sections already taken
      if (unsynced_ && options_.mode == FsyncMode::batch) {
        const auto due = last_sync_ + options_.batch_interval;
        const bool woken = bell_->wake.wait_until(lock, due, ready);
        if (!woken && !failure_) {
          lock.unlock();
          rocksdb::Status status = sync_wal();
          lock.lock();
          last_sync_ = std::chrono::steady_clock::now();
          unsynced_ = false;
          ++stats_.syncs;
          if (!status.ok()) fail(status, "WAL sync");
        }
      } else {
        bell_->wake.wait(lock, ready);
      }
      continue;
    }
    if (pending_.empty()) break;  // stopping, and everything is written
    bell_->kicked = false;
    group.swap(pending_);
    const std::uint64_t last = submitted_;
    const bool failed = failure_.has_value();
    lock.unlock();
    rocksdb::Status status;
    const char* what = "WAL write";
    std::size_t bytes = 0;
    bool synced = false;
    if (!failed) {
      status = write_group(group);
      bytes = batch_.GetDataSize();
      synced = status.ok() && options_.mode == FsyncMode::always;
      if (status.ok() && options_.mode == FsyncMode::batch &&
          std::chrono::steady_clock::now() - last_sync_ >= options_.batch_interval) {
        what = "WAL sync";
        status = sync_wal();
        synced = true;
      }
    }
    lock.lock();
    for (WriteSet& written : group) {
      std::string buffer = std::move(written).release();
      if (spare_.size() < kMaxSpares && buffer.capacity() <= kMaxSpareBytes) {
        spare_.push_back(std::move(buffer));
      }
    }
    group.clear();
    if (!failed) {
      ++stats_.groups;
      stats_.bytes += bytes;
      if (synced) {
        ++stats_.syncs;
        last_sync_ = std::chrono::steady_clock::now();
        unsynced_ = false;
      } else if (status.ok()) {
        unsynced_ = true;
      }
      if (status.ok()) {
        acked_.store(last, std::memory_order_release);
      } else {
        fail(status, what);
      }
    }
    complete_ready(lock);
  }
  // Stopping: everything submitted was written; a clean shutdown loses nothing in any mode.
  if (!failure_ && unsynced_) {
    lock.unlock();
    rocksdb::Status status = sync_wal();
    lock.lock();
    if (!status.ok()) fail(status, "WAL sync");
    unsynced_ = false;
  }
  complete_ready(lock);
}

std::uint64_t Committer::submitted() const {
  std::lock_guard lock(bell_->mutex);
  return submitted_;
}

std::optional<Error> Committer::failure() const {
  std::lock_guard lock(bell_->mutex);
  return failure_;
}

CommitStats Committer::stats() const {
  std::lock_guard lock(bell_->mutex);
  return stats_;
}

void Committer::drain() {
  std::unique_lock lock(bell_->mutex);
  bell_->kicked = true;
  bell_->wake.notify_one();
  const std::uint64_t target = submitted_;
  drained_.wait(lock, [&] { return acked() >= target || failure_.has_value(); });
}

}  // namespace warren::store::rocks
