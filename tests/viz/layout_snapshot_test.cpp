// The rules the layout audit applies (viz/layout/layout_snapshot.hpp), on hand-made frames:
// each names the screen a class saw that it guards.
#include "viz/layout/layout_snapshot.hpp"

#include <gtest/gtest.h>

namespace loopscope::viz {
namespace {

TextBox text(std::string what, ScreenRect box, ScreenRect bounds, std::string owner = "timeline") {
  return TextBox{std::move(what), std::move(owner), box, bounds};
}

WindowExtent window(std::string name, ScreenRect rect, float content_right_px, float content_bottom_px) {
  WindowExtent extent;
  extent.name = std::move(name);
  extent.rect = rect;
  extent.visible = rect;
  extent.content_right_px = content_right_px;
  extent.content_bottom_px = content_bottom_px;
  return extent;
}

TEST(LayoutProblems, AFrameThatFitsHasNone) {
  LayoutSnapshot frame;
  frame.texts.push_back(text("step 1", {10, 10, 50, 26}, {8, 10, 500, 28}));
  frame.texts.push_back(text("high water 64 KiB", {10, 40, 130, 56}, {8, 40, 500, 58}));
  frame.windows.push_back(window("Loopscope", {0, 0, 1280, 800}, 1270, 790));
  frame.columns.push_back(ColumnExtent{"Loopscope", 1, 300, 310});
  EXPECT_TRUE(find_layout_problems(frame).empty());
}

TEST(LayoutProblems, AFreezeLabelRunningPastItsBandIsCut) {
  LayoutSnapshot frame;
  frame.texts.push_back(text("loop frozen 400 ms", {100, 10, 260, 26}, {96, 10, 200, 28}));
  const auto problems = find_layout_problems(frame);
  ASSERT_EQ(1u, problems.size());
  EXPECT_EQ("cut text", problems[0].kind);
  EXPECT_NE(std::string::npos, problems[0].what.find("60 px")) << problems[0].what;
}

TEST(LayoutProblems, AStepLabelOnAHighWaterLabelOverlaps) {
  LayoutSnapshot frame;
  frame.texts.push_back(text("step 2", {200, 100, 240, 116}, {198, 100, 900, 118}));
  frame.texts.push_back(text("high water 64 KiB", {190, 108, 310, 124}, {188, 108, 900, 126}));
  const auto problems = find_layout_problems(frame);
  ASSERT_EQ(1u, problems.size());
  EXPECT_EQ("overlapping texts", problems[0].kind);
}

TEST(LayoutProblems, TextsInDifferentWindowsOrTouchingAtAnEdgeDoNotOverlap) {
  LayoutSnapshot frame;
  frame.texts.push_back(text("a", {0, 0, 40, 16}, {0, 0, 100, 20}, "first half"));
  frame.texts.push_back(text("b", {0, 0, 40, 16}, {0, 0, 100, 20}, "second half"));
  frame.texts.push_back(text("c", {40, 0, 80, 16}, {40, 0, 100, 20}, "first half"));  // edge to edge
  EXPECT_TRUE(find_layout_problems(frame).empty());
}

TEST(LayoutProblems, ContentPastAWindowsRightEdgeIsCutUnlessItScrolls) {
  LayoutSnapshot frame;
  frame.windows.push_back(window("replay bar", {0, 0, 1280, 40}, 1651, 30));
  ASSERT_EQ(1u, find_layout_problems(frame).size());
  EXPECT_EQ("cut window", find_layout_problems(frame)[0].kind);
  frame.windows[0].scrolls_x = true;
  EXPECT_TRUE(find_layout_problems(frame).empty());
}

TEST(LayoutProblems, ACaptionMustShowAllOfItWithoutScrolling) {
  LayoutSnapshot frame;
  frame.windows.push_back(window("caption", {0, 500, 1280, 800}, 1200, 857));
  frame.windows[0].scrolls_y = true;
  EXPECT_TRUE(find_layout_problems(frame).empty()) << "an ordinary panel may scroll";
  frame.windows[0].must_fit = true;
  const auto problems = find_layout_problems(frame);
  ASSERT_EQ(1u, problems.size());
  EXPECT_NE(std::string::npos, problems[0].what.find("must show all")) << problems[0].what;
}

TEST(LayoutProblems, PanelsMustNotOverlapButPopupsFloat) {
  LayoutSnapshot frame;
  frame.windows.push_back(window("left", {0, 0, 400, 800}, 390, 790));
  frame.windows.push_back(window("right", {390, 0, 1280, 800}, 1270, 790));
  ASSERT_EQ(1u, find_layout_problems(frame).size());
  EXPECT_EQ("overlapping windows", find_layout_problems(frame)[0].kind);
  frame.windows[1].floating = true;
  EXPECT_TRUE(find_layout_problems(frame).empty());
}

TEST(LayoutProblems, AChildWiderThanItsParentIsCut) {
  LayoutSnapshot frame;
  frame.windows.push_back(window("panels", {800, 0, 1280, 800}, 1270, 790));
  WindowExtent code = window("panels/code", {800, 0, 1500, 400}, 1490, 390);
  code.child = true;
  code.parent = "panels";
  frame.windows.push_back(code);
  const auto problems = find_layout_problems(frame);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ("cut window", problems[0].kind);
}

TEST(LayoutProblems, AColumnWhoseCellsRunPastItIsCut) {
  LayoutSnapshot frame;
  frame.columns.push_back(ColumnExtent{"loop health", 1, 512, 384});
  const auto problems = find_layout_problems(frame);
  ASSERT_EQ(1u, problems.size());
  EXPECT_EQ("cut column", problems[0].kind);
  EXPECT_NE(std::string::npos, problems[0].what.find("column 2")) << problems[0].what;
}

}  // namespace
}  // namespace loopscope::viz
