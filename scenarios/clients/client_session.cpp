#include "client_session.hpp"

#include <asio/experimental/as_tuple.hpp>
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

ClientSession::ClientSession(asio::any_io_executor executor, ClientId id, const ClientSpec& spec, ClientHold& hold)
    : socket_(std::move(executor)), hold_(hold), id_(id), spec_(spec) {}

asio::awaitable<void> ClientSession::connect(const asio::ip::tcp::endpoint& server) {
  co_await hold_.wait_while_held();
  socket_.open(server.protocol());
  if (spec_.receive_buffer_bytes) {
    socket_.set_option(asio::socket_base::receive_buffer_size(*spec_.receive_buffer_bytes));
  }
  co_await socket_.async_connect(server, asio::use_awaitable);
  socket_.set_option(asio::ip::tcp::no_delay(true));
  trace::record(trace::EventKind::ClientConnected, id_, 0, 0, {}, socket_.local_endpoint().port());
}

asio::awaitable<void> ClientSession::send(std::string_view bytes) {
  co_await hold_.wait_while_held();
  // Stamped before the write: recorded after it, the server could read (and the timeline show
  // the task resuming) before the moment the bytes were sent, and cause would follow effect.
  const std::uint64_t handed_over_ticks = trace::TraceClock::now_ticks();
  const std::size_t sent = co_await asio::async_write(socket_, asio::buffer(bytes.data(), bytes.size()),
                                                      asio::use_awaitable);
  trace::record_at(handed_over_ticks, trace::EventKind::ClientSent, id_, sent);
}

asio::awaitable<bool> ClientSession::receive_more(std::size_t max_bytes) {
  // Readiness first, then the hold: waiting to be readable consumes nothing, so bytes that
  // arrive while the class is thinking stay in the kernel, where the server's buffers see them.
  auto [wait_error] = co_await socket_.async_wait(asio::socket_base::wait_read, use_nothrow_awaitable);
  if (wait_error) throw std::system_error(wait_error);
  co_await hold_.wait_while_held();
  std::string chunk(max_bytes, '\0');
  auto [error, got] = co_await socket_.async_read_some(asio::buffer(chunk), use_nothrow_awaitable);
  if (error) {
    if (is_closed_by_server(error)) co_return false;
    throw std::system_error(error);
  }
  received_.append(chunk, 0, got);
  co_return true;
}

asio::awaitable<std::optional<std::string>> ClientSession::read_line() {
  constexpr std::size_t kReadChunk_bytes = 64 * 1024;
  std::size_t newline = received_.find('\n');
  while (newline == std::string::npos) {
    const std::size_t searched = received_.size();
    if (!co_await receive_more(kReadChunk_bytes)) co_return std::nullopt;
    newline = received_.find('\n', searched);
  }
  std::string line = received_.substr(0, newline + 1);
  received_.erase(0, newline + 1);
  trace::record(trace::EventKind::ClientReceived, id_, line.size());
  co_return line;
}

asio::awaitable<std::string> ClientSession::read_some(std::size_t max_bytes) {
  if (received_.empty()) {
    if (!co_await receive_more(max_bytes)) co_return std::string();
    trace::record(trace::EventKind::ClientReceived, id_, received_.size());
  }
  std::string front = received_.substr(0, max_bytes);
  received_.erase(0, front.size());
  co_return front;
}

asio::awaitable<std::optional<std::string>> ClientSession::request(std::string_view line) {
  const std::uint64_t sent_ticks = trace::TraceClock::now_ticks();
  const ClientHold::Clock::duration held_before = hold_.held_total();
  co_await send(line);
  std::optional<std::string> reply = co_await read_line();
  if (reply) {
    // Recorded in ticks like every duration; the drain converts it to ns. Time the client was
    // held (the class answering) is not the server's: it is left out of the round trip.
    std::uint64_t round_trip_ticks = trace::TraceClock::now_ticks() - sent_ticks;
    const auto held_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(hold_.held_total() - held_before).count();
    const auto held_ticks = static_cast<std::uint64_t>(static_cast<double>(held_ns) / trace::TraceClock::calibrated().ns_per_tick());
    round_trip_ticks = round_trip_ticks > held_ticks ? round_trip_ticks - held_ticks : 0;
    trace::record(trace::EventKind::ClientReply, id_, round_trip_ticks);
  }
  co_return reply;
}

asio::awaitable<void> ClientSession::pause(std::chrono::milliseconds duration) {
  co_await hold_.pause_unheld(duration);
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
