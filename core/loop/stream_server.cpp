#include "stream_server.hpp"

#include <asio/co_spawn.hpp>
#include <asio/detached.hpp>
#include <asio/ip/address.hpp>
#include <asio/post.hpp>
#include <asio/steady_timer.hpp>
#include <asio/this_coro.hpp>
#include <system_error>
#include <cstdio>
#include <thread>
#include <vector>

#include "core/loop/awaitable_support.hpp"
#include "core/loop/stream_errors.hpp"
#include "core/trace/hook.hpp"

namespace loopscope::loop {

namespace {

std::uint32_t ipv4_of(const asio::ip::tcp::endpoint& peer) {
  return peer.address().is_v4() ? peer.address().to_v4().to_uint() : 0;
}

void record_limit(TaskId id, trace::BufferKind buffer, trace::LimitKind limit, std::size_t bytes) {
  trace::record(trace::EventKind::BufferLimit, id, bytes, trace::detail_of(buffer), {},
                static_cast<std::uint16_t>(limit));
}

void configure_socket(ConnectionSocket& socket, const StreamLimits& limits) {
  std::error_code ignored;
  socket.non_blocking(true, ignored);
  // asyncio sets TCP_NODELAY on stream transports; replies should not wait for Nagle.
  socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  if (limits.socket_send_buffer_bytes) {
    socket.set_option(asio::socket_base::send_buffer_size(*limits.socket_send_buffer_bytes), ignored);
  }
  if (limits.socket_receive_buffer_bytes) {
    socket.set_option(asio::socket_base::receive_buffer_size(*limits.socket_receive_buffer_bytes), ignored);
  }
}

}  // namespace

StreamServer::StreamServer(LoopThread& loop, ServerOptions options, ConnectionHandler handler,
                           std::string handler_name)
    : loop_(loop),
      options_(std::move(options)),
      handler_(std::make_shared<HandlerEntry>(
          HandlerEntry{std::move(handler), loop.recorder().intern_label(handler_name)})),
      acceptor_(loop.context()),
      next_task_id_(options_.first_task_id) {}

StreamServer::~StreamServer() { close(); }

asio::ip::tcp::endpoint StreamServer::start() {
  return loop_.run_sync([this] {
    const asio::ip::tcp::endpoint wanted(asio::ip::make_address(options_.host), options_.port);
    acceptor_.open(wanted.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(wanted);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    endpoint_ = acceptor_.local_endpoint();
    started_ = true;
    asio::co_spawn(loop_.executor(), accept_loop(), asio::detached);
    return endpoint_;
  });
}

asio::awaitable<void> StreamServer::accept_loop() {
  for (;;) {
    auto [error, socket] = co_await acceptor_.async_accept(use_nothrow_awaitable);
    if (error == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    enter_task(0);
    if (error) {
      // Out of file descriptors and the like: back off briefly instead of spinning.
      asio::steady_timer pause(loop_.context(), std::chrono::milliseconds(20));
      co_await pause.async_wait(use_nothrow_awaitable);
      continue;
    }
    admit(std::move(socket));
  }
}

void StreamServer::admit(ConnectionSocket socket) {
  std::error_code peer_error;
  const auto peer = socket.remote_endpoint(peer_error);
  if (connections_.size() >= options_.max_connections) {
    trace::record(trace::EventKind::ConnectionRefused, 0, ipv4_of(peer), 0, {}, peer.port());
    std::error_code ignored;
    socket.close(ignored);
    return;
  }
  const StreamLimits& limits = options_.limits;
  configure_socket(socket, limits);
  // Numbered per server, so every run's first connection is task 1 (on the loop thread only).
  const TaskId id = next_task_id_++;
  // Every caller of close_now holds its own shared_ptr to the connection, so erasing the map's
  // reference when it reports the close (connection_closed) cannot destroy it mid-call; the
  // shutdown loops iterate over copies.
  auto connection = std::make_shared<Connection>(std::move(socket), id, limits, ipv4_of(peer), peer.port(),
                                                 static_cast<ConnectionObserver*>(this));
  connections_.emplace(id, connection);
  open_connections_.store(connections_.size(), std::memory_order_relaxed);

  trace::record(trace::EventKind::ConnectionAccepted, id, ipv4_of(peer), 0, {}, peer.port());
  trace::record(trace::EventKind::TaskSpawned, id, 0, 0, {}, handler_->label_id);
  record_limit(id, trace::BufferKind::Writer, trace::LimitKind::HighWater, limits.high_water_bytes);
  record_limit(id, trace::BufferKind::Writer, trace::LimitKind::LowWater, limits.low_water_bytes);
  record_limit(id, trace::BufferKind::Reader, trace::LimitKind::LineLimit, limits.line_limit_bytes);
  std::error_code ignored;
  asio::socket_base::send_buffer_size send_size;
  asio::socket_base::receive_buffer_size receive_size;
  connection->socket().get_option(send_size, ignored);
  connection->socket().get_option(receive_size, ignored);
  record_limit(id, trace::BufferKind::KernelSend, trace::LimitKind::SocketBuffer, static_cast<std::size_t>(send_size.value()));
  record_limit(id, trace::BufferKind::KernelReceive, trace::LimitKind::SocketBuffer, static_cast<std::size_t>(receive_size.value()));

  running_tasks_.fetch_add(1, std::memory_order_relaxed);
  // Runs the task until its first suspension (the handler parks in its first await), as
  // co_spawn would here; the task's end does what co_spawn's completion handler would.
  launch_task(run_task(connection, handler_), loop_.executor(), connection->task_cancel_signal().slot());
}

TaskEntryPoint StreamServer::run_task(std::shared_ptr<Connection> connection,
                                      std::shared_ptr<const HandlerEntry> entry) {
  const TaskId id = connection->id();
  enter_task(id);
  // Asio 1.22 would otherwise throw from every await once the task is cancelled, so a handler
  // could not even wait_closed() in its cleanup; asyncio lets it.
  co_await asio::this_coro::throw_if_cancelled(false);
  trace::ExitReason reason = trace::ExitReason::Returned;
  std::optional<TaskFailure> failure;
  try {
    co_await entry->handler(connection->reader(), connection->writer());
    if (connection->reader().saw_eof()) reason = trace::ExitReason::PeerEof;
  } catch (const CancelledError&) {
    reason = trace::ExitReason::Cancelled;
  } catch (const std::system_error& error) {
    // Asio throws operation_aborted from an await started after the task was cancelled.
    reason = error.code() == asio::error::operation_aborted ? trace::ExitReason::Cancelled
                                                             : trace::ExitReason::Error;
    if (reason == trace::ExitReason::Error) failure = describe_failure(error);
  } catch (const std::exception& error) {
    reason = trace::ExitReason::Error;
    failure = describe_failure(error);
  } catch (...) {
    // Not only std::exception: nothing may escape, or the accounting below would be skipped.
    reason = trace::ExitReason::Error;
    failure = TaskFailure{"an exception that is not a std::exception", "", {}};
  }
  enter_task(id);
  if (failure) record_failure(id, *failure);
  trace::record(trace::EventKind::TaskExited, id, 0, trace::detail_of(reason));
  connection->set_handler_done();
  switch (reason) {
    case trace::ExitReason::Error:
      // As asyncio's StreamReaderProtocol when the handler task fails: transport.close(), so
      // what the handler wrote is still delivered, then a normal end of stream; only a peer
      // that is already gone is reset.
      if (connection->is_lost()) connection->close_now(trace::CloseReason::PeerReset, false);
      else connection->writer().close();
      break;
    case trace::ExitReason::Cancelled:
      connection->writer().close();  // flush what was staged, then close
      break;
    case trace::ExitReason::Returned:
    case trace::ExitReason::PeerEof:
      // A handler that returns without close() leaks its connection, as in asyncio: it stays
      // open (and counted) until the peer or the server's shutdown closes it.
      break;
  }
  running_tasks_.fetch_sub(1, std::memory_order_relaxed);
  forget_if_finished(id);
}

void StreamServer::record_failure(TaskId id, const TaskFailure& failure) {
  // Interning takes the recorder's lock, which is fine on this path (a handler just died) but
  // not once per connection of a hostile flood: distinct texts are kept to a few hundred, after
  // which the type alone is recorded.
  constexpr std::size_t kDistinctFailureTexts = 256;
  std::string text = failure.text();
  if (text.size() > 200) text = text.substr(0, 197) + "...";
  if (!failure_labels_.contains(text) && failure_labels_.size() >= kDistinctFailureTexts) text = failure.type;
  auto [label, inserted] = failure_labels_.try_emplace(text, 0);
  if (inserted) label->second = loop_.recorder().intern_label(text);
  const std::source_location site = failure.site.line() != 0 ? failure.site
                                    : tls_loop_probe != nullptr ? tls_loop_probe->running_site.load(std::memory_order_relaxed)
                                                                : std::source_location{};
  trace::record(trace::EventKind::TaskFailed, id, ++failures_recorded_, 0, site, label->second);
}

void StreamServer::forget_if_finished(TaskId id) {
  const auto found = connections_.find(id);
  if (found == connections_.end()) return;
  if (found->second->handler_done() && found->second->is_closed()) {
    connections_.erase(found);
    open_connections_.store(connections_.size(), std::memory_order_relaxed);
  }
}

std::vector<std::shared_ptr<Connection>> StreamServer::snapshot_connections() const {
  std::vector<std::shared_ptr<Connection>> snapshot;
  snapshot.reserve(connections_.size());
  for (const auto& [id, connection] : connections_) snapshot.push_back(connection);
  return snapshot;
}

void StreamServer::begin_shutdown() {
  std::error_code ignored;
  acceptor_.close(ignored);
  for (const auto& connection : snapshot_connections()) {
    if (!connection->handler_done()) {
      connection->task_cancel_signal().emit(asio::cancellation_type::terminal);
    } else if (!connection->is_closed()) {
      connection->close_now(trace::CloseReason::Leaked, false);
    }
  }
}

void StreamServer::abort_remaining() {
  for (const auto& connection : snapshot_connections()) {
    if (!connection->is_closed()) connection->close_now(trace::CloseReason::Aborted, true);
  }
}

void StreamServer::close(std::chrono::milliseconds grace) {
  // Nothing to do before start(), twice, or once the loop itself has stopped (its io_context
  // then destroys the remaining tasks and sockets).
  if (closed_ || !started_ || loop_.context().stopped()) {
    closed_ = true;
    return;
  }
  closed_ = true;
  loop_.run_sync([this] { begin_shutdown(); });
  // Bounded waits: a flush to a peer that never reads must not hold shutdown hostage.
  const auto wait_until_idle = [this](std::chrono::steady_clock::time_point deadline) {
    while (std::chrono::steady_clock::now() < deadline) {
      if (loop_.run_sync([this] { return connections_.empty() && running_tasks_.load() == 0; })) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  };
  if (wait_until_idle(std::chrono::steady_clock::now() + grace)) return;
  loop_.run_sync([this] { abort_remaining(); });
  // Tasks refer to this server, so returning while one still runs would leave it dangling.
  // After the abort every await fails at once; only work already handed to a worker thread
  // can keep a task alive, so this wait is long but still bounded.
  if (wait_until_idle(std::chrono::steady_clock::now() + std::chrono::seconds(60))) return;
  std::fprintf(stderr, "loopscope: %zu task(s) still running after shutdown; giving up waiting\n",
               running_tasks_.load());
}

void StreamServer::post_set_write_buffer_limits(std::size_t high_water_bytes, std::size_t low_water_bytes,
                                                std::function<void()> applied) {
  asio::post(loop_.context(), [this, high_water_bytes, low_water_bytes, applied = std::move(applied)] {
    options_.limits.high_water_bytes = high_water_bytes;
    options_.limits.low_water_bytes = low_water_bytes;
    for (const auto& connection : snapshot_connections()) {
      if (!connection->is_closed()) connection->writer().set_write_buffer_limits(high_water_bytes, low_water_bytes);
    }
    if (applied) applied();
  });
}

void StreamServer::post_set_handler(ConnectionHandler handler, std::string handler_name,
                                    std::function<void()> applied) {
  const std::uint16_t label = loop_.recorder().intern_label(handler_name);
  asio::post(loop_.context(), [this, handler = std::move(handler), label, applied = std::move(applied)]() mutable {
    handler_ = std::make_shared<HandlerEntry>(HandlerEntry{std::move(handler), label});
    if (applied) applied();
  });
}

void StreamServer::post_set_socket_buffers(std::optional<int> send_buffer_bytes,
                                           std::optional<int> receive_buffer_bytes, std::function<void()> applied) {
  asio::post(loop_.context(), [this, send_buffer_bytes, receive_buffer_bytes, applied = std::move(applied)] {
    // admit() reads options_.limits on the loop, so the next accepted connection gets these.
    options_.limits.socket_send_buffer_bytes = send_buffer_bytes;
    options_.limits.socket_receive_buffer_bytes = receive_buffer_bytes;
    if (applied) applied();
  });
}

}  // namespace loopscope::loop
