// TlsContext: the server side of TLS (https, wss): the OpenSSL context built from the
// operator's files, and the one every loop takes new connections' sessions from. Policy, fixed
// here and not configurable: TLS 1.2 and 1.3 only; for 1.2, ECDHE key exchange with AEAD
// ciphers only; ALPN http/1.1; session resumption by stateless tickets (keys per context, so
// shared by every loop); renegotiation and compression off; with a client CA, a client
// certificate is required and verified.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/ssl/context.hpp>

#include "common/errors.h"

namespace warren::net {

// What the operator configured (--tls-*).
struct TlsConfig {
  std::string cert_file;       // PEM: the certificate, then its chain
  std::string key_file;        // PEM: the private key of that certificate
  std::string client_ca_file;  // PEM: CAs of client certificates (empty: none asked)
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
};

using TlsContextPtr = std::shared_ptr<boost::asio::ssl::context>;

// Builds a server context from `config`'s files (reads them: blocking, start-up or reload only).
// Errors: tls_setup_failed (a file missing or unreadable, not PEM, a key that does not match
// the certificate), naming the file and OpenSSL's reason.
Result<TlsContextPtr> make_tls_context(const TlsConfig& config);

// The context new connections use now. Any thread: reload() swaps it while loops take it;
// a connection keeps the context it started with (open connections are not dropped).
class TlsContextSource {
 public:
  // Starts with `initial`, rebuilt from `config` on reload().
  TlsContextSource(TlsConfig config, TlsContextPtr initial)
      : config_(std::move(config)), current_(std::move(initial)) {}

  TlsContextPtr current() const noexcept { return current_.load(std::memory_order_acquire); }
  const TlsConfig& config() const noexcept { return config_; }

  // Re-reads the files. On success new connections use the new context; on error the old one
  // stays in use and the error is returned (for the caller to log).
  Result<void> reload();

 private:
  TlsConfig config_;
  std::atomic<TlsContextPtr> current_;
};

}  // namespace warren::net
