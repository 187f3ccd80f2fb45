// TlsContext and TlsStream over a real loopback connection: start-up errors name the file, and
// gathered writes (the WebSocket flush) arrive whole and in order across many batches.
#include "net/tls_stream.h"

#include <cstdio>
#include <filesystem>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/read.hpp>
#include <gtest/gtest.h>

#include "net/tls_context.h"

namespace warren::net {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

// Writes a fresh P-256 key and a self-signed certificate for it into `dir`.
void make_self_signed(const fs::path& dir, const std::string& name) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  ASSERT_NE(key, nullptr);
  X509* cert = X509_new();
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  X509_NAME* subject = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert, subject);
  ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
  FILE* out = std::fopen((dir / (name + ".pem")).c_str(), "w");
  PEM_write_X509(out, cert);
  std::fclose(out);
  out = std::fopen((dir / (name + ".key")).c_str(), "w");
  PEM_write_PrivateKey(out, key, nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(out);
  X509_free(cert);
  EVP_PKEY_free(key);
}

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("warren-tls-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
    make_self_signed(dir_, "a");
    make_self_signed(dir_, "b");
  }
  void TearDown() override { fs::remove_all(dir_); }

  TlsConfig config(const std::string& cert, const std::string& key) const {
    TlsConfig c;
    c.cert_file = (dir_ / cert).string();
    c.key_file = (dir_ / key).string();
    return c;
  }

  fs::path dir_;
};

TEST_F(TlsTest, BuildsAContextFromMatchingFiles) {
  auto context = make_tls_context(config("a.pem", "a.key"));
  ASSERT_TRUE(context.has_value()) << context.error().description;
}

TEST_F(TlsTest, NamesTheFileThatIsMissingOrDoesNotMatch) {
  auto missing = make_tls_context(config("missing.pem", "a.key"));
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::tls_setup_failed);
  EXPECT_NE(missing.error().description.find("missing.pem"), std::string::npos);

  auto mismatched = make_tls_context(config("a.pem", "b.key"));
  ASSERT_FALSE(mismatched.has_value());
  EXPECT_NE(mismatched.error().description.find("b.key"), std::string::npos);

  TlsConfig with_ca = config("a.pem", "a.key");
  with_ca.client_ca_file = (dir_ / "no-ca.pem").string();
  auto no_ca = make_tls_context(with_ca);
  ASSERT_FALSE(no_ca.has_value());
  EXPECT_NE(no_ca.error().description.find("no-ca.pem"), std::string::npos);
}

TEST_F(TlsTest, ReloadKeepsTheOldContextWhenAFileIsBad) {
  auto first = make_tls_context(config("a.pem", "a.key"));
  ASSERT_TRUE(first.has_value());
  TlsContextSource source(config("a.pem", "b.key"), *first);
  EXPECT_FALSE(source.reload().has_value());
  EXPECT_EQ(source.current(), *first);
}

TEST_F(TlsTest, GatheredWritesArriveWholeAndInOrder) {
  auto context = make_tls_context(config("a.pem", "a.key"));
  ASSERT_TRUE(context.has_value());
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  asio::ssl::context client_context(asio::ssl::context::tls_client);
  asio::ssl::stream<asio::ip::tcp::socket> client(io, client_context);
  client.next_layer().connect(acceptor.local_endpoint());
  auto server = std::make_shared<TlsStream>(acceptor.accept(), *context);

  // 600 KB in pieces of uneven sizes: many batches of kMaxBatch, some pieces split.
  std::string expected;
  std::vector<std::string> pieces;
  for (int i = 0; expected.size() < 600 * 1024; ++i) {
    pieces.emplace_back(1000 + (i * 7919) % 20000, static_cast<char>('a' + i % 26));
    expected += pieces.back();
  }
  std::size_t piece = 0;
  std::size_t offset = 0;  // into pieces[piece]
  std::function<void()> write_more = [&] {
    while (piece < pieces.size()) {
      std::vector<iovec> iov;
      for (std::size_t i = piece; i < pieces.size() && iov.size() < 64; ++i) {
        const std::size_t skip = i == piece ? offset : 0;
        iov.push_back(iovec{pieces[i].data() + skip, pieces[i].size() - skip});
      }
      boost::system::error_code ec;
      std::size_t n = server->write_gathered(iov, ec);
      ASSERT_FALSE(ec) << ec.message();
      if (n == 0) {
        server->async_wait_writable([&](const boost::system::error_code& wait_ec) {
          ASSERT_FALSE(wait_ec);
          write_more();
        });
        return;
      }
      while (n > 0) {
        const std::size_t left = pieces[piece].size() - offset;
        const std::size_t take = std::min(n, left);
        n -= take;
        offset += take;
        if (offset == pieces[piece].size()) {
          ++piece;
          offset = 0;
        }
      }
    }
  };

  std::string received(expected.size(), '\0');
  bool read_done = false;
  server->ssl().async_handshake(asio::ssl::stream_base::server,
                                [&](const boost::system::error_code& ec) {
                                  ASSERT_FALSE(ec) << ec.message();
                                  write_more();
                                });
  client.async_handshake(asio::ssl::stream_base::client, [&](const boost::system::error_code& ec) {
    ASSERT_FALSE(ec) << ec.message();
    asio::async_read(client, asio::buffer(received),
                     [&](const boost::system::error_code& read_ec, std::size_t n) {
                       EXPECT_FALSE(read_ec) << read_ec.message();
                       EXPECT_EQ(n, expected.size());
                       read_done = true;
                     });
  });
  io.run_for(std::chrono::seconds(20));
  ASSERT_TRUE(read_done);
  EXPECT_EQ(piece, pieces.size());
  EXPECT_TRUE(received == expected);
}

}  // namespace
}  // namespace warren::net
