#include "server_config.hpp"

#include <algorithm>

#include "core/handlers/handler_catalog.hpp"

namespace loopscope::scenarios {

loop::ServerOptions to_server_options(const ServerConfig& config, std::string host, std::uint16_t port) {
  loop::ServerOptions options;
  options.host = std::move(host);
  options.port = port;
  options.max_connections = config.max_connections;
  options.limits.high_water_bytes = config.high_water_bytes;
  options.limits.low_water_bytes = config.effective_low_water_bytes();
  options.limits.line_limit_bytes = config.line_limit_bytes;
  options.limits.socket_send_buffer_bytes = config.send_buffer_bytes;
  options.limits.socket_receive_buffer_bytes = config.receive_buffer_bytes;
  return options;
}

handlers::HandlerSettings to_handler_settings(const ServerConfig& config) {
  handlers::HandlerSettings settings;
  settings.blocking_delay = std::chrono::milliseconds(config.blocking_ms);
  settings.parse_cpu_time = std::chrono::milliseconds(config.parse_ms);
  settings.read_timeout = std::chrono::milliseconds(config.timeout_ms);
  settings.write_without_drain_reply_bytes = config.reply_bytes;
  return settings;
}

std::string_view server_model_name(ServerModel model) {
  switch (model) {
    case ServerModel::Loop: return "loop";
    case ServerModel::Threads: return "threads";
    case ServerModel::Pool: return "pool";
  }
  return "loop";
}

std::optional<ServerModel> server_model_from_name(std::string_view name) {
  for (const auto model : {ServerModel::Loop, ServerModel::Threads, ServerModel::Pool}) {
    if (server_model_name(model) == name) return model;
  }
  return std::nullopt;
}

std::string_view server_model_title(ServerModel model) {
  switch (model) {
    case ServerModel::Loop: return "event loop";
    case ServerModel::Threads: return "a thread per connection";
    case ServerModel::Pool: return "a pool of threads";
  }
  return "event loop";
}

threads::ThreadedServerOptions to_threaded_options(const ServerConfig& config, std::string host, std::uint16_t port) {
  threads::ThreadedServerOptions options;
  options.host = std::move(host);
  options.port = port;
  options.max_connections = config.max_connections;
  options.line_limit_bytes = config.line_limit_bytes;
  options.socket_send_buffer_bytes = config.send_buffer_bytes;
  options.socket_receive_buffer_bytes = config.receive_buffer_bytes;
  options.model = config.model == ServerModel::Pool ? threads::ThreadModel::Pool : threads::ThreadModel::PerConnection;
  options.pool_threads = config.pool_threads;
  return options;
}

threads::ThreadHandlerSettings to_thread_handler_settings(const ServerConfig& config) {
  threads::ThreadHandlerSettings settings;
  settings.blocking_delay = std::chrono::milliseconds(config.blocking_ms);
  settings.parse_cpu_time = std::chrono::milliseconds(config.parse_ms);
  return settings;
}

bool model_serves_handler(ServerModel model, std::string_view handler) {
  if (model == ServerModel::Loop) return handlers::is_handler_name(std::string(handler));
  const auto& names = threads::thread_handler_names();
  return std::find(names.begin(), names.end(), handler) != names.end();
}

std::string model_handler_names(ServerModel model) {
  return model == ServerModel::Loop ? handlers::handler_names_joined() : threads::thread_handler_names_joined();
}

}  // namespace loopscope::scenarios
