// SystemdNotifier: sd_notify(3)'s datagram protocol and the watchdog's timer. The protocol is
// a few lines (one AF_UNIX datagram of "KEY=VALUE" lines to $NOTIFY_SOCKET, '@' for the
// abstract namespace), written here rather than linked: libsystemd.so and the libraries it
// pulls in (libgcrypt, liblzma, libcap, ...) cost ~2.5 MB of resident memory at start-up,
// under systemd or not (measured on warren serve idle: 11.5 MB without, 14.0 MB with).
#include "server/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "common/log.h"

namespace warren::server {
namespace {

// A whole unsigned number in `text`, or nullopt.
std::optional<std::uint64_t> parse_unsigned(const char* text) {
  if (text == nullptr || *text == '\0') return std::nullopt;
  std::uint64_t value = 0;
  const char* end = text + std::strlen(text);
  const auto [ptr, ec] = std::from_chars(text, end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

SystemdNotifier::SystemdNotifier(net::EventLoop& loop) : timer_(loop.context()) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr || *path == '\0') return;
  const std::size_t length = std::strlen(path);
  if ((path[0] != '/' && path[0] != '@') || length >= sizeof(address_.sun_path)) {
    log::warn("NOTIFY_SOCKET={}: not a unix socket path; systemd will not be notified", path);
    return;
  }
  address_.sun_family = AF_UNIX;
  std::memcpy(address_.sun_path, path, length);
  if (path[0] == '@') address_.sun_path[0] = '\0';  // the abstract namespace
  address_length_ = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    log::warn("NOTIFY_SOCKET: socket: {}; systemd will not be notified", std::strerror(errno));
    return;
  }
  // The watchdog's interval is for this process only when WATCHDOG_PID says so (or is unset).
  const auto usec = parse_unsigned(std::getenv("WATCHDOG_USEC"));
  const char* pid_text = std::getenv("WATCHDOG_PID");
  const auto pid = parse_unsigned(pid_text);
  const bool ours = pid_text == nullptr || (pid && *pid == static_cast<std::uint64_t>(getpid()));
  if (usec && *usec > 0 && ours) period_ = std::chrono::microseconds(*usec / 2);
}

SystemdNotifier::~SystemdNotifier() {
  if (fd_ >= 0) ::close(fd_);
}

void SystemdNotifier::send(std::string_view message) {
  if (fd_ < 0) return;
  const ssize_t sent =
      ::sendto(fd_, message.data(), message.size(), MSG_NOSIGNAL,
               reinterpret_cast<const sockaddr*>(&address_), address_length_);
  if (sent < 0) log::warn("sd_notify {}: {}", message.substr(0, message.find('\n')),
                          std::strerror(errno));
}

void SystemdNotifier::ready(std::string_view status) {
  if (!enabled()) return;
  std::string message = "READY=1\nSTATUS=";
  message.append(status);
  send(message);
}

void SystemdNotifier::reloading() { send("RELOADING=1"); }

void SystemdNotifier::stopping() {
  if (stopped_) return;
  stopped_ = true;
  timer_.cancel();
  send("STOPPING=1");
}

void SystemdNotifier::start_watchdog() {
  if (!enabled() || period_.count() == 0) return;
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
