// libFuzzer: the native trace decoder, then what the app does with whatever it accepts (the
// trace model, the Chrome export). The input's last 8 bytes are replaced by the checksum of the
// rest, so the fuzzer gets past it into the tables and events (a damaged checksum alone is
// refused before anything is read, and native_format_test covers that).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/model/trace_model.hpp"
#include "core/trace/chrome_export.hpp"
#include "core/trace/native_format.hpp"
#include "core/trace/trace_checksum.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= 8) {
    const std::uint64_t checksum = loopscope::trace::fnv1a_64(std::string_view(bytes).substr(0, bytes.size() - 8));
    for (int index = 0; index < 8; ++index) bytes[bytes.size() - 8 + index] = static_cast<char>(checksum >> (8 * index));
  }
  loopscope::trace::TraceLog log;
  try {
    log = loopscope::trace::decode_native_trace(bytes, "fuzz.trace");
  } catch (const loopscope::trace::TraceFormatError&) {
    return 0;  // refused with a reason: what must happen to bad input
  }
  // Accepted: everything downstream must cope with it.
  const auto model = loopscope::model::TraceModel::from_log(log);
  const std::string json = loopscope::trace::export_chrome_trace_json(log);
  if (json.empty()) __builtin_trap();
  // What was accepted is written back the same (the format has one spelling per log).
  if (loopscope::trace::encode_native_trace(log) != bytes) __builtin_trap();
  return static_cast<int>(model.tasks().size() * 0);
}
