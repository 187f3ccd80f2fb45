// Connection: what an event loop needs to know of a live connection, whatever its protocol:
// deadlines checked by the loop's coarse tick, and a graceful then a forced shutdown.
#pragma once

#include <chrono>

#include <boost/intrusive/list_hook.hpp>

namespace warren::net {

using SteadyClock = std::chrono::steady_clock;
using SteadyTime = SteadyClock::time_point;

class Connection
    : public boost::intrusive::list_base_hook<
          boost::intrusive::link_mode<boost::intrusive::auto_unlink>> {
 public:
  Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  virtual ~Connection() = default;

  // Called by the loop on every tick with its coarse time. A connection whose deadline has
  // passed closes itself. Must not destroy the connection synchronously (close the socket; the
  // owner is destroyed when its pending operations complete).
  virtual void check_deadline(SteadyTime now) = 0;

  // Finish the request in flight (if any), then close; close at once if idle.
  virtual void begin_shutdown() = 0;

  // Close now, abandoning work in flight.
  virtual void force_close() = 0;

  // The options of the server it belongs to were replaced (SIGHUP reload): apply them where
  // a connection waiting for its next request has set up from the old ones. Loop thread.
  virtual void options_changed() {}
};

}  // namespace warren::net
