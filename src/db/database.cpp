#include "db/database.hpp"

#include <atomic>
#include <filesystem>

#include "db/data_api_client.hpp"
#include "db/mysql_client.hpp"
#include "db/sqlite_client.hpp"

namespace strata::db {
namespace {

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(std::string path) : path_(std::move(path)) {
    if (path_ == ":memory:") {
      // Every connection of this process must see one database: a named shared-cache
      // memory database, kept alive by keeper_ for as long as this object lives.
      static std::atomic<int> counter{0};
      path_ = "file:strata-memory-" + std::to_string(++counter) + "?mode=memory&cache=shared";
      description_ = "sqlite::memory:";
    } else {
      std::filesystem::path parent = std::filesystem::path(path_).parent_path();
      if (!parent.empty()) std::filesystem::create_directories(parent);
      description_ = "sqlite:" + path_;
    }
    keeper_ = std::make_unique<SqliteClient>(path_);
  }

  std::unique_ptr<Client> connect() override { return std::make_unique<SqliteClient>(path_); }
  std::string description() const override { return description_; }

 private:
  std::string path_;
  std::string description_;
  std::unique_ptr<SqliteClient> keeper_;
};

class MysqlDatabase final : public Database {
 public:
  explicit MysqlDatabase(MysqlSettings settings) : settings_(std::move(settings)) {}
  std::unique_ptr<Client> connect() override { return std::make_unique<MysqlClient>(settings_); }
  std::string description() const override { return settings_.description(); }

 private:
  MysqlSettings settings_;
};

class DataApiDatabase final : public Database {
 public:
  explicit DataApiDatabase(DataApiSettings settings) : settings_(std::move(settings)) {}
  std::unique_ptr<Client> connect() override { return std::make_unique<DataApiClient>(settings_); }
  std::string description() const override { return settings_.description(); }

 private:
  DataApiSettings settings_;
};

}  // namespace

std::unique_ptr<Database> open_database(std::string_view url) {
  if (url.starts_with("sqlite:")) {
    std::string_view path = url.substr(7);
    if (path.starts_with("//")) path.remove_prefix(2);
    if (path.empty()) throw UrlError("database URL '" + std::string(url) + "' names no file; write sqlite:PATH or sqlite::memory:");
    return std::make_unique<SqliteDatabase>(std::string(path));
  }
  if (url.starts_with("mysql://")) return std::make_unique<MysqlDatabase>(MysqlSettings::parse(url));
  if (url.starts_with("data-api://")) return std::make_unique<DataApiDatabase>(DataApiSettings::parse(url));
  std::size_t colon = url.find(':');
  std::string what = colon == std::string_view::npos ? "database URL '" + std::string(url) + "' has no scheme"
                                                     : "unsupported database URL scheme '" + std::string(url.substr(0, colon)) + "'";
  throw UrlError(what + "; expected sqlite:PATH (e.g. sqlite:blog.db; a file path needs the sqlite: prefix) or "
                 "mysql://USER:PASSWORD@HOST:PORT/DATABASE or data-api://CLUSTER_ARN?secret=SECRET_ARN&database=NAME");
}

}  // namespace strata::db
