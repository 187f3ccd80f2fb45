// Reaper: the periodic, bounded reclamation pass.
#include "engine/reaper.h"

#include "common/log.h"
#include "common/spawn.h"

namespace warren::engine {

Reaper::Reaper(boost::asio::io_context& context, store::Store& store, const Clock& clock,
               std::chrono::milliseconds interval, std::size_t budget,
               std::chrono::milliseconds busy_interval)
    : context_(context),
      store_(store),
      clock_(clock),
      interval_(interval),
      budget_(budget),
      busy_interval_(busy_interval),
      timer_(context) {}

void Reaper::start() { schedule(interval_); }

void Reaper::stop() {
  stopped_ = true;
  timer_.cancel();
}

void Reaper::schedule(std::chrono::milliseconds after) {
  if (stopped_) return;
  timer_.expires_after(after);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    // A pass that fails by an exception (a bug in an engine's reap) is logged and the reaper
    // goes on at its usual interval: expired data must not pile up for the rest of the run.
    spawn(context_, pass(), "a reaper pass", [this] { schedule(interval_); });
  });
}

boost::asio::awaitable<void> Reaper::pass() {
  auto stats = co_await store_.reap(clock_.now(), budget_);
  ++passes_;
  if (!stats) {
    log::warn("reaper: {}", stats.error().description);
    schedule(interval_);
    co_return;
  }
  schedule(stats->more ? busy_interval_ : interval_);
}

}  // namespace warren::engine
