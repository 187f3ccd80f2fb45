// Client-ID canonicalisation: what Python's uuid.UUID() accepts, one canonical form.
#include "engine/client_id.h"

#include <gtest/gtest.h>

namespace warren::engine {
namespace {

constexpr std::string_view kCanonical = "3381af922b9e11e3b19171861300734c";

TEST(ClientId, AcceptsPythonUuidSpellings) {
  for (std::string_view text :
       {"3381af92-2b9e-11e3-b191-71861300734c", "3381AF922B9E11E3B19171861300734C",
        "{3381af92-2b9e-11e3-b191-71861300734c}", "urn:uuid:3381af92-2b9e-11e3-b191-71861300734c",
        "3381-af92-2b9e-11e3-b191-7186-1300-734c"}) {
    const auto uuid = canonical_uuid(text);
    ASSERT_TRUE(uuid) << text;
    EXPECT_EQ(uuid->view(), kCanonical) << text;
  }
}

TEST(ClientId, RejectsOthers) {
  for (std::string_view text : {"", "nope", "3381af92-2b9e-11e3-b191-71861300734", "3381af92-2b9e-11e3-b191-71861300734cc",
                                "3381af92-2b9e-11e3-b191-71861300734g", "  3381af922b9e11e3b19171861300734c"}) {
    EXPECT_FALSE(canonical_uuid(text)) << text;
  }
}

}  // namespace
}  // namespace warren::engine
