// The credentials file: what it grants, what it refuses to load, and the store that reloads it.
#include "auth/credentials.h"

#include <cstdio>
#include <fstream>
#include <unistd.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "auth/credential_store.h"

namespace warren::auth {
namespace {

std::string hex(const TokenDigest& d) {
  std::string out;
  for (unsigned char c : d) out += fmt::format("{:02x}", c);
  return out;
}

std::string token_entry(std::string_view token, std::string_view project,
                        std::string_view extra = "") {
  return fmt::format(R"({{"type":"token","sha256":"{}","project":"{}"{}}})",
                     hex(digest_token(token)), project, extra);
}

TEST(DigestToken, IsSha256) {
  // sha256("abc"), FIPS 180-2's example.
  EXPECT_EQ(hex(digest_token("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(CredentialTable, GrantsEachTokenItsProjectUserAndRoles) {
  const std::string text = fmt::format(
      R"({{"credentials":[{},{}],"projects":{{"p1":{{"quota-queues":3,"rate-limit-posts":0}}}}}})",
      token_entry("alpha", "p1", R"(,"user":"alice","roles":["member","admin"])"),
      token_entry("beta", "p2"));
  auto table = CredentialTable::parse(text);
  ASSERT_TRUE(table) << table.error().description;
  EXPECT_EQ(table->token_count(), 2u);
  const TokenGrant* alpha = table->find_token("alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_EQ(alpha->project, "p1");
  EXPECT_EQ(alpha->user, "alice");
  EXPECT_EQ(alpha->roles, "member,admin");
  EXPECT_FALSE(alpha->expires_ms);
  ASSERT_NE(table->find_token("beta"), nullptr);
  EXPECT_EQ(table->find_token("beta")->roles, "");
  EXPECT_EQ(table->find_token("gamma"), nullptr);
  EXPECT_EQ(table->find_token(""), nullptr);
  EXPECT_EQ(table->find_token("alph"), nullptr);

  const LimitOverrides* p1 = table->overrides("p1");
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ(p1->quota_queues, 3u);
  EXPECT_EQ(p1->rate_limit_posts, 0u);  // set to unlimited, not unset
  EXPECT_FALSE(p1->rate_limit_requests);
  EXPECT_EQ(table->overrides("p2"), nullptr);
}

TEST(CredentialTable, ReadsTheExpiry) {
  auto table = CredentialTable::parse(fmt::format(
      R"({{"credentials":[{}]}})", token_entry("t", "p", R"(,"expires":"2030-01-02T03:04:05Z")")));
  ASSERT_TRUE(table) << table.error().description;
  EXPECT_EQ(table->find_token("t")->expires_ms, 1893553445000);
}

TEST(CredentialTable, AnEmptyDocumentGrantsNothing) {
  auto table = CredentialTable::parse("{}");
  ASSERT_TRUE(table);
  EXPECT_EQ(table->token_count(), 0u);
}

TEST(CredentialTable, RefusesAFileItCannotReadWhole) {
  const std::string good = token_entry("t", "p");
  const std::string digest = hex(digest_token("t"));
  const std::string bad[] = {
      "",
      "[]",
      "{\"credentials\":",
      R"({"tokens":[]})",  // unknown member: a typo must not grant nothing silently
      R"({"credentials":{}})",
      R"({"credentials":[1]})",
      R"({"credentials":[{"sha256":"00","project":"p"}]})",  // no type
      fmt::format(R"({{"credentials":[{{"type":"access_key","sha256":"{}","project":"p"}}]}})",
                  digest),
      R"({"credentials":[{"type":"token","sha256":"abc","project":"p"}]})",
      fmt::format(R"({{"credentials":[{{"type":"token","sha256":"{}","project":"p"}}]}})",
                  std::string(64, 'g')),
      fmt::format(R"({{"credentials":[{{"type":"token","sha256":"{}"}}]}})", digest),
      fmt::format(R"({{"credentials":[{{"type":"token","sha256":"{}","project":""}}]}})", digest),
      fmt::format(R"({{"credentials":[{{"type":"token","sha256":"{}","project":"a\u0001"}}]}})",
                  digest),
      fmt::format(
          R"({{"credentials":[{{"type":"token","sha256":"{}","project":"p","roles":"member"}}]}})",
          digest),
      fmt::format(
          R"({{"credentials":[{{"type":"token","sha256":"{}","project":"p","roles":["a,b"]}}]}})",
          digest),
      fmt::format(
          R"({{"credentials":[{{"type":"token","sha256":"{}","project":"p","expires":"soon"}}]}})",
          digest),
      fmt::format(
          R"({{"credentials":[{{"type":"token","sha256":"{}","project":"p","password":"x"}}]}})",
          digest),
      fmt::format(R"({{"credentials":[{},{}]}})", good, good),  // the same token twice
      R"({"projects":[]})",
      R"({"projects":{"p":{"quota-queues":-1}}})",
      R"({"projects":{"p":{"quota-queue":1}}})",
  };
  for (const std::string& text : bad) {
    auto table = CredentialTable::parse(text);
    EXPECT_FALSE(table) << text;
    if (!table) {
      EXPECT_EQ(table.error().code, Errc::credentials_invalid) << text;
    }
  }
}

class TempFile {
 public:
  TempFile() {
    char name[] = "/tmp/warren-credentials-XXXXXX";
    const int fd = mkstemp(name);
    close(fd);
    path_ = name;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  void write(std::string_view text) const { std::ofstream(path_) << text; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(CredentialStore, AReloadReplacesTheTableAndABadFileKeepsIt) {
  TempFile file;
  file.write(fmt::format(R"({{"credentials":[{}]}})", token_entry("old", "p")));
  auto store = CredentialStore::open(file.path());
  ASSERT_TRUE(store) << store.error().description;
  std::shared_ptr<const CredentialTable> before = (*store)->current();
  EXPECT_NE(before->find_token("old"), nullptr);

  file.write(fmt::format(R"({{"credentials":[{}]}})", token_entry("new", "p")));
  ASSERT_TRUE((*store)->reload());
  EXPECT_EQ((*store)->current()->find_token("old"), nullptr);
  EXPECT_NE((*store)->current()->find_token("new"), nullptr);
  // What a request still holds stays readable.
  EXPECT_NE(before->find_token("old"), nullptr);

  file.write("{not json");
  EXPECT_FALSE((*store)->reload());
  EXPECT_NE((*store)->current()->find_token("new"), nullptr);

  EXPECT_FALSE(CredentialStore::open("/nonexistent/credentials.json"));
}

}  // namespace
}  // namespace warren::auth
