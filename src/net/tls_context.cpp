// TlsContext: building the server context (policy, files) and swapping it on reload.
#include "net/tls_context.h"

#include <cstring>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <string_view>

namespace warren::net {
namespace {

// TLS 1.2 suites: ECDHE (forward secrecy) with an AEAD cipher, nothing else. TLS 1.3's are
// all AEAD and keep OpenSSL's defaults.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// Names the context's sessions for resumption (a ticket of another server is not resumed).
constexpr unsigned char kSessionIdContext[] = "warren";

constexpr std::string_view kAlpnHttp11 = "http/1.1";

// The reason of OpenSSL's latest error (and clears its queue), or `fallback`.
std::string openssl_reason(const char* fallback) {
  std::string reason;
  while (const unsigned long code = ERR_get_error()) {
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    reason = text;  // the last one queued is the most specific
  }
  return reason.empty() ? fallback : reason;
}

Error setup_error(const std::string& what, const char* fallback) {
  return make_error(Errc::tls_setup_failed, what, openssl_reason(fallback));
}

// ALPN: http/1.1 when the client offers it; a client offering only other protocols (h2)
// goes on without ALPN, as HTTP/1.1 is what it gets either way.
int select_alpn(SSL*, const unsigned char** out, unsigned char* out_length,
                const unsigned char* offered, unsigned offered_length, void*) {
  unsigned pos = 0;
  while (pos < offered_length) {
    const unsigned length = offered[pos];
    if (pos + 1 + length > offered_length) break;
    if (std::string_view(reinterpret_cast<const char*>(offered + pos + 1), length) == kAlpnHttp11) {
      *out = offered + pos + 1;
      *out_length = static_cast<unsigned char>(length);
      return SSL_TLSEXT_ERR_OK;
    }
    pos += 1 + length;
  }
  return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

Result<TlsContextPtr> make_tls_context(const TlsConfig& config) {
  namespace ssl = boost::asio::ssl;
  ERR_clear_error();
  auto context = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* ctx = context->native_handle();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1) {
    return setup_error("protocol versions", "not supported");
  }
  SSL_CTX_set_options(
      ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return setup_error("TLS 1.2 ciphers", "none available");
  }
  // Resumption by tickets only: stateless (the key is the context's, in memory), so nothing
  // grows per client; a reload's new context starts with new keys.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_session_id_context(ctx, kSessionIdContext, sizeof kSessionIdContext - 1);
  SSL_CTX_set_alpn_select_cb(ctx, select_alpn, nullptr);

  if (SSL_CTX_use_certificate_chain_file(ctx, config.cert_file.c_str()) != 1) {
    return setup_error("certificate " + config.cert_file, "cannot be read");
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, config.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    return setup_error("private key " + config.key_file, "cannot be read");
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return setup_error("private key " + config.key_file, "does not match the certificate");
  }
  if (!config.client_ca_file.empty()) {
    if (SSL_CTX_load_verify_locations(ctx, config.client_ca_file.c_str(), nullptr) != 1) {
      return setup_error("client CA " + config.client_ca_file, "cannot be read");
    }
    STACK_OF(X509_NAME)* names = SSL_load_client_CA_file(config.client_ca_file.c_str());
    if (names == nullptr) {
      return setup_error("client CA " + config.client_ca_file, "holds no certificate");
    }
    SSL_CTX_set_client_CA_list(ctx, names);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  ERR_clear_error();
  return context;
}

Result<void> TlsContextSource::reload() {
  auto fresh = make_tls_context(config_);
  if (!fresh) return fresh.error();
  current_.store(std::move(*fresh), std::memory_order_release);
  return {};
}

}  // namespace warren::net
