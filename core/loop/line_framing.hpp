#pragma once
// What readline() makes of the bytes it has, by asyncio's rules (StreamReader.readline over
// readuntil): a whole line, a line refused for its length, or a wait for more. Pure, so the
// rule is fuzzed on its own against arbitrary bytes split at arbitrary points.

#include <cstddef>
#include <string_view>

namespace loopscope::loop {

struct LineDecision {
  enum class Kind {
    Line,      // take `bytes` (the line with its newline; at end of stream, whatever is left)
    TooLong,   // refused: drop `bytes` (through the newline if one was seen, else everything)
    NeedMore,  // no decision until more bytes (or the end of the stream) arrive
  };
  Kind kind = Kind::NeedMore;
  std::size_t bytes = 0;
  bool newline_seen = false;  // TooLong: the refused line had its newline
};

// `unread`: what is buffered and not yet handed out. `limit_bytes` counts the bytes before the
// newline, as asyncio's limit does. `scanned_bytes`: a prefix already known to hold no newline
// (a hint that keeps repeated calls linear; 0 is always correct). `eof`: the peer has closed.
LineDecision decide_line(std::string_view unread, std::size_t limit_bytes, bool eof, std::size_t scanned_bytes = 0);

}  // namespace loopscope::loop
