#include "live_session.hpp"

#include <source_location>

#include <algorithm>
#include <asio/post.hpp>
#include <cstdio>
#include <functional>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "core/handlers/handler_catalog.hpp"
#include "core/loop/loop_thread.hpp"
#include "core/loop/stream_server.hpp"
#include "core/loop/task_tools.hpp"
#include "core/trace/hook.hpp"
#include "core/trace/recorder.hpp"

namespace loopscope::scenarios {

namespace {

constexpr auto kClientStopWait = std::chrono::seconds(3);
constexpr auto kClientStopPoll = std::chrono::milliseconds(10);
constexpr auto kServerCloseGrace = std::chrono::milliseconds(1000);

}  // namespace

// Everything one session owns, declared in the order it is built; members are torn down in
// reverse, so the watchdog, the clients and the server go before the catalog (whose worker
// threads must be joined while the loop still runs), then the loop, and the recorder last:
// every thread that records into it has been joined by then.
struct LiveSession::Parts {
  explicit Parts(const LiveSessionOptions& options);

  void bind_server(std::uint16_t first_port, int next_ports_to_try);
  // Runs on the loop after a posted command, so pending_commands counts only queued ones.
  std::function<void()> count_down() {
    return [this] { pending_commands.fetch_sub(1, std::memory_order_relaxed); };
  }

  std::string host;
  ServerConfig config;
  trace::Recorder recorder;
  // The hooks write into the calling thread's ring; mark() and the watchdog's freeze events
  // therefore need this thread attached, which is why a session lives on one thread.
  trace::Recorder::Attachment main_attachment;
  trace::TraceLog log;
  model::TraceModel model;
  // Before the loop: a queued command that never runs is destroyed with the loop and never
  // touches the counter, but one that runs must find it alive.
  std::atomic<std::size_t> pending_commands{0};
  loop::LoopThread loop;
  handlers::HandlerCatalog catalog;
  std::unique_ptr<loop::StreamServer> server;
  std::uint16_t bound_port = 0;
  std::unique_ptr<ClientPool> clients;
  loop::FreezeWatchdog watchdog;
  std::chrono::steady_clock::time_point started;
  bool finished = false;
};

LiveSession::Parts::Parts(const LiveSessionOptions& options)
    : host(options.host),
      config(options.server),
      main_attachment(recorder.attach_current_thread("main")),
      loop(recorder),
      catalog(to_handler_settings(config)),
      watchdog(loop.probe()) {
  if (!handlers::is_handler_name(config.handler)) {
    throw std::invalid_argument("unknown handler '" + config.handler + "' (choose one of " +
                                handlers::handler_names_joined() + ")");
  }
  bind_server(options.port, options.next_ports_to_try);
  clients = std::make_unique<ClientPool>(recorder, server->local_endpoint());
  started = std::chrono::steady_clock::now();
}

void LiveSession::Parts::bind_server(std::uint16_t first_port, int next_ports_to_try) {
  // Port 0 cannot be taken, so there is nothing to fall back to.
  const int extra_ports = first_port == 0 ? 0 : std::max(next_ports_to_try, 0);
  const int last_port = std::min<int>(first_port + extra_ports, std::numeric_limits<std::uint16_t>::max());
  for (int port = first_port;; ++port) {
    // A server whose start() failed keeps its half-opened acceptor, so each try gets a new one.
    auto candidate = std::make_unique<loop::StreamServer>(
        loop, to_server_options(config, host, static_cast<std::uint16_t>(port)), *catalog.make(config.handler),
        config.handler);
    try {
      bound_port = candidate->start().port();
      server = std::move(candidate);
      return;
    } catch (const std::system_error&) {
      if (port >= last_port) throw;
    }
  }
}

LiveSession::LiveSession(const LiveSessionOptions& options) : parts_(std::make_unique<Parts>(options)) {}

LiveSession::~LiveSession() {
  try {
    finish();
  } catch (const std::exception& error) {
    // A destructor must not throw; the members' own destructors still stop every thread.
    std::fprintf(stderr, "loopscope: finishing the session failed: %s\n", error.what());
  }
}

const std::string& LiveSession::host() const { return parts_->host; }
std::uint16_t LiveSession::port() const { return parts_->bound_port; }
const ServerConfig& LiveSession::server_config() const { return parts_->config; }

double LiveSession::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - parts_->started).count();
}

void LiveSession::poll() {
  parts_->watchdog.poll();
  parts_->recorder.drain_into(parts_->log);
  parts_->model.append(parts_->recorder.last_batch(), parts_->log);
}

const trace::TraceLog& LiveSession::log() const { return parts_->log; }
const model::TraceModel& LiveSession::model() const { return parts_->model; }
const loop::FreezeState& LiveSession::freeze() const { return parts_->watchdog.last(); }

trace::TraceLog LiveSession::take_log() {
  trace::TraceLog taken = std::move(parts_->log);
  // Later drains add only new sites and sources, so the tables stay behind for them.
  parts_->log = trace::TraceLog{};
  parts_->log.sites = taken.sites;
  parts_->log.labels = taken.labels;
  parts_->log.sources = taken.sources;
  parts_->log.start_unix_ns = taken.start_unix_ns;
  return taken;
}

void LiveSession::set_handler(const std::string& handler_name) {
  auto handler = parts_->catalog.make(handler_name);
  if (!handler) {
    throw std::invalid_argument("unknown handler '" + handler_name + "' (choose one of " +
                                handlers::handler_names_joined() + ")");
  }
  parts_->pending_commands.fetch_add(1, std::memory_order_relaxed);
  parts_->server->post_set_handler(std::move(*handler), handler_name, parts_->count_down());
  parts_->config.handler = handler_name;
}

void LiveSession::set_write_buffer_limits(std::size_t high_water_bytes, std::size_t low_water_bytes) {
  // Refused here rather than on the loop, where the writer would throw and the command would
  // stay counted as pending for ever.
  if (low_water_bytes > high_water_bytes) {
    throw std::invalid_argument("the low-water mark must not exceed the high-water mark");
  }
  parts_->pending_commands.fetch_add(1, std::memory_order_relaxed);
  parts_->server->post_set_write_buffer_limits(high_water_bytes, low_water_bytes, parts_->count_down());
  parts_->config.high_water_bytes = high_water_bytes;
  parts_->config.low_water_bytes = low_water_bytes;
}

void LiveSession::set_socket_buffers(std::optional<int> send_buffer_bytes, std::optional<int> receive_buffer_bytes) {
  if ((send_buffer_bytes && *send_buffer_bytes <= 0) || (receive_buffer_bytes && *receive_buffer_bytes <= 0)) {
    throw std::invalid_argument("socket buffer sizes must be above 0");
  }
  parts_->pending_commands.fetch_add(1, std::memory_order_relaxed);
  parts_->server->post_set_socket_buffers(send_buffer_bytes, receive_buffer_bytes, parts_->count_down());
  parts_->config.send_buffer_bytes = send_buffer_bytes;
  parts_->config.receive_buffer_bytes = receive_buffer_bytes;
}

void LiveSession::inject_blocking(std::chrono::milliseconds duration) {
  parts_->pending_commands.fetch_add(1, std::memory_order_relaxed);
  // Queued behind whatever the loop is doing, as any command to the loop is.
  asio::post(parts_->loop.context(), [duration, done = parts_->count_down()] {
    // This code belongs to no task: without this, the freeze would blame whichever task the
    // loop ran last.
    loop::enter_task(0, std::source_location::current());
    loop::block_loop_for(duration);
    done();
  });
}

void LiveSession::mark(std::string_view text) {
  trace::record(trace::EventKind::Mark, 0, parts_->recorder.intern_label(text));
}

void LiveSession::record_lesson_step(std::string_view lesson_id, std::size_t step_index) {
  trace::record(trace::EventKind::LessonStep, static_cast<std::uint32_t>(step_index),
                parts_->recorder.intern_label(lesson_id));
}

void LiveSession::record_lesson_wait(trace::EventKind kind, std::string_view lesson_id, std::uint32_t subject,
                                     std::uint8_t detail, std::uint16_t aux) {
  trace::record(kind, subject, parts_->recorder.intern_label(lesson_id), detail, {}, aux);
}

std::size_t LiveSession::pending_commands() const {
  return parts_->pending_commands.load(std::memory_order_relaxed);
}

ClientPool& LiveSession::clients() { return *parts_->clients; }

void LiveSession::start_clients(const ClientSpec& spec, int count) {
  for (int index = 0; index < count; ++index) parts_->clients->start(spec);
}

void LiveSession::finish() {
  if (parts_->finished) return;
  parts_->finished = true;
  parts_->clients->stop_all();
  const auto deadline = std::chrono::steady_clock::now() + kClientStopWait;
  while (parts_->clients->running() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kClientStopPoll);
  }
  parts_->server->close(kServerCloseGrace);
  poll();
}

bool LiveSession::finished() const { return parts_->finished; }

}  // namespace loopscope::scenarios
