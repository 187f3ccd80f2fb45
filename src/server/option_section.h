// OptionSection: one subsystem's part of `warren serve`'s options: the options it declares,
// bound to its typed fields of ServeOptions, and the check of their values once all are parsed
// (ranges and relations a single value's parse cannot see).
#pragma once

#include <functional>
#include <string>

#include <boost/program_options/options_description.hpp>

#include "common/errors.h"
#include "server/serve_options.h"

namespace warren::server {

struct OptionSection {
  boost::program_options::options_description description;
  // Runs after every option is stored; an error's description is the message for the user
  // (naming the option).
  std::function<Result<void>()> check;
};

// The sections, each binding into `o` (which must outlive them), in the order help lists them.
OptionSection server_options(ServeOptions& o);      // options_server.cpp: listener, HTTP, logs
OptionSection storage_options(ServeOptions& o);     // options_storage.cpp: the engines
OptionSection zaqar_options(ServeOptions& o);       // options_zaqar.cpp: Zaqar's limits, API
OptionSection websocket_options(ServeOptions& o);   // options_websocket.cpp: WebSocket, webhooks
OptionSection mail_options(ServeOptions& o);        // options_mail.cpp: mailto: notifications
OptionSection tls_options(ServeOptions& o);         // options_tls.cpp: https and wss listeners
OptionSection security_options(ServeOptions& o);    // options_security.cpp: auth, limits

// A check's refusal.
inline Error option_error(const std::string& message) {
  return make_error(Errc::startup_failed, message);
}

}  // namespace warren::server
