#include "server_config.hpp"

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

}  // namespace loopscope::scenarios
