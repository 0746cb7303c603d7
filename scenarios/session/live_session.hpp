#pragma once
// One live run of a traced server: the recorder, the server, the scripted clients and the
// freeze watchdog, plus the trace log and model they feed. The server is Loopscope's own (the
// loop thread running the C++ handlers) or a CPython asyncio program under the probe, in a
// child process whose wire stream joins the same trace: the handlers' asyncio twins serving a
// lesson, or the learner's own program. The GUI
// and the headless lesson runner both drive one of these from their main thread: call poll()
// every tick (frame), then read model(). Commands to the server are posted to the loop, so
// while the loop is frozen they queue; pending_commands() says how many are waiting.
//
// One thread only: the constructor attaches the calling thread to the session's recorder
// (mark() and the freeze watchdog record into that thread's ring), so create, use and destroy
// a session on the same (main) thread, and keep at most one alive per thread at a time.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/freeze_now.hpp"
#include "core/model/trace_model.hpp"
#include "core/trace/trace_log.hpp"
#include "scenarios/clients/client_pool.hpp"
#include "scenarios/clients/client_spec.hpp"
#include "scenarios/server/server_config.hpp"

namespace loopscope::scenarios {

enum class ServerBackend {
  Loopscope,       // the C++ handlers on Loopscope's loop thread
  AsyncioTwins,    // the handlers' asyncio twins (assets/asyncio) under the probe, steered like the C++ one
  AsyncioProgram,  // the learner's own asyncio program under the probe, unchanged
};

struct LiveSessionOptions {
  ServerConfig server;  // for AsyncioTwins too: its handler, water marks, limits and buffers
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;            // 0: the kernel picks one
  int next_ports_to_try = 0;         // when `port` is taken, try port+1 .. port+N before failing
  ServerBackend backend = ServerBackend::Loopscope;
  // AsyncioProgram: the script and its arguments, run as `python3 script args...` would run
  // them, on the host and port the program itself chooses (the options above do not apply).
  std::string program;
  std::vector<std::string> program_args;
  // An asyncio server must be listening within this long, or the session fails to start.
  std::chrono::milliseconds asyncio_start_timeout{15000};
};

class LiveSession {
 public:
  // Starts the server. Throws std::system_error when no port could be bound, and
  // std::runtime_error (with the probe's reason) when an asyncio server did not start.
  explicit LiveSession(const LiveSessionOptions& options);
  LiveSession(const LiveSession&) = delete;
  LiveSession& operator=(const LiveSession&) = delete;
  ~LiveSession();  // finish(), if not done yet

  const std::string& host() const;
  std::uint16_t port() const;
  const ServerConfig& server_config() const;  // as last changed through the controls below
  ServerBackend backend() const;
  // The asyncio program being traced ("CPython 3.11.7", its path), empty for Loopscope's server.
  std::string runtime() const;
  std::string program_path() const;
  // Why the server's process ended ("the program ended with exit status 1", "the probe's stream
  // was refused: ..."); empty while it runs, and always for Loopscope's own server.
  const std::optional<std::string>& server_ended() const;
  // The program's own exit status, when it ended by itself and said so (see server_ended()).
  std::optional<int> server_exit_status() const;
  // Whether the controls below reach the server: not for the learner's own program.
  bool takes_server_commands() const;
  // Whether an event loop serves (asyncio's, or Loopscope's loop model): only a loop can be
  // blocked by inject_blocking() and has writer buffers to limit.
  bool has_loop() const;
  // Loopscope's own server only: closes the running server (its connections with it) and starts
  // the other model on the same port, so clients and `nc` reconnect to the same address. Marks
  // the switch in the trace. Throws std::invalid_argument if the model lacks the current
  // handler, std::logic_error for an asyncio server.
  void set_model(ServerModel model);
  double elapsed_s() const;                   // since the session started (wall clock)

  // Polls the freeze watchdog and drains every ring into log() and model(). Main thread only.
  void poll();
  const trace::TraceLog& log() const;
  const model::TraceModel& model() const;
  // The events the last poll() added, in time order (for incremental consumers: summaries).
  const std::vector<trace::TraceEvent>& last_batch() const;
  const model::FreezeNow& freeze() const;  // as of the last poll(): grows while the loop is stuck
  // Moves the recorded events out (for saving once the run is over); log() keeps the site and
  // label tables, so later polls stay consistent, but starts again with no events.
  trace::TraceLog take_log();

  // Server controls, posted to the loop (they wait their turn while it is frozen). An asyncio
  // server gets them as commands that its loop runs between callbacks; the learner's own
  // program takes none (std::logic_error: check takes_server_commands()).
  void set_handler(const std::string& handler_name);  // throws std::invalid_argument if unknown
  // Throws std::invalid_argument when low_water_bytes > high_water_bytes.
  void set_write_buffer_limits(std::size_t high_water_bytes, std::size_t low_water_bytes);
  // Socket buffer sizes for connections accepted from now on (nullopt: the kernel's default).
  // Throws std::invalid_argument for a size of 0 or less.
  void set_socket_buffers(std::optional<int> send_buffer_bytes, std::optional<int> receive_buffer_bytes);
  void inject_blocking(std::chrono::milliseconds duration);  // a blocking call on the loop
  void mark(std::string_view text);                          // a labelled mark in the trace
  // Records that a lesson step fired, so a replay of this run can narrate it (EventKind::LessonStep).
  void record_lesson_step(std::string_view lesson_id, std::size_t step_index);
  // Records a live lesson's wait for its class: a prediction asked or answered (subject = its
  // index, aux = the choice), the clients held (detail = HoldReason) or resumed.
  void record_lesson_wait(trace::EventKind kind, std::string_view lesson_id, std::uint32_t subject,
                          std::uint8_t detail = 0, std::uint16_t aux = 0);
  // Posted and not yet run by the loop (always 0 for an asyncio server, which does not say).
  std::size_t pending_commands() const;

  // Scripted clients (their own thread and io_context).
  ClientPool& clients();
  void start_clients(const ClientSpec& spec, int count);

  // Stops the clients (bounded wait), closes the server (bounded), polls once more. Idempotent.
  void finish();
  bool finished() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

}  // namespace loopscope::scenarios
