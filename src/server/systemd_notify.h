// SystemdNotifier: tells systemd where the server stands (Type=notify units, sd_notify(3) via
// libsystemd): READY=1 once the store is open and every listener is bound, RELOADING=1 and
// READY=1 around a SIGHUP reload, STOPPING=1 when shutdown begins, and WATCHDOG=1 every half
// of WATCHDOG_USEC while the first event loop runs (so a wedged loop gets the unit restarted).
// Without NOTIFY_SOCKET in the environment every call does nothing.
#pragma once

#include <chrono>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include "net/event_loop.h"

namespace warren::server {

class SystemdNotifier {
 public:
  // The watchdog's timer runs on `loop` (which must outlive this).
  explicit SystemdNotifier(net::EventLoop& loop);

  // Whether systemd (or a test standing in for it) listens: NOTIFY_SOCKET is set.
  bool enabled() const noexcept { return enabled_; }

  // READY=1, with `status` as the unit's STATUS= line.
  void ready(std::string_view status);
  // RELOADING=1 (ready() again when the reload is done).
  void reloading();
  // STOPPING=1 (once, however often called); also stops the watchdog. Loop thread.
  void stopping();

  // Sends WATCHDOG=1 now and every half of the watchdog interval systemd set for this process
  // (WATCHDOG_USEC, WATCHDOG_PID), until stopping(). Nothing when no interval is set. Loop
  // thread (or before the loops run).
  void start_watchdog();

  // The interval start_watchdog() pings at (zero: none).
  std::chrono::microseconds watchdog_period() const noexcept { return period_; }

 private:
  void arm();

  bool enabled_;
  std::chrono::microseconds period_{0};
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
};

}  // namespace warren::server
