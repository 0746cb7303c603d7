#include "serve_command.hpp"

#include <chrono>
#include <thread>

#include "core/handlers/handler_catalog.hpp"
#include "core/loop/freeze_watchdog.hpp"
#include "core/loop/loop_thread.hpp"
#include "core/loop/stream_server.hpp"
#include "core/model/human_units.hpp"
#include "core/process/process_gauges.hpp"
#include "core/threads/threaded_server.hpp"
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
  if (!model_serves_handler(config.model, config.handler)) {
    err << "loopscope serve: the " << server_model_name(config.model) << " model has no " << config.handler
        << " handler (it serves " << model_handler_names(config.model) << ")\n";
    return 2;
  }
  if (config.model == ServerModel::Pool && config.pool_threads == 0) {
    err << "loopscope serve: --pool-threads must be at least 1\n";
    return 2;
  }

  install_stop_signal_handlers();
  trace::Recorder recorder;
  auto main_attachment = recorder.attach_current_thread("main");
  trace::TraceLog log;
  const bool keep_trace = !options.trace_path.empty();

  // The loop model's parts, or the threaded server's: only the one that serves exists, so an
  // idle loop never puts its heartbeat into a threaded run's trace (nor its thread into the count).
  std::optional<loop::LoopThread> loop_thread;
  // After the loop: destroyed first, so its worker threads are joined while the loop still runs.
  std::optional<handlers::HandlerCatalog> catalog;
  std::unique_ptr<loop::StreamServer> server;
  std::unique_ptr<threads::ThreadedServer> threaded;
  try {
    if (config.model == ServerModel::Loop) {
      loop_thread.emplace(recorder);
      catalog.emplace(to_handler_settings(config));
      server = std::make_unique<loop::StreamServer>(*loop_thread, to_server_options(config, options.host, options.port),
                                                    *catalog->make(config.handler), config.handler);
      const auto endpoint = server->start();
      out << "listening on " << endpoint.address().to_string() << ":" << endpoint.port() << std::endl;
    } else {
      threaded = std::make_unique<threads::ThreadedServer>(
          recorder, to_threaded_options(config, options.host, options.port),
          *threads::make_thread_handler(config.handler, to_thread_handler_settings(config)), config.handler);
      const auto port = threaded->start();
      out << "listening on " << options.host << ":" << port << " (" << server_model_title(config.model);
      if (config.model == ServerModel::Pool) out << ", " << config.pool_threads << " threads";
      out << ")" << std::endl;
    }
  } catch (const std::exception& error) {
    err << "loopscope serve: cannot listen on " << options.host << ":" << options.port << ": " << error.what() << "\n";
    return 1;
  }

  std::optional<loop::FreezeWatchdog> watchdog;
  if (loop_thread) watchdog.emplace(loop_thread->probe());
  process::ProcessGaugeSampler gauges;
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
    if (watchdog) watchdog->poll();
    gauges.poll();
    drain_and_tally();
    if (clock.summary_due()) out << model::format_summary_line(summary.take_interval(), clock.elapsed_s()) << std::endl;
  }

  // What the server costs with its connections still open: the threads against the loop.
  if (const auto reading = process::read_process_gauges()) {
    out << "process: " << reading->threads << " threads, " << model::format_bytes(reading->resident_bytes)
        << " resident, " << model::format_bytes(reading->reserved_bytes) << " reserved, "
        << reading->voluntary_switches << " voluntary and " << reading->involuntary_switches
        << " involuntary context switches" << std::endl;
    process::record_process_gauges(*reading);
  }
  out << "stopping: closing connections" << std::endl;
  if (server) server->close();
  if (threaded) {
    threaded->close();
    if (threaded->threads_refused() > 0) {
      out << threaded->threads_refused() << " connections closed at once: no thread could be started for them"
          << std::endl;
    }
  }
  if (watchdog) watchdog->poll();
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
