// The lanes' rectangles painted on the CPU: the pixels must be those OpenGL would have drawn
// (the pixel test checks the app's screenshot against the model), and a repaint must never be
// skipped when anything it shows has changed.
#include <gtest/gtest.h>

#include <vector>

#include "viz/timeline/rect_raster.hpp"

namespace viz = loopscope::viz;

namespace {

constexpr viz::PackedColor kRed = viz::pack_rgba(255, 0, 0);
constexpr viz::PackedColor kBlue = viz::pack_rgba(0, 0, 255);
constexpr viz::PackedColor kNone = 0;

viz::PackedColor at(const viz::RectRaster& raster, int column, int row) {
  return raster.pixels()[static_cast<std::size_t>(row) * static_cast<std::size_t>(raster.width_px()) +
                         static_cast<std::size_t>(column)];
}

std::vector<int> columns_painted(const viz::RectRaster& raster, int row) {
  std::vector<int> columns;
  for (int column = 0; column < raster.width_px(); ++column) {
    if (at(raster, column, row) != kNone) columns.push_back(column);
  }
  return columns;
}

}  // namespace

TEST(RectRaster, APixelIsCoveredWhenItsCentreIsInside) {
  viz::RectRaster raster;
  // The area starts at screen (100, 50); pixel centres are at 100.5, 101.5, ...
  raster.paint({viz::DrawRect{110.5f, 50, 112.5f, 52, kRed, 0}}, 100, 50, 20, 4);
  EXPECT_EQ(columns_painted(raster, 0), (std::vector<int>{10, 11})) << "a left edge on a centre covers it";
  EXPECT_EQ(columns_painted(raster, 2), std::vector<int>{}) << "rows 50 and 51 only";

  raster.paint({viz::DrawRect{110.6f, 50, 112.4f, 54, kRed, 0}}, 100, 50, 20, 4);
  EXPECT_EQ(columns_painted(raster, 3), std::vector<int>{11});
  raster.paint({viz::DrawRect{110.6f, 50, 111.4f, 54, kRed, 0}}, 100, 50, 20, 4);
  EXPECT_EQ(columns_painted(raster, 3), std::vector<int>{}) << "no centre inside: nothing, as in OpenGL";
}

TEST(RectRaster, RectsAreClippedToTheArea) {
  viz::RectRaster raster;
  raster.paint({viz::DrawRect{0, 0, 105.0f, 1000, kRed, 0}, viz::DrawRect{118.0f, 48, 500, 51, kBlue, 0},
                viz::DrawRect{300, 0, 400, 100, kBlue, 0}},
               100, 50, 20, 4);
  EXPECT_EQ(columns_painted(raster, 3), (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_EQ(at(raster, 19, 0), kBlue);
  EXPECT_EQ(at(raster, 19, 1), kNone) << "the blue rect ends at y = 51";
}

TEST(RectRaster, LaterRectsCoverEarlierOnesAndTranslucentOnesBlend) {
  viz::RectRaster raster;
  const viz::PackedColor half_blue = viz::pack_rgba(0, 0, 255, 128);
  raster.paint({viz::DrawRect{0, 0, 10, 2, kRed, 0}, viz::DrawRect{0, 0, 5, 2, kBlue, 0},
                viz::DrawRect{5, 0, 10, 1, half_blue, 0}, viz::DrawRect{0, 2, 10, 3, half_blue, 0}},
               0, 0, 10, 3);
  EXPECT_EQ(at(raster, 2, 0), kBlue);
  EXPECT_EQ(at(raster, 7, 1), kRed);
  const viz::PackedColor blended = at(raster, 7, 0);
  EXPECT_NEAR(viz::red_of(blended), 127, 1);
  EXPECT_NEAR(viz::blue_of(blended), 128, 1);
  EXPECT_EQ(blended >> 24, 255u) << "blended onto an opaque pixel: opaque";
  EXPECT_EQ(at(raster, 3, 2), half_blue) << "onto nothing it stays translucent, for OpenGL to blend onto the window";
}

// Folded blocks used to get a drawn outline over their fill; the background now shows instead.
TEST(RectRaster, AFoldedBlockLeavesItsEdgesToTheBackground) {
  viz::RectRaster raster;
  raster.paint({viz::DrawRect{0, 0, 10, 6, kRed, 40}, viz::DrawRect{10, 0, 12, 6, kBlue, 7}}, 0, 0, 12, 6);
  EXPECT_EQ(at(raster, 0, 0), kNone) << "top edge";
  EXPECT_EQ(at(raster, 0, 5), kNone) << "bottom edge";
  EXPECT_EQ(at(raster, 9, 3), kNone) << "right edge, so the next block stands apart";
  EXPECT_EQ(at(raster, 0, 3), kRed);
  EXPECT_EQ(at(raster, 8, 4), kRed);
  EXPECT_EQ(at(raster, 11, 0), kBlue) << "narrower than 3 px: too small to outline";
}

TEST(RectRaster, RepaintsWheneverWhatItShowsChanges) {
  viz::RectRaster raster;
  std::vector<viz::DrawRect> rects = {viz::DrawRect{0, 0, 10, 2, kRed, 0}};
  EXPECT_TRUE(raster.paint(rects, 0, 0, 20, 4));
  EXPECT_FALSE(raster.paint(rects, 0, 0, 20, 4)) << "the same picture is not painted again";

  rects.push_back(viz::DrawRect{10, 0, 12, 2, kBlue, 0});  // new spans arrived
  EXPECT_TRUE(raster.paint(rects, 0, 0, 20, 4));
  EXPECT_EQ(at(raster, 11, 0), kBlue);

  rects[0].x1 = 9;  // the view moved
  EXPECT_TRUE(raster.paint(rects, 0, 0, 20, 4));
  EXPECT_EQ(at(raster, 9, 0), kNone);

  rects[1].color = kRed;
  EXPECT_TRUE(raster.paint(rects, 0, 0, 20, 4));
  rects[1].folded_spans = 5;
  EXPECT_TRUE(raster.paint(rects, 0, 0, 20, 4));

  EXPECT_TRUE(raster.paint(rects, 0, 1, 20, 4)) << "the canvas moved";
  EXPECT_TRUE(raster.paint(rects, 0, 1, 30, 4)) << "the canvas was resized";
  EXPECT_EQ(raster.width_px(), 30);
  EXPECT_TRUE(raster.paint({}, 0, 1, 30, 4)) << "the lanes emptied";
  EXPECT_EQ(at(raster, 0, 0), kNone);
}
