// The HTTP client's timeout bounds a request whose peer never answers (the Data API
// client's and the custom resource's PUT rely on it); without one it waits as long as
// the peer takes (the Runtime API's /next). Pipelined requests (the runtime's answer and
// its next poll) go in one write and their answers are read in order.
#include "http/client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

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

// Accepts one connection, reads until both requests of a pipeline are in (or the client
// stops sending for a second), then answers them both: `first` and a 200 "next".
class PipelinePeer {
 public:
  explicit PipelinePeer(std::string first) : acceptor_(context_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this, first = std::move(first)] {
      tcp::socket socket(context_);
      acceptor_.accept(socket);
      boost::system::error_code error;
      auto waited_since = std::chrono::steady_clock::now();
      while (received_.find("GET /next") == std::string::npos &&
             std::chrono::steady_clock::now() - waited_since < std::chrono::seconds(1)) {
        char chunk[4096];
        if (socket.available(error) == 0) {
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
          continue;
        }
        received_.append(chunk, socket.read_some(asio::buffer(chunk), error));
      }
      both_before_answering_ = received_.find("GET /next") != std::string::npos;
      asio::write(socket, asio::buffer(first + "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext"), error);
      char byte;
      socket.read_some(asio::buffer(&byte, 1), error);
    });
  }
  ~PipelinePeer() { thread_.join(); }
  std::string port() const { return std::to_string(acceptor_.local_endpoint().port()); }
  // Read after the client's pipeline returned.
  bool both_before_answering() const { return both_before_answering_; }
  const std::string& received() const { return received_; }

 private:
  asio::io_context context_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::string received_;
  bool both_before_answering_ = false;
};

std::vector<ClientRequest> post_then_next(Client& client) {
  std::vector<ClientRequest> requests;
  requests.push_back(client.make_request(boost::beast::http::verb::post, "/response", "{\"a\":1}",
                                         {{"Content-Type", "application/json"}}));
  requests.push_back(client.make_request(boost::beast::http::verb::get, "/next"));
  return requests;
}

TEST(HttpClient, PipelinedRequestsGoTogetherAndTheirAnswersComeInOrder) {
  PipelinePeer peer("HTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok");
  Client client("127.0.0.1", peer.port());
  auto responses = client.pipeline(post_then_next(client));
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].result_int(), 202);
  EXPECT_EQ(responses[0].body(), "ok");
  EXPECT_EQ(responses[1].result_int(), 200);
  EXPECT_EQ(responses[1].body(), "next");
  EXPECT_TRUE(peer.both_before_answering());
  EXPECT_EQ(peer.received(),
            "POST /response HTTP/1.1\r\nHost: 127.0.0.1:" + peer.port() +
                "\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}"
                "GET /next HTTP/1.1\r\nHost: 127.0.0.1:" + peer.port() + "\r\n\r\n");
}

TEST(HttpClient, APipelineStopsAtAnAnswerThatClosesTheConnection) {
  PipelinePeer peer("HTTP/1.1 413 Payload Too Large\r\nConnection: close\r\nContent-Length: 3\r\n\r\nbig");
  Client client("127.0.0.1", peer.port());
  auto responses = client.pipeline(post_then_next(client));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses[0].result_int(), 413);
  EXPECT_EQ(responses[0].body(), "big");
}

}  // namespace
}  // namespace strata::http
