// Sizes and durations as the summaries and panels print them.
#include "core/model/human_units.hpp"

#include <gtest/gtest.h>

namespace loopscope::model {
namespace {

TEST(HumanUnits, BytesTakeTheLargestUnitThatKeepsANumberAboveOne) {
  EXPECT_EQ(format_bytes(512), "512 B");
  EXPECT_EQ(format_bytes(64 * 1024), "64 KiB");
  EXPECT_EQ(format_bytes(25 * 1024 * 1024 + 200 * 1024), "25.2 MiB");
  // A thousand parked threads' reserved stacks: guards "8995.8 MiB" in serve's process line.
  EXPECT_EQ(format_bytes(9432808243ULL), "8.8 GiB");
}

TEST(HumanUnits, DurationsKeepTwoOrThreeFigures) {
  EXPECT_EQ(format_duration(400'000'000), "400 ms");
  EXPECT_EQ(format_duration(1'500'000'000), "1.5 s");
  EXPECT_EQ(format_duration(250'000), "0.2 ms");
}

}  // namespace
}  // namespace loopscope::model
