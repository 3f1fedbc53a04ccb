// TLS as the URL asks for it, against the test server's self-signed certificate
// (scripts/mariadb-test-server.sh gives the server one).
#include <gtest/gtest.h>

#include "db/mysql_client.hpp"
#include "mysql_test_support.hpp"

namespace strata::db {
namespace {

using strata::mysql_testing::server_url;

std::string ssl_cipher(MysqlClient& client) {
  ResultSet result = client.execute("SHOW SESSION STATUS LIKE 'Ssl_cipher'");
  return result.records.empty() ? "" : result.records[0][1].as_string();
}

TEST(MysqlTls, SslRequiredEncryptsTheConnection) {
  MysqlClient client(MysqlSettings::parse(server_url() + "?ssl=required"));
  EXPECT_FALSE(ssl_cipher(client).empty()) << "the session is not encrypted";
  EXPECT_EQ(client.execute("SELECT 1").records[0][0], Field(1));
}

TEST(MysqlTls, SslVerifyRefusesACertificateNoTrustedAuthoritySigned) {
  try {
    MysqlClient client(MysqlSettings::parse(server_url() + "?ssl=verify"));
    FAIL() << "connected although the server's certificate is self-signed";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUnavailable) << error.what();
    MysqlSettings settings = MysqlSettings::parse(server_url());
    EXPECT_EQ(std::string(error.what()).find(settings.password), std::string::npos) << "the password leaked";
  }
}

TEST(MysqlTls, DescriptionSaysTlsIsRequired) {
  EXPECT_NE(MysqlSettings::parse(server_url() + "?ssl=required").description().find("ssl=required"), std::string::npos);
}

}  // namespace
}  // namespace strata::db
