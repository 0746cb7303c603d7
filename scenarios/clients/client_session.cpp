#include "client_session.hpp"

#include <asio/experimental/as_tuple.hpp>
#include <asio/read_until.hpp>
#include <asio/steady_timer.hpp>
#include <asio/use_awaitable.hpp>
#include <asio/write.hpp>

#include "core/trace/hook.hpp"
#include "core/trace/trace_clock.hpp"

namespace loopscope::scenarios {

namespace {
constexpr auto use_nothrow_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

bool is_closed_by_server(const std::error_code& error) {
  return error == asio::error::eof || error == asio::error::connection_reset;
}
}  // namespace

ClientSession::ClientSession(asio::any_io_executor executor, ClientId id, const ClientSpec& spec)
    : socket_(std::move(executor)), id_(id), spec_(spec) {}

asio::awaitable<void> ClientSession::connect(const asio::ip::tcp::endpoint& server) {
  socket_.open(server.protocol());
  if (spec_.receive_buffer_bytes) {
    socket_.set_option(asio::socket_base::receive_buffer_size(*spec_.receive_buffer_bytes));
  }
  co_await socket_.async_connect(server, asio::use_awaitable);
  socket_.set_option(asio::ip::tcp::no_delay(true));
  trace::record(trace::EventKind::ClientConnected, id_, 0, 0, {}, socket_.local_endpoint().port());
}

asio::awaitable<void> ClientSession::send(std::string_view bytes) {
  // Stamped before the write: recorded after it, the server could read (and the timeline show
  // the task resuming) before the moment the bytes were sent, and cause would follow effect.
  const std::uint64_t handed_over_ticks = trace::TraceClock::now_ticks();
  const std::size_t sent = co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                                                      asio::use_awaitable);
  trace::record_at(handed_over_ticks, trace::EventKind::ClientSent, id_, sent);
}

asio::awaitable<std::optional<std::string>> ClientSession::read_line() {
  auto [error, line_bytes] =
      co_await asio::async_read_until(socket_, asio::dynamic_buffer(received_), '\n', use_nothrow_awaitable);
  if (error) {
    if (is_closed_by_server(error)) co_return std::nullopt;
    throw std::system_error(error);
  }
  std::string line = received_.substr(0, line_bytes);
  received_.erase(0, line_bytes);
  trace::record(trace::EventKind::ClientReceived, id_, line.size());
  co_return line;
}

asio::awaitable<std::string> ClientSession::read_some(std::size_t max_bytes) {
  if (!received_.empty()) {
    std::string front = received_.substr(0, max_bytes);
    received_.erase(0, front.size());
    co_return front;
  }
  std::string chunk(max_bytes, '\0');
  auto [error, got] = co_await socket_.async_read_some(asio::buffer(chunk), use_nothrow_awaitable);
  if (error) {
    if (is_closed_by_server(error)) co_return std::string();
    throw std::system_error(error);
  }
  chunk.resize(got);
  trace::record(trace::EventKind::ClientReceived, id_, got);
  co_return chunk;
}

asio::awaitable<std::optional<std::string>> ClientSession::request(std::string_view line) {
  const std::uint64_t sent_ticks = trace::TraceClock::now_ticks();
  co_await send(line);
  std::optional<std::string> reply = co_await read_line();
  if (reply) {
    // Recorded in ticks like every duration; the drain converts it to ns.
    trace::record(trace::EventKind::ClientReply, id_, trace::TraceClock::now_ticks() - sent_ticks);
  }
  co_return reply;
}

asio::awaitable<void> ClientSession::pause(std::chrono::milliseconds duration) {
  asio::steady_timer timer(socket_.get_executor(), duration);
  co_await timer.async_wait(asio::use_awaitable);
}

void ClientSession::shutdown_send() {
  std::error_code ignored;
  socket_.shutdown(asio::socket_base::shutdown_send, ignored);
}

void ClientSession::reset() {
  std::error_code ignored;
  socket_.set_option(asio::socket_base::linger(true, 0), ignored);
  socket_.close(ignored);
}

void ClientSession::close() {
  std::error_code ignored;
  socket_.close(ignored);
}

std::string ClientSession::make_line(int index) const {
  std::string line = spec_.behaviour + " " + std::to_string(id_) + " #" + std::to_string(index);
  const std::size_t wanted = spec_.line_bytes > 1 ? spec_.line_bytes - 1 : 0;
  if (line.size() < wanted) line.append(wanted - line.size(), '.');
  return line + "\n";
}

}  // namespace loopscope::scenarios
