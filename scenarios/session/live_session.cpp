#include "live_session.hpp"

#include <source_location>

#include <algorithm>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/post.hpp>
#include <cstdio>
#include <functional>
#include <limits>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "core/handlers/handler_catalog.hpp"
#include "core/loop/freeze_watchdog.hpp"
#include "core/loop/loop_thread.hpp"
#include "core/loop/stream_server.hpp"
#include "core/loop/task_tools.hpp"
#include "core/process/process_gauges.hpp"
#include "core/threads/threaded_server.hpp"
#include "core/trace/hook.hpp"
#include "core/trace/recorder.hpp"
#include "scenarios/asyncio/asyncio_files.hpp"
#include "scenarios/asyncio/probe_process.hpp"
#include "scenarios/asyncio/wire_trace_feed.hpp"

namespace loopscope::scenarios {

namespace {

constexpr auto kClientStopWait = std::chrono::seconds(3);
constexpr auto kClientStopPoll = std::chrono::milliseconds(10);
constexpr auto kServerCloseGrace = std::chrono::milliseconds(1000);
constexpr auto kAsyncioStartPoll = std::chrono::milliseconds(10);
// The lesson server applies a command on its own thread, so even a frozen loop answers at
// once; the bound is for a child that has stopped reading.
constexpr auto kAsyncioCommandWait = std::chrono::milliseconds(2000);

// The last port to try from `first_port` on. Port 0 cannot be taken, so there is nothing to
// fall back to.
int last_port_to_try(std::uint16_t first_port, int next_ports_to_try) {
  const int extra_ports = first_port == 0 ? 0 : std::max(next_ports_to_try, 0);
  return std::min<int>(first_port + extra_ports, std::numeric_limits<std::uint16_t>::max());
}

// The first port from `first_port` on that can be bound now, for a server in another process
// (which binds it itself a moment later, with SO_REUSEADDR as asyncio does). 0 stays 0.
std::uint16_t first_bindable_port(const std::string& host, std::uint16_t first_port, int next_ports_to_try) {
  if (first_port == 0) return 0;
  const int last_port = last_port_to_try(first_port, next_ports_to_try);
  asio::io_context context;
  for (int port = first_port;; ++port) {
    asio::ip::tcp::acceptor acceptor(context);
    std::error_code error;
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(host, error), static_cast<std::uint16_t>(port));
    if (error) throw std::system_error(error, "the host " + host);
    acceptor.open(endpoint.protocol(), error);
    if (!error) acceptor.set_option(asio::socket_base::reuse_address(true), error);
    if (!error) acceptor.bind(endpoint, error);
    if (!error) return static_cast<std::uint16_t>(port);
    if (port >= last_port) throw std::system_error(error, "no free port from " + std::to_string(first_port));
  }
}

std::string optional_bytes(const std::optional<int>& bytes) { return bytes ? std::to_string(*bytes) : "default"; }

// The probe's options and the lesson server's arguments that give the twins a lesson's server.
ProbeLaunch twins_launch(const AsyncioFiles& files, const ServerConfig& config, const std::string& host,
                         std::uint16_t port) {
  ProbeLaunch launch;
  launch.python = files.python;
  launch.probe_path = files.probe_path;
  launch.script = files.lesson_server;
  launch.control_pipe = true;
  launch.probe_options = {"--host", host, "--port", std::to_string(port),
                          "--line-limit", std::to_string(config.line_limit_bytes),
                          "--high-water", std::to_string(config.high_water_bytes),
                          "--low-water", std::to_string(config.effective_low_water_bytes())};
  if (config.send_buffer_bytes) {
    launch.probe_options.insert(launch.probe_options.end(), {"--send-buffer", std::to_string(*config.send_buffer_bytes)});
  }
  if (config.receive_buffer_bytes) {
    launch.probe_options.insert(launch.probe_options.end(),
                                {"--receive-buffer", std::to_string(*config.receive_buffer_bytes)});
  }
  launch.script_args = {"--assets", files.twins, "--handler", config.handler,
                        "--reply-bytes", std::to_string(config.reply_bytes),
                        "--blocking-ms", std::to_string(config.blocking_ms),
                        "--parse-ms", std::to_string(config.parse_ms),
                        "--timeout-ms", std::to_string(config.timeout_ms),
                        "--ack-fd", std::to_string(ProbeProcess::kChildAckFd)};
  return launch;
}

model::FreezeNow freeze_from_watchdog(const loop::FreezeState& state) {
  model::FreezeNow now;
  if (!state.frozen) return now;
  now.frozen = true;
  now.frozen_for_ns = state.frozen_for_ns;
  now.task = state.task;
  std::string_view file = state.site.file_name() == nullptr ? std::string_view() : state.site.file_name();
  if (const auto slash = file.find_last_of('/'); slash != std::string_view::npos) file.remove_prefix(slash + 1);
  now.site = file.empty() || state.site.line() == 0 ? std::string("an unknown place")
                                                    : std::string(file) + ":" + std::to_string(state.site.line());
  if (state.site.function_name() != nullptr) now.function = state.site.function_name();
  return now;
}

}  // namespace

// Everything one session owns, declared in the order it is built; members are torn down in
// reverse, so the watchdog, the clients and the server go before the catalog (whose worker
// threads must be joined while the loop still runs), then the loop, and the recorder last:
// every thread that records into it has been joined by then. The loop, the catalog and the
// watchdog exist for Loopscope's own server only: an idle C++ loop beside a Python one would
// put its own heartbeat and callbacks into the asyncio trace.
struct LiveSession::Parts {
  explicit Parts(const LiveSessionOptions& options);

  // Starts the server of config.model (the loop's parts only for the loop model).
  void start_loopscope_server(std::uint16_t first_port, int next_ports_to_try);
  void bind_server(std::uint16_t first_port, int next_ports_to_try);
  void bind_threaded_server(std::uint16_t first_port, int next_ports_to_try);
  // Closes whichever of Loopscope's servers runs, and the loop with it.
  void close_loopscope_server();
  void start_asyncio(const LiveSessionOptions& options);
  void take_probe_updates();
  // A command to the twins' lesson server. Those that decide what later connections get are
  // waited for (bounded), so a lesson's next clients meet the new handler, as they do when
  // Loopscope's loop runs the posted command before it accepts them.
  void command_asyncio(const std::string& line, bool wait_until_applied = true);
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
  std::optional<loop::LoopThread> loop;
  std::optional<handlers::HandlerCatalog> catalog;
  std::unique_ptr<loop::StreamServer> server;
  // The thread-per-connection or pool server, when config.model asks for one (no loop then).
  std::unique_ptr<threads::ThreadedServer> threaded;
  std::uint16_t bound_port = 0;
  std::uint32_t next_first_id = 1;  // the first task id of the server being started
  ServerBackend backend;
  // An asyncio server: its process and the feed of its stream into the recorder.
  std::unique_ptr<WireTraceFeed> feed;
  std::unique_ptr<ProbeProcess> probe;
  std::optional<std::string> server_ended;
  std::unique_ptr<ClientPool> clients;
  std::optional<loop::FreezeWatchdog> watchdog;
  // Loopscope's own servers run in this process, so its gauges are theirs (and the clients').
  process::ProcessGaugeSampler gauges;
  model::FreezeNow freeze_now;
  std::chrono::steady_clock::time_point started;
  bool finished = false;
};

LiveSession::Parts::Parts(const LiveSessionOptions& options)
    : host(options.host),
      config(options.server),
      main_attachment(recorder.attach_current_thread("main")),
      backend(options.backend) {
  if (backend != ServerBackend::AsyncioProgram && !handlers::is_handler_name(config.handler)) {
    throw std::invalid_argument("unknown handler '" + config.handler + "' (choose one of " +
                                handlers::handler_names_joined() + ")");
  }
  if (backend != ServerBackend::Loopscope) config.model = ServerModel::Loop;  // asyncio's is a loop
  if (!model_serves_handler(config.model, config.handler)) {
    throw std::invalid_argument("the " + std::string(server_model_name(config.model)) + " model has no " +
                                config.handler + " handler (it serves " + model_handler_names(config.model) + ")");
  }
  if (backend == ServerBackend::Loopscope) {
    start_loopscope_server(options.port, options.next_ports_to_try);
    clients = std::make_unique<ClientPool>(
        recorder, server ? server->local_endpoint() : asio::ip::tcp::endpoint(asio::ip::make_address(host), bound_port));
    gauges.poll(true);
  } else {
    start_asyncio(options);
    clients = std::make_unique<ClientPool>(
        recorder, asio::ip::tcp::endpoint(asio::ip::make_address(host), bound_port));
  }
  started = std::chrono::steady_clock::now();
}

void LiveSession::Parts::start_asyncio(const LiveSessionOptions& options) {
  const AsyncioFiles files = find_asyncio_files();
  ProbeLaunch launch;
  if (backend == ServerBackend::AsyncioTwins) {
    launch = twins_launch(files, config, host, first_bindable_port(host, options.port, options.next_ports_to_try));
  } else {
    launch.python = files.python;
    launch.probe_path = files.probe_path;
    launch.script = options.program;
    launch.script_args = options.program_args;
  }
  feed = std::make_unique<WireTraceFeed>(recorder, "asyncio");
  probe = std::make_unique<ProbeProcess>(launch);
  // The clients need the address, and a lesson must not start before its server listens.
  // What arrives meanwhile is kept aside: the trace's time 0 is when the server listens (as a
  // C++ session's is its server's start), so Python's start-up does not shift a comparison.
  const auto deadline = std::chrono::steady_clock::now() + options.asyncio_start_timeout;
  wire::WireUpdate before_listening;
  while (before_listening.listening.empty()) {
    before_listening.append(probe->take_updates());
    if (!before_listening.listening.empty()) break;
    if (probe->stream_over()) {
      before_listening.append(probe->take_updates());
      if (!before_listening.listening.empty()) break;
      throw std::runtime_error("the asyncio server did not start: " + probe->ended_reason().value_or("no reason given"));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      throw std::runtime_error("the asyncio program did not start a server within " +
                               std::to_string(options.asyncio_start_timeout.count() / 1000) +
                               " s (asyncio.start_server or loop.create_server)");
    }
    std::this_thread::sleep_for(kAsyncioStartPoll);
  }
  recorder.restart_clock();
  feed->deliver(std::move(before_listening));
  const wire::WireListening listening = *feed->listening();
  // A server on every interface (0.0.0.0) is reached through loopback.
  host = listening.ipv4 == 0 ? std::string("127.0.0.1") : asio::ip::address_v4(listening.ipv4).to_string();
  bound_port = listening.port;
}

void LiveSession::Parts::take_probe_updates() {
  feed->deliver(probe->take_updates());
  if (!server_ended && probe->stream_over()) {
    // What arrived with the end (or before the fault) is delivered before the reason is kept.
    feed->deliver(probe->take_updates());
    server_ended = probe->ended_reason();
  }
}

void LiveSession::Parts::command_asyncio(const std::string& line, bool wait_until_applied) {
  if (backend != ServerBackend::AsyncioTwins) {
    throw std::logic_error("this is the learner's own asyncio program: Loopscope does not change it");
  }
  probe->send_control_line(line, wait_until_applied ? std::optional(kAsyncioCommandWait) : std::nullopt);
}

void LiveSession::Parts::start_loopscope_server(std::uint16_t first_port, int next_ports_to_try) {
  // Past every id the trace holds: a server that replaces another must not reuse its task ids,
  // or the model would take two connections for one.
  std::uint32_t first_id = 1;
  if (!model.tasks().empty()) first_id = std::max(first_id, model.tasks().rbegin()->first + 1);
  if (!model.connections().empty()) first_id = std::max(first_id, model.connections().rbegin()->first + 1);
  next_first_id = first_id;
  if (config.model == ServerModel::Loop) {
    loop.emplace(recorder);
    catalog.emplace(to_handler_settings(config));
    watchdog.emplace(loop->probe());
    bind_server(first_port, next_ports_to_try);
  } else {
    bind_threaded_server(first_port, next_ports_to_try);
  }
}

void LiveSession::Parts::bind_threaded_server(std::uint16_t first_port, int next_ports_to_try) {
  const int last_port = last_port_to_try(first_port, next_ports_to_try);
  for (int port = first_port;; ++port) {
    threads::ThreadedServerOptions threaded_options = to_threaded_options(config, host, static_cast<std::uint16_t>(port));
    threaded_options.first_connection_id = next_first_id;
    auto candidate = std::make_unique<threads::ThreadedServer>(
        recorder, threaded_options,
        *threads::make_thread_handler(config.handler, to_thread_handler_settings(config)), config.handler);
    try {
      bound_port = candidate->start();
      threaded = std::move(candidate);
      return;
    } catch (const std::system_error&) {
      if (port >= last_port) throw;
    }
  }
}

void LiveSession::Parts::close_loopscope_server() {
  if (server) server->close(kServerCloseGrace);
  if (threaded) threaded->close(kServerCloseGrace);
  // In the order the members would go: the watchdog, the server, the catalog, then the loop.
  watchdog.reset();
  server.reset();
  catalog.reset();
  loop.reset();
  threaded.reset();
}

void LiveSession::Parts::bind_server(std::uint16_t first_port, int next_ports_to_try) {
  const int last_port = last_port_to_try(first_port, next_ports_to_try);
  for (int port = first_port;; ++port) {
    // A server whose start() failed keeps its half-opened acceptor, so each try gets a new one.
    loop::ServerOptions server_options = to_server_options(config, host, static_cast<std::uint16_t>(port));
    server_options.first_task_id = next_first_id;
    auto candidate = std::make_unique<loop::StreamServer>(*loop, server_options, *catalog->make(config.handler),
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
ServerBackend LiveSession::backend() const { return parts_->backend; }

std::string LiveSession::runtime() const {
  if (!parts_->feed || !parts_->feed->hello()) return {};
  return parts_->feed->hello()->runtime;
}

std::string LiveSession::program_path() const {
  if (!parts_->feed || !parts_->feed->hello()) return {};
  return parts_->feed->hello()->program;
}

const std::optional<std::string>& LiveSession::server_ended() const { return parts_->server_ended; }

std::optional<int> LiveSession::server_exit_status() const {
  if (!parts_->probe || !parts_->server_ended) return std::nullopt;
  return parts_->probe->exit_status();
}
bool LiveSession::takes_server_commands() const { return parts_->backend != ServerBackend::AsyncioProgram; }
bool LiveSession::has_loop() const { return parts_->backend != ServerBackend::Loopscope || parts_->loop.has_value(); }

void LiveSession::set_model(ServerModel model) {
  Parts& parts = *parts_;
  if (parts.backend != ServerBackend::Loopscope) {
    throw std::logic_error("only Loopscope's own server comes as threads; an asyncio server is a loop");
  }
  if (!model_serves_handler(model, parts.config.handler)) {
    throw std::invalid_argument("the " + std::string(server_model_name(model)) + " model has no " + parts.config.handler +
                                " handler (it serves " + model_handler_names(model) + ")");
  }
  if (model == parts.config.model) return;
  // The clients keep the address: the next server listens on the same port (SO_REUSEADDR).
  parts.close_loopscope_server();
  poll();  // every event of the old server is in the model before the next ids are chosen
  parts.config.model = model;
  parts.start_loopscope_server(parts.bound_port, 0);
  // Short, so the mark's label fits beside its line on a projector's narrow timeline.
  mark("server: " + std::string(server_model_name(model)));
}

double LiveSession::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - parts_->started).count();
}

void LiveSession::poll() {
  Parts& parts = *parts_;
  if (parts.probe) {
    parts.take_probe_updates();
  } else {
    if (parts.watchdog) parts.watchdog->poll();
    parts.gauges.poll();
  }
  parts.recorder.drain_into(parts.log);
  parts.model.append(parts.recorder.last_batch(), parts.log);
  if (parts.probe) {
    // The probe's own watchdog sends FreezeBegin while the loop is stuck; the model holds it open.
    parts.freeze_now = parts.server_ended ? model::FreezeNow{}
                                          : model::open_freeze_at(parts.model, parts.log, parts.recorder.now_ns());
  } else {
    // Threads have no loop to freeze: each blocks on its own.
    parts.freeze_now = parts.watchdog ? freeze_from_watchdog(parts.watchdog->last()) : model::FreezeNow{};
  }
}

const trace::TraceLog& LiveSession::log() const { return parts_->log; }
const model::TraceModel& LiveSession::model() const { return parts_->model; }
const std::vector<trace::TraceEvent>& LiveSession::last_batch() const { return parts_->recorder.last_batch(); }
const model::FreezeNow& LiveSession::freeze() const { return parts_->freeze_now; }

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
  if (!handlers::is_handler_name(handler_name)) {
    throw std::invalid_argument("unknown handler '" + handler_name + "' (choose one of " +
                                handlers::handler_names_joined() + ")");
  }
  if (parts_->probe) {
    parts_->command_asyncio("handler " + handler_name);
    parts_->config.handler = handler_name;
    return;
  }
  if (parts_->threaded) {
    if (!model_serves_handler(parts_->config.model, handler_name)) {
      throw std::invalid_argument("the " + std::string(server_model_name(parts_->config.model)) + " model has no " +
                                  handler_name + " handler (it serves " + model_handler_names(parts_->config.model) + ")");
    }
    parts_->threaded->set_handler(*threads::make_thread_handler(handler_name, to_thread_handler_settings(parts_->config)),
                                  handler_name);
    parts_->config.handler = handler_name;
    return;
  }
  auto handler = parts_->catalog->make(handler_name);
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
  if (parts_->probe) {
    parts_->command_asyncio("limits " + std::to_string(high_water_bytes) + " " + std::to_string(low_water_bytes));
    parts_->config.high_water_bytes = high_water_bytes;
    parts_->config.low_water_bytes = low_water_bytes;
    return;
  }
  if (parts_->threaded) {
    throw std::logic_error("a threaded server has no writer buffer to limit: its threads write straight to the kernel");
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
  if (parts_->probe) {
    parts_->command_asyncio("buffers " + optional_bytes(send_buffer_bytes) + " " + optional_bytes(receive_buffer_bytes));
    parts_->config.send_buffer_bytes = send_buffer_bytes;
    parts_->config.receive_buffer_bytes = receive_buffer_bytes;
    return;
  }
  if (parts_->threaded) {
    parts_->threaded->set_socket_buffers(send_buffer_bytes, receive_buffer_bytes);
    parts_->config.send_buffer_bytes = send_buffer_bytes;
    parts_->config.receive_buffer_bytes = receive_buffer_bytes;
    return;
  }
  parts_->pending_commands.fetch_add(1, std::memory_order_relaxed);
  parts_->server->post_set_socket_buffers(send_buffer_bytes, receive_buffer_bytes, parts_->count_down());
  parts_->config.send_buffer_bytes = send_buffer_bytes;
  parts_->config.receive_buffer_bytes = receive_buffer_bytes;
}

void LiveSession::inject_blocking(std::chrono::milliseconds duration) {
  if (parts_->probe) {
    parts_->command_asyncio("block " + std::to_string(duration.count()), false);
    return;
  }
  if (!parts_->loop) {
    throw std::logic_error("a threaded server has no loop to block: each thread blocks on its own (blocking_sleep)");
  }
  parts_->pending_commands.fetch_add(1, std::memory_order_relaxed);
  // Queued behind whatever the loop is doing, as any command to the loop is.
  asio::post(parts_->loop->context(), [duration, done = parts_->count_down()] {
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
  // A reading right before the clients start: what they cost is measured from here
  // (lesson checks: gauge_per_client), not from a reading up to 100 ms old.
  if (!parts_->probe) parts_->gauges.poll(true);
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
  if (parts_->probe) {
    parts_->probe->stop();
  } else {
    // Read before the server goes, so the trace's last gauges are those of a serving process.
    parts_->gauges.poll(true);
    if (parts_->server) parts_->server->close(kServerCloseGrace);
    if (parts_->threaded) parts_->threaded->close(kServerCloseGrace);
  }
  poll();
}

bool LiveSession::finished() const { return parts_->finished; }

}  // namespace loopscope::scenarios
