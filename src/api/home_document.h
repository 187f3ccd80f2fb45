// The static documents of the API: the versions list (GET /, 300) and the JSON-home documents
// of v2 (GET /v2/) and v1.1 (GET /v1.1/). Built once; constant for the life of the server.
#pragma once

#include <string_view>

namespace warren::api {

std::string_view versions_document();
std::string_view home_document();
// The JSON-home document of the deprecated v1.1 API (GET /v1.1/).
std::string_view home_document_v1_1();

}  // namespace warren::api
