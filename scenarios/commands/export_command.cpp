#include "export_command.hpp"

#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>

#include "core/trace/chrome_export.hpp"
#include "core/trace/native_format.hpp"
#include "scenarios/lessons/builtin_lesson_traces.hpp"

namespace loopscope::scenarios {

int run_export_command(const ExportOptions& options, std::ostream& out, std::ostream& err) {
  if (options.input_path.empty()) {
    err << "loopscope export: name the native trace to export\n";
    return 2;
  }
  if (options.chrome_path.empty()) {
    err << "loopscope export: say where to write the Chrome JSON with --chrome OUT.json\n";
    return 2;
  }
  trace::TraceLog log;
  try {
    // A file wins; else a built-in lesson's name gives the recorded run it ships with.
    const auto shipped = std::filesystem::exists(options.input_path)
                             ? std::nullopt
                             : builtin_lesson_trace_bytes(options.input_path);
    log = shipped ? trace::decode_native_trace(*shipped, "the recorded run of " + options.input_path)
                  : trace::load_native_trace(options.input_path);
  } catch (const std::exception& error) {
    // The loader's message already starts with the path and says what is wrong.
    err << "loopscope export: " << error.what() << "\n";
    return 2;
  }
  try {
    trace::save_chrome_trace(log, options.chrome_path);
  } catch (const std::exception& error) {
    err << "loopscope export: could not write the export: " << error.what() << "\n";
    return 1;
  }
  out << "wrote " << options.chrome_path << " (" << log.events.size() << " events)\n";
  // Drops are part of the story (the export marks where they happened); say so here too.
  if (const std::uint64_t dropped = log.dropped_events_total(); dropped > 0) {
    out << "note: the recording dropped " << dropped << " events; look for \"events dropped\" in the export\n";
  }
  return 0;
}

}  // namespace loopscope::scenarios
