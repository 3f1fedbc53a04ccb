#pragma once
// What every MySQL test shares: the test server's URL (from the file named by
// STRATA_TEST_MYSQL_URL_FILE), a fresh database per test, temp folders, and
// readable printing of db::Field values.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <memory>
#include <optional>
#include <ostream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "../unit/temp_folder.hpp"
#include "db/mysql_client.hpp"
#include "strata/db/client.hpp"

namespace strata::db {

// gtest prints Fields and error kinds through these.
inline void PrintTo(const Field& field, std::ostream* out) {
  if (field.is_null()) {
    *out << "NULL";
  } else if (field.is_bool()) {
    *out << "bool " << (field.as_bool() ? "true" : "false");
  } else if (field.is_long()) {
    *out << "long " << field.as_long();
  } else if (field.is_double()) {
    *out << "double " << std::setprecision(17) << field.as_double();
  } else if (field.is_string()) {
    const std::string& text = field.as_string();
    *out << "string(" << text.size() << ") \"" << (text.size() > 200 ? text.substr(0, 200) + "..." : text) << "\"";
  } else {
    const Blob& blob = field.as_blob();
    *out << "blob(" << blob.size() << ")";
    for (std::size_t i = 0; i < blob.size() && i < 64; ++i) {
      *out << ' ' << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(blob[i]) << std::dec;
    }
  }
}

inline const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kUniqueViolation: return "kUniqueViolation";
    case ErrorKind::kConstraint: return "kConstraint";
    case ErrorKind::kBadParameters: return "kBadParameters";
    case ErrorKind::kSyntax: return "kSyntax";
    case ErrorKind::kUnavailable: return "kUnavailable";
    case ErrorKind::kBusy: return "kBusy";
    case ErrorKind::kFull: return "kFull";
    case ErrorKind::kOther: return "kOther";
  }
  return "?";
}

inline void PrintTo(ErrorKind kind, std::ostream* out) { *out << error_kind_name(kind); }

}  // namespace strata::db

namespace strata::mysql_testing {

// The URL of the test server. Never skips: a missing URL is a failure, since these
// tests must never silently not run.
inline std::string server_url() {
  const char* file = std::getenv("STRATA_TEST_MYSQL_URL_FILE");
  if (!file || !*file) {
    throw std::runtime_error(
        "STRATA_TEST_MYSQL_URL_FILE is not set: the MySQL tests need a running MariaDB server. Run them through "
        "CTest (the mariadb_start fixture starts one) or start one by hand with "
        "scripts/mariadb-test-server.sh start DIR and export STRATA_TEST_MYSQL_URL_FILE=DIR/url");
  }
  std::ifstream in(file);
  std::string url;
  if (!in || !std::getline(in, url) || url.empty()) {
    throw std::runtime_error(std::string("STRATA_TEST_MYSQL_URL_FILE names '") + file +
                             "', which cannot be read or is empty: was the MariaDB test server started?");
  }
  while (!url.empty() && (url.back() == '\r' || url.back() == ' ')) url.pop_back();
  return url;
}

inline db::MysqlSettings server_settings() { return db::MysqlSettings::parse(server_url()); }

// The Strata source folder: STRATA_SOURCE_DIR, else two folders up from this file.
inline std::filesystem::path source_dir() {
  if (const char* dir = std::getenv("STRATA_SOURCE_DIR"); dir && *dir) return dir;
  return std::filesystem::path(__FILE__).parent_path().parent_path().parent_path();
}

inline std::string random_suffix() {
  static std::atomic<unsigned> counter{0};
  std::random_device device;
  std::ostringstream out;
  out << std::hex << device() << counter++ << ::getpid();
  return out.str().substr(0, 24);
}

// CREATE DATABASE strata_t_<random> through a client on the URL's own database;
// DROP DATABASE on destruction.
class FreshDatabase {
 public:
  FreshDatabase() : admin_settings_(server_settings()) {
    admin_ = std::make_unique<db::MysqlClient>(admin_settings_);
    name_ = "strata_t_" + random_suffix();
    admin_->execute("CREATE DATABASE " + name_ + " CHARACTER SET utf8mb4");
    settings_ = admin_settings_;
    settings_.database = name_;
  }
  FreshDatabase(const FreshDatabase&) = delete;
  FreshDatabase& operator=(const FreshDatabase&) = delete;
  ~FreshDatabase() {
    try {
      admin_->execute("DROP DATABASE IF EXISTS " + name_);
    } catch (const std::exception& error) {
      ADD_FAILURE() << "cannot drop " << name_ << ": " << error.what();
    }
  }

  const std::string& name() const { return name_; }
  const db::MysqlSettings& settings() const { return settings_; }
  // A client on the server's own database, not this one.
  db::MysqlClient& admin() { return *admin_; }
  std::unique_ptr<db::MysqlClient> connect() const { return std::make_unique<db::MysqlClient>(settings_); }
  // A mysql:// URL for this database, password included.
  std::string url() const {
    std::string base = server_url();
    return base.substr(0, base.rfind('/') + 1) + name_;
  }

 private:
  db::MysqlSettings admin_settings_;
  db::MysqlSettings settings_;
  std::unique_ptr<db::MysqlClient> admin_;
  std::string name_;
};

// A test with its own database and a client on it.
class MysqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      database_ = std::make_unique<FreshDatabase>();
      client_ = database_->connect();
    } catch (const std::exception& error) {
      FAIL() << "cannot set up a fresh MySQL database: " << error.what();
    }
  }
  void TearDown() override {
    client_.reset();
    database_.reset();
  }

  db::MysqlClient& client() { return *client_; }
  FreshDatabase& database() { return *database_; }

  // The single value of a one-row, one-column result.
  db::Field scalar(const std::string& sql, const db::Parameters& parameters = {}) {
    db::ResultSet result = client_->execute(sql, parameters);
    if (result.records.size() != 1 || result.records[0].size() != 1) {
      throw std::runtime_error("expected one value from: " + sql + ", got " + std::to_string(result.records.size()) +
                               " rows");
    }
    return result.records[0][0];
  }
  std::int64_t count(const std::string& table) { return scalar("SELECT COUNT(*) FROM " + table).as_long(); }

  // The connection id of `target`, as the server numbers it.
  static std::int64_t connection_id(db::Client& target) {
    return target.execute("SELECT CONNECTION_ID()").records.at(0).at(0).as_long();
  }

  // Kills connection `id` from another connection and waits until the server has let it go.
  void kill_connection(std::int64_t id) {
    database_->admin().execute("KILL " + std::to_string(id));
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto gone = database_->admin().execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = :id",
                                             {{"id", db::Field(static_cast<long long>(id))}});
      if (gone.records.at(0).at(0).as_long() == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "connection " << id << " is still listed 10 s after KILL";
  }

  std::unique_ptr<FreshDatabase> database_;
  std::unique_ptr<db::MysqlClient> client_;
};

// The db::Error that `call` throws, or nullopt (and the caller's EXPECT fails) when it throws none.
struct CaughtError {
  db::ErrorKind kind;
  int code;
  std::string message;
};
inline std::optional<CaughtError> catch_error(const std::function<void()>& call) {
  try {
    call();
  } catch (const db::Error& error) {
    return CaughtError{error.kind(), error.code(), error.what()};
  }
  return std::nullopt;
}

inline db::Blob bytes(std::string_view text) { return db::Blob(text.begin(), text.end()); }

// A fresh folder under the system temp folder, removed on destruction.
using TempFolder = strata::testing::TempFolder;

}  // namespace strata::mysql_testing
