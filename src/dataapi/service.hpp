#pragma once
// The local RDS Data API: ExecuteStatement, BatchExecuteStatement, the three
// transaction calls and the deprecated ExecuteSql over rest-json, on any
// database Strata has an executor for, so that boto3, the AWS CLI and the SDKs
// work against it unchanged.
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "db/database.hpp"
#include "http/server.hpp"

namespace strata::dataapi {

struct ServiceOptions {
  // Database by resourceArn; the "" entry serves every ARN (a single --db URL).
  std::map<std::string, std::string> databases;
  unsigned threads = 1;
  std::chrono::seconds transaction_idle_timeout{180};
  std::size_t max_response_bytes = 1024 * 1024;
  // With keys, every request must carry a valid SigV4 signature by one of them.
  std::map<std::string, std::string> access_keys;
};

class Service {
 public:
  // Opens every database; throws db::UrlError / db::Error.
  explicit Service(ServiceOptions options);
  ~Service();

  void handle(http::Request&& request, http::Reply reply);

 private:
  struct Transaction;
  struct Backend;

  http::Response dispatch(const http::Request& request);
  Backend& backend_for(const std::string& resource_arn);
  db::Client& thread_client(Backend& backend, const std::string& database);
  std::shared_ptr<Transaction> find_transaction(const std::string& id);
  void reap_idle_transactions();

  ServiceOptions options_;
  std::map<std::string, std::unique_ptr<Backend>> backends_;
  std::mutex transactions_mutex_;
  std::map<std::string, std::shared_ptr<Transaction>> transactions_;
  bool stopping_ = false;
  std::mutex reaper_mutex_;
  std::condition_variable reaper_wake_;
  std::thread reaper_;
};

}  // namespace strata::dataapi
