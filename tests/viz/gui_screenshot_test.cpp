// The real app under a virtual display: it plays a lesson, takes its own screenshot, and the
// pixels must show the lane colours that the model (rebuilt from the trace the app saved at
// the same moment) predicts, where the report says each lane and time was drawn.
#include <gtest/gtest.h>
#include <stb_image.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <nlohmann/json.hpp>

#include "core/model/model_queries.hpp"
#include "core/model/replay_cursor.hpp"
#include "core/model/trace_model.hpp"
#include "core/trace/native_format.hpp"
#include "tests/support/child_process.hpp"
#include "viz/compare/run_summary.hpp"
#include "viz/theme/state_colors.hpp"
#include "viz/timeline/timeline_viewport.hpp"

namespace model = loopscope::model;
namespace viz = loopscope::viz;

namespace {

struct Image {
  int width = 0, height = 0;
  std::vector<unsigned char> rgb;
  viz::PackedColor at(int x, int y) const {
    const std::size_t offset = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) * 3;
    return viz::pack_rgba(rgb[offset], rgb[offset + 1], rgb[offset + 2]);
  }
};

Image load_png(const std::filesystem::path& path) {
  Image image;
  int channels = 0;
  unsigned char* data = stbi_load(path.c_str(), &image.width, &image.height, &channels, 3);
  if (data == nullptr) return image;
  image.rgb.assign(data, data + static_cast<std::size_t>(image.width) * static_cast<std::size_t>(image.height) * 3);
  stbi_image_free(data);
  return image;
}

bool close_to(viz::PackedColor seen, viz::PackedColor expected) {
  auto near = [](int a, int b) { return std::abs(a - b) <= 10; };
  return near(viz::red_of(seen), viz::red_of(expected)) && near(viz::green_of(seen), viz::green_of(expected)) &&
         near(viz::blue_of(seen), viz::blue_of(expected));
}

// ChildProcess runs a path, not a name: find xvfb-run on PATH.
std::string xvfb_run_path() {
  const char* path = std::getenv("PATH");
  std::string directories = path != nullptr ? path : "/usr/bin:/bin";
  std::size_t start = 0;
  while (start <= directories.size()) {
    const std::size_t end = std::min(directories.find(':', start), directories.size());
    const std::filesystem::path candidate = std::filesystem::path(directories.substr(start, end - start)) / "xvfb-run";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    start = end + 1;
  }
  return {};
}

bool have_xvfb() { return !xvfb_run_path().empty(); }

struct Capture {
  std::filesystem::path directory;
  Image image;
  nlohmann::json report;
  model::TraceModel model;
};

// The command line that runs the app under Xvfb (a screen of `screen_size`, WxHxDEPTH) with
// `arguments` after the binary.
std::vector<std::string> app_under_xvfb(const std::vector<std::string>& arguments,
                                        const std::string& screen_size = "1280x800x24") {
  std::vector<std::string> command;
#ifdef LOOPSCOPE_SANITIZED
  // Mesa's software driver leaks a few bytes, then is unloaded at exit, so LeakSanitizer can
  // only report "<unknown module>" and no suppression can name it. Leak checking stays on for
  // every headless test; for the app under Xvfb it is off, everything else still aborts.
  command = {"/usr/bin/env", "ASAN_OPTIONS=detect_leaks=0:abort_on_error=1"};
#endif
  const std::vector<std::string> xvfb = {xvfb_run_path(), "-a", "-s", "-screen 0 " + screen_size, LOOPSCOPE_BINARY};
  command.insert(command.end(), xvfb.begin(), xvfb.end());
  command.insert(command.end(), arguments.begin(), arguments.end());
  return command;
}

// Runs the app under Xvfb with `arguments` after the binary; expects and returns exit code 0.
std::optional<int> run_app_under_xvfb(const std::vector<std::string>& arguments,
                                      const std::string& screen_size = "1280x800x24") {
  loopscope::testing::ChildProcess app(app_under_xvfb(arguments, screen_size));
  const auto exit_code = app.wait_exit(std::chrono::seconds(120));
  EXPECT_EQ(exit_code, 0) << app.read_stderr();
  return exit_code;
}

Capture capture(const std::string& lesson, double at_s, const std::string& tab,
                const std::vector<std::string>& extra_arguments = {}) {
  Capture result;
  result.directory = std::filesystem::temp_directory_path() /
                     ("loopscope_gui_test_" + lesson + "_" + std::to_string(::getpid()));
  std::filesystem::create_directories(result.directory);
  const auto png = result.directory / "shot.png";
  const auto report = result.directory / "report.json";
  const auto trace = result.directory / "run.trace";
  std::vector<std::string> arguments = {
      "gui", "--lesson", lesson, "--at", std::to_string(at_s), "--size", "1280x800", "--port", "0", "--tab", tab,
      "--screenshot", png.string(), "--report", report.string(), "--trace", trace.string()};
  arguments.insert(arguments.end(), extra_arguments.begin(), extra_arguments.end());
  const auto exit_code = run_app_under_xvfb(arguments);
  if (exit_code != 0) return result;
  result.image = load_png(png);
  std::ifstream report_file(report);
  result.report = nlohmann::json::parse(report_file);
  const loopscope::trace::TraceLog log = loopscope::trace::load_native_trace(trace);
  if (result.report.value("recorded", false)) {
    // A replay saves the whole recorded run; the screen shows it as it stood at the replay time.
    model::ReplayCursor cursor(log);
    cursor.seek(result.report["replay_time_ns"].get<std::uint64_t>());
    result.model = cursor.model();
  } else {
    result.model = model::TraceModel::from_log(log);
  }
  return result;
}

viz::TimelineViewport viewport_of(const nlohmann::json& report) {
  const auto& view = report["timeline"]["viewport"];
  return viz::TimelineViewport{view["begin_ns"].get<std::uint64_t>(), view["end_ns"].get<std::uint64_t>(),
                               view["left_px"].get<float>(), view["width_px"].get<float>()};
}

// Where x falls relative to the freezes: inside one (the band tints it), outside all, or too
// close to a band's edge line to judge.
enum class FreezeCover { Outside, Inside, Edge };

FreezeCover freeze_cover(const model::TraceModel& model, const viz::TimelineViewport& viewport, float x) {
  for (const model::Freeze& freeze : model.loop().freezes) {
    const float x0 = viewport.x_of(freeze.begin_ns);
    const float x1 = freeze.end_ns == model::kOpenEnd ? 1e9f : viewport.x_of(freeze.end_ns);
    if (std::abs(x - x0) < 3 || std::abs(x - x1) < 3) return FreezeCover::Edge;
    if (x0 <= x && x < x1) return FreezeCover::Inside;
  }
  return FreezeCover::Outside;
}

// A colour under the translucent freeze band.
viz::PackedColor under_band(viz::PackedColor color) {
  const double alpha = (viz::colors::kFreezeBand >> 24 & 0xff) / 255.0;
  auto blend = [alpha](std::uint8_t under, std::uint8_t over) {
    return static_cast<std::uint8_t>(under + (over - under) * alpha + 0.5);
  };
  const viz::PackedColor band = viz::colors::kFreezeBand;
  return viz::pack_rgba(blend(viz::red_of(color), viz::red_of(band)), blend(viz::green_of(color), viz::green_of(band)),
                        blend(viz::blue_of(color), viz::blue_of(band)));
}

// A lesson step is a thin line across every lane, with its "step N" label on a box two text
// rows above the bottom of the lanes; a pixel under either shows them, not the span's colour.
bool under_lesson_step(const model::TraceModel& model, const viz::TimelineViewport& viewport, float x, float y,
                       float lanes_bottom_px, float line_height_px) {
  const float label_top = lanes_bottom_px - 2 * line_height_px - 2;
  const float label_bottom = lanes_bottom_px - line_height_px + 2;
  const float label_width = 6 * line_height_px;  // "step 12" with room to spare
  return std::any_of(model.lesson_steps().begin(), model.lesson_steps().end(), [&](const model::LessonStepRecord& step) {
    const float line_x = viewport.x_of(step.time_ns);
    const bool on_line = std::abs(line_x - x) < 3;
    const bool on_label = x >= line_x - 3 && x < line_x + label_width && y >= label_top && y < label_bottom;
    return on_line || on_label;
  });
}

struct ColourCheck {
  int sampled = 0;
  int matched = 0;
  std::array<int, model::kTaskStateCount> matched_by_state{};
  std::string first_mismatch;
};

// For every task lane on screen, every span the model says is at least 6 px wide: the pixel
// in its middle, on the lane's bottom row (below any label text), has the state's colour.
ColourCheck check_lane_colours(const Capture& capture) {
  ColourCheck check;
  const viz::TimelineViewport viewport = viewport_of(capture.report);
  const auto& canvas = capture.report["timeline"]["canvas"];
  const float canvas_top = canvas["y_px"].get<float>();
  const float canvas_bottom = canvas_top + canvas["height_px"].get<float>();
  float lanes_bottom_px = canvas_top;  // where the lanes end on screen: lesson step labels sit above it
  for (const auto& lane : capture.report["timeline"]["lanes"]) {
    lanes_bottom_px = std::max(lanes_bottom_px, lane["top_px"].get<float>() + lane["height_px"].get<float>());
  }
  lanes_bottom_px = std::min(lanes_bottom_px, canvas_bottom);
  for (const auto& lane : capture.report["timeline"]["lanes"]) {
    if (lane["kind"] != "task") continue;
    const float bottom_row = lane["top_px"].get<float>() + lane["height_px"].get<float>() - 2;
    if (lane["top_px"].get<float>() < canvas_top || bottom_row >= canvas_bottom) continue;
    const model::TaskRecord* task = capture.model.task(lane["task_id"].get<std::uint32_t>());
    if (task == nullptr) continue;
    for (const model::StateSpan& span :
         model::spans_with_runnable(capture.model, *task, model::TimeRange{viewport.begin_ns, viewport.end_ns})) {
      if (span.end_ns == model::kOpenEnd) continue;  // the trace was saved a moment after the frame
      const float x0 = std::max(viewport.x_of(span.begin_ns), viewport.left_px);
      const float x1 = std::min(viewport.x_of(span.end_ns), viewport.left_px + viewport.width_px);
      if (x1 - x0 < 6) continue;
      const int x = static_cast<int>((x0 + x1) / 2);
      const int y = static_cast<int>(bottom_row);
      const FreezeCover cover = freeze_cover(capture.model, viewport, static_cast<float>(x));
      if (cover == FreezeCover::Edge ||
          under_lesson_step(capture.model, viewport, static_cast<float>(x), static_cast<float>(y), lanes_bottom_px,
                            capture.report["timeline"]["text_line_height_px"].get<float>())) {
        continue;
      }
      ++check.sampled;
      const viz::PackedColor expected =
          cover == FreezeCover::Inside ? under_band(viz::state_color(span.state)) : viz::state_color(span.state);
      if (close_to(capture.image.at(x, y), expected)) {
        ++check.matched;
        ++check.matched_by_state[static_cast<std::size_t>(span.state)];
      } else if (check.first_mismatch.empty()) {
        const viz::PackedColor seen = capture.image.at(x, y);
        check.first_mismatch = "task " + std::to_string(task->id) + " " +
                               std::string(model::task_state_name(span.state)) + " at (" + std::to_string(x) + "," +
                               std::to_string(y) + "): rgb " + std::to_string(viz::red_of(seen)) + "," +
                               std::to_string(viz::green_of(seen)) + "," + std::to_string(viz::blue_of(seen));
      }
    }
  }
  return check;
}

}  // namespace

TEST(GuiScreenshot, DrainLessonLanesShowTheColoursTheModelPredicts) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (scripts/setup installs it)";
  const Capture shot = capture("drain-backpressure", 1.5, "connections");
  ASSERT_GT(shot.image.width, 0) << "no screenshot";
  EXPECT_EQ(shot.image.width, 1280);
  EXPECT_EQ(shot.image.height, 800);
  const ColourCheck check = check_lane_colours(shot);
  ASSERT_GE(check.sampled, 10) << "too few spans on screen to judge";
  EXPECT_GE(check.matched * 100, check.sampled * 90) << check.matched << " of " << check.sampled
                                                     << " spans had their colour; first miss: " << check.first_mismatch;
  EXPECT_GT(check.matched_by_state[static_cast<std::size_t>(model::TaskState::AwaitingDrain)], 0)
      << "the slow reader's lane must show awaiting drain";
  std::filesystem::remove_all(shot.directory);
}

TEST(GuiScreenshot, BlockingLessonDrawsTheFreezeBand) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (scripts/setup installs it)";
  const Capture shot = capture("blocking-freezes-everyone", 2.0, "loop");
  ASSERT_GT(shot.image.width, 0) << "no screenshot";
  ASSERT_FALSE(shot.model.loop().freezes.empty()) << "the lesson froze the loop by 2 s";
  // The loop lane in the middle of a finished freeze: the blocking colour under the band.
  const viz::TimelineViewport viewport = viewport_of(shot.report);
  const model::Freeze& freeze = shot.model.loop().freezes.front();
  ASSERT_NE(freeze.end_ns, model::kOpenEnd);
  const int x = static_cast<int>(viewport.x_of(freeze.begin_ns + (freeze.end_ns - freeze.begin_ns) / 2));
  const auto& loop_lane = shot.report["timeline"]["lanes"][0];
  ASSERT_EQ(loop_lane["kind"], "loop");
  // Near the lane's bottom: the band's label runs along its top.
  const int y = static_cast<int>(loop_lane["top_px"].get<float>() + loop_lane["height_px"].get<float>() - 4);
  const viz::PackedColor seen = shot.image.at(x, y);
  // The blocking handler's red, under the translucent freeze band.
  const viz::PackedColor expected = under_band(viz::colors::kLoopBlocked);
  EXPECT_TRUE(close_to(seen, expected)) << "a frozen loop is drawn red under the band; saw rgb "
                                        << int{viz::red_of(seen)} << "," << int{viz::green_of(seen)} << ","
                                        << int{viz::blue_of(seen)};
  // Every lane, inside the bands and out, has the colour the model predicts.
  const ColourCheck check = check_lane_colours(shot);
  EXPECT_GE(check.matched * 100, check.sampled * 90) << check.first_mismatch;
  EXPECT_GT(check.matched_by_state[static_cast<std::size_t>(model::TaskState::Runnable)], 0)
      << "the quick clients wait, runnable, through the freeze";
  std::filesystem::remove_all(shot.directory);
}

TEST(GuiScreenshot, PresentationModeIsHighContrastWithTheLaneColoursAndACaption) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (scripts/setup installs it)";
  const Capture shot = capture("blocking-freezes-everyone", 2.0, "loop", {"--present"});
  ASSERT_GT(shot.image.width, 0) << "no screenshot";
  std::size_t black = 0;
  std::size_t bright_in_caption = 0;
  const int caption_top = shot.image.height * 4 / 5;
  for (int y = 0; y < shot.image.height; ++y) {
    for (int x = 0; x < shot.image.width; ++x) {
      const viz::PackedColor pixel = shot.image.at(x, y);
      if ((pixel & 0xffffff) == 0) ++black;
      if (y >= caption_top && viz::red_of(pixel) > 230 && viz::green_of(pixel) > 230 && viz::blue_of(pixel) > 230) {
        ++bright_in_caption;
      }
    }
  }
  const auto total = static_cast<std::size_t>(shot.image.width) * static_cast<std::size_t>(shot.image.height);
  EXPECT_GT(black * 4, total) << "the classroom theme is black behind: only " << black << " of " << total;
  EXPECT_GT(bright_in_caption, 300u) << "the narration caption is white text at the bottom";
  const ColourCheck check = check_lane_colours(shot);
  ASSERT_GE(check.sampled, 5) << "too few spans on screen to judge";
  EXPECT_GE(check.matched * 100, check.sampled * 90) << check.first_mismatch;
  EXPECT_GT(check.matched_by_state[static_cast<std::size_t>(model::TaskState::Runnable)], 0)
      << "the quick clients wait, runnable, through the freeze";
  std::filesystem::remove_all(shot.directory);
}

// Guards `loopscope open`: a replay at time t draws the model as it stood at t (what the live
// app showed then), and nothing after it.
TEST(GuiScreenshot, ReplayDrawsTheModelAsItStoodAtTheReplayTime) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (scripts/setup installs it)";
  // A recording to replay: the lesson, live, saved by the app itself.
  const Capture live = capture("drain-backpressure", 1.5, "connections");
  ASSERT_GT(live.image.width, 0);
  const auto trace_path = live.directory / "run.trace";
  const auto png = live.directory / "replay.png";
  const auto report = live.directory / "replay.json";
  constexpr double kAtS = 0.7;
  ASSERT_EQ(run_app_under_xvfb({"open", trace_path.string(), "--at", std::to_string(kAtS), "--size", "1280x800",
                                "--screenshot", png.string(), "--report", report.string()}),
            0);
  Capture replay;
  replay.image = load_png(png);
  ASSERT_GT(replay.image.width, 0);
  std::ifstream report_file(report);
  replay.report = nlohmann::json::parse(report_file);
  const loopscope::trace::TraceLog log = loopscope::trace::load_native_trace(trace_path);
  model::ReplayCursor cursor(log);
  cursor.seek(static_cast<std::uint64_t>(kAtS * 1e9));
  replay.model = cursor.model();
  const ColourCheck check = check_lane_colours(replay);
  ASSERT_GE(check.sampled, 10);
  EXPECT_GE(check.matched * 100, check.sampled * 90) << check.first_mismatch;
  // Right of the replay time the task lanes are empty: the future is not drawn.
  const viz::TimelineViewport viewport = viewport_of(replay.report);
  const float future_x = viewport.x_of(cursor.time_ns()) + 20;
  ASSERT_LT(future_x, viewport.left_px + viewport.width_px - 5) << "the view must show some time after the cursor";
  int coloured = 0;
  int looked = 0;
  for (const auto& lane : replay.report["timeline"]["lanes"]) {
    if (lane["kind"] != "task") continue;
    const int y = static_cast<int>(lane["top_px"].get<float>() + lane["height_px"].get<float>() - 2);
    for (int x = static_cast<int>(future_x); x < static_cast<int>(viewport.left_px + viewport.width_px) - 2; x += 7) {
      ++looked;
      for (int state = 0; state < model::kTaskStateCount; ++state) {
        if (close_to(replay.image.at(x, y), viz::state_color(static_cast<model::TaskState>(state)))) ++coloured;
      }
    }
  }
  EXPECT_GT(looked, 20);
  EXPECT_EQ(coloured, 0) << "nothing after the replay time may be drawn";
  std::filesystem::remove_all(live.directory);
}

// Guards the classroom fallback: `--lesson NAME --recorded --present` plays the lesson over
// the run it ships with, no sockets. The screen shows that run at --at exactly, with the lane
// colours its model predicts, and says it is a recorded run.
TEST(GuiScreenshot, RecordedLessonInPresentationModeShowsTheShippedRunAndSaysSo) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (scripts/setup installs it)";
  const Capture shot = capture("drain-backpressure", 1.5, "connections", {"--present", "--recorded"});
  ASSERT_GT(shot.image.width, 0) << "no screenshot";
  EXPECT_TRUE(shot.report["recorded"].get<bool>());
  EXPECT_EQ(shot.report["replay_time_ns"].get<std::uint64_t>(), 1'500'000'000u) << "the shot shows exactly --at";
  EXPECT_EQ(shot.report["port"].get<int>(), 0) << "no server was started";
  ASSERT_FALSE(shot.model.lesson_steps().empty()) << "the shipped run records its lesson steps";
  const ColourCheck check = check_lane_colours(shot);
  ASSERT_GE(check.sampled, 5) << "too few spans on screen to judge";
  EXPECT_GE(check.matched * 100, check.sampled * 90) << check.first_mismatch;
  // The header's "RECORDED RUN" is drawn in its own light blue, in the top part of the screen.
  const viz::PackedColor recorded_blue = viz::pack_rgba(140, 204, 255);
  int blue = 0;
  for (int y = 0; y < shot.image.height / 6; ++y) {
    for (int x = 0; x < shot.image.width; ++x) blue += close_to(shot.image.at(x, y), recorded_blue) ? 1 : 0;
  }
  EXPECT_GT(blue, 100) << "the header must say it shows a recorded run";
  std::filesystem::remove_all(shot.directory);
}

// Guards `loopscope compare A B`: two recordings, each replayed to the same time since its own
// start, drawn one above the other on one time axis, each half showing what its own model
// predicts (not the other run's, not a different moment).
TEST(GuiScreenshot, CompareDrawsBothRunsAtTheSameReplayTime) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (scripts/setup installs it)";
  const auto directory =
      std::filesystem::temp_directory_path() / ("loopscope_gui_test_compare_" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory);
  // The two recordings, made headless by the real lessons (at the same time: each lesson's
  // server takes the next free port).
  const std::array<std::string, 2> lessons = {"drain-backpressure", "write-without-drain"};
  std::array<std::filesystem::path, 2> traces = {directory / "drain.trace", directory / "no-drain.trace"};
  {
    loopscope::testing::ChildProcess first({LOOPSCOPE_BINARY, "lesson", lessons[0], "--trace", traces[0].string()});
    loopscope::testing::ChildProcess second({LOOPSCOPE_BINARY, "lesson", lessons[1], "--trace", traces[1].string()});
    // A check may fail on a loaded machine (exit 1); the recording is still what was recorded.
    ASSERT_TRUE(first.wait_exit(std::chrono::seconds(90)).has_value()) << "the drain lesson did not finish";
    ASSERT_TRUE(second.wait_exit(std::chrono::seconds(90)).has_value()) << "the write lesson did not finish";
  }
  ASSERT_TRUE(std::filesystem::exists(traces[0]) && std::filesystem::exists(traces[1]));
  const auto png = directory / "compare.png";
  const auto report_path = directory / "compare.json";
  // Past both ends: the shared time stops at the longer run's end and the shorter run waits at
  // its own (moments in between are LockstepReplay's tests). Each run's long waits are over
  // by then, so the model predicts a colour for them: a wait still open at the replay time
  // is skipped, as the trace may have been read a moment apart from the frame.
  constexpr double kAtS = 60;
  // Tall enough for every lane of both runs (at 1280x800 the lower lanes are scrolled to).
  ASSERT_EQ(run_app_under_xvfb({"compare", traces[0].string(), traces[1].string(), "--at", std::to_string(kAtS),
                                "--size", "1280x1000", "--screenshot", png.string(), "--report", report_path.string()},
                               "1280x1000x24"),
            0);
  const Image image = load_png(png);
  ASSERT_GT(image.width, 0);
  std::ifstream report_file(report_path);
  const nlohmann::json report = nlohmann::json::parse(report_file);
  const auto& halves = report["compare"]["halves"];
  ASSERT_EQ(halves.size(), 2u);
  const auto at_ns = static_cast<std::uint64_t>(kAtS * 1e9);
  const std::array<loopscope::trace::TraceLog, 2> logs = {loopscope::trace::load_native_trace(traces[0]),
                                                          loopscope::trace::load_native_trace(traces[1])};
  EXPECT_EQ(report["compare"]["replay_time_ns"].get<std::uint64_t>(), std::max(logs[0].end_ns(), logs[1].end_ns()));

  std::array<ColourCheck, 2> checks;
  for (std::size_t index = 0; index < 2; ++index) {
    SCOPED_TRACE("half " + halves[index]["label"].get<std::string>() + ": " + lessons[index]);
    const loopscope::trace::TraceLog& log = logs[index];
    model::ReplayCursor cursor(log);
    cursor.seek(at_ns);
    EXPECT_EQ(halves[index]["time_ns"].get<std::uint64_t>(), std::min(at_ns, log.end_ns()))
        << "each run at the same time since its start, or at its end if it ended sooner";
    Capture half;
    half.image = image;
    half.report = halves[index];  // holds "timeline" like a single timeline's report
    half.model = cursor.model();
    checks[index] = check_lane_colours(half);
    EXPECT_GE(checks[index].sampled, 2) << "too few spans on screen to judge";
    EXPECT_GE(checks[index].matched * 100, checks[index].sampled * 90)
        << checks[index].matched << " of " << checks[index].sampled << "; first miss: " << checks[index].first_mismatch;
    // The header's figures are this run's, from its own model at the replay time.
    const viz::RunSummary summary = viz::summarize_run(cursor.model());
    EXPECT_EQ(halves[index]["summary"]["peak_writer_buffer_bytes"].get<std::uint64_t>(), summary.peak_writer_buffer_bytes);
    EXPECT_EQ(halves[index]["summary"]["drain_stalls"].get<std::size_t>(), summary.drain_stalls);
  }
  EXPECT_GT(checks[0].matched_by_state[static_cast<std::size_t>(model::TaskState::AwaitingDrain)], 0)
      << "run A's slow reader waits in drain()";
  EXPECT_GT(checks[1].matched_by_state[static_cast<std::size_t>(model::TaskState::AwaitingRead)], 0)
      << "run B's first handler wrote everything without drain() and went back to readline()";
  EXPECT_GT(checks[1].matched_by_state[static_cast<std::size_t>(model::TaskState::AwaitingDrain)], 0)
      << "run B's second handler waits in drain() for the stalled reader";
  // One time axis: both halves map time to the same x; B is drawn below A.
  const viz::TimelineViewport first = viewport_of(halves[0]);
  const viz::TimelineViewport second = viewport_of(halves[1]);
  EXPECT_EQ(first.begin_ns, second.begin_ns);
  EXPECT_EQ(first.end_ns, second.end_ns);
  EXPECT_FLOAT_EQ(first.left_px, second.left_px);
  EXPECT_FLOAT_EQ(first.width_px, second.width_px);
  const auto& canvas_a = halves[0]["timeline"]["canvas"];
  EXPECT_GE(halves[1]["timeline"]["canvas"]["y_px"].get<float>(),
            canvas_a["y_px"].get<float>() + canvas_a["height_px"].get<float>());
  std::filesystem::remove_all(directory);
}

// A refused run is named, with the reason, and the app exits 2.
TEST(GuiScreenshot, CompareRefusesAMissingRunByName) {
  if (!have_xvfb()) GTEST_SKIP() << "xvfb-run is not installed (scripts/setup installs it)";
  loopscope::testing::ChildProcess app(app_under_xvfb(
      {"compare", "/nonexistent/a.trace", "/nonexistent/b.trace", "--screenshot", "/nonexistent/out.png"}));
  EXPECT_EQ(app.wait_exit(std::chrono::seconds(30)), 2);
  const std::string error = app.read_stderr();
  EXPECT_NE(error.find("/nonexistent/a.trace"), std::string::npos) << error;
  EXPECT_NE(error.find("no such trace file"), std::string::npos) << error;
}
