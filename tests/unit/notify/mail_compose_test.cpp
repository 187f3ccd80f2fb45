// E-mail notifications as Zaqar's mailto task formats them: the mailto: parser (decoding,
// ?subject=, refusals), From values, the header texts (no CR/LF ever reaches a header), the
// subscription check (no relay: 400), and the composed message (headers, the 7bit and base64
// bodies, RFC 2047 subjects).
#include <openssl/evp.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "notify/mail_address.h"
#include "notify/mail_check.h"
#include "notify/mail_compose.h"

namespace warren::notify {
namespace {

constexpr std::time_t kDate = 1'700'000'000;  // Tue, 14 Nov 2023 22:13:20 +0000

MailDelivery delivery(std::string subscriber, std::string options = "{}",
                      std::string notification = R"({"ttl":300,"body":{"a":1},)"
                                                 R"("Message_Type":"Notification",)"
                                                 R"("queue_name":"q"})") {
  MailDelivery d;
  d.project = "p";
  d.queue = "q";
  d.subscriber = std::move(subscriber);
  d.options = std::move(options);
  d.notification = std::move(notification);
  return d;
}

std::string decode_base64(const std::string& text) {
  std::string joined;
  for (char c : text) {
    if (c != '\r' && c != '\n') joined += c;
  }
  std::string out(joined.size(), '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(joined.data()),
                          static_cast<int>(joined.size()));
  while (!joined.empty() && joined.back() == '=') {
    joined.pop_back();
    --n;
  }
  out.resize(static_cast<std::size_t>(n));
  return out;
}

TEST(MailAddress, ParsesTheAddressAndTheSubject) {
  auto t = parse_mailto("MAILTO:ann.lee+q@mail.example.org?Subject=New%20job+now&body=x");
  ASSERT_TRUE(t) << t.error().description;
  EXPECT_EQ(t->recipient, "ann.lee+q@mail.example.org");
  EXPECT_EQ(t->subject, "New job+now");  // '+' is literal in mailto: (RFC 6068)
  auto plain = parse_mailto("mailto:bob%40example.com");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->recipient, "bob@example.com");
  EXPECT_FALSE(plain->subject);
}

TEST(MailAddress, RefusesWhatIsNotOnePlainAddress) {
  for (const char* bad :
       {"mailto:", "mailto:bob", "mailto:@example.com", "mailto:bob@", "mailto:a,b@example.com",
        "mailto:Bob <bob@example.com>", "mailto:bob@exa_mple.com", "mailto:.bob@example.com",
        "mailto:b..ob@example.com", "mailto://bob@example.com", "mailto:bob@-.com..",
        "mailto:b%C3%A9@example.com", "http://bob@example.com"}) {
    auto t = parse_mailto(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().status(), 400) << bad;
  }
}

TEST(MailAddress, NoLineBreakReachesAHeader) {
  // Raw, percent-encoded, in the address and in the subject.
  for (const char* bad : {"mailto:bob@example.com\r\nBcc: eve@example.com",
                          "mailto:bob@example.com%0D%0ABcc:eve@example.com",
                          "mailto:bob@example.com?subject=hi%0D%0ABcc:%20eve@example.com",
                          "mailto:bob@example.com?subject=hi%0Abcc"}) {
    auto t = parse_mailto(bad);
    ASSERT_FALSE(t) << bad;
    EXPECT_EQ(t.error().description.find_first_of("\r\n"), std::string::npos) << bad;
  }
  EXPECT_FALSE(check_header_text("subject", "a\rb"));
  EXPECT_FALSE(check_header_text("subject", std::string("a\0b", 3)));
  EXPECT_TRUE(check_header_text("subject", "caf\xC3\xA9 ok"));
}

TEST(MailAddress, FromValues) {
  EXPECT_EQ(*parse_from("ann@example.org"), "ann@example.org");
  EXPECT_EQ(*parse_from("Zaqar Notifications <no-reply@openstack.org>"),
            "no-reply@openstack.org");
  for (const char* bad : {"", "Ann <ann@example.org> x", "Ann <ann>", "A<b> <ann@example.org>",
                          "Ann\r\nBcc: x <ann@example.org>", "Ann\xC3\xA9 <ann@example.org>"}) {
    EXPECT_FALSE(parse_from(bad)) << bad;
  }
}

TEST(MailAddress, OptionsAreReadOnlyAsStrings) {
  const MailFields f = mail_fields(R"({"from":"a@b.c","subject":5,"subject":"last"})");
  EXPECT_EQ(f.from, "a@b.c");
  EXPECT_EQ(f.subject, "last");
  EXPECT_FALSE(mail_fields(R"({"from":1})").from);
  EXPECT_FALSE(mail_fields("not json").from);
}

// Runs the check to completion on an io_context of its own.
Result<void> check(MailSubscriberCheck& c, std::string_view subscriber) {
  boost::asio::io_context context;
  Result<void> out = make_error(Errc::startup_failed, "not run");
  boost::asio::co_spawn(context, c.check(subscriber),
                        [&](std::exception_ptr failure, Result<void> result) {
                          if (failure) std::rethrow_exception(failure);
                          out = std::move(result);
                        });
  context.run();
  return out;
}

TEST(MailCheck, RefusesMailtoWithoutARelay) {
  MailSubscriberCheck off(false, nullptr);
  auto refused = check(off, "mailto:bob@example.com");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::mail_unavailable);
  EXPECT_TRUE(check(off, "http://example.com/hook"));
  MailSubscriberCheck on(true, nullptr);
  EXPECT_TRUE(check(on, "mailto:bob@example.com"));
  EXPECT_FALSE(check(on, "mailto:bob"));
}

TEST(MailCheck, Options) {
  MailSubscriberCheck on(true, nullptr);
  EXPECT_TRUE(on.check_options("mailto:bob@example.com", R"({"from":"Ann <a@b.org>"})"));
  EXPECT_FALSE(on.check_options("mailto:bob@example.com", R"({"from":"nobody"})"));
  // Whatever the subscriber, no line break in a string from or subject.
  EXPECT_TRUE(on.check_options("http://example.com/", R"({"from":"nobody"})"));
  EXPECT_FALSE(on.check_options("", R"({"subject":"a\r\nBcc: x"})"));
  EXPECT_FALSE(on.check_options("http://example.com/", R"({"from":"a\nb"})"));
}

TEST(MailCompose, ZaqarsHeadersAndAPlainBody) {
  auto mail = compose_mail(delivery("mailto:bob@example.com?subject=Job", R"({"from":"Ann <ann@example.org>"})"),
                           "warren@localhost", kDate);
  ASSERT_TRUE(mail) << mail.error().description;
  EXPECT_EQ(mail->envelope_from, "ann@example.org");
  EXPECT_EQ(mail->recipient, "bob@example.com");
  EXPECT_EQ(mail->text,
            "Content-Type: text/plain; charset=\"us-ascii\"\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Transfer-Encoding: 7bit\r\n"
            "To: bob@example.com\r\n"
            "From: Ann <ann@example.org>\r\n"
            "Subject: Job\r\n"
            "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"
            "\r\n"
            "{\"ttl\":300,\"body\":{\"a\":1},\"Message_Type\":\"Notification\",\"queue_name\":\"q\"}"
            "\r\n");
}

TEST(MailCompose, SubjectAndSenderFallBacks) {
  // ?subject= wins over options.subject; --smtp-from stands in for options.from.
  auto mail = compose_mail(delivery("mailto:bob@example.com", R"({"subject":"From options"})"),
                           "Warren <warren@localhost>", kDate);
  ASSERT_TRUE(mail);
  EXPECT_EQ(mail->envelope_from, "warren@localhost");
  EXPECT_NE(mail->text.find("\r\nFrom: Warren <warren@localhost>\r\n"), std::string::npos);
  EXPECT_NE(mail->text.find("\r\nSubject: From options\r\n"), std::string::npos);
  auto url_wins = compose_mail(
      delivery("mailto:bob@example.com?subject=URL", R"({"subject":"options"})"), "w@l", kDate);
  EXPECT_NE(url_wins->text.find("\r\nSubject: URL\r\n"), std::string::npos);
  auto none = compose_mail(delivery("mailto:bob@example.com"), "w@l", kDate);
  EXPECT_NE(none->text.find("\r\nSubject: \r\n"), std::string::npos);
}

TEST(MailCompose, NonAsciiAndLongBodiesAreBase64) {
  const std::string body = R"({"body":"caf)" "\xC3\xA9" R"("})";
  auto mail = compose_mail(delivery("mailto:bob@example.com", "{}", body), "w@l", kDate);
  ASSERT_TRUE(mail);
  EXPECT_NE(mail->text.find("charset=\"utf-8\"\r\n"), std::string::npos);
  EXPECT_NE(mail->text.find("Content-Transfer-Encoding: base64\r\n"), std::string::npos);
  const auto start = mail->text.find("\r\n\r\n") + 4;
  EXPECT_EQ(decode_base64(mail->text.substr(start)), body);

  const std::string long_body = "{\"body\":\"" + std::string(5000, 'x') + "\"}";
  auto long_mail = compose_mail(delivery("mailto:bob@example.com", "{}", long_body), "w@l", kDate);
  ASSERT_TRUE(long_mail);
  const std::string& text = long_mail->text;
  EXPECT_NE(text.find("Content-Transfer-Encoding: base64"), std::string::npos);
  // Every line stays within SMTP's limit.
  std::size_t line = 0;
  for (char c : text) {
    line = c == '\n' ? 0 : line + 1;
    EXPECT_LE(line, 999u);
  }
  EXPECT_EQ(decode_base64(text.substr(text.find("\r\n\r\n") + 4)), long_body);
}

TEST(MailCompose, NonAsciiSubjectsAreEncodedWords) {
  auto mail = compose_mail(delivery("mailto:bob@example.com?subject=caf%C3%A9"), "w@l", kDate);
  ASSERT_TRUE(mail);
  EXPECT_NE(mail->text.find("\r\nSubject: =?utf-8?b?Y2Fmw6k=?=\r\n"), std::string::npos);
  // A long one is folded into several words, none splitting a character.
  std::string subject;
  for (int i = 0; i < 40; ++i) subject += "\xC3\xA9";
  auto folded = compose_mail(delivery("mailto:bob@example.com", R"({"subject":")" + subject + "\"}"),
                             "w@l", kDate);
  ASSERT_TRUE(folded);
  EXPECT_NE(folded->text.find("?=\r\n =?utf-8?b?"), std::string::npos);
}

TEST(MailCompose, RefusesWhatTheCheckRefuses) {
  // Stored before the check existed, or written by a node configured otherwise: checked again.
  EXPECT_FALSE(compose_mail(delivery("mailto:bob@example.com", R"({"from":"x\r\nBcc: e@x.y"})"),
                            "w@l", kDate));
  EXPECT_FALSE(compose_mail(delivery("mailto:bob@example.com", R"({"subject":"x\nBcc: e@x.y"})"),
                            "w@l", kDate));
  EXPECT_FALSE(compose_mail(delivery("mailto:nobody"), "w@l", kDate));
  EXPECT_FALSE(compose_mail(delivery("mailto:bob@example.com"), "not an address", kDate));
}

}  // namespace
}  // namespace warren::notify
