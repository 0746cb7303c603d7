#pragma once
// The socket type of a connection (and of the acceptor that makes them). Bound to the loop's
// io_context executor rather than asio::ip::tcp::socket's type-erased any_io_executor: the
// socket, and every operation pending on it, stores its executor, which takes 48 bytes when
// type-erased and 16 (or nothing) when it is the io_context's own. An idle connection is mostly
// such objects (docs/benchmarks.md, "Resident memory per idle connection").

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>

namespace loopscope::loop {

using ConnectionSocket = asio::basic_stream_socket<asio::ip::tcp, asio::io_context::executor_type>;
using ConnectionAcceptor = asio::basic_socket_acceptor<asio::ip::tcp, asio::io_context::executor_type>;

}  // namespace loopscope::loop
