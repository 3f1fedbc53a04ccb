// How the server writes its answers: once the other requests the event loop found ready
// with it have run; one that fits the socket at once whole, the rest of a larger one when
// the socket takes it; with ServerOptions::answer_pipelined_together, requests a client
// sent before its previous answer (a runtime's answer and its next poll) are read ahead,
// and answers given at once go in one write; an answer is never held for a request that
// waits or is not all there.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/server.hpp"
#include "tcp_segments.hpp"

namespace strata::http {
namespace {

namespace bhttp = boost::beast::http;
using namespace std::chrono_literals;

Response text(std::string body) {
  Response response{bhttp::status::ok, 11};
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

// A server on one loop of its own whose handler answers each request with its target at
// once, except /wait, whose reply the test gives later. (Set on_request before the first request.)
class AnsweringServer {
 public:
  explicit AnsweringServer(bool together) {
    ServerOptions options;
    options.port = 0;
    options.threads = 1;
    options.answer_pipelined_together = together;
    server_.emplace(options, [this](Request&& request, Reply reply) {
      if (request.target() == "/wait") {
        std::lock_guard lock(mutex_);
        waiting_.emplace(std::move(reply));
        waiting_promise_.set_value();
        return;
      }
      if (request.target().starts_with("/bytes/")) {
        std::string count(request.target().substr(7));
        std::string body(std::stoul(count), 'x');
        for (std::size_t i = 0; i < body.size(); i += 4096) body[i] = static_cast<char>('a' + (i / 4096) % 26);
        return reply(text(std::move(body)));
      }
      if (on_request) on_request(request.target());
      reply(text(std::string(request.target())));
    });
    server_->listen();
    runner_ = std::thread([this] { server_->run(); });
  }
  ~AnsweringServer() {
    server_->stop();
    runner_.join();
  }
  unsigned short port() const { return server_->port(); }
  // Runs on the server's loop for each request answered at once, before its answer is given.
  std::function<void(std::string_view target)> on_request;
  // Answers /wait once its request reached the handler.
  void answer_wait(const std::string& body) {
    waiting_arrived_.wait();
    std::lock_guard lock(mutex_);
    (*waiting_)(text(body));
  }

 private:
  std::optional<Server> server_;
  std::thread runner_;
  std::mutex mutex_;
  std::optional<Reply> waiting_;
  std::promise<void> waiting_promise_;
  std::future<void> waiting_arrived_ = waiting_promise_.get_future();
};

class RawClient {
 public:
  explicit RawClient(unsigned short port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) throw std::runtime_error("connect");
  }
  ~RawClient() { ::close(fd_); }
  int fd() const { return fd_; }
  void send(const std::string& bytes) { ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), 0), ssize_t(bytes.size())); }
  // What arrives until the bytes end with `ending` (and number `least` at least) or `limit` passes.
  std::string read_until(const std::string& ending, std::chrono::milliseconds limit = 5000ms, std::size_t least = 0) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (!received_.ends_with(ending) || received_.size() < least) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left <= 0ms) break;
      pollfd wait{fd_, POLLIN, 0};
      if (::poll(&wait, 1, static_cast<int>(left.count())) <= 0) break;
      char chunk[4096];
      ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
      if (got <= 0) break;
      received_.append(chunk, static_cast<std::size_t>(got));
    }
    return received_;
  }

 private:
  int fd_;
  std::string received_;
};

std::string get(const std::string& target) { return "GET " + target + " HTTP/1.1\r\nHost: test\r\n\r\n"; }

TEST(HttpServerWrites, AnAnswerLargerThanTheSocketTakesAtOnceArrivesWholeAndTheConnectionGoesOn) {
  AnsweringServer server(false);
  RawClient client(server.port());
  constexpr std::size_t kBytes = 16 * 1024 * 1024;  // beyond any loopback socket's buffers
  client.send(get("/bytes/" + std::to_string(kBytes)));
  std::this_thread::sleep_for(200ms);  // the server's first write fills the socket and the rest waits
  std::string received = client.read_until("", 20000ms, kBytes);
  std::size_t body = received.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  received = client.read_until("", 20000ms, body + 4 + kBytes);
  ASSERT_EQ(received.size() - body - 4, kBytes);
  std::string expected(kBytes, 'x');
  for (std::size_t i = 0; i < kBytes; i += 4096) expected[i] = static_cast<char>('a' + (i / 4096) % 26);
  EXPECT_TRUE(received.compare(body + 4, kBytes, expected) == 0) << "the body arrived out of order or altered";
  client.send(get("/after"));
  EXPECT_TRUE(client.read_until("\r\n\r\n/after").ends_with("/after"));
}

// Whether bytes arrive on a socket within `limit`.
bool arrives_within(int fd, std::chrono::milliseconds limit) {
  pollfd wait{fd, POLLIN, 0};
  return ::poll(&wait, 1, static_cast<int>(limit.count())) == 1;
}

TEST(HttpServerWrites, RequestsReadyTogetherAreAllRunBeforeTheirAnswersAreWritten) {
  AnsweringServer server(false);
  RawClient first(server.port()), second(server.port()), holder(server.port());
  std::promise<void> hold_entered, hold_released;
  std::mutex mutex;
  // For each of /first and /second: whether the other's answer arrived while it ran.
  std::vector<bool> answered_meanwhile;
  server.on_request = [&](std::string_view target) {
    if (target == "/hold") {
      hold_entered.set_value();
      hold_released.get_future().wait();  // the loop is busy while both requests arrive
    } else if (target == "/first" || target == "/second") {
      std::lock_guard lock(mutex);
      answered_meanwhile.push_back(arrives_within(target == "/first" ? second.fd() : first.fd(), 100ms));
    }
  };
  // Each connection accepted and its next request awaited.
  for (RawClient* client : {&first, &second, &holder}) {
    client->send(get("/warm"));
    ASSERT_TRUE(client->read_until("\r\n\r\n/warm").ends_with("/warm"));
  }
  holder.send(get("/hold"));
  hold_entered.get_future().wait();
  first.send(get("/first"));
  second.send(get("/second"));
  std::this_thread::sleep_for(50ms);  // both on the server's socket before its loop looks again
  hold_released.set_value();
  EXPECT_TRUE(first.read_until("\r\n\r\n/first").ends_with("/first"));
  EXPECT_TRUE(second.read_until("\r\n\r\n/second").ends_with("/second"));
  EXPECT_TRUE(holder.read_until("\r\n\r\n/hold").ends_with("/hold"));
  // Whichever ran second saw no answer to the first while it ran.
  std::lock_guard lock(mutex);
  EXPECT_EQ(answered_meanwhile, (std::vector<bool>{false, false}));
}

TEST(HttpServerPipelining, AnswersGivenAtOnceToPipelinedRequestsGoInOneWrite) {
  for (bool together : {false, true}) {
    AnsweringServer server(together);
    RawClient client(server.port());
    client.send(get("/first") + get("/second") + get("/third"));
    std::string received = client.read_until("\r\n\r\n/third");
    ASSERT_TRUE(received.ends_with("/third")) << received;
    std::size_t first = received.find("\r\n\r\n/first"), second = received.find("\r\n\r\n/second");
    EXPECT_TRUE(first != std::string::npos && second != std::string::npos && first < second) << received;
    // Each answer in a write of its own without the option, the three in one with it.
    EXPECT_EQ(strata::testing::data_segments_received(client.fd()), together ? 1u : 3u) << "together: " << together;
  }
}

TEST(HttpServerPipelining, AnAnswerIsNotHeldForARequestReadAheadThatWaits) {
  AnsweringServer server(true);
  RawClient client(server.port());
  client.send(get("/first") + get("/wait") + get("/after"));
  // /first is answered while /wait is unanswered.
  std::string received = client.read_until("\r\n\r\n/first", 3000ms);
  ASSERT_TRUE(received.ends_with("/first")) << received;
  server.answer_wait("/waited");
  received = client.read_until("\r\n\r\n/after");
  EXPECT_TRUE(received.ends_with("\r\n\r\n/first" + std::string("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n/waited") +
                                 "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\n/after"))
      << received;
}

TEST(HttpServerPipelining, AnAnswerIsNotHeldForARequestWhoseHeaderIsNotAllThere) {
  AnsweringServer server(true);
  RawClient client(server.port());
  client.send(get("/first") + "GET /second HTTP/1.1\r\nHo");
  std::string received = client.read_until("\r\n\r\n/first", 3000ms);
  ASSERT_TRUE(received.ends_with("/first")) << received;
  client.send("st: test\r\n\r\n");
  EXPECT_TRUE(client.read_until("\r\n\r\n/second").ends_with("/second"));
}

}  // namespace
}  // namespace strata::http
