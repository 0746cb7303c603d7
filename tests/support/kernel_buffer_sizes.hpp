#pragma once
// What the kernel reports for SO_SNDBUF / SO_RCVBUF once asked for `bytes` (Linux doubles it),
// as the trace records it: tests compare the recorded SocketBuffer limits against this.

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <cstdint>
#include <utility>

namespace loopscope::testing {

inline std::pair<std::uint64_t, std::uint64_t> kernel_buffer_sizes_for(int bytes) {
  asio::io_context context;
  asio::ip::tcp::socket probe(context, asio::ip::tcp::v4());
  probe.set_option(asio::socket_base::send_buffer_size(bytes));
  probe.set_option(asio::socket_base::receive_buffer_size(bytes));
  asio::socket_base::send_buffer_size send;
  asio::socket_base::receive_buffer_size receive;
  probe.get_option(send);
  probe.get_option(receive);
  return {static_cast<std::uint64_t>(send.value()), static_cast<std::uint64_t>(receive.value())};
}

}  // namespace loopscope::testing
