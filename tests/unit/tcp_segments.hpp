#pragma once
// What the kernel counts for a TCP socket, to tell how many writes an answer took.
#include <cstdint>

namespace strata::testing {

// Segments with data this socket has received (TCP_INFO's tcpi_data_segs_in). On
// loopback each write of the peer's (with TCP_NODELAY) arrives as one.
std::uint32_t data_segments_received(int socket);

}  // namespace strata::testing
