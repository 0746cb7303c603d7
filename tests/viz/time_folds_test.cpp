// Held stretches drawn as thin markers (viz/timeline/time_folds.hpp and the viewport's folded
// mapping). Guards: in hello-loop, step lines sat at 31 s and 49 s while the connection lived
// from 0 to 1.5 s, because the minutes the class spent answering were drawn at scale.
#include "viz/timeline/time_folds.hpp"

#include <gtest/gtest.h>

#include <memory>

#include "viz/timeline/timeline_viewport.hpp"

namespace viz = loopscope::viz;

namespace {

constexpr std::uint64_t kSecond_ns = 1'000'000'000;

std::shared_ptr<const viz::TimeFolds> one_minute_held_at_one_second() {
  return std::make_shared<const viz::TimeFolds>(std::vector<viz::TimeFold>{{1 * kSecond_ns, 61 * kSecond_ns}});
}

}  // namespace

TEST(TimeFolds, ShownTimeLeavesTheFoldedStretchesOut) {
  const viz::TimeFolds folds({{10, 20}, {30, 40}, {15, 25}});  // the first two overlap: merged
  ASSERT_EQ(2u, folds.folds().size());
  EXPECT_EQ(10u, folds.shown_ns(10));
  EXPECT_EQ(10u, folds.shown_ns(18)) << "inside a fold, shown time stands still";
  EXPECT_EQ(10u, folds.shown_ns(25));
  EXPECT_EQ(15u, folds.shown_ns(30));
  EXPECT_EQ(20u, folds.shown_ns(45));
  EXPECT_DOUBLE_EQ(10.0 / 15.0, folds.markers_before(20)) << "two thirds into the merged [10, 25)";
  EXPECT_DOUBLE_EQ(2.0, folds.markers_before(40));
  for (const std::uint64_t time_ns : {0u, 5u, 26u, 29u, 41u, 100u}) {
    EXPECT_EQ(time_ns, folds.time_of_shown(folds.shown_ns(time_ns))) << "outside folds it round-trips: " << time_ns;
  }
  EXPECT_EQ(25u, folds.time_of_shown(10)) << "a fold's place is its end";
}

TEST(TimeFolds, AFoldedMinuteTakesAThinMarkerAndTheRestKeepsTheWidth) {
  viz::TimelineViewport viewport(0, 62 * kSecond_ns, 0, 1000);
  const float at_scale_px = viewport.x_of(61 * kSecond_ns) - viewport.x_of(1 * kSecond_ns);
  EXPECT_GT(at_scale_px, 900) << "at scale the held minute is nearly the whole width";
  viewport.folds = one_minute_held_at_one_second();
  const viz::PixelMapping mapping = viewport.mapping();
  const float marker_px = mapping.x_of(61 * kSecond_ns) - mapping.x_of(1 * kSecond_ns);
  EXPECT_NEAR(viewport.fold_marker_px, marker_px, 0.5f);
  EXPECT_NEAR(0.0f, mapping.x_of(0), 0.01f);
  EXPECT_NEAR(1000.0f, mapping.x_of(62 * kSecond_ns), 0.5f) << "the view still ends at the right edge";
  EXPECT_NEAR(497.0f, mapping.x_of(1 * kSecond_ns), 1.0f) << "the two unheld seconds share the width";
  for (const float x_px : {100.0f, 400.0f, 700.0f, 950.0f}) {
    EXPECT_NEAR(x_px, mapping.x_of(mapping.time_at(x_px)), 0.5f) << "time_at inverts x_of";
  }
}

TEST(TimeFolds, FollowingLiveCountsShownTime) {
  viz::TimelineNavigation navigation;
  navigation.set_folds(one_minute_held_at_one_second());
  navigation.update(70 * kSecond_ns, 0, 1000);
  ASSERT_TRUE(navigation.follow_live());
  const viz::TimelineViewport& viewport = navigation.viewport();
  EXPECT_EQ(70 * kSecond_ns, viewport.end_ns);
  EXPECT_EQ(viz::TimelineNavigation::kDefaultFollowSpanNs, viewport.shown_duration_ns())
      << "the last 10 s of what happened, not of the clock";
  EXPECT_LT(viewport.begin_ns, 61 * kSecond_ns) << "so the view reaches back past the held minute";
}

TEST(TimeFolds, WithoutFoldsTheMappingIsTheLinearOne) {
  const viz::TimelineViewport viewport(1000, 2000, 10, 100);
  const viz::PixelMapping mapping = viewport.mapping();
  EXPECT_EQ(nullptr, mapping.folds);
  EXPECT_FLOAT_EQ(60.0f, mapping.x_of(1500));
  EXPECT_EQ(1500u, mapping.time_at(60.0f));
}
