// Committer: group commit for the rocksdb engine. Journal sections are submitted in the order
// they were applied to the index (under its locks) and get consecutive log positions (LSNs).
// One dedicated thread takes everything submitted since its last write as one group, writes it
// as one RocksDB WriteBatch and, with --fsync=always, syncs the write-ahead log once for the
// whole group; meanwhile the next group gathers. Coroutines waiting for an LSN are resumed on
// their own executor (their event loop) when it is acknowledged; no loop ever waits on disk.
//
// When the thread wakes: not at each submission, but when a loop that submitted has run the
// handlers already queued on it (flush_soon), so everything a loop handles in one round of its
// event queue goes into one group with one wake-up, as Redis syncs once per event-loop
// iteration. A large backlog (kWakeSections) wakes it at once.
//
// When a position is acknowledged:
//   always  after the group's WAL write and fdatasync returned (durable on power loss);
//   batch   after the group's WAL write returned (in the OS, survives a process crash); the WAL
//           is synced at most `batch_interval` later;
//   never   as batch, and the WAL is synced only when RocksDB rolls it and at shutdown.
//
// Failure: the first failed write or sync makes the committer read-only for good: that group and
// every later submission fail (storage_read_only, with RocksDB's reason), nothing after the
// last acknowledged position is ever acknowledged, and sync is never retried (a failed fsync may
// have dropped dirty pages: retrying could report success for data that is gone). The process
// keeps serving what is acknowledged; a restart recovers from the log.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <rocksdb/db.h>

#include "store/rocksdb/write_set.h"
#include "store/store.h"

namespace warren::store::rocks {

enum class FsyncMode { always, batch, never };

// Store-wide counters a section may have advanced, persisted with it (meta column family).
struct CounterMarks {
  std::optional<std::uint32_t> next_incarnation;
  std::optional<std::uint64_t> last_subscription;
};

struct CommitStats {
  std::uint64_t sections = 0;  // non-empty sections submitted
  std::uint64_t groups = 0;    // WriteBatches written
  std::uint64_t syncs = 0;     // WAL syncs (with the write, or SyncWAL)
  std::uint64_t bytes = 0;     // bytes of WriteBatches written
};

class Committer {
 public:
  struct Options {
    FsyncMode mode = FsyncMode::always;
    std::chrono::milliseconds batch_interval{10};
    // Counters as loaded; the committer writes them again only when they advance.
    std::uint32_t subscription_nonce = 0;
    std::uint32_t next_incarnation = 0;
    std::uint64_t last_subscription = 0;
  };

  // `handles` are indexed by Cf. Starts the commit thread.
  Committer(rocksdb::DB& db, std::vector<rocksdb::ColumnFamilyHandle*> handles, Options options);
  // Writes and syncs whatever was submitted, then stops the thread. Call it only when no
  // coroutine waits any more (the loops have stopped).
  ~Committer();
  Committer(const Committer&) = delete;
  Committer& operator=(const Committer&) = delete;

  // Queues a section's writes after every earlier submission; returns its LSN. Called under the
  // section's index locks, so LSN order is index order. Cheap: no I/O, no encoding. If
  // `recycled` is given, it receives the storage of an earlier, written set (for the caller's
  // next one), so buffers circulate instead of being allocated on one thread, freed on another.
  std::uint64_t submit(WriteSet&& writes, const CounterMarks& marks,
                       std::string* recycled = nullptr);

  // Wakes the commit thread once `executor` (the caller's loop) has run the handlers already
  // queued on it. Call after submitting, outside any lock; one pending flush serves all loops.
  void flush_soon(const boost::asio::any_io_executor& executor);

  // Completes when `lsn` is acknowledged (success), or with storage_read_only if the committer
  // failed first. Resumes the caller on its own executor. lsn 0 is always acknowledged.
  Async<void> wait(std::uint64_t lsn);

  std::uint64_t acked() const noexcept { return acked_.load(std::memory_order_acquire); }
  std::uint64_t submitted() const;
  // The failure that made the committer read-only, if any.
  std::optional<Error> failure() const;
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  CommitStats stats() const;

  // Blocks the calling thread until everything submitted so far is acknowledged or failed.
  // For start-up, shutdown and tests; never on an event loop.
  void drain();

 private:
  using Handler = boost::asio::any_completion_handler<void(Result<void>)>;
  // A handler that can be move-assigned: Boost 1.81's any_completion_handler move-assignment
  // recurses forever (it wraps itself; fixed in 1.82), and the heap moves waiters by assignment.
  class Resumer {
   public:
    explicit Resumer(Handler&& handler) noexcept : handler_(std::move(handler)) {}
    Resumer(Resumer&& other) noexcept : handler_(std::move(other.handler_)) {}
    Resumer& operator=(Resumer&& other) noexcept {
      if (this != &other) {
        std::destroy_at(&handler_);
        std::construct_at(&handler_, std::move(other.handler_));
      }
      return *this;
    }
    ~Resumer() = default;
    void operator()(Result<void> result) { std::move(handler_)(std::move(result)); }

   private:
    Handler handler_;
  };
  struct Waiter {
    std::uint64_t lsn;
    Resumer resume;
    boost::asio::any_io_executor executor;  // tracks work, so the loop keeps running for it
  };
  struct Later {
    bool operator()(const Waiter& a, const Waiter& b) const noexcept { return a.lsn > b.lsn; }
  };

  void park(std::uint64_t lsn, Handler handler, boost::asio::any_io_executor executor);
  void run();
  // Writes one group (commit thread, no lock held).
  rocksdb::Status write_group(std::vector<WriteSet>& group);
  rocksdb::Status sync_wal();
  // Records the first failure (lock held).
  void fail(const rocksdb::Status& status, const char* what);
  // Takes the waiters that can complete now (lock held) and completes them (lock released).
  void complete_ready(std::unique_lock<std::mutex>& lock);
  // Resumes the waiters with `result`: one post per executor (event loop) for all of its
  // waiters, so a group of a thousand costs each loop one wake-up.
  static void complete(std::vector<Waiter>& waiters, const Result<void>& result);

  rocksdb::DB& db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  Options options_;

  // What a posted flush touches: shared with the flush handlers, so one still queued on a loop
  // after the committer is gone rings a bell nobody listens to instead of freed memory.
  struct Doorbell {
    mutable std::mutex mutex;      // guards the committer's state below too
    std::condition_variable wake;  // the commit thread: work or stop
    bool kicked = false;           // a flush asked the thread to take what is pending
    std::atomic<bool> scheduled{false};
  };
  std::shared_ptr<Doorbell> bell_ = std::make_shared<Doorbell>();
  std::condition_variable drained_;  // drain(): progress
  std::vector<WriteSet> pending_;
  std::vector<std::string> spare_;  // storage of written sets, handed back by submit()
  std::uint64_t submitted_ = 0;
  std::vector<Waiter> waiters_;  // a min-heap by lsn (Later)
  std::optional<Error> failure_;
  std::uint64_t failed_from_ = 0;  // first LSN that will never be acknowledged (0: none)
  bool stop_ = false;
  bool unsynced_ = false;  // batch/never: acknowledged writes not yet synced
  std::chrono::steady_clock::time_point last_sync_;
  std::uint32_t written_incarnation_;
  std::uint64_t written_subscription_;
  CommitStats stats_;
  std::atomic<std::uint64_t> acked_{0};
  std::atomic<bool> failed_{false};

  rocksdb::WriteBatch batch_;  // commit thread only
  std::thread thread_;
};

}  // namespace warren::store::rocks
