#include "http/client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>

#include <openssl/ssl.h>

namespace strata::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

Client::Client(std::string host, std::string port, bool tls, std::chrono::milliseconds timeout)
    : host_(std::move(host)), port_(std::move(port)), tls_(tls), timeout_(timeout) {
  // Beast reads into the free room of the buffer, at least 512 bytes: without room an
  // event of a few KB took a recvfrom(2) per 512 bytes.
  buffer_.reserve(64 * 1024);
  if (tls_) {
    tls_context_.emplace(asio::ssl::context::tls_client);
    tls_context_->set_default_verify_paths();
    tls_context_->set_verify_mode(asio::ssl::verify_peer);
  }
}

Client::~Client() = default;

std::string Client::host_header() const {
  bool default_port = (tls_ && port_ == "443") || (!tls_ && port_ == "80");
  return default_port ? host_ : host_ + ":" + port_;
}

// Beast enforces a stream's expiry (expires_after) on asynchronous operations only: each
// step runs as one, to its end, on this client's own context.
template <typename Start>
void Client::run(Start&& start) {
  boost::system::error_code error;
  start([&error](boost::system::error_code result, auto&&...) { error = result; });
  context_.restart();
  context_.run();
  if (error) throw boost::system::system_error(error);
}

void Client::connect() {
  asio::ip::tcp::resolver resolver(context_);
  auto endpoints = resolver.resolve(host_, port_);
  buffer_.clear();
  if (!tls_) {
    plain_.emplace(context_);
    if (timeout_.count()) plain_->expires_after(timeout_);
    run([&](auto handler) { plain_->async_connect(endpoints, std::move(handler)); });
    plain_->socket().set_option(asio::ip::tcp::no_delay(true));
    return;
  }
  secure_.emplace(context_, *tls_context_);
  // SNI, and a certificate that must name the host.
  SSL_set_tlsext_host_name(secure_->native_handle(), host_.c_str());
  secure_->set_verify_callback(asio::ssl::host_name_verification(host_));
  auto& lowest = beast::get_lowest_layer(*secure_);
  if (timeout_.count()) lowest.expires_after(timeout_);
  run([&](auto handler) { lowest.async_connect(endpoints, std::move(handler)); });
  run([&](auto handler) { secure_->async_handshake(asio::ssl::stream_base::client, std::move(handler)); });
}

template <typename Stream>
ClientResponse Client::exchange(Stream& stream, const bhttp::request<bhttp::string_body>& request) {
  // One deadline for the whole exchange, or none (the Runtime API's /next waits for as long as it must).
  if (timeout_.count()) {
    beast::get_lowest_layer(stream).expires_after(timeout_);
  } else {
    beast::get_lowest_layer(stream).expires_never();
  }
  run([&](auto handler) { bhttp::async_write(stream, request, std::move(handler)); });
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  run([&](auto handler) { bhttp::async_read(stream, buffer_, parser, std::move(handler)); });
  return parser.release();
}

ClientResponse Client::request(bhttp::verb method, const std::string& target, std::string body,
                               const Headers& headers) {
  bhttp::request<bhttp::string_body> request{method, target, 11};
  request.set(bhttp::field::host, host_header());
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();
  request.keep_alive(true);
  // A kept-alive connection may have been closed by the peer since: one fresh try.
  for (int attempt = 0;; ++attempt) {
    bool reused = plain_.has_value() || secure_.has_value();
    try {
      if (!reused) connect();
      ClientResponse response = tls_ ? exchange(*secure_, request) : exchange(*plain_, request);
      if (!response.keep_alive()) {
        plain_.reset();
        secure_.reset();
      }
      return response;
    } catch (const boost::system::system_error&) {
      plain_.reset();
      secure_.reset();
      if (attempt > 0 || !reused) throw;
    }
  }
}

std::optional<Url> parse_url(const std::string& text) {
  Url url;
  std::string rest;
  if (text.starts_with("https://")) {
    url.tls = true;
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    rest = text.substr(7);
  } else {
    return std::nullopt;
  }
  std::size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  url.path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::size_t colon = authority.rfind(':');
  if (colon != std::string::npos && authority.find(']') == std::string::npos) {
    url.host = authority.substr(0, colon);
    url.port = authority.substr(colon + 1);
  } else {
    url.host = authority;
    url.port = url.tls ? "443" : "80";
  }
  if (url.host.empty() || url.port.empty()) return std::nullopt;
  return url;
}

}  // namespace strata::http
