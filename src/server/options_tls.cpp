// `warren serve`'s options of TLS: the https and wss listeners and the files they serve.
#include <boost/program_options.hpp>

#include "server/option_section.h"
#include "server/option_values.h"

namespace warren::server {

namespace po = boost::program_options;

OptionSection tls_options(ServeOptions& o) {
  net::TlsConfig& t = o.tls;
  OptionSection section{po::options_description("TLS (https, wss)"), nullptr};
  section.description.add_options()
      ("tls-listen", address(o.tls_listen), "also serve HTTPS (and wss by upgrade) on HOST:PORT")
      ("ws-tls-listen", address(o.ws_tls_listen), "also serve the WebSocket API alone over TLS (wss) on HOST:PORT")
      ("tls-cert", po::value(&t.cert_file), "PEM file: the server certificate, then its chain (re-read on SIGHUP)")
      ("tls-key", po::value(&t.key_file), "PEM file: the certificate's private key (re-read on SIGHUP)")
      ("tls-client-ca", po::value(&t.client_ca_file), "PEM file of CAs: clients must present a certificate one of them issued (mutual TLS; re-read on SIGHUP)")
      ("tls-only", po::bool_switch(&o.tls_only), "serve HTTPS instead of plain HTTP: --listen is not opened (needs --tls-listen; not with --ws-listen)")
      ("tls-handshake-timeout", seconds(t.handshake_timeout), "seconds a TLS handshake may take from accept; a slower or stalled one is closed");
  section.check = [&o, &t]() -> Result<void> {
    const bool listening = o.tls_listen || o.ws_tls_listen;
    if (t.handshake_timeout <= std::chrono::milliseconds(0)) {
      return option_error("--tls-handshake-timeout must be positive");
    }
    if (listening && (t.cert_file.empty() || t.key_file.empty())) {
      return option_error("--tls-listen and --ws-tls-listen need --tls-cert and --tls-key");
    }
    if (!listening &&
        (!t.cert_file.empty() || !t.key_file.empty() || !t.client_ca_file.empty())) {
      return option_error(
          "--tls-cert, --tls-key and --tls-client-ca need --tls-listen or --ws-tls-listen");
    }
    if (o.tls_only && (!o.tls_listen || o.ws_listen)) {
      return option_error("--tls-only needs --tls-listen, and serves no plain --ws-listen");
    }
    return {};
  };
  return section;
}

}  // namespace warren::server
