// The two static documents of the API: the versions list (GET /, 300) and the v2 JSON-home
// document (GET /v2/). Built once; both are constant for the life of the server.
#pragma once

#include <string_view>

namespace warren::api {

std::string_view versions_document();
std::string_view home_document();

}  // namespace warren::api
