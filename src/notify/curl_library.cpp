// load_curl: dlopen, dlsym of each function, curl_global_init, and a check that this libcurl
// speaks SMTP.
#include "notify/curl_library.h"

#include <dlfcn.h>

#include <cstring>
#include <mutex>
#include <string>

namespace warren::notify {
namespace {

template <class F>
bool resolve(void* library, const char* name, F& into) {
  void* symbol = dlsym(library, name);
  if (symbol == nullptr) return false;
  into = reinterpret_cast<F>(symbol);
  return true;
}

Result<const CurlLibrary*> load_once() {
  static CurlLibrary curl{};
  void* library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    const char* why = dlerror();
    return make_error(Errc::startup_failed,
                      std::string("e-mail needs libcurl (Debian's libcurl4): ") +
                          (why != nullptr ? why : "cannot load libcurl.so.4"));
  }
  const bool all = resolve(library, "curl_global_init", curl.global_init) &&
                   resolve(library, "curl_easy_init", curl.easy_init) &&
                   resolve(library, "curl_easy_setopt", curl.easy_setopt) &&
                   resolve(library, "curl_easy_perform", curl.easy_perform) &&
                   resolve(library, "curl_easy_getinfo", curl.easy_getinfo) &&
                   resolve(library, "curl_easy_reset", curl.easy_reset) &&
                   resolve(library, "curl_easy_cleanup", curl.easy_cleanup) &&
                   resolve(library, "curl_easy_strerror", curl.easy_strerror) &&
                   resolve(library, "curl_slist_append", curl.slist_append) &&
                   resolve(library, "curl_slist_free_all", curl.slist_free_all);
  curl_version_info_data* (*version_info)(CURLversion) = nullptr;
  if (!all || !resolve(library, "curl_version_info", version_info)) {
    return make_error(Errc::startup_failed, "libcurl.so.4 lacks a function the mail sender calls");
  }
  if (curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    return make_error(Errc::startup_failed, "curl_global_init failed");
  }
  const curl_version_info_data* info = version_info(CURLVERSION_NOW);
  bool smtp = false;
  for (const char* const* p = info->protocols; p != nullptr && *p != nullptr; ++p) {
    if (std::strcmp(*p, "smtp") == 0) smtp = true;
  }
  if (!smtp) return make_error(Errc::startup_failed, "this libcurl was built without SMTP");
  return &curl;  // the library stays loaded for the process's life
}

}  // namespace

Result<const CurlLibrary*> load_curl() {
  static std::once_flag once;
  static Result<const CurlLibrary*> loaded = make_error(Errc::startup_failed, "not loaded");
  std::call_once(once, [] { loaded = load_once(); });
  return loaded;
}

}  // namespace warren::notify
