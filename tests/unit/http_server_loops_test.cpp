// A server run on another server's event loops (serve's Runtime API servers on the
// gateway's): its handler runs on that server's loop thread, and after its stop() no
// request reaches the handler.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "http/client.hpp"
#include "http/server.hpp"

namespace strata::http {
namespace {

namespace bhttp = boost::beast::http;

Response text(const std::string& body) {
  Response response{bhttp::status::ok, 11};
  response.body() = body;
  response.prepare_payload();
  return response;
}

TEST(HttpServerLoops, AServerOnAnothersLoopsHandlesOnThoseLoopsAndNotAfterItsStop) {
  ServerOptions loop_options;
  loop_options.port = 0;
  loop_options.threads = 1;
  Server loops(loop_options, [](Request&&, Reply reply) { reply(text("loops")); });
  loops.listen();
  std::atomic<std::thread::id> loop_thread;
  std::thread loops_runner([&] { loops.run([&](unsigned) { loop_thread = std::this_thread::get_id(); }); });

  ServerOptions options;
  options.port = 0;
  options.run_on_loops_of = &loops;
  std::atomic<int> handled{0};
  std::thread::id handler_thread;
  Server guest(options, [&](Request&&, Reply reply) {
    handler_thread = std::this_thread::get_id();
    ++handled;
    reply(text("guest"));
  });
  guest.listen();
  std::thread guest_runner([&] { guest.run(); });

  Client client("127.0.0.1", std::to_string(guest.port()));
  EXPECT_EQ(client.request(bhttp::verb::get, "/").body(), "guest");
  EXPECT_EQ(handler_thread, loop_thread.load());

  guest.stop();
  guest_runner.join();
  // The open connection is closed instead of handled, and nothing accepts a new one.
  EXPECT_THROW(client.request(bhttp::verb::get, "/"), boost::system::system_error);
  EXPECT_EQ(handled.load(), 1);

  loops.stop();
  loops_runner.join();
}

}  // namespace
}  // namespace strata::http
