#pragma once
// A real server on a real loop thread for tests: Recorder + LoopThread + handler catalog +
// any number of StreamServers on 127.0.0.1 port 0. Destroying it closes the servers (bounded)
// and joins the loop thread, so no test leaves a thread behind.

#include <memory>
#include <string>
#include <vector>

#include "core/handlers/handler_catalog.hpp"
#include "core/loop/loop_thread.hpp"
#include "core/loop/stream_server.hpp"
#include "core/trace/recorder.hpp"
#include "core/trace/trace_log.hpp"

namespace loopscope::testing {

class ServerHarness {
 public:
  explicit ServerHarness(handlers::HandlerSettings settings = {})
      : main_attachment_(recorder_.attach_current_thread("main")), catalog_(settings) {}
  ServerHarness(const ServerHarness&) = delete;
  ServerHarness& operator=(const ServerHarness&) = delete;
  ~ServerHarness() {
    for (auto& server : servers_) server->close(std::chrono::milliseconds(1000));
  }

  // Starts a server running the named catalog handler; returns its port.
  std::uint16_t start(const std::string& handler_name, loop::ServerOptions options = {}) {
    auto handler = catalog_.make(handler_name);
    if (!handler) throw std::invalid_argument("unknown handler " + handler_name);
    return start(std::move(*handler), handler_name, std::move(options));
  }

  std::uint16_t start(loop::ConnectionHandler handler, const std::string& name, loop::ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    servers_.push_back(std::make_unique<loop::StreamServer>(loop_, std::move(options), std::move(handler), name));
    return servers_.back()->start().port();
  }

  loop::StreamServer& server(std::size_t index = 0) { return *servers_.at(index); }
  loop::LoopThread& loop() { return loop_; }
  handlers::HandlerCatalog& catalog() { return catalog_; }
  trace::Recorder& recorder() { return recorder_; }

  // Everything recorded so far, merged by time.
  const trace::TraceLog& drain() {
    recorder_.drain_into(log_);
    return log_;
  }

 private:
  trace::Recorder recorder_;
  trace::Recorder::Attachment main_attachment_;
  trace::TraceLog log_;
  loop::LoopThread loop_{recorder_};
  handlers::HandlerCatalog catalog_;
  std::vector<std::unique_ptr<loop::StreamServer>> servers_;
};

}  // namespace loopscope::testing
