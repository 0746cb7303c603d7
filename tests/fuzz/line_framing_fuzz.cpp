// libFuzzer: readline()'s framing (core/loop/line_framing.hpp) over arbitrary bytes that arrive
// in arbitrary pieces, against a reference written straight from asyncio's readuntil loop.
// The first input byte picks the limit (1..64) and the next ones the sizes of the pieces.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/loop/line_framing.hpp"

namespace {

using loopscope::loop::decide_line;
using loopscope::loop::LineDecision;

// What a handler calling readline() in a loop (catching ValueError) sees: lines, and "!" for
// each refusal.
using Outcome = std::vector<std::string>;

// asyncio 3.11 StreamReader.readline, by its own steps: find the separator; too long if more
// than `limit` bytes precede it (drop through it) or, without one, once more than `limit` are
// buffered (drop all); at EOF return what is left.
Outcome reference_framing(const std::vector<std::string_view>& pieces, std::size_t limit) {
  Outcome out;
  std::string buffer;
  std::size_t next_piece = 0;
  bool eof = false;
  for (;;) {
    const std::size_t separator = buffer.find('\n');
    if (separator != std::string::npos) {
      if (separator > limit) {
        out.push_back("!");
        buffer.erase(0, separator + 1);
      } else {
        out.push_back(buffer.substr(0, separator + 1));
        buffer.erase(0, separator + 1);
      }
      continue;
    }
    if (buffer.size() > limit) {
      out.push_back("!");
      buffer.clear();
      continue;
    }
    if (eof) {
      out.push_back(buffer);  // "" is the end of the stream
      return out;
    }
    if (next_piece < pieces.size()) buffer += pieces[next_piece++];
    else eof = true;
  }
}

Outcome framing_under_test(const std::vector<std::string_view>& pieces, std::size_t limit) {
  Outcome out;
  std::string buffer;
  std::size_t next_piece = 0, scanned = 0;
  bool eof = false;
  for (std::size_t guard = 0; guard < 100000; ++guard) {
    const LineDecision decision = decide_line(buffer, limit, eof, scanned);
    if (decision.bytes > buffer.size()) std::abort();  // it may never hand out more than it has
    switch (decision.kind) {
      case LineDecision::Kind::Line:
        out.push_back(buffer.substr(0, decision.bytes));
        buffer.erase(0, decision.bytes);
        scanned = 0;
        if (decision.bytes == 0 || out.back().back() != '\n') return out;  // the end of the stream
        break;
      case LineDecision::Kind::TooLong:
        if (decision.newline_seen != (buffer[decision.bytes - 1] == '\n')) std::abort();
        out.push_back("!");
        buffer.erase(0, decision.bytes);
        scanned = 0;
        break;
      case LineDecision::Kind::NeedMore:
        if (eof) std::abort();  // at the end of the stream there is always a decision
        scanned = buffer.size();
        if (next_piece < pieces.size()) buffer += pieces[next_piece++];
        else eof = true;
        break;
    }
  }
  std::abort();  // a loop that never ends
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t limit = data[0] % 64 + 1;
  // Byte 1 says how many of the following bytes are piece sizes (up to 16); the rest is the stream.
  const std::size_t size_bytes = std::min<std::size_t>(data[1] % 17, size - 2);
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2 + size_bytes, size - 2 - size_bytes);
  std::vector<std::string_view> pieces;
  std::size_t at = 0;
  for (std::size_t index = 0; index < size_bytes && at < stream.size(); ++index) {
    const std::size_t piece = std::min<std::size_t>(data[2 + index] % 97 + 1, stream.size() - at);
    pieces.push_back(stream.substr(at, piece));
    at += piece;
  }
  if (at < stream.size()) pieces.push_back(stream.substr(at));
  if (framing_under_test(pieces, limit) != reference_framing(pieces, limit)) std::abort();
  return 0;
}
