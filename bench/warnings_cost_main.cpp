// What finding the warnings and building the duration histograms costs on a big trace: the
// app does both on its frame (viz/session/shown_warnings.hpp, the Durations tab), so they must
// stay a small share of it. Loads a native trace, builds its model once, then times
// model::find_warnings and model::histograms_of, best of --repetitions runs.
//
//   loopscope_bench_warnings_cost TRACE [--repetitions 5]

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <limits>

#include "core/model/trace_histograms.hpp"
#include "core/model/trace_model.hpp"
#include "core/model/warnings.hpp"
#include "core/trace/native_format.hpp"

int main(int argc, char** argv) {
  using namespace loopscope;
  using Clock = std::chrono::steady_clock;
  std::string trace_path;
  int repetitions = 5;
  CLI::App app{"Time find_warnings and histograms_of on a recorded trace"};
  app.add_option("trace", trace_path, "A native trace (loopscope serve --trace FILE)")->required()->check(CLI::ExistingFile);
  app.add_option("--repetitions", repetitions, "Runs of each; the best is reported")->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);

  const trace::TraceLog log = trace::load_native_trace(trace_path);
  const model::TraceModel built = model::TraceModel::from_log(log);
  double warnings_ms = std::numeric_limits<double>::max();
  double histograms_ms = std::numeric_limits<double>::max();
  std::size_t warnings_found = 0;
  for (int run = 0; run < repetitions; ++run) {
    const auto started = Clock::now();
    warnings_found = model::find_warnings(built, log).size();
    const auto between = Clock::now();
    const model::TraceHistograms histograms = model::histograms_of(built);
    const auto finished = Clock::now();
    if (histograms.callbacks.count() == 0) std::cerr << "(the trace has no callbacks)\n";
    warnings_ms = std::min(warnings_ms, std::chrono::duration<double, std::milli>(between - started).count());
    histograms_ms = std::min(histograms_ms, std::chrono::duration<double, std::milli>(finished - between).count());
  }
  std::printf("%zu events, %zu tasks: find_warnings %.1f ms (%zu warnings), histograms_of %.1f ms (best of %d)\n",
              log.events.size(), built.tasks().size(), warnings_ms, warnings_found, histograms_ms, repetitions);
  return 0;
}
