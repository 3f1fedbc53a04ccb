// The HTTP client's timeout bounds a request whose peer never answers (the Data API
// client's and the custom resource's PUT rely on it); without one it waits as long as
// the peer takes (the Runtime API's /next).
#include "http/client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <string>
#include <thread>

namespace strata::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// Accepts one connection on a loopback port, reads the request head, then answers
// after `delay` (or, with `answer` false, holds the connection without a word).
class SlowPeer {
 public:
  SlowPeer(std::chrono::milliseconds delay, bool answer)
      : acceptor_(context_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this, delay, answer] {
      tcp::socket socket(context_);
      acceptor_.accept(socket);
      asio::streambuf head;
      boost::system::error_code error;
      asio::read_until(socket, head, "\r\n\r\n", error);
      std::this_thread::sleep_for(delay);
      if (answer) {
        asio::write(socket, asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")), error);
      }
      // Held open until the client is done with it: the client must end the wait itself.
      char byte;
      socket.read_some(asio::buffer(&byte, 1), error);
    });
  }
  ~SlowPeer() { thread_.join(); }
  std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }

 private:
  asio::io_context context_;
  tcp::acceptor acceptor_;
  std::thread thread_;
};

TEST(HttpClient, TimeoutEndsAWaitForAPeerThatNeverAnswers) {
  SlowPeer peer(std::chrono::milliseconds(0), false);
  auto started = std::chrono::steady_clock::now();
  {
    Client client("127.0.0.1", peer.port(), false, std::chrono::milliseconds(300));
    EXPECT_THROW(client.request(boost::beast::http::verb::get, "/"), boost::system::system_error);
  }
  // Not a speed check: without the timeout this wait has no end at all.
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(30));
}

TEST(HttpClient, WithoutATimeoutItWaitsForTheAnswer) {
  SlowPeer peer(std::chrono::milliseconds(400), true);
  Client client("127.0.0.1", peer.port());
  ClientResponse response = client.request(boost::beast::http::verb::get, "/");
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "ok");
}

TEST(HttpClient, APeerAnsweringWithinTheTimeoutIsRead) {
  SlowPeer peer(std::chrono::milliseconds(100), true);
  Client client("127.0.0.1", peer.port(), false, std::chrono::milliseconds(5000));
  EXPECT_EQ(client.request(boost::beast::http::verb::get, "/").body(), "ok");
}

}  // namespace
}  // namespace strata::http
