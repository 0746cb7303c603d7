#include "serve_command.hpp"

#include <chrono>
#include <thread>

#include "core/handlers/handler_catalog.hpp"
#include "core/loop/freeze_watchdog.hpp"
#include "core/loop/loop_thread.hpp"
#include "core/loop/stream_server.hpp"
#include "core/model/live_summary.hpp"
#include "core/model/trace_histograms.hpp"
#include "core/model/trace_model.hpp"
#include "scenarios/commands/trace_report.hpp"
#include "core/trace/chrome_export.hpp"
#include "core/trace/native_format.hpp"
#include "core/trace/recorder.hpp"
#include "scenarios/commands/run_clock.hpp"
#include "scenarios/commands/stop_signal.hpp"

namespace loopscope::scenarios {

namespace {

constexpr auto kTick = std::chrono::milliseconds(10);
// A few tens of MB of model at most: many times what a classroom session of `serve` records,
// and far less than a benchmark load would pile up in an hour.
constexpr std::uint64_t kWarningModelEventLimit = 1'000'000;

bool ends_with(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

int run_serve(const ServeOptions& options, std::ostream& out, std::ostream& err) {
  const ServerConfig& config = options.server;
  if (config.effective_low_water_bytes() > config.high_water_bytes) {
    err << "loopscope serve: --low-water (" << config.effective_low_water_bytes() << ") must not exceed --high-water ("
        << config.high_water_bytes << ")\n";
    return 2;
  }
  if (!handlers::is_handler_name(config.handler)) {
    err << "loopscope serve: unknown handler '" << config.handler << "' (choose one of "
        << handlers::handler_names_joined() << ")\n";
    return 2;
  }

  install_stop_signal_handlers();
  trace::Recorder recorder;
  auto main_attachment = recorder.attach_current_thread("main");
  trace::TraceLog log;
  const bool keep_trace = !options.trace_path.empty();

  loop::LoopThread loop_thread(recorder);
  // After the loop: destroyed first, so its worker threads are joined while the loop still runs.
  handlers::HandlerCatalog catalog(to_handler_settings(config));
  loop::StreamServer server(loop_thread, to_server_options(config, options.host, options.port),
                            *catalog.make(config.handler), config.handler);
  try {
    const auto endpoint = server.start();
    out << "listening on " << endpoint.address().to_string() << ":" << endpoint.port() << std::endl;
  } catch (const std::exception& error) {
    err << "loopscope serve: cannot listen on " << options.host << ":" << options.port << ": " << error.what() << "\n";
    return 1;
  }

  loop::FreezeWatchdog watchdog(loop_thread.probe());
  model::LiveSummary summary;
  RunClock clock(options.duration_s);

  // The warnings come from a trace model. It keeps spans, not events, but they grow with the
  // traffic, so without --trace (nothing else kept) it stops taking events after a bound and
  // the final summary says so. --trace keeps the whole log anyway, and the model with it.
  model::TraceModel warnings_model;
  std::uint64_t modelled_events = 0;
  bool model_full = false;
  const auto drain_and_tally = [&] {
    recorder.drain_into(log);
    summary.consume(recorder.last_batch());
    if (!model_full) {
      warnings_model.append(recorder.last_batch(), log);
      modelled_events += recorder.last_batch().size();
      model_full = !keep_trace && modelled_events >= kWarningModelEventLimit;
    }
    // Without a trace file the events have served their purpose once counted.
    if (!keep_trace) log.events.clear();
  };

  while (!stop_requested() && !clock.past_deadline()) {
    std::this_thread::sleep_for(kTick);
    watchdog.poll();
    drain_and_tally();
    if (clock.summary_due()) out << model::format_summary_line(summary.take_interval(), clock.elapsed_s()) << std::endl;
  }

  out << "stopping: closing connections" << std::endl;
  server.close();
  watchdog.poll();
  drain_and_tally();
  out << model::format_summary_line(summary.take_interval(), clock.elapsed_s()) << std::endl;
  if (model_full) {
    out << "warnings cover the first " << modelled_events << " events (run with --trace FILE to cover all)\n";
  }
  print_warnings(warnings_model, log, out);
  const model::SummaryHistograms& durations = summary.histograms();
  print_histograms(model::TraceHistograms{durations.callbacks, durations.drain_stalls, durations.read_waits,
                                          durations.round_trips},
                   out);
  out << std::flush;

  if (keep_trace) {
    try {
      if (ends_with(options.trace_path, ".json")) {
        trace::save_chrome_trace(log, options.trace_path);
        out << "trace written to " << options.trace_path << " (Chrome Trace Event JSON, " << log.events.size()
            << " events)" << std::endl;
      } else {
        trace::save_native_trace(log, options.trace_path);
        out << "trace written to " << options.trace_path << " (Loopscope native, " << log.events.size()
            << " events)" << std::endl;
      }
    } catch (const std::exception& error) {
      err << "loopscope serve: could not write the trace: " << error.what() << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace loopscope::scenarios
