#include "line_framing.hpp"

namespace loopscope::loop {

LineDecision decide_line(std::string_view unread, std::size_t limit_bytes, bool eof, std::size_t scanned_bytes) {
  const std::size_t newline = unread.find('\n', scanned_bytes < unread.size() ? scanned_bytes : unread.size());
  if (newline != std::string_view::npos) {
    // asyncio: "Separator is found, but chunk is longer than limit" when more than `limit`
    // bytes come before it; with a limit of 1024, 1024 bytes and the newline are a line.
    if (newline > limit_bytes) return {LineDecision::Kind::TooLong, newline + 1, true};
    return {LineDecision::Kind::Line, newline + 1, false};
  }
  // asyncio: "Separator is not found, and chunk exceed the limit" once more than `limit`
  // bytes wait without one, even at the end of the stream (the check comes first there too).
  if (unread.size() > limit_bytes) return {LineDecision::Kind::TooLong, unread.size(), false};
  if (eof) return {LineDecision::Kind::Line, unread.size(), false};  // the last, unterminated line (or b"")
  return {LineDecision::Kind::NeedMore, 0, false};
}

}  // namespace loopscope::loop
