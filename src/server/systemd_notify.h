// SystemdNotifier: tells systemd where the server stands (Type=notify units; sd_notify(3)'s
// datagram protocol to $NOTIFY_SOCKET): READY=1 once the store is open and every listener is
// bound, RELOADING=1 and READY=1 around a SIGHUP reload, STOPPING=1 when shutdown begins, and
// WATCHDOG=1 every half of WATCHDOG_USEC while the first event loop runs (so a wedged loop
// gets the unit restarted). Without NOTIFY_SOCKET in the environment every call does nothing.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include <boost/asio/steady_timer.hpp>

#include "net/event_loop.h"

namespace warren::server {

class SystemdNotifier {
 public:
  // The watchdog's timer runs on `loop` (which must outlive this).
  explicit SystemdNotifier(net::EventLoop& loop);
  ~SystemdNotifier();
  SystemdNotifier(const SystemdNotifier&) = delete;
  SystemdNotifier& operator=(const SystemdNotifier&) = delete;

  // Whether systemd (or a test standing in for it) listens: NOTIFY_SOCKET names a socket.
  bool enabled() const noexcept { return fd_ >= 0; }

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
  // One datagram; a failure is logged (systemd gone is no reason to stop serving).
  void send(std::string_view message);

  int fd_ = -1;
  sockaddr_un address_{};
  socklen_t address_length_ = 0;
  std::chrono::microseconds period_{0};
  boost::asio::steady_timer timer_;
  bool stopped_ = false;
};

}  // namespace warren::server
