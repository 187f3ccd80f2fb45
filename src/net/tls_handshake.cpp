// TlsHandshake: the handshake, its deadline and the hand-over.
#include "net/tls_handshake.h"

#include "common/log.h"

namespace warren::net {

namespace asio = boost::asio;

void TlsHandshake::start(EventLoop& loop, asio::ip::tcp::socket socket, ConnectionLimit::Slot slot,
                         TlsContextPtr context, std::chrono::milliseconds timeout,
                         const TlsEstablished& established) {
  auto tls = std::make_shared<TlsStream>(std::move(socket), std::move(context));
  std::unique_ptr<TlsHandshake> self(
      new TlsHandshake(loop, tls, std::move(slot), loop.coarse_now() + timeout));
  if (loop.shutting_down()) return;  // the socket closes as `self` goes
  // The completion owns the handshake: a closed socket (deadline, shutdown) completes it.
  tls->ssl().async_handshake(
      asio::ssl::stream_base::server,
      [self = std::move(self), &established](const boost::system::error_code& ec) mutable {
        finish(std::move(self), ec, established);
      });
}

TlsHandshake::TlsHandshake(EventLoop& loop, std::shared_ptr<TlsStream> tls,
                           ConnectionLimit::Slot slot, SteadyTime deadline)
    : loop_(loop), tls_(std::move(tls)), slot_(std::move(slot)), deadline_(deadline) {
  loop_.attach(*this);
}

TlsHandshake::~TlsHandshake() {
  if (tls_) tls_->close();
  loop_.detach(*this);
}

void TlsHandshake::finish(std::unique_ptr<TlsHandshake> self, const boost::system::error_code& ec,
                          const TlsEstablished& established) {
  if (ec || self->closed_ || self->loop_.shutting_down()) {
    if (ec && !self->closed_) log::debug("TLS handshake failed: {}", ec.message());
    return;  // the socket closes and the slot is given back as `self` goes
  }
  EventLoop& loop = self->loop_;
  ConnectionLimit::Slot slot = std::move(self->slot_);
  Stream stream(std::move(self->tls_));
  self.reset();  // detaches before the protocol's connection attaches
  established(loop, std::move(stream), std::move(slot));
}

void TlsHandshake::check_deadline(SteadyTime now) {
  if (now >= deadline_) force_close();
}

void TlsHandshake::begin_shutdown() {
  force_close();
}

void TlsHandshake::force_close() {
  if (closed_) return;
  closed_ = true;
  tls_->close();  // the handshake completes with operation_aborted and ends this
}

}  // namespace warren::net
