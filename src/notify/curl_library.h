// CurlLibrary: libcurl (Debian's libcurl4, the OpenSSL flavour), loaded with dlopen only when
// mail is configured (--smtp-relay). Linked normally, libcurl and the 30-odd libraries it
// pulls in (GSSAPI, LDAP, nghttp2, ssh2, GnuTLS for rtmp...) would cost every Warren process
// about 6 MB resident at start, mail or not; and, linked beside Warren's static OpenSSL, it
// would bind part of its OpenSSL calls into Warren's copy and part into libssl.so's. Loaded
// with RTLD_LOCAL, it uses only its own. The headers (libcurl4-openssl-dev) give the types.
#pragma once

#include <curl/curl.h>

#include "common/errors.h"

namespace warren::notify {

// The libcurl functions the mail sender calls (the documented API, resolved by name).
struct CurlLibrary {
  CURLcode (*global_init)(long flags);
  CURL* (*easy_init)();
  CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...);
  CURLcode (*easy_perform)(CURL* handle);
  CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...);
  void (*easy_reset)(CURL* handle);
  void (*easy_cleanup)(CURL* handle);
  const char* (*easy_strerror)(CURLcode code);
  curl_slist* (*slist_append)(curl_slist* list, const char* text);
  void (*slist_free_all)(curl_slist* list);
};

// Loads libcurl.so.4 once (any thread; later calls return the same table, or the same error)
// and runs curl_global_init. startup_failed if it cannot be loaded or lacks a function or SMTP.
Result<const CurlLibrary*> load_curl();

}  // namespace warren::notify
