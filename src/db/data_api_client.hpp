#pragma once
// The RDS Data API as an executor: every statement is an ExecuteStatement call,
// signed with SigV4, over HTTPS (or plain HTTP to a local endpoint). Aurora MySQL
// behind it, so engine() is "mysql".
//   data-api://CLUSTER_ARN?secret=SECRET_ARN&database=NAME[&endpoint=URL][&region=R]
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "aws/sigv4.hpp"
#include "http/client.hpp"
#include "strata/db/client.hpp"

namespace strata::db {

struct DataApiSettings {
  std::string cluster_arn;
  std::string secret_arn;
  std::string database;
  std::string endpoint;  // https://rds-data.REGION.amazonaws.com unless given
  std::string region;    // from the URL, the environment, or the ARN
  // How long to keep retrying while an auto-paused cluster resumes.
  std::chrono::seconds resume_wait{60};

  // Throws UrlError saying what is missing.
  static DataApiSettings parse(std::string_view url);
  std::string description() const;
};

class DataApiClient final : public Client {
 public:
  // Resolves credentials now (throws aws::CredentialsError).
  explicit DataApiClient(DataApiSettings settings);
  ~DataApiClient() override;

  void begin() override;
  void commit() override;
  void rollback() override;
  std::string_view engine() const override { return "mysql"; }
  bool keeps_session() const override { return !transaction_id_.empty(); }

 protected:
  // The Data API answers with the whole result; its rows are then visited from it.
  StatementOutcome execute_rows(std::string_view sql, const Parameters& parameters, RowVisitor& visitor) override;

 private:
  // POSTs `body` to `operation` (/Execute ...), retrying throttling and a
  // resuming cluster with backoff; returns the 200 body or throws db::Error.
  std::string call(const std::string& operation, const std::string& body);

  DataApiSettings settings_;
  aws::Credentials credentials_;
  http::Url endpoint_;
  std::unique_ptr<http::Client> http_;
  std::string transaction_id_;
};

}  // namespace strata::db
