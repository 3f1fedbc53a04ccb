#pragma once
// The one HTTP/1.1 server (Boost.Beast) behind the gateway and, later, the
// Runtime API and Data API servers: keep-alive, one event loop per thread,
// request size limits and read timeouts.
#include <boost/beast/http.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace strata::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

class Server;

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 3000;  // 0 picks a free port; port() tells which
  unsigned threads = 0;        // event loops; 0 means one per core
  std::size_t body_limit = 6 * 1024 * 1024;
  std::size_t header_limit = 16 * 1024;
  // A request must arrive whole within this time of the connection becoming
  // idle; a slower client (or an idle keep-alive connection) is closed. Zero: no timeout.
  std::chrono::milliseconds read_timeout{15000};
  std::size_t max_connections = 4096;
  // Bytes each connection's read buffer starts with; 0 lets Beast grow it, which reads
  // 512 bytes per recvmsg(2) when the body is read into the request (the Runtime API
  // server, whose one connection carries whole responses, reserves room for them).
  std::size_t read_buffer_bytes = 0;
  // Run the connections on this other server's event loops (which must outlive them),
  // with no thread of their own: serve's Runtime API servers run on the gateway's, so
  // that an event and its answer pass between the two with no hop between threads (a
  // post to another loop cost a wake-up and, on one core, a lock handed back and forth).
  // stop() then waits for a handler under way, and no handler runs after it.
  Server* run_on_loops_of = nullptr;
  // An already listening socket to accept on instead of binding host:port (serve
  // --watch hands its socket to each new build of the app); -1 binds.
  int listen_fd = -1;
  // A request the client sent before its previous one was answered (pipelined) is read
  // before that answer is written, and when it is answered at once both go in one write.
  // serve's Runtime API servers: a runtime posts its answer and its next poll together.
  bool answer_pipelined_together = false;
  // Called for the answers the server makes itself (400, 413, 431, 503), with the
  // request's header when it was read (else nullptr), so that the owner can add
  // its headers (CORS) and log them like any other response.
  std::function<void(const Request* header, Response& response)> on_server_response;
};

class Session;

// Answers one request. Call exactly once, from any thread; the connection stays
// alive until then.
class Reply {
 public:
  explicit Reply(std::shared_ptr<Session> session) : session_(std::move(session)) {}
  void operator()(Response&& response) const;
  // The client's IP address, as API Gateway reports it in identity.sourceIp.
  std::string remote_address() const;

 private:
  std::shared_ptr<Session> session_;
};

// Called on an event-loop thread for each complete request.
using Handler = std::function<void(Request&& request, Reply reply)>;

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; throws std::runtime_error saying why (port in use, bad host).
  void listen();
  unsigned short port() const;
  unsigned threads() const;
  // Runs the event loops on this thread and threads()-1 others until stop().
  // `on_thread_start(i)` runs first on each loop's thread (i from 0).
  void run(const std::function<void(unsigned)>& on_thread_start = {});
  // Thread-safe, and safe from a signal handler's posted callback.
  void stop();
  // Stops accepting (the listening socket stays open for whoever shares it), lets
  // every request already accepted get its answer (for at most `limit`), then stops.
  void stop_gracefully(std::chrono::milliseconds limit);

  // The index of the event loop running the calling thread, or 0 outside one.
  static unsigned current_thread_index();

  struct State;  // opaque; shared with the connections

 private:
  std::shared_ptr<State> state_;
};

// A JSON error body {"message": ...} with the given status, as API Gateway words its own errors.
Response json_error(unsigned status, std::string_view message, unsigned version = 11, bool keep_alive = true);

}  // namespace strata::http
