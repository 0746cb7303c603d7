#include "compare_sources.hpp"

#include <filesystem>
#include <stdexcept>
#include <system_error>

#include "core/trace/native_format.hpp"

namespace loopscope::viz {

ComparedTrace load_compared_trace(const std::string& source) {
  std::error_code ignored;
  if (std::filesystem::exists(source, ignored)) {
    ComparedTrace compared;
    // The loader's messages already start with the path and say what is wrong with the file.
    compared.log = trace::load_native_trace(source);
    compared.name = std::filesystem::path(source).filename().string();
    compared.origin = source;
    return compared;
  }
  // BUILT-IN LESSON TRACES: the one place a lesson name becomes its shipped recording, once
  // scenarios/lessons/builtin_lesson_traces.hpp exists (builtin_lesson_trace_bytes(name),
  // decoded with trace::decode_native_trace(bytes, "built-in lesson " + name)).
  throw std::runtime_error("cannot compare '" + source + "': there is no such trace file");
}

}  // namespace loopscope::viz
