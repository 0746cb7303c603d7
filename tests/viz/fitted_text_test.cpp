// Labels cut to their room with "..." (viz/layout/fitted_text.hpp), measured with ImGui's own
// default font in a context of its own: no window or GPU is needed to lay text out.
#include "viz/layout/fitted_text.hpp"

#include <gtest/gtest.h>
#include <imgui.h>

#include "viz/layout/layout_audit.hpp"

namespace loopscope::viz {
namespace {

class FittedText : public ::testing::Test {
 protected:
  void SetUp() override {
    context_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.DisplaySize = ImVec2(800, 600);
    unsigned char* pixels = nullptr;
    int width = 0, height = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);  // builds the atlas, so text can be measured
    ImGui::NewFrame();
    ImGui::Begin("labels");
  }
  void TearDown() override {
    ImGui::End();
    ImGui::EndFrame();
    ImGui::DestroyContext(context_);
  }
  static float width_of(const std::string& text) { return ImGui::CalcTextSize(text.c_str()).x; }

  ImGuiContext* context_ = nullptr;
};

TEST_F(FittedText, AWholeTextThatFitsIsLeftAlone) {
  const std::string label = "reader.readline() at echo.cpp:12";
  EXPECT_EQ(label, elided_to_width(label, width_of(label)));
}

TEST_F(FittedText, ATextTooLongEndsInAnEllipsisAndFits) {
  const std::string label = "writer.drain() at write_without_drain.cpp:27";
  for (const float room_px : {40.0f, 80.0f, 150.0f, width_of(label) - 1}) {
    const std::string shown = elided_to_width(label, room_px);
    ASSERT_FALSE(shown.empty()) << room_px;
    EXPECT_TRUE(shown.ends_with("...")) << shown;
    EXPECT_LE(width_of(shown), room_px) << shown;
    EXPECT_EQ(label.substr(0, shown.size() - 3), shown.substr(0, shown.size() - 3)) << "a prefix, not a rewording";
  }
}

TEST_F(FittedText, NoRoomForTheEllipsisShowsNothing) {
  EXPECT_EQ("", elided_to_width("task 1 · echo", width_of("..") ));
}

TEST_F(FittedText, AMultiByteCharacterIsNeverSplit) {
  const std::string label = "fast \u00b7 3 tasks";  // the middle dot is two bytes in UTF-8
  for (float room_px = width_of("..."); room_px < width_of(label); room_px += 1) {
    const std::string shown = elided_to_width(label, room_px);
    ASSERT_TRUE(shown.ends_with("...")) << shown;
    const std::string kept = shown.substr(0, shown.size() - 3);
    // Either the whole character or none of it: never its lead byte alone.
    ASSERT_TRUE(kept.empty() || static_cast<unsigned char>(kept.back()) != 0xC2) << shown;
  }
}

TEST_F(FittedText, ThePanelFittingPicksTheLongestWordingThatFits) {
  const std::vector<std::string> wordings = {"42% running handlers", "42% busy", "42%"};
  EXPECT_EQ("42% running handlers", fitting_text(wordings, 1000));
  EXPECT_EQ("42% busy", fitting_text(wordings, width_of("42% busy")));
  EXPECT_EQ("42%", fitting_text(wordings, width_of("42%")));
  EXPECT_LE(width_of(fitting_text(wordings, width_of("4..."))), width_of("4...")) << "elided when none fits";
}

TEST_F(FittedText, ADrawnLabelIsNotedForTheAuditInsideItsBounds) {
  LayoutAudit audit;
  set_active_layout_audit(&audit);
  audit.begin_frame();
  const ScreenRect bounds{10, 10, 90, 30};
  const float drawn_px = draw_fitted_text(ImGui::GetWindowDrawList(), ImVec2(12, 12), IM_COL32_WHITE,
                                          "reader.readline() at echo.cpp:12", bounds);
  set_active_layout_audit(nullptr);
  EXPECT_GT(drawn_px, 0);
  const LayoutSnapshot snapshot = audit.finish_frame();
  ASSERT_EQ(1u, snapshot.texts.size());
  EXPECT_TRUE(snapshot.texts[0].text.ends_with("..."));
  EXPECT_LE(snapshot.texts[0].box.x1, bounds.x1);
  EXPECT_EQ("labels", snapshot.texts[0].owner);
}

}  // namespace
}  // namespace loopscope::viz
