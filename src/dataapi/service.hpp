#pragma once
// The local RDS Data API: ExecuteStatement, BatchExecuteStatement, the three
// transaction calls and the deprecated ExecuteSql over rest-json, on any
// database Strata has an executor for, so that boto3, the AWS CLI and the SDKs
// work against it unchanged.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "db/database.hpp"
#include "http/server.hpp"

namespace strata::dataapi {

struct ServiceOptions {
  // Database by resourceArn; the "" entry serves every ARN (a single --db URL).
  std::map<std::string, std::string> databases;
  // Threads that run the calls' database work, off the HTTP event loops, so that a
  // slow statement never holds up other connections.
  unsigned workers = 8;
  std::chrono::seconds transaction_idle_timeout{180};
  // A statement still running after this fails with StatementTimeoutException
  // (with continueAfterTimeout the call answers so, and the statement goes on).
  std::chrono::milliseconds statement_timeout{45000};
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
  struct Call;
  struct Watch;

  http::Response dispatch(const http::Request& request, const std::shared_ptr<Call>& call);
  Backend& backend_for(const std::string& resource_arn);
  db::Client& worker_client(Backend& backend, const std::string& database);
  std::shared_ptr<Transaction> find_transaction(const std::string& id);
  void reap_idle_transactions();
  // Runs `work` on `client` under the statement timeout.
  std::string watched(const std::shared_ptr<Call>& call, db::Client& client, bool continue_after_timeout,
                      const std::function<std::string()>& work);
  void enforce_statement_timeouts();

  ServiceOptions options_;
  std::map<std::string, std::unique_ptr<Backend>> backends_;
  std::mutex transactions_mutex_;
  std::map<std::string, std::shared_ptr<Transaction>> transactions_;
  bool stopping_ = false;
  std::mutex reaper_mutex_;
  std::condition_variable reaper_wake_;
  std::thread reaper_;
  std::mutex watches_mutex_;
  std::vector<std::shared_ptr<Watch>> watches_;
  boost::asio::io_context work_;
  std::vector<std::thread> workers_;
};

}  // namespace strata::dataapi
