#pragma once
// The native trace file: a TraceLog saved byte for byte so it can be replayed later.
//
// Layout (all integers little-endian; docs/trace-format.md describes it for users):
//   "LSTRACE\0"                       8-byte magic
//   u32 schema version                kTraceSchemaVersion of the writer
//   u32 event record size             sizeof(TraceEvent) == 32
//   u64 start_unix_ns
//   u32 source count,  then per source:  string name, u64 dropped_events
//   u32 label count,   then per label:   string text
//   u32 site count,    then per site:    string file, string function, u32 line, u32 column
//   u64 event count,   then the events as 32-byte TraceEvent records
//   u64 FNV-1a (64-bit) checksum of every byte before it
// A string is a u32 byte length followed by that many bytes (no terminator).
//
// Loading trusts nothing: every count is checked against the bytes that remain before any
// memory is reserved, so a corrupt or hostile file costs at most its own size, and every
// problem is reported as a TraceFormatError that names the file and says what is wrong.

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

#include "trace_log.hpp"

namespace loopscope::trace {

// A file that is not a Loopscope trace, was written by an incompatible build, or is damaged.
class TraceFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Longest string the format accepts. Source paths and C++ function names (templates!) can be
// long, but nothing legitimate comes near this; a larger length means a damaged file.
inline constexpr std::uint32_t kMaxNativeStringBytes = 1u << 20;

// Throws std::runtime_error if a string is longer than kMaxNativeStringBytes or a table has
// more than 2^32 - 1 entries. It does not validate events, so a test can write a bad file.
std::string encode_native_trace(const TraceLog& log);

// `origin_name` (usually the file path) starts every error message.
TraceLog decode_native_trace(std::string_view bytes, std::string_view origin_name);

// Writes through a temporary file beside `path` and renames it into place, so a crash or a
// full disk never leaves a half-written trace under the real name. Throws std::runtime_error
// naming the path on any I/O failure.
void save_native_trace(const TraceLog& log, const std::filesystem::path& path);

// Throws std::runtime_error naming the path if it cannot be read, TraceFormatError if its
// contents are not a valid trace.
TraceLog load_native_trace(const std::filesystem::path& path);

// The write-to-temp-then-rename step of save_native_trace, shared with the Chrome export so
// neither format can leave a truncated file behind.
void replace_file_contents(const std::filesystem::path& path, std::string_view bytes);

}  // namespace loopscope::trace
