#pragma once
// One scripted client's connection, on the clients' own io_context. Every send, receive and
// request/reply round trip is recorded into the clients thread's ring, so client-side latency
// shares the server's time axis. While the pool's ClientHold is held, it neither connects, sends
// nor reads (bytes the server sends wait in the kernel), and its pauses stand still.

#include <asio/awaitable.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "scenarios/clients/client_hold.hpp"
#include "scenarios/clients/client_spec.hpp"

namespace loopscope::scenarios {

using ClientId = std::uint32_t;

class ClientSession : public std::enable_shared_from_this<ClientSession> {
 public:
  ClientSession(asio::any_io_executor executor, ClientId id, const ClientSpec& spec, ClientHold& hold);

  ClientId id() const { return id_; }
  const ClientSpec& spec() const { return spec_; }

  asio::awaitable<void> connect(const asio::ip::tcp::endpoint& server);
  asio::awaitable<void> send(std::string_view bytes);
  // The next line with its "\n"; nullopt when the server closed the connection.
  asio::awaitable<std::optional<std::string>> read_line();
  // Up to max_bytes, as soon as any arrive; "" when the server closed the connection.
  asio::awaitable<std::string> read_some(std::size_t max_bytes);
  // Sends one line and waits for one reply line; records the round trip.
  asio::awaitable<std::optional<std::string>> request(std::string_view line);
  asio::awaitable<void> pause(std::chrono::milliseconds duration);

  void shutdown_send();
  void reset();  // SO_LINGER 0 then close: the server sees a reset
  void close();

  // A line of `bytes` bytes (newline included) that says who sent it.
  std::string make_line(int index) const;

 private:
  // Waits until bytes (or the end of the stream) are there and the hold lets us read them, then
  // takes what has arrived, at most max_bytes, into received_. False at the end of the stream.
  asio::awaitable<bool> receive_more(std::size_t max_bytes);

  asio::ip::tcp::socket socket_;
  ClientHold& hold_;
  ClientId id_;
  ClientSpec spec_;
  std::string received_;  // bytes read past the last line handed out
};

}  // namespace loopscope::scenarios
