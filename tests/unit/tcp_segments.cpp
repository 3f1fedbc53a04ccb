// Apart from the tests: <linux/tcp.h> has tcpi_data_segs_in, glibc's <netinet/tcp.h>
// (which Asio includes) does not, and the two cannot be included together.
#include "tcp_segments.hpp"

#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace strata::testing {

std::uint32_t data_segments_received(int socket) {
  tcp_info info{};
  socklen_t size = sizeof info;
  if (::getsockopt(socket, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) {
    throw std::runtime_error(std::string("getsockopt(TCP_INFO): ") + std::strerror(errno));
  }
  return info.tcpi_data_segs_in;
}

}  // namespace strata::testing
