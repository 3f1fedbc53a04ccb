#include "http/server.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <iterator>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "core/usable_cores.hpp"
#include "http/response_header.hpp"
#include "strata/json.hpp"

namespace strata::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {
thread_local unsigned this_thread_index = 0;
}

Response json_error(unsigned status, std::string_view message, unsigned version, bool keep_alive) {
  Response response{static_cast<bhttp::status>(status), version};
  response.set(bhttp::field::content_type, "application/json");
  response.body() = "{\"message\":" + json::quote(message) + "}";
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

struct Server::State : std::enable_shared_from_this<Server::State> {
  // First, so that they outlive the event loops: a connection destroyed with its loop
  // counts itself out here.
  std::atomic<std::size_t> connections{0};
  // Connections owed an answer: accepted and not yet answered, or reading a request.
  std::atomic<std::size_t> busy{0};
  ServerOptions options;
  Handler handler;
  std::vector<std::unique_ptr<asio::io_context>> contexts;  // this server's own event loops
  std::vector<asio::io_context*> loops;  // where connections run: contexts, or another server's
  // With another server's loops (run_on_loops_of): held while a handler runs; set by stop().
  std::mutex dispatch_mutex;
  bool closed = false;
  // Accepting runs on a loop of its own, so that a connection never waits for a
  // busy event loop (one running a slow database call) to be let in.
  asio::io_context accept_context{1};
  std::optional<tcp::acceptor> acceptor;
  std::size_t next_context = 0;
  std::atomic<bool> stopped{false};
  std::atomic<bool> draining{false};
};

// One connection: read a request, hand it to the handler, write the reply, repeat.
class Session : public std::enable_shared_from_this<Session> {
  using Clock = std::chrono::steady_clock;

 public:
  // `keep`: the server's state when the connection runs on another server's loops,
  // which may outlive this server.
  Session(tcp::socket socket, asio::io_context& context, Server::State& state, std::shared_ptr<Server::State> keep)
      : keep_(std::move(keep)), socket_(std::move(socket)), context_(context), state_(state), deadline_timer_(context) {
    ++state_.connections;
    set_busy(true);
    if (state_.options.read_buffer_bytes) buffer_.reserve(state_.options.read_buffer_bytes);
    // Answers are first tried with a write that returns rather than waits (write_held).
    beast::error_code ignored;
    socket_.non_blocking(true, ignored);
    // Once per connection rather than a getpeername(2) per request.
    beast::error_code error;
    auto endpoint = socket_.remote_endpoint(error);
    if (!error) remote_address_ = endpoint.address().to_string();
  }
  ~Session() {
    set_busy(false);
    --state_.connections;
  }

  void start(bool over_limit) {
    if (over_limit) {
      // Refuse politely: a JSON 503 and a close, so the client knows to retry.
      respond_itself(json_error(503, "too many connections; try again later", 11, false));
      return;
    }
    read_header();
  }

  // `posted`: the answer comes from another thread, in a handler of its own on this loop.
  void respond(Response&& response, bool posted = false) {
    auto self = shared_from_this();
    if (!context_.get_executor().running_in_this_thread()) {
      asio::post(socket_.get_executor(), [self, response = std::move(response)]() mutable {
        self->respond(std::move(response), true);
      });
      return;
    }
    if (closed_) return;  // an answer to a request read ahead, after the connection ended
    if (state_.stopped || state_.draining) response.keep_alive(false);
    outstanding_ = false;
    held_.push_back(std::move(response));
    if (writing_) return;  // it follows the write under way
    // The client sent its next request already (a runtime's answer and its next poll):
    // that request is read now, and when it is answered at once both answers go in one
    // write, one send and one wake-up of the client instead of two.
    const Response& last = held_.back();
    if (state_.options.answer_pipelined_together && held_.size() < kMostHeld && last.keep_alive() &&
        !last.chunked() && next_header_received()) {
      return read_header();
    }
    // Written once the event loop has run the other requests it found ready with this one:
    // a client with many connections (a proxy, a load test) gets their answers back to
    // back and wakes once for many rather than once for each. On loopback, waking the
    // client cost the sender 2.6 us of a GET /posts' 19 (sock_def_readable, perf). An
    // answer posted from another thread is behind that round already.
    if (posted) return write_held();
    writing_ = true;
    asio::post(socket_.get_executor(), [self] { self->write_held(); });
  }

  const std::string& remote_address() const { return remote_address_; }

 private:
  // Whether the read buffer holds the whole header of another request (a client waiting for
  // an answer before it sends the rest would wait for ever).
  bool next_header_received() const {
    auto data = buffer_.data();
    std::string_view bytes(static_cast<const char*>(data.data()), data.size());
    return bytes.find("\r\n\r\n") != std::string_view::npos;
  }

  // Writes the answers held, in order: those before a chunked one (streamed by Beast's
  // serializer, alone) in one gather write of each header text and body.
  void write_held() {
    writing_ = true;
    arm_timeout();
    auto written = [self = shared_from_this()](beast::error_code error, std::size_t) { self->on_written(error); };
    std::size_t count = 0;
    while (count < held_.size() && !held_[count].chunked()) ++count;
    if (count == 0) {
      in_write_.push_back(std::move(held_.front()));
      held_.erase(held_.begin());
      return bhttp::async_write(socket_, in_write_.front(), std::move(written));
    }
    std::move(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(count), std::back_inserter(in_write_));
    held_.erase(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(count));
    // The bytes Beast's serializer writes, from one header text per answer and the bodies:
    // its serializer cost more than the rest of the exchange's own work.
    if (header_texts_.size() < count) header_texts_.resize(count);
    buffers_.clear();
    std::size_t total = 0;
    for (std::size_t i = 0; i < count; ++i) {
      serialize_header(in_write_[i], header_texts_[i]);
      buffers_.push_back(asio::buffer(header_texts_[i]));
      buffers_.push_back(asio::buffer(in_write_[i].body()));
      total += header_texts_[i].size() + in_write_[i].body().size();
    }
    // Most answers fit the socket's send buffer: written here, with no completion queued
    // for the event loop (each queued one costs the loop another pass, an epoll_wait(2)).
    beast::error_code error;
    std::size_t sent = socket_.write_some(buffers_, error);
    if (error != asio::error::would_block && (error || sent == total)) return on_written(error);
    // The rest when the socket takes it.
    auto rest = buffers_.begin();
    for (; sent > 0 && rest != buffers_.end(); ++rest) {
      if (rest->size() > sent) {
        *rest += sent;
        break;
      }
      sent -= rest->size();
    }
    buffers_.erase(buffers_.begin(), rest);
    asio::async_write(socket_, buffers_, std::move(written));
  }

  void on_written(beast::error_code error) {
    writing_ = false;
    bool go_on = !error && in_write_.back().keep_alive();
    in_write_.clear();
    if (go_on && !held_.empty()) return write_held();  // answered while the write was under way
    if (go_on && outstanding_) return;                 // a request read ahead waits for its answer
    set_busy(false);
    if (!go_on) return close();
    // The next request is read after the loop's other answers of this round are written: by
    // then a client on another core has mostly sent it, and the read takes it at once
    // instead of failing with EAGAIN (0.9 a request under wrk -c32) and waiting for epoll.
    asio::post(socket_.get_executor(), [self = shared_from_this()] { self->read_header(); });
  }

  // `header_parsed`: every field was read though the parser stopped at the end of the
  // header (Beast's body_limit error for a Content-Length over the limit).
  void respond_itself(Response&& response, bool header_parsed = false) {
    if (state_.options.on_server_response) {
      bool have_header = parser_ && (header_parsed || parser_->is_header_done());
      state_.options.on_server_response(have_header ? &parser_->get() : nullptr, response);
    }
    respond(std::move(response));
  }

  void read_header() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_.options.header_limit));
    parser_->body_limit(state_.options.body_limit);
    arm_timeout();
    bhttp::async_read_header(socket_, buffer_, *parser_,
                             [self = shared_from_this()](beast::error_code error, std::size_t) {
                               self->on_header(error);
                             });
  }

  void on_header(beast::error_code error) {
    if (error) return on_read_error(error);
    set_busy(true);
    auto& request = parser_->get();
    auto length = parser_->content_length();
    if (length && *length > state_.options.body_limit) {
      return respond_itself(json_error(413, "request body is larger than the limit of " +
                                         std::to_string(state_.options.body_limit) + " bytes",
                                request.version(), false));
    }
    if (bhttp::verb::unknown == request.method()) {
      return respond_itself(json_error(400, "unknown HTTP method", request.version(), false));
    }
    auto expect = request[bhttp::field::expect];
    // (Not while answers to the requests before it wait: a 100 must not pass them. The
    // client sends its body after its own wait then.)
    if (beast::iequals(expect, "100-continue") && held_.empty() && !writing_) {
      // Tell the client to send the body now rather than after its own wait.
      auto self = shared_from_this();
      auto continue_response = std::make_shared<bhttp::response<bhttp::empty_body>>(bhttp::status::continue_, request.version());
      bhttp::async_write(socket_, *continue_response, [self, continue_response](beast::error_code write_error, std::size_t) {
        if (write_error) return self->close();
        self->read_body();
      });
      return;
    }
    // A request without a body (a GET) is whole already: no second read operation.
    if (parser_->is_done()) return dispatch();
    read_body();
  }

  void read_body() {
    bhttp::async_read(socket_, buffer_, *parser_, [self = shared_from_this()](beast::error_code error, std::size_t) {
      if (error) return self->on_read_error(error);
      self->dispatch();
    });
  }

  void on_read_error(beast::error_code error) {
    if (error == bhttp::error::end_of_stream || error == asio::error::eof || error == beast::error::timeout ||
        error == asio::error::connection_reset || error == asio::error::operation_aborted) {
      return close();
    }
    if (error == bhttp::error::body_limit) {
      return respond_itself(json_error(413, "request body is larger than the limit of " +
                                         std::to_string(state_.options.body_limit) + " bytes", 11, false),
                            true);
    }
    if (error == bhttp::error::header_limit) {
      return respond_itself(json_error(431, "request headers are larger than the limit of " +
                                         std::to_string(state_.options.header_limit) + " bytes", 11, false));
    }
    // Anything else is a malformed request.
    respond_itself(json_error(400, "malformed HTTP request: " + error.message(), 11, false));
  }

  void dispatch() {
    // The request is whole: no time limit while the handler works on it.
    deadline_ = Clock::time_point::max();
    outstanding_ = true;
    Request request = parser_->release();
    if (!keep_) {
      state_.handler(std::move(request), Reply(shared_from_this()));
    } else {
      std::lock_guard lock(state_.dispatch_mutex);
      if (state_.closed) return close();
      state_.handler(std::move(request), Reply(shared_from_this()));
    }
    // Answers held for this request read ahead go now when it was not answered at once
    // (a poll that waits for an event).
    if (outstanding_ && !held_.empty() && !writing_) write_held();
  }

  // A lingering close: after our last answer, read and drop what the client still
  // sends (the rest of a refused body) for a moment, so that it reads the answer
  // instead of a connection reset.
  void close() {
    closed_ = true;
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    set_deadline(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    thread_local char discard[16384];
    socket_.async_read_some(asio::buffer(discard), [self = shared_from_this()](beast::error_code error, std::size_t) {
      if (error) {
        self->deadline_ = Clock::time_point::max();
        beast::error_code ignored;
        self->socket_.close(ignored);
        return;
      }
      self->drain();
    });
  }

  // The read timeout: the request being read (or the answer being written) must be
  // done by then; none when it is zero.
  void arm_timeout() {
    if (state_.options.read_timeout.count() > 0) {
      set_deadline(state_.options.read_timeout);
    } else {
      deadline_ = Clock::time_point::max();
    }
  }

  // Moving the deadline costs a clock read: the timer that watches it is armed again
  // only when it fires before the deadline it finds then. (A timer armed and cancelled
  // at every read and write cost two timerfd_settime(2) calls per request.)
  void set_deadline(Clock::duration limit) {
    deadline_ = Clock::now() + limit;
    if (!deadline_timer_armed_) watch_deadline();
  }

  void watch_deadline() {
    deadline_timer_armed_ = true;
    deadline_timer_.expires_at(deadline_);
    // A weak reference: the timer never keeps a finished connection alive.
    deadline_timer_.async_wait([weak = weak_from_this()](beast::error_code error) {
      auto self = weak.lock();
      if (!self) return;
      self->deadline_timer_armed_ = false;
      if (error == asio::error::operation_aborted) return;
      self->on_deadline_timer();
    });
  }

  void on_deadline_timer() {
    if (deadline_ == Clock::time_point::max()) return;  // nothing to watch; the next deadline arms it
    if (Clock::now() < deadline_) return watch_deadline();
    // Too late: closing the socket ends the read or write under way with
    // operation_aborted, whose handler closes the connection.
    deadline_ = Clock::time_point::max();
    beast::error_code ignored;
    socket_.close(ignored);
  }

  void set_busy(bool busy) {
    if (busy == busy_) return;
    busy_ = busy;
    busy ? ++state_.busy : --state_.busy;
  }

  std::shared_ptr<Server::State> keep_;
  tcp::socket socket_;
  asio::io_context& context_;
  Server::State& state_;
  Clock::time_point deadline_ = Clock::time_point::max();  // max: no read or write is timed
  asio::steady_timer deadline_timer_;
  bool deadline_timer_armed_ = false;
  bool busy_ = false;
  // Answers not yet written: one, or more when requests were read ahead.
  static constexpr std::size_t kMostHeld = 8;
  std::vector<Response> held_;
  std::vector<Response> in_write_;  // the answers of the write under way
  bool writing_ = false;
  bool outstanding_ = false;  // a request handed to the handler is not yet answered
  bool closed_ = false;       // close() began: nothing more is written
  std::vector<std::string> header_texts_;  // each answer's status line and fields, reused
  std::vector<asio::const_buffer> buffers_;
  std::string remote_address_;  // empty when the peer was already gone
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
};

void Reply::operator()(Response&& response) const { session_->respond(std::move(response)); }
std::string Reply::remote_address() const { return session_->remote_address(); }

Server::Server(ServerOptions options, Handler handler) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
  state_->handler = std::move(handler);
  if (Server* other = state_->options.run_on_loops_of) {
    state_->loops = other->state_->loops;
    return;
  }
  unsigned threads = state_->options.threads ? state_->options.threads : usable_cores();
  for (unsigned i = 0; i < threads; ++i) {
    state_->contexts.push_back(std::make_unique<asio::io_context>(1));
    state_->loops.push_back(state_->contexts.back().get());
  }
}

Server::~Server() = default;

unsigned Server::threads() const { return static_cast<unsigned>(state_->contexts.size()); }

unsigned Server::current_thread_index() { return this_thread_index; }

void Server::listen() {
  beast::error_code error;
  auto address = asio::ip::make_address(state_->options.host, error);
  if (error) {
    // A name such as localhost: take its first address.
    tcp::resolver resolver(state_->accept_context);
    auto results = resolver.resolve(state_->options.host, std::to_string(state_->options.port), error);
    if (error || results.empty()) {
      throw std::runtime_error("cannot listen on host '" + state_->options.host + "': " +
                               (error ? error.message() : "it has no address"));
    }
    address = results.begin()->endpoint().address();
  }
  tcp::endpoint endpoint(address, state_->options.port);
  auto& acceptor = state_->acceptor.emplace(state_->accept_context);
  if (state_->options.listen_fd >= 0) {
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(state_->options.listen_fd, reinterpret_cast<sockaddr*>(&bound), &length);
    acceptor.assign(bound.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), state_->options.listen_fd, error);
    if (error) throw std::runtime_error("cannot accept on the socket handed over: " + error.message());
    return;
  }
  acceptor.open(endpoint.protocol(), error);
  if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor.bind(endpoint, error);
  if (!error) acceptor.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    throw std::runtime_error("cannot listen on " + state_->options.host + ":" + std::to_string(state_->options.port) +
                             ": " + error.message());
  }
}

unsigned short Server::port() const { return state_->acceptor->local_endpoint().port(); }

namespace {

void accept_next(Server::State& state) {
  if (state.stopped) return;
  auto& context = *state.loops[state.next_context];
  state.next_context = (state.next_context + 1) % state.loops.size();
  state.acceptor->async_accept(context, [&state, &context](beast::error_code error, tcp::socket socket) {
    if (error == asio::error::operation_aborted || state.stopped) return;
    if (!error) {
      socket.set_option(tcp::no_delay(true), error);
      bool over_limit = state.connections.load() >= state.options.max_connections;
      auto keep = state.options.run_on_loops_of ? state.shared_from_this() : nullptr;
      auto session = std::make_shared<Session>(std::move(socket), context, state, std::move(keep));
      session->start(over_limit);
    }
    accept_next(state);
  });
}

}  // namespace

void Server::run(const std::function<void(unsigned)>& on_thread_start) {
  if (!state_->acceptor) listen();
  accept_next(*state_);
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < state_->contexts.size(); ++i) {
    threads.emplace_back([this, i, &on_thread_start] {
      this_thread_index = i;
      if (on_thread_start) on_thread_start(i);
      auto guard = asio::make_work_guard(*state_->contexts[i]);
      state_->contexts[i]->run();
    });
  }
  state_->accept_context.run();
  for (auto& thread : threads) thread.join();
}

namespace {

// Polls until no connection is owed an answer (or the deadline passes), then stops.
void stop_when_answered(Server& server, Server::State& state, std::shared_ptr<asio::steady_timer> timer,
                        std::chrono::steady_clock::time_point deadline) {
  if (state.busy.load() == 0 || std::chrono::steady_clock::now() >= deadline) return server.stop();
  timer->expires_after(std::chrono::milliseconds(5));
  timer->async_wait([&server, &state, timer, deadline](beast::error_code) {
    stop_when_answered(server, state, timer, deadline);
  });
}

}  // namespace

void Server::stop_gracefully(std::chrono::milliseconds limit) {
  asio::post(state_->accept_context, [this, limit] {
    state_->draining = true;
    beast::error_code ignored;
    // Closes this process's descriptor only: a socket shared with another process
    // (serve --watch) stays open and queues connections for it.
    if (state_->acceptor) state_->acceptor->close(ignored);
    stop_when_answered(*this, *state_, std::make_shared<asio::steady_timer>(state_->accept_context),
                       std::chrono::steady_clock::now() + limit);
  });
}

void Server::stop() {
  if (state_->options.run_on_loops_of) {
    std::lock_guard lock(state_->dispatch_mutex);
    state_->closed = true;
  }
  asio::post(state_->accept_context, [this] {
    state_->stopped = true;
    beast::error_code ignored;
    if (state_->acceptor) state_->acceptor->close(ignored);
    for (auto& context : state_->contexts) context->stop();
    state_->accept_context.stop();
  });
}

}  // namespace strata::http
