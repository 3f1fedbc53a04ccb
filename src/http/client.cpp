#include "http/client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/write.hpp>

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
  if (blocking()) {
    // No deadline to enforce (the Runtime API): plain blocking calls, one system call per
    // read or write where an asynchronous step added epoll_wait(2)s and a failed read.
    plain_.emplace(context_);
    plain_->connect(endpoints);
    plain_->socket().set_option(asio::ip::tcp::no_delay(true));
    return;
  }
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
ClientResponse Client::read_response(Stream& stream) {
  bhttp::response_parser<bhttp::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  if (blocking()) {
    bhttp::read(stream, buffer_, parser);
  } else {
    run([&](auto handler) { bhttp::async_read(stream, buffer_, parser, std::move(handler)); });
  }
  return parser.release();
}

namespace {

// A request as it goes on the wire: what Beast's serializer writes for a Content-Length body.
void append_wire(std::string& wire, const ClientRequest& request) {
  wire.append(request.method_string()).append(" ").append(request.target()).append(" HTTP/1.1\r\n");
  for (const auto& field : request) wire.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  wire.append("\r\n").append(request.body());
}

}  // namespace

template <typename Stream>
std::vector<ClientResponse> Client::exchange_all(Stream& stream, const std::vector<ClientRequest>& requests) {
  std::string wire;
  for (const ClientRequest& request : requests) append_wire(wire, request);
  if (blocking()) {
    asio::write(stream, asio::buffer(wire));
  } else {
    if (timeout_.count()) {
      beast::get_lowest_layer(stream).expires_after(timeout_);
    } else {
      beast::get_lowest_layer(stream).expires_never();
    }
    run([&](auto handler) { asio::async_write(stream, asio::buffer(wire), std::move(handler)); });
  }
  // The first answer is read or thrown; after it, what was answered stands (a retry
  // would send it again), and the rest is left to the caller.
  std::vector<ClientResponse> responses;
  responses.push_back(read_response(stream));
  while (responses.size() < requests.size() && responses.back().keep_alive()) {
    try {
      responses.push_back(read_response(stream));
    } catch (const boost::system::system_error&) {
      break;
    }
  }
  return responses;
}

ClientRequest Client::make_request(bhttp::verb method, const std::string& target, std::string body,
                                   const Headers& headers) const {
  ClientRequest request{method, target, 11};
  request.set(bhttp::field::host, host_header());
  for (const auto& [name, value] : headers) request.set(name, value);
  request.body() = std::move(body);
  request.prepare_payload();
  request.keep_alive(true);
  return request;
}

ClientResponse Client::request(bhttp::verb method, const std::string& target, std::string body,
                               const Headers& headers) {
  std::vector<ClientRequest> one;
  one.push_back(make_request(method, target, std::move(body), headers));
  return std::move(pipeline(std::move(one)).front());  // the first answer is read or thrown
}

std::vector<ClientResponse> Client::pipeline(std::vector<ClientRequest> requests) {
  for (int attempt = 0;; ++attempt) {
    bool reused = plain_.has_value() || secure_.has_value();
    try {
      if (!reused) connect();
      auto responses = tls_ ? exchange_all(*secure_, requests) : exchange_all(*plain_, requests);
      if (responses.size() < requests.size() || !responses.back().keep_alive()) {
        plain_.reset();
        secure_.reset();
      }
      return responses;
    } catch (const boost::system::system_error&) {
      plain_.reset();
      secure_.reset();
      // Nothing was answered: a kept-alive connection may have been closed by the peer
      // since; one fresh try.
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
