// The timeline's frame budget under a software renderer: a synthetic model of 1,000,000
// events, 100 task lanes on screen at 1280x800, drawn by the real TimelineWidget. Reports the
// ImGui build time (UI code, including the model -> draw list step, up to ImGui::Render) and
// the whole frame (plus OpenGL rendering and the buffer swap, glFinish'ed), fitted to the
// whole run and zoomed in. Run it under xvfb-run; see docs/benchmarks.md. On a shared machine
// add --cpu: CPU time per frame moves far less with the neighbours' load than wall time.

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <functional>
#include <iostream>
#include <string>
#include <vector>

#include "viz/session/app_state.hpp"
#include "viz/app/fonts.hpp"
#include "viz/app/gui_window.hpp"
#include "viz/app/screenshot.hpp"
#include "viz/timeline/timeline_widget.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace trace = loopscope::trace;
namespace viz = loopscope::viz;

constexpr std::uint64_t kRunNs = 10'000'000'000ULL;

// 100 tasks alternating between readline waits and short runs, plus the loop's handler
// invocations: `events` in all, spread evenly over 10 s.
std::unique_ptr<viz::LoadedTrace> synthetic_trace(std::size_t events, std::uint32_t tasks) {
  auto loaded = std::make_unique<viz::LoadedTrace>();
  trace::TraceLog& log = loaded->log;
  log.labels = {"", "echo"};
  log.sites = {trace::SiteInfo{"core/handlers/echo.cpp", "echo", 14, 5}};
  const std::size_t handler_events = events / 5;
  const std::size_t per_task = (events - handler_events - 2 * tasks) / tasks / 2;  // suspend + resume pairs
  log.events.reserve(events + 16);
  for (std::uint32_t task = 1; task <= tasks; ++task) {
    log.events.push_back(trace::TraceEvent{0, 0x7f000001, task, 0, trace::EventKind::ConnectionAccepted, 0,
                                           static_cast<std::uint16_t>(40000 + task), 0, 0});
    log.events.push_back(trace::TraceEvent{0, 0, task, 0, trace::EventKind::TaskSpawned, 0, 1, 0, 0});
  }
  const std::uint64_t pair_ns = kRunNs / per_task;
  for (std::size_t pair = 0; pair < per_task; ++pair) {
    for (std::uint32_t task = 1; task <= tasks; ++task) {
      // Stagger the tasks so their runs do not line up.
      const std::uint64_t base = pair * pair_ns + (task * pair_ns) / (tasks + 1);
      log.events.push_back(trace::TraceEvent{base, 0, task, 1, trace::EventKind::TaskSuspended,
                                             static_cast<std::uint8_t>(trace::AwaitKind::Readline), 0, 0, 0});
      log.events.push_back(trace::TraceEvent{base + pair_ns / 3, 0, task, 1, trace::EventKind::TaskResumed,
                                             static_cast<std::uint8_t>(trace::AwaitKind::Readline), 0, 0, 0});
    }
  }
  const std::uint64_t handler_gap_ns = kRunNs / handler_events;
  for (std::size_t index = 0; index < handler_events; ++index) {
    log.events.push_back(trace::TraceEvent{index * handler_gap_ns, handler_gap_ns / 4, 0, 0,
                                           trace::EventKind::HandlerInvoked, 0, 0, 0, 0});
  }
  std::stable_sort(log.events.begin(), log.events.end(),
                   [](const trace::TraceEvent& a, const trace::TraceEvent& b) { return a.time_ns < b.time_ns; });
  loaded->model = loopscope::model::TraceModel::from_log(log);
  loaded->origin = "synthetic";
  return loaded;
}

struct Timings {
  std::vector<double> build_ms;
  std::vector<double> frame_ms;
  std::vector<double> frame_cpu_ms;  // all the process's threads (llvmpipe's included)
  std::vector<double> main_cpu_ms;   // the UI thread alone: building, submitting, waiting excluded
  std::size_t rects = 0;
};

// On a shared machine wall time says as much about the neighbours as about the frame; the
// CPU time the process spent (main thread plus llvmpipe's rasteriser threads) does not.
double cpu_ms(clockid_t clock) {
  timespec now{};
  clock_gettime(clock, &now);
  return static_cast<double>(now.tv_sec) * 1e3 + static_cast<double>(now.tv_nsec) / 1e6;
}

struct Options {
  int frames = 200;
  bool cpu_time = false;
  std::string screenshot_prefix;  // non-empty: one PNG per view, to see what was measured
};

double percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const auto index = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1));
  return values[index];
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (const double value : values) sum += value;
  return sum / static_cast<double>(values.size());
}

// widget == nullptr measures the fixed cost: an empty full-window ImGui frame. `before_frame`
// moves the view between frames (panning, following live), so nothing can be reused.
Timings measure(viz::GuiWindow& window, viz::AppState& state, viz::TimelineWidget* widget, const Options& options,
                const std::string& view_name, const std::function<void(int)>& before_frame = {}) {
  Timings timings;
  constexpr int kWarmupFrames = 10;
  const int frames = options.frames;
  for (int frame = 0; frame < frames + kWarmupFrames; ++frame) {
    window.poll_events(0);
    if (before_frame) before_frame(frame);
    const double start_cpu_ms = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
    const double start_main_cpu_ms = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
    const auto start = Clock::now();
    window.begin_frame();
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    // As in the app: the clear colour is the window background, so the window paints none.
    ImGui::Begin("timeline", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBackground);
    if (widget != nullptr) widget->draw(viz::timeline_subject(state));
    ImGui::End();
    window.finish_ui();
    const auto built = Clock::now();
    window.render();
    if (frame == 0 && !options.screenshot_prefix.empty()) {
      viz::save_framebuffer_png(window.framebuffer_width(), window.framebuffer_height(),
                                options.screenshot_prefix + view_name + ".png");
    }
    window.present();
    glFinish();
    const auto done = Clock::now();
    const double done_cpu_ms = cpu_ms(CLOCK_PROCESS_CPUTIME_ID);
    const double done_main_cpu_ms = cpu_ms(CLOCK_THREAD_CPUTIME_ID);
    if (frame < kWarmupFrames) continue;
    timings.build_ms.push_back(std::chrono::duration<double, std::milli>(built - start).count());
    timings.frame_ms.push_back(std::chrono::duration<double, std::milli>(done - start).count());
    timings.frame_cpu_ms.push_back(done_cpu_ms - start_cpu_ms);
    timings.main_cpu_ms.push_back(done_main_cpu_ms - start_main_cpu_ms);
    timings.rects = widget != nullptr ? widget->last_draw_list().rects.size() : 0;
  }
  return timings;
}

void print_row(const char* view, const Timings& timings, const Options& options) {
  std::printf("| %-26s | %6zu | %8.2f | %8.2f | %8.2f | %8.2f |", view, timings.rects, mean(timings.build_ms),
              percentile(timings.build_ms, 95), mean(timings.frame_ms), percentile(timings.frame_ms, 95));
  if (options.cpu_time) std::printf(" %8.2f | %8.2f |", mean(timings.main_cpu_ms), mean(timings.frame_cpu_ms));
  std::printf("\n");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Timeline frame budget: 1,000,000 events, 100 lanes, 1280x800 (run under xvfb-run)"};
  Options options;
  std::size_t events = 1'000'000;
  app.add_option("--frames", options.frames, "frames measured per view")->capture_default_str();
  app.add_option("--events", events, "events in the synthetic model")->capture_default_str();
  app.add_flag("--cpu", options.cpu_time, "also report CPU ms per frame: the UI thread's, and all threads' (llvmpipe's too)");
  app.add_option("--screenshot-prefix", options.screenshot_prefix, "save each view's first frame as <prefix><view>.png");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<viz::GuiWindow> window;
  try {
    window = std::make_unique<viz::GuiWindow>(1280, 800, "Loopscope frame budget");
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 3;
  }
  glfwSwapInterval(0);  // measure the work, not a display's refresh
  viz::load_fonts(16);
  ImGui::StyleColorsDark();

  viz::AppState state;
  state.loaded = synthetic_trace(events, 100);
  state.lane_options.task_height_px = 6;
  state.lane_options.gap_px = 0;
  viz::TimelineWidget widget([](const trace::TraceLog&, trace::SiteId) { return std::string("reader.readline()"); });

  std::printf("model: %zu events, %zu tasks; renderer: %s\n", state.loaded->log.events.size(),
              state.loaded->model.tasks().size(), reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
  std::printf("| %-26s | %6s | %8s | %8s | %8s | %8s |", "view", "rects", "build ms", "p95", "frame ms", "p95");
  if (options.cpu_time) std::printf(" %8s | %8s |", "main cpu", "all cpu");
  std::printf("\n|%s|%s|%s|%s|%s|%s|%s\n", "----------------------------", "--------", "----------", "----------",
              "----------", "----------", options.cpu_time ? "----------|----------|" : "");
  print_row("empty window (fixed cost)", measure(*window, state, nullptr, options, "empty"), options);
  state.navigation.fit_all(state.now_ns());
  print_row("whole run (10 s)", measure(*window, state, &widget, options, "whole_run"), options);
  state.navigation.show_range(4'000'000'000ULL, 4'100'000'000ULL);
  print_row("zoomed to 100 ms", measure(*window, state, &widget, options, "zoomed_100ms"), options);
  state.navigation.show_range(4'000'000'000ULL, 4'002'000'000ULL);
  print_row("zoomed to 2 ms", measure(*window, state, &widget, options, "zoomed_2ms"), options);
  // 100 ms wide, moved by 0.3 ms (about 3 px) every frame: every frame is drawn from scratch.
  auto pan = [&state](int frame) {
    const std::uint64_t begin_ns = 4'000'000'000ULL + static_cast<std::uint64_t>(frame) * 300'000ULL;
    state.navigation.show_range(begin_ns, begin_ns + 100'000'000ULL);
  };
  print_row("panning at 100 ms", measure(*window, state, &widget, options, "panning_100ms", pan), options);
  return 0;
}
