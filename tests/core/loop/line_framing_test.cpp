// readline()'s framing rule on its own (core/loop/line_framing.hpp), case by case; the fuzz
// target tests/fuzz/line_framing_fuzz.cpp checks it against a reference on arbitrary input.
#include "core/loop/line_framing.hpp"

#include <gtest/gtest.h>

using loopscope::loop::decide_line;
using Kind = loopscope::loop::LineDecision::Kind;

TEST(LineFraming, ALineOfLimitBytesAndItsNewlineIsALine) {
  const auto decision = decide_line("1234\nrest", 4, false);
  EXPECT_EQ(Kind::Line, decision.kind);
  EXPECT_EQ(5u, decision.bytes);
}

TEST(LineFraming, OneByteMoreBeforeTheNewlineIsRefusedThroughTheNewline) {
  const auto decision = decide_line("12345\nrest", 4, false);
  EXPECT_EQ(Kind::TooLong, decision.kind);
  EXPECT_EQ(6u, decision.bytes) << "the line goes with its newline; what follows stays";
  EXPECT_TRUE(decision.newline_seen);
}

TEST(LineFraming, WithoutANewlineTheLimitWaitsAndOneMoreIsRefused) {
  EXPECT_EQ(Kind::NeedMore, decide_line("1234", 4, false).kind);
  const auto refused = decide_line("12345", 4, false);
  EXPECT_EQ(Kind::TooLong, refused.kind);
  EXPECT_EQ(5u, refused.bytes);
  EXPECT_FALSE(refused.newline_seen);
}

TEST(LineFraming, AtTheEndOfTheStreamTheRestIsTheLastLineUnlessItIsTooLong) {
  EXPECT_EQ(Kind::Line, decide_line("abc", 4, true).kind);
  EXPECT_EQ(3u, decide_line("abc", 4, true).bytes);
  EXPECT_EQ(0u, decide_line("", 4, true).bytes) << "nothing left: b\"\", the end";
  EXPECT_EQ(Kind::TooLong, decide_line("abcde", 4, true).kind) << "asyncio checks the limit before EOF";
}

TEST(LineFraming, TheScannedHintSkipsWhatHoldsNoNewline) {
  // The first 3 bytes were looked at before more arrived: the search starts after them.
  EXPECT_EQ(Kind::Line, decide_line("abc\nd\n", 10, false, 3).kind);
  EXPECT_EQ(4u, decide_line("abc\nd\n", 10, false, 3).bytes);
  EXPECT_EQ(Kind::NeedMore, decide_line("abc", 10, false, 99).kind) << "a hint past the end is harmless";
}
