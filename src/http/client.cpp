#include "http/client.hpp"

#include <boost/asio/ip/tcp.hpp>

namespace strata::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

Client::Client(std::string host, std::string port) : host_(std::move(host)), port_(std::move(port)) {}

void Client::connect() {
  asio::ip::tcp::resolver resolver(context_);
  auto endpoints = resolver.resolve(host_, port_);
  stream_.emplace(context_);
  stream_->connect(endpoints);
  stream_->socket().set_option(asio::ip::tcp::no_delay(true));
  buffer_.clear();
}

ClientResponse Client::request(bhttp::verb method, const std::string& target, std::string body,
                               const std::vector<std::pair<std::string, std::string>>& headers) {
  bhttp::request<bhttp::string_body> request{method, target, 11};
  request.set(bhttp::field::host, host_ + ":" + port_);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();
  request.keep_alive(true);
  // A kept-alive connection may have been closed by the peer since: one fresh try.
  for (int attempt = 0;; ++attempt) {
    try {
      if (!stream_) connect();
      bhttp::write(*stream_, request);
      bhttp::response_parser<bhttp::string_body> parser;
      parser.body_limit(64 * 1024 * 1024);
      bhttp::read(*stream_, buffer_, parser);
      ClientResponse response = parser.release();
      if (!response.keep_alive()) stream_.reset();
      return response;
    } catch (const boost::system::system_error&) {
      bool reused = stream_.has_value();
      stream_.reset();
      if (attempt > 0 || !reused) throw;
    }
  }
}

}  // namespace strata::http
