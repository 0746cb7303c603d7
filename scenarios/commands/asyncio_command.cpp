#include "asyncio_command.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

#include "core/model/live_summary.hpp"
#include "core/model/trace_histograms.hpp"
#include "core/trace/chrome_export.hpp"
#include "core/trace/native_format.hpp"
#include "scenarios/commands/run_clock.hpp"
#include "scenarios/commands/stop_signal.hpp"
#include "scenarios/commands/trace_report.hpp"
#include "scenarios/session/live_session.hpp"

namespace loopscope::scenarios {

namespace {

constexpr auto kTick = std::chrono::milliseconds(10);

}  // namespace

int run_asyncio_command(const AsyncioCommandOptions& options, std::ostream& out, std::ostream& err) {
  if (!std::filesystem::is_regular_file(options.program)) {
    err << "loopscope asyncio: no such file: " << options.program << "\n";
    return 2;
  }
  if (options.duration_s < 0) {
    err << "loopscope asyncio: --duration must be 0 or more\n";
    return 2;
  }
  install_stop_signal_handlers();
  LiveSessionOptions session_options;
  session_options.backend = ServerBackend::AsyncioProgram;
  session_options.program = std::filesystem::absolute(options.program).string();
  session_options.program_args = options.program_args;
  std::unique_ptr<LiveSession> session;
  try {
    session = std::make_unique<LiveSession>(session_options);
  } catch (const std::exception& error) {
    err << "loopscope asyncio: " << error.what() << "\n";
    return 1;
  }
  out << "tracing " << session->program_path() << " (" << session->runtime() << "), listening on " << session->host()
      << ":" << session->port() << std::endl;

  model::LiveSummary summary;
  RunClock clock(options.duration_s);
  while (!stop_requested() && !clock.past_deadline() && !session->server_ended()) {
    std::this_thread::sleep_for(kTick);
    session->poll();
    summary.consume(session->last_batch());
    if (clock.summary_due()) out << model::format_summary_line(summary.take_interval(), clock.elapsed_s()) << std::endl;
  }
  const bool ended_by_itself = session->server_ended().has_value();
  if (!ended_by_itself) out << "stopping: Ctrl-C to the program" << std::endl;
  session->finish();
  summary.consume(session->last_batch());
  out << model::format_summary_line(summary.take_interval(), clock.elapsed_s()) << std::endl;
  const std::string ended = session->server_ended().value_or("the program stopped");
  out << "the asyncio server: " << ended << std::endl;
  print_warnings(session->model(), session->log(), out);
  print_histograms(model::histograms_of(session->model()), out);

  int status = 0;
  // Stopped on request, the program's own status is whatever Ctrl-C made of it: not a failure.
  // Ended by itself, only a clean exit is (a crash or a broken stream has no status at all).
  if (ended_by_itself && session->server_exit_status() != 0) status = 1;
  if (!options.trace_path.empty()) {
    const trace::TraceLog log = session->take_log();
    try {
      if (options.trace_path.ends_with(".json")) {
        trace::save_chrome_trace(log, options.trace_path);
      } else {
        trace::save_native_trace(log, options.trace_path);
      }
      out << "trace written to " << options.trace_path << " (" << log.events.size() << " events)" << std::endl;
    } catch (const std::exception& error) {
      err << "loopscope asyncio: could not write the trace: " << error.what() << "\n";
      return 1;
    }
  }
  return status;
}

}  // namespace loopscope::scenarios
