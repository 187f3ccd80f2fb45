// SystemdNotifier: sd_notify(3) messages and the watchdog's timer.
#include "server/systemd_notify.h"

#include <cstdlib>
#include <string>

#include <systemd/sd-daemon.h>

#include "common/log.h"

namespace warren::server {
namespace {

void send(const std::string& message) {
  const int sent = sd_notify(0, message.c_str());
  if (sent < 0) log::warn("sd_notify({}) failed: error {}", message, -sent);
}

}  // namespace

SystemdNotifier::SystemdNotifier(net::EventLoop& loop)
    : enabled_(std::getenv("NOTIFY_SOCKET") != nullptr), timer_(loop.context()) {
  std::uint64_t usec = 0;
  if (enabled_ && sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    period_ = std::chrono::microseconds(usec / 2);
  }
}

void SystemdNotifier::ready(std::string_view status) {
  if (!enabled_) return;
  std::string message = "READY=1\nSTATUS=";
  message.append(status);
  send(message);
}

void SystemdNotifier::reloading() {
  if (enabled_) send("RELOADING=1");
}

void SystemdNotifier::stopping() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  if (enabled_) send("STOPPING=1");
}

void SystemdNotifier::start_watchdog() {
  if (!enabled_ || period_.count() == 0) return;
  log::info("systemd watchdog: pinging every {} ms", period_.count() / 1000);
  send("WATCHDOG=1");
  arm();
}

void SystemdNotifier::arm() {
  timer_.expires_after(period_);
  timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopped_) return;
    send("WATCHDOG=1");
    arm();
  });
}

}  // namespace warren::server
