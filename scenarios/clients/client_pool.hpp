#pragma once
// Runs scripted clients on their own thread and io_context, never the server's loop: a frozen
// server must not freeze the clients that observe it. Control calls are thread-safe.
// hold() stops every client where it is (a live lesson waiting for the class); release() lets
// them carry on.

#include <asio/cancellation_signal.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "core/trace/event_kind.hpp"
#include "core/trace/recorder.hpp"
#include "scenarios/clients/client_hold.hpp"
#include "scenarios/clients/client_session.hpp"
#include "scenarios/clients/client_spec.hpp"

namespace loopscope::scenarios {

class ClientPool {
 public:
  ClientPool(trace::Recorder& recorder, asio::ip::tcp::endpoint server);
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;
  ~ClientPool();  // stops every client and joins the thread

  // Starts one client; throws std::invalid_argument for an unknown behaviour.
  ClientId start(const ClientSpec& spec);
  void stop(ClientId id);
  void stop_group(std::string_view group);
  void stop_all();

  bool finished(ClientId id) const;
  std::optional<trace::ClientEnd> end_of(ClientId id) const;
  bool group_finished(std::string_view group) const;  // true for a group with no clients
  std::size_t running() const;

  // Holds every client, running or started later, until release(): no connects, sends or
  // reads, and think times stand still. Takes effect on the clients thread within a moment
  // (an operation already handed to the kernel completes).
  void hold();
  void release();
  bool held() const { return held_.load(std::memory_order_relaxed); }

 private:
  struct ClientState {
    std::string group;
    std::unique_ptr<asio::cancellation_signal> stop_signal;
    std::optional<trace::ClientEnd> end;
  };

  asio::awaitable<void> run_client(std::shared_ptr<ClientSession> session);
  void post_stop(ClientId id);

  trace::Recorder& recorder_;
  asio::ip::tcp::endpoint server_;
  asio::io_context context_{1};
  ClientHold hold_{context_.get_executor()};  // touched on the clients thread only
  std::atomic<bool> held_{false};             // as last asked, for the caller's thread
  std::thread thread_;
  mutable std::mutex mutex_;  // guards clients_ (touched by callers and by the clients thread)
  std::map<ClientId, ClientState> clients_;
  ClientId next_id_ = 1;
};

}  // namespace loopscope::scenarios
