#pragma once
// A small synchronous HTTP/1.1 client over one keep-alive connection (Boost.Beast),
// for loopback peers such as the Lambda Runtime API. Reconnects when the peer
// closed the connection.
#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata::http {

using ClientResponse = boost::beast::http::response<boost::beast::http::string_body>;

class Client {
 public:
  Client(std::string host, std::string port);

  // Throws boost::system::system_error when the peer cannot be reached. No timeout:
  // the Runtime API's /next blocks for as long as it needs.
  ClientResponse request(boost::beast::http::verb method, const std::string& target, std::string body = {},
                         const std::vector<std::pair<std::string, std::string>>& headers = {});

 private:
  void connect();

  std::string host_;
  std::string port_;
  boost::asio::io_context context_;
  std::optional<boost::beast::tcp_stream> stream_;
  boost::beast::flat_buffer buffer_;
};

}  // namespace strata::http
