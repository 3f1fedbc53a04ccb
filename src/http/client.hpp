#pragma once
// A small synchronous HTTP/1.1 client over one keep-alive connection (Boost.Beast),
// plain or TLS (Asio's OpenSSL stream, verifying the peer against the system's
// CA store): for the Lambda Runtime API on loopback and for AWS endpoints.
// Reconnects when the peer closed the connection.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata::http {

using ClientResponse = boost::beast::http::response<boost::beast::http::string_body>;
using ClientRequest = boost::beast::http::request<boost::beast::http::string_body>;
using Headers = std::vector<std::pair<std::string, std::string>>;

class Client {
 public:
  // `tls` for https. `timeout` bounds each request (none when zero: the Runtime
  // API's /next blocks for as long as it needs).
  Client(std::string host, std::string port, bool tls = false, std::chrono::milliseconds timeout = {});
  ~Client();

  // Throws boost::system::system_error when the peer cannot be reached or the
  // request times out.
  ClientResponse request(boost::beast::http::verb method, const std::string& target, std::string body = {},
                         const Headers& headers = {});

  // Sends `requests` in one write (HTTP/1.1 pipelining) and reads their answers in order:
  // the Runtime API's POST /response and the GET /next after it cost the peer one wake-up.
  // Stops reading at an answer that closes the connection, so fewer answers than requests
  // may come back. Throws as request() does.
  std::vector<ClientResponse> pipeline(std::vector<ClientRequest> requests);
  // A request to this client's host: Host and Content-Length set, kept alive.
  ClientRequest make_request(boost::beast::http::verb method, const std::string& target, std::string body = {},
                             const Headers& headers = {}) const;

  // "host" or "host:port" as a Host header carries it (the port only when not the scheme's default).
  std::string host_header() const;

 private:
  void connect();
  template <typename Start>
  void run(Start&& start);
  template <typename Stream>
  std::vector<ClientResponse> exchange_all(Stream& stream, const std::vector<ClientRequest>& requests);
  template <typename Stream>
  ClientResponse read_response(Stream& stream);
  bool blocking() const { return !tls_ && timeout_.count() == 0; }

  std::string host_;
  std::string port_;
  bool tls_;
  std::chrono::milliseconds timeout_;
  boost::asio::io_context context_;
  std::optional<boost::asio::ssl::context> tls_context_;
  std::optional<boost::beast::tcp_stream> plain_;
  std::optional<boost::beast::ssl_stream<boost::beast::tcp_stream>> secure_;
  boost::beast::flat_buffer buffer_;
};

// Splits http[s]://host[:port][/path] into its parts; nullopt if it is not such a URL.
struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // "/" when absent
};
std::optional<Url> parse_url(const std::string& url);

}  // namespace strata::http
