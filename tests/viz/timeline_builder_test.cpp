// The model-to-draw-list step, headless: culling, folding, colours and labels.
#include <gtest/gtest.h>

#include "tests/support/trace_log_builder.hpp"

#include <algorithm>
#include <random>

#include "core/model/trace_model.hpp"
#include "viz/timeline/lane_layout.hpp"
#include "viz/timeline/span_folder.hpp"
#include "viz/timeline/timeline_builder.hpp"

namespace model = loopscope::model;
namespace trace = loopscope::trace;
namespace viz = loopscope::viz;

namespace {

constexpr auto kReadline = static_cast<std::uint8_t>(trace::AwaitKind::Readline);
constexpr auto kDrain = static_cast<std::uint8_t>(trace::AwaitKind::Drain);

class LogBuilder : public loopscope::testing::TraceLogBuilder {
 public:
  LogBuilder() : TraceLogBuilder({"", "echo"}) {}
};

std::array<viz::PackedColor, viz::SpanFolder::kMaxCategories> two_colours() {
  std::array<viz::PackedColor, viz::SpanFolder::kMaxCategories> palette{};
  palette[0] = viz::pack_rgba(255, 0, 0);
  palette[1] = viz::pack_rgba(0, 0, 255);
  return palette;
}

viz::TimelineViewport one_px_per_us() { return viz::TimelineViewport{0, 1'000'000, 100, 1000}; }

// A task that runs briefly, waits in readline, then waits in drain from 400 us to 900 us.
trace::TraceLog drain_story() {
  LogBuilder builder;
  builder.log().sites = {trace::SiteInfo{"/src/core/handlers/echo.cpp", "echo", 14, 5}};
  builder.add(0, trace::EventKind::ConnectionAccepted, 7, 0x7f000001, 0, 5000)
      .add(0, trace::EventKind::TaskSpawned, 7, 0, 0, 1)
      .add(0, trace::EventKind::BufferLimit, 7, 65536, static_cast<std::uint8_t>(trace::BufferKind::Writer), 0)
      .add(0, trace::EventKind::BufferLimit, 7, 16384, static_cast<std::uint8_t>(trace::BufferKind::Writer), 1)
      .add(10'000, trace::EventKind::TaskSuspended, 7, 0, kReadline, 0, 1)
      .add(300'000, trace::EventKind::TaskResumed, 7, 0, kReadline, 0, 1)
      .add(400'000, trace::EventKind::BufferLevel, 7, 80'000, static_cast<std::uint8_t>(trace::BufferKind::Writer))
      .add(400'000, trace::EventKind::TaskSuspended, 7, 0, kDrain, 0, 1)
      .add(400'000, trace::EventKind::DrainStallBegin, 7, 80'000, 0, 0, 1)
      .add(900'000, trace::EventKind::BufferLevel, 7, 16'000, static_cast<std::uint8_t>(trace::BufferKind::Writer))
      .add(900'000, trace::EventKind::DrainStallEnd, 7, 16'000, 0, 0, 1)
      .add(900'000, trace::EventKind::TaskResumed, 7, 0, kDrain, 0, 1);
  return builder.log();
}

viz::TimelineFrame frame_for(const viz::TimelineViewport& viewport, const trace::TraceLog& log) {
  viz::TimelineFrame frame;
  frame.viewport = viewport;
  frame.now_ns = 1'000'000;
  frame.log = &log;
  return frame;
}

viz::SiteLabeler test_labeler() {
  return [](const trace::TraceLog& log, trace::SiteId site) {
    const trace::SiteInfo* info = log.site(site);
    return info == nullptr ? std::string() : "wait at line " + std::to_string(info->line);
  };
}

const viz::DrawRect* rect_covering(const viz::DrawList& list, float x, float y) {
  const viz::DrawRect* found = nullptr;
  for (const auto& rect : list.rects) {
    if (rect.x0 <= x && x < rect.x1 && rect.y0 <= y && y < rect.y1) found = &rect;  // last drawn wins
  }
  return found;
}

// A task (no scripted client, no sites: no Runnable parts, no labels) that alternates between
// running and waits of every kind, mostly for a few hundred ns, now and then for milliseconds.
void add_random_task_story(LogBuilder& builder, std::uint32_t task, std::size_t waits, std::uint64_t& time_ns,
                           std::mt19937& random) {
  std::uniform_int_distribution<std::uint64_t> short_ns(1, 400);
  std::uniform_int_distribution<int> percent(0, 99);
  const std::uint8_t kinds[] = {kReadline, kDrain, static_cast<std::uint8_t>(trace::AwaitKind::Sleep),
                                static_cast<std::uint8_t>(trace::AwaitKind::Offload)};
  auto length_ns = [&] { return percent(random) < 2 ? 2'000'000 : short_ns(random); };
  for (std::size_t wait = 0; wait < waits; ++wait) {
    const std::uint8_t kind = kinds[static_cast<std::size_t>(percent(random)) % 4];
    builder.add(time_ns, trace::EventKind::TaskSuspended, task, 0, kind);
    time_ns += length_ns();
    builder.add(time_ns, trace::EventKind::TaskResumed, task, 0, kind);
    time_ns += length_ns();
  }
}

// What folding a task lane means, done the slow way: every span handed to a SpanFolder.
std::vector<viz::DrawRect> fold_every_span(const model::TaskRecord& task, const viz::TimelineViewport& viewport,
                                           float top_px, float bottom_px, std::uint64_t now_ns) {
  std::array<viz::PackedColor, viz::SpanFolder::kMaxCategories> palette{};
  for (int state = 0; state < model::kTaskStateCount; ++state) {
    palette[static_cast<std::size_t>(state)] = viz::state_color(static_cast<model::TaskState>(state));
  }
  std::vector<viz::DrawRect> out;
  viz::SpanFolder folder(viewport, top_px, bottom_px, palette, out);
  for (const model::StateSpan& span : task.spans) {
    folder.add(span.begin_ns, span.end_ns == model::kOpenEnd ? now_ns : span.end_ns,
               static_cast<std::uint8_t>(span.state));
  }
  folder.finish();
  return out;
}

std::vector<viz::DrawRect> rects_of_lane(const viz::DrawList& list, const viz::Lane& lane) {
  std::vector<viz::DrawRect> found;
  for (const viz::DrawRect& rect : list.rects) {
    if (rect.y0 == lane.top_px && rect.y1 == lane.bottom_px()) found.push_back(rect);
  }
  return found;
}

void expect_same_rects(const std::vector<viz::DrawRect>& built, const std::vector<viz::DrawRect>& expected,
                       const std::string& context) {
  ASSERT_EQ(built.size(), expected.size()) << context;
  for (std::size_t index = 0; index < built.size(); ++index) {
    EXPECT_EQ(built[index].x0, expected[index].x0) << context << ", rect " << index;
    EXPECT_EQ(built[index].x1, expected[index].x1) << context << ", rect " << index;
    EXPECT_EQ(built[index].color, expected[index].color) << context << ", rect " << index;
    EXPECT_EQ(built[index].folded_spans, expected[index].folded_spans) << context << ", rect " << index;
  }
}

}  // namespace

TEST(SpanFolder, SpansWiderThanAPixelAreDrawnAsThemselves) {
  std::vector<viz::DrawRect> out;
  const auto viewport = one_px_per_us();
  const auto palette = two_colours();
  viz::SpanFolder folder(viewport, 0, 10, palette, out);
  folder.add(100'000, 300'000, 1);
  folder.finish();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FLOAT_EQ(out[0].x0, 200);
  EXPECT_FLOAT_EQ(out[0].x1, 400);
  EXPECT_EQ(out[0].color, palette[1]);
  EXPECT_EQ(out[0].folded_spans, 0u);
}

TEST(SpanFolder, RunsOfSubPixelSpansFoldIntoOneCountedBlockOfTheDominantColour) {
  std::vector<viz::DrawRect> out;
  const auto viewport = one_px_per_us();
  const auto palette = two_colours();
  viz::SpanFolder folder(viewport, 0, 10, palette, out);
  // 1,000 spans of 100 ns, contiguous: 3 of every 4 in category 1.
  for (std::uint64_t index = 0; index < 1000; ++index) {
    folder.add(index * 100, index * 100 + 100, index % 4 == 0 ? 0 : 1);
  }
  folder.finish();
  ASSERT_EQ(out.size(), 1u) << "contiguous sub-pixel spans must fold into one block";
  EXPECT_EQ(out[0].folded_spans, 1000u);
  EXPECT_EQ(out[0].color, palette[1]);
  EXPECT_NEAR(out[0].x1 - out[0].x0, 100.0f, 0.5f);
}

TEST(SpanFolder, AVisibleGapEndsAFold) {
  std::vector<viz::DrawRect> out;
  const auto viewport = one_px_per_us();
  const auto palette = two_colours();
  viz::SpanFolder folder(viewport, 0, 10, palette, out);
  folder.add(0, 100, 0);
  folder.add(200, 300, 0);
  folder.add(50'000, 50'100, 0);  // 50 px later: idle time in between must stay visible
  folder.finish();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].folded_spans, 2u);
  EXPECT_EQ(out[1].folded_spans, 0u);
  EXPECT_GE(out[1].x0, 149.0f);
}

TEST(SpanFolder, SpansOutsideTheViewAreCulledAndEdgesClipped) {
  std::vector<viz::DrawRect> out;
  viz::TimelineViewport viewport{1'000'000, 2'000'000, 0, 1000};
  const auto palette = two_colours();
  viz::SpanFolder folder(viewport, 0, 10, palette, out);
  folder.add(0, 500'000, 0);            // before the view
  folder.add(900'000, 1'100'000, 1);    // straddles the left edge
  folder.add(3'000'000, 4'000'000, 0);  // after the view
  folder.finish();
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FLOAT_EQ(out[0].x0, 0);
  EXPECT_FLOAT_EQ(out[0].x1, 100);
}

TEST(TimelineViewport, ZoomKeepsTheTimeUnderTheCursorInPlace) {
  viz::TimelineNavigation navigation;
  navigation.update(10'000'000'000ULL, 100, 1000);
  navigation.show_range(0, 10'000'000'000ULL);
  const std::uint64_t before = navigation.viewport().time_at(350);
  navigation.zoom_at(350, 3);
  EXPECT_LT(navigation.viewport().duration_ns(), 10'000'000'000ULL);
  const double drift_ns = std::abs(static_cast<double>(navigation.viewport().time_at(350)) - static_cast<double>(before));
  EXPECT_LT(drift_ns, static_cast<double>(navigation.viewport().duration_ns()) / 500.0);
}

TEST(TimelineViewport, DraggingStopsFollowingAndFollowSlidesTheView) {
  viz::TimelineNavigation navigation;
  navigation.update(30'000'000'000ULL, 0, 1000);
  EXPECT_TRUE(navigation.follow_live());
  EXPECT_EQ(navigation.viewport().end_ns, 30'000'000'000ULL);
  navigation.update(31'000'000'000ULL, 0, 1000);
  EXPECT_EQ(navigation.viewport().end_ns, 31'000'000'000ULL) << "follow-live keeps now at the right edge";
  navigation.pan_by_px(100);
  EXPECT_FALSE(navigation.follow_live());
  EXPECT_LT(navigation.viewport().end_ns, 31'000'000'000ULL);
  navigation.fit_all(31'000'000'000ULL);
  EXPECT_EQ(navigation.viewport().begin_ns, 0u);
  EXPECT_GE(navigation.viewport().end_ns, 31'000'000'000ULL);
}

TEST(LaneLayout, LoopFirstThenGroupsAndABufferLaneOnceABufferFills) {
  const auto model = model::TraceModel::from_log(drain_story());
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  ASSERT_EQ(lanes.size(), 4u);
  EXPECT_EQ(lanes[0].kind, viz::LaneKind::Loop);
  EXPECT_EQ(lanes[1].kind, viz::LaneKind::GroupHeader);
  EXPECT_EQ(lanes[1].group, "your connections") << "a connection without a scripted client is the learner's own";
  EXPECT_EQ(lanes[2].kind, viz::LaneKind::Task);
  EXPECT_EQ(lanes[2].task_id, 7u);
  EXPECT_EQ(lanes[3].kind, viz::LaneKind::Buffers) << "the writer buffer held 80 KB, so it gets a counter lane";
  for (std::size_t index = 1; index < lanes.size(); ++index) EXPECT_GE(lanes[index].top_px, lanes[index - 1].bottom_px());

  viz::LaneOptions collapsed;
  collapsed.collapsed_groups = {"your connections"};
  EXPECT_EQ(viz::build_lanes(model, collapsed).size(), 2u) << "a collapsed group keeps only its header";
}

// Guards: in free play, a learner's new nc connection landed below fifty finished lanes.
TEST(LaneLayout, RunningTasksComeBeforeManyExitedOnesAndRunningGroupsFirst) {
  LogBuilder builder;
  constexpr std::uint32_t kExited = 20;
  for (std::uint32_t id = 1; id <= kExited; ++id) {
    builder.add(id * 1000, trace::EventKind::TaskSpawned, id, 0, 0, 1)
        .add(id * 1000 + 500, trace::EventKind::TaskExited, id, 0, 0);
  }
  builder.add(100'000, trace::EventKind::TaskSpawned, kExited + 1, 0, 0, 1);  // the learner's new nc
  const auto model = model::TraceModel::from_log(builder.log());
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  ASSERT_GE(lanes.size(), 3u);
  EXPECT_EQ(lanes[2].kind, viz::LaneKind::Task);
  EXPECT_EQ(lanes[2].task_id, kExited + 1) << "the running task is the group's first lane";
  EXPECT_EQ(lanes[3].task_id, 1u) << "then the exited ones, in spawn order";

  LogBuilder few;
  few.add(1000, trace::EventKind::TaskSpawned, 1, 0, 0, 1)
      .add(1500, trace::EventKind::TaskExited, 1, 0, 0)
      .add(2000, trace::EventKind::TaskSpawned, 2, 0, 0, 1);
  const auto few_lanes = viz::build_lanes(model::TraceModel::from_log(few.log()), viz::LaneOptions{});
  EXPECT_EQ(few_lanes[2].task_id, 1u) << "a few exited tasks keep their place: lanes do not jump in a lesson";
}

TEST(TimelineBuilder, ATaskLaneIsColouredByStateWhereTheModelSays) {
  const trace::TraceLog log = drain_story();
  const auto model = model::TraceModel::from_log(log);
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  viz::TimelineBuilder builder(test_labeler());
  viz::DrawList list;
  builder.build(model, lanes, frame_for(one_px_per_us(), log), list);
  const viz::Lane& task_lane = lanes[2];
  const float middle_y = task_lane.top_px + task_lane.height_px / 2;
  // 1 px per us, canvas starts at x = 100.
  const viz::DrawRect* reading = rect_covering(list, 100 + 150, middle_y);
  ASSERT_NE(reading, nullptr);
  EXPECT_EQ(reading->color, viz::state_color(model::TaskState::AwaitingRead));
  const viz::DrawRect* draining = rect_covering(list, 100 + 650, middle_y);
  ASSERT_NE(draining, nullptr);
  EXPECT_EQ(draining->color, viz::state_color(model::TaskState::AwaitingDrain));
  const viz::DrawRect* running = rect_covering(list, 100 + 950, middle_y);
  ASSERT_NE(running, nullptr);
  EXPECT_EQ(running->color, viz::state_color(model::TaskState::Running)) << "an open span runs to now";

  const bool labelled = std::any_of(list.texts.begin(), list.texts.end(),
                                    [](const viz::DrawText& text) { return text.text == "wait at line 14"; });
  EXPECT_TRUE(labelled) << "a wide wait carries its site as a suspension marker";
  const bool arrow = std::any_of(list.lines.begin(), list.lines.end(), [](const viz::DrawLine& line) {
    return line.arrow_head && std::abs(line.x0 - (100 + 900)) < 1;
  });
  EXPECT_TRUE(arrow) << "low water reached -> drain resumed is drawn as an arrow at 900 us";
}

TEST(TimelineBuilder, LanesOffScreenAreCulled) {
  const trace::TraceLog log = drain_story();
  const auto model = model::TraceModel::from_log(log);
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  viz::TimelineBuilder builder(test_labeler());
  viz::DrawList list;
  auto frame = frame_for(one_px_per_us(), log);
  frame.visible_top_px = lanes[1].top_px;  // only the group header is on screen
  frame.visible_bottom_px = lanes[1].bottom_px() - 1;
  builder.build(model, lanes, frame, list);
  EXPECT_EQ(list.spans_visited, 0u);
  EXPECT_TRUE(list.rects.empty());
}

TEST(TimelineBuilder, AMillionSpansFoldToAboutOneRectPerPixel) {
  LogBuilder builder;
  builder.add(0, trace::EventKind::ConnectionAccepted, 1, 0x7f000001, 0, 6000)
      .add(0, trace::EventKind::TaskSpawned, 1, 0, 0, 1);
  for (std::uint64_t index = 0; index < 500'000; ++index) {
    builder.add(index * 2000 + 1000, trace::EventKind::TaskSuspended, 1, 0, kReadline);
    builder.add(index * 2000 + 2000, trace::EventKind::TaskResumed, 1, 0, kReadline);
  }
  const auto model = model::TraceModel::from_log(builder.log());
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  viz::TimelineBuilder timeline(test_labeler());
  viz::DrawList list;
  viz::TimelineViewport viewport{0, 1'000'000'000, 0, 1000};
  timeline.build(model, lanes, frame_for(viewport, builder.log()), list);
  EXPECT_LE(list.rects.size(), 2100u) << "folding bounds the rects by the lane's width, not by the trace";
  EXPECT_LE(list.spans_visited, 5000u) << "sub-pixel spans are jumped over, not visited one by one";
  std::uint64_t folded = 0;
  for (const auto& rect : list.rects) folded += rect.folded_spans;
  EXPECT_GE(folded, 990'000u) << "every skipped span is still counted in its block";
}

TEST(TimelineBuilder, AFreezeIsABandAcrossEveryLaneNamingItsSite) {
  trace::TraceLog log = drain_story();
  log.events.push_back(trace::TraceEvent{200'000, 0, 7, 1, trace::EventKind::FreezeBegin, 0, 0, 0, 0});
  const auto model = model::TraceModel::from_log(log);
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  viz::TimelineBuilder builder(test_labeler());
  viz::DrawList list;
  builder.build(model, lanes, frame_for(one_px_per_us(), log), list);
  ASSERT_EQ(list.bands.size(), 1u);
  EXPECT_FLOAT_EQ(list.bands[0].x0, 300);
  EXPECT_FLOAT_EQ(list.bands[0].x1, 1100) << "an open freeze grows to now";
  EXPECT_LE(list.bands[0].y0, lanes.front().top_px);
  EXPECT_GE(list.bands[0].y1, lanes.back().bottom_px() - 1);
  const bool named = std::any_of(list.texts.begin(), list.texts.end(), [](const viz::DrawText& text) {
    return text.text.find("loop frozen for 800 us in wait at line 14") != std::string::npos;
  });
  EXPECT_TRUE(named);
}

// Freeze labels ran past their band onto the idle loop lane and piled up: a narrow band gets a
// shorter wording that fits inside it.
TEST(TimelineBuilder, ANarrowFreezeBandKeepsItsLabelInside) {
  trace::TraceLog log = drain_story();
  log.events.push_back(trace::TraceEvent{200'000, 0, 7, 1, trace::EventKind::FreezeBegin, 0, 0, 0, 0});
  log.events.push_back(trace::TraceEvent{300'000, 100'000, 7, 1, trace::EventKind::FreezeEnd, 0, 0, 0, 0});
  const auto model = model::TraceModel::from_log(log);
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  viz::TimelineBuilder builder(test_labeler());
  viz::DrawList list;
  builder.build(model, lanes, frame_for(one_px_per_us(), log), list);
  ASSERT_EQ(list.bands.size(), 1u);
  const auto label = std::find_if(list.texts.begin(), list.texts.end(),
                                  [](const viz::DrawText& text) { return text.text.find("us") != std::string::npos; });
  ASSERT_NE(label, list.texts.end());
  EXPECT_EQ(label->text, "100 us") << "the wording that fits a 100 px band";
  EXPECT_LE(label->clip_right_px, list.bands[0].x1);
  EXPECT_GE(label->x, list.bands[0].x0);
}

TEST(TimelineBuilder, ALessonStepIsALineAcrossTheLanesWithItsNumber) {
  trace::TraceLog log = drain_story();
  log.labels.push_back("a-lesson");
  const auto lesson_label = static_cast<std::uint64_t>(log.labels.size() - 1);
  log.events.insert(log.events.begin() + 5, trace::TraceEvent{250'000, lesson_label, 1, 0, trace::EventKind::LessonStep, 0, 0, 0, 0});
  const auto model = model::TraceModel::from_log(log);
  ASSERT_EQ(model.lesson_steps().size(), 1u);
  EXPECT_EQ(model.lesson_steps()[0].lesson_id, "a-lesson");
  EXPECT_EQ(model.lesson_steps()[0].step_index, 1u);
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  viz::TimelineBuilder builder(test_labeler());
  viz::DrawList list;
  builder.build(model, lanes, frame_for(one_px_per_us(), log), list);
  const bool line = std::any_of(list.lines.begin(), list.lines.end(), [](const viz::DrawLine& drawn) {
    return drawn.x0 == 350 && drawn.x1 == 350 && drawn.color == viz::colors::kLessonStep;
  });
  EXPECT_TRUE(line) << "a line at 250 us";
  const bool numbered = std::any_of(list.texts.begin(), list.texts.end(), [](const viz::DrawText& text) {
    return text.text == "step 2" && text.x == 353;
  });
  EXPECT_TRUE(numbered) << "steps are numbered from 1 on screen";

  // A second step 5 us (5 px) later keeps its line but not a label that would cover the first.
  log.events.insert(log.events.begin() + 6, trace::TraceEvent{255'000, lesson_label, 2, 0, trace::EventKind::LessonStep, 0, 0, 0, 0});
  const auto crowded = model::TraceModel::from_log(log);
  viz::DrawList crowded_list;
  builder.build(crowded, lanes, frame_for(one_px_per_us(), log), crowded_list);
  const auto step_lines = std::count_if(crowded_list.lines.begin(), crowded_list.lines.end(),
                                        [](const viz::DrawLine& drawn) { return drawn.color == viz::colors::kLessonStep; });
  const auto step_labels = std::count_if(crowded_list.texts.begin(), crowded_list.texts.end(),
                                         [](const viz::DrawText& text) { return text.text.starts_with("step "); });
  EXPECT_EQ(step_lines, 2);
  EXPECT_EQ(step_labels, 1);
}

// The builder folds runs of narrow spans from a per-task index instead of visiting them; the
// result must be what handing every span to the folder gives, at every zoom, and must follow
// the model as it grows (the index is kept across frames) and the view as it moves.
TEST(TimelineBuilder, FoldingFromTheIndexDrawsWhatVisitingEverySpanDraws) {
  LogBuilder builder;
  builder.add(0, trace::EventKind::ConnectionAccepted, 1, 0x7f000001, 0, 6000)
      .add(0, trace::EventKind::TaskSpawned, 1, 0, 0, 1);
  std::mt19937 random(11);
  std::uint64_t time_ns = 0;
  add_random_task_story(builder, 1, 20'000, time_ns, random);
  const std::size_t first_part = builder.log().events.size();
  const std::uint64_t first_part_end_ns = time_ns;
  add_random_task_story(builder, 1, 20'000, time_ns, random);

  trace::TraceLog first_log = builder.log();
  first_log.events.resize(first_part);
  model::TraceModel model;
  model.append(first_log, 0);
  viz::TimelineBuilder timeline(test_labeler());
  viz::DrawList list;
  auto check = [&](const viz::TimelineViewport& viewport, std::uint64_t now_ns, const std::string& context) {
    const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
    auto frame = frame_for(viewport, builder.log());
    frame.now_ns = now_ns;
    timeline.build(model, lanes, frame, list);
    const viz::Lane& lane = lanes[2];
    ASSERT_EQ(lane.kind, viz::LaneKind::Task);
    expect_same_rects(rects_of_lane(list, lane),
                      fold_every_span(*model.task(1), viewport, lane.top_px, lane.bottom_px(), now_ns), context);
  };
  const std::uint64_t live_now_ns = first_part_end_ns + 3'000'000;  // the last wait is still open
  check(viz::TimelineViewport{0, live_now_ns, 100, 1000}, live_now_ns, "live, whole run");
  check(viz::TimelineViewport{live_now_ns / 3, live_now_ns / 3 + 5'000'000, 100, 1000}, live_now_ns, "live, zoomed");

  model.append(builder.log(), first_part);  // the rest arrives: the open span closes, 40k more
  const std::uint64_t now_ns = time_ns + 1'000;
  check(viz::TimelineViewport{0, now_ns, 100, 1000}, now_ns, "after new spans arrived, whole run");
  check(viz::TimelineViewport{first_part_end_ns - 500'000, first_part_end_ns + 500'000, 0, 1200}, now_ns,
        "where the closed span was open");
  for (std::uint64_t begin_ns = 0; begin_ns < time_ns; begin_ns += time_ns / 7) {
    check(viz::TimelineViewport{begin_ns, begin_ns + time_ns / 50, 100, 1000}, now_ns, "panned");
    check(viz::TimelineViewport{begin_ns + 777, begin_ns + 200'777, 100, 1000}, now_ns, "zoomed in");
  }
  check(viz::TimelineViewport{0, now_ns, 100, 333}, now_ns, "narrow canvas");
}

// Folding used to take one span per pixel column, adding that span's whole length to its
// state: long spans were both likelier to be picked and counted for more, so a fold of many
// 100 ns drain waits (most of the time) between a few 800 ns read waits showed as reading.
TEST(TimelineBuilder, AFoldTakesTheColourOfTheStateThatTookMostOfItsTime) {
  LogBuilder builder;
  builder.add(0, trace::EventKind::ConnectionAccepted, 1, 0x7f000001, 0, 6000)
      .add(0, trace::EventKind::TaskSpawned, 1, 0, 0, 1);
  std::uint64_t time_ns = 0;
  for (int cycle = 0; cycle < 1'000; ++cycle) {  // drain 10 x 100 ns, read 800 ns, running 11 x 1 ns
    for (int wait = 0; wait < 10; ++wait) {
      builder.add(time_ns += 1, trace::EventKind::TaskSuspended, 1, 0, kDrain);
      builder.add(time_ns += 100, trace::EventKind::TaskResumed, 1, 0, kDrain);
    }
    builder.add(time_ns += 1, trace::EventKind::TaskSuspended, 1, 0, kReadline);
    builder.add(time_ns += 800, trace::EventKind::TaskResumed, 1, 0, kReadline);
  }
  const auto model = model::TraceModel::from_log(builder.log());
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  viz::TimelineBuilder timeline(test_labeler());
  viz::DrawList list;
  auto frame = frame_for(viz::TimelineViewport{0, time_ns, 0, 100}, builder.log());
  frame.now_ns = time_ns;
  timeline.build(model, lanes, frame, list);
  const auto rects = rects_of_lane(list, lanes[2]);
  ASSERT_EQ(rects.size(), 1u) << "every span is narrower than a pixel";
  EXPECT_EQ(rects[0].folded_spans, 22'000u);
  EXPECT_EQ(rects[0].color, viz::state_color(model::TaskState::AwaitingDrain))
      << "draining took 1000 of every 1811 ns, reading 800";
}

// With lanes lower than a line of text (a hundred tasks squeezed on screen), site labels were
// cut to slivers and spilled over the lanes below.
TEST(TimelineBuilder, SiteLabelsNeedALaneTallEnoughToReadThem) {
  const trace::TraceLog log = drain_story();
  const auto model = model::TraceModel::from_log(log);
  const auto lanes = viz::build_lanes(model, viz::LaneOptions{});
  viz::TimelineBuilder builder(test_labeler());
  viz::DrawList list;
  auto frame = frame_for(one_px_per_us(), log);
  auto labelled = [&] {
    builder.build(model, lanes, frame, list);
    return std::any_of(list.texts.begin(), list.texts.end(),
                       [](const viz::DrawText& text) { return text.text == "wait at line 14"; });
  };
  frame.min_label_lane_height_px = lanes[2].height_px;
  EXPECT_TRUE(labelled());
  frame.min_label_lane_height_px = lanes[2].height_px + 1;
  EXPECT_FALSE(labelled());
}
