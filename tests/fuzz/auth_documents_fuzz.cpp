// Fuzz target: the untrusted documents of authentication — the credentials file (written by an
// operator, but a reload must never crash the server whatever it holds) and Keystone's token
// documents (a remote service's answers) — parse to a value or a typed error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "auth/credentials.h"
#include "auth/keystone_client.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto table = warren::auth::CredentialTable::parse(text)) {
    (void)table->find_token("token");
    (void)table->overrides("p");
  }
  (void)warren::auth::parse_keystone_token(text);
  (void)warren::auth::parse_http_url(text);
  return 0;
}
