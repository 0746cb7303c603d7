#pragma once
// How a server is set up, as `loopscope serve` options and a lesson's "server" section both
// describe it, and its translation into what core/loop and core/handlers take.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/handlers/handler_settings.hpp"
#include "core/loop/stream_server.hpp"
#include "core/threads/threaded_server.hpp"

namespace loopscope::scenarios {

// How the server serves its connections: the event loop (one thread, a coroutine each), a
// thread per connection, or a bounded pool of threads.
enum class ServerModel { Loop, Threads, Pool };

std::string_view server_model_name(ServerModel model);  // "loop", "threads", "pool"
std::optional<ServerModel> server_model_from_name(std::string_view name);
std::string_view server_model_title(ServerModel model);  // "event loop", "a thread per connection", ...

struct ServerConfig {
  ServerModel model = ServerModel::Loop;
  std::size_t pool_threads = 50;  // Pool: worker threads (the seeds' table's 50)
  std::string handler = "echo";
  std::size_t high_water_bytes = 64 * 1024;
  std::optional<std::size_t> low_water_bytes;  // default: high / 4, as asyncio
  std::size_t line_limit_bytes = 64 * 1024;
  std::optional<int> send_buffer_bytes;
  std::optional<int> receive_buffer_bytes;
  std::size_t max_connections = 1024;
  std::uint32_t blocking_ms = 500;
  std::uint32_t parse_ms = 300;
  std::uint32_t timeout_ms = 2000;
  std::size_t reply_bytes = 64 * 1024;

  std::size_t effective_low_water_bytes() const { return low_water_bytes.value_or(high_water_bytes / 4); }
};

loop::ServerOptions to_server_options(const ServerConfig& config, std::string host, std::uint16_t port);
handlers::HandlerSettings to_handler_settings(const ServerConfig& config);
threads::ThreadedServerOptions to_threaded_options(const ServerConfig& config, std::string host, std::uint16_t port);
threads::ThreadHandlerSettings to_thread_handler_settings(const ServerConfig& config);
// Whether the model serves this handler (the threaded servers have echo, upper,
// blocking_sleep and cpu_parse), and the names it does serve, for messages.
bool model_serves_handler(ServerModel model, std::string_view handler);
std::string model_handler_names(ServerModel model);

}  // namespace loopscope::scenarios
