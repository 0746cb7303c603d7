#include "gui_app.hpp"

#include <imgui.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/trace/chrome_export.hpp"
#include "core/trace/native_format.hpp"
#include "scenarios/lessons/lesson_parser.hpp"
#include "viz/app/fonts.hpp"
#include "viz/app/gui_window.hpp"
#include "viz/input/key_map.hpp"
#include "viz/layout/flow_layout.hpp"
#include "viz/layout/layout_report.hpp"
#include "viz/app/screenshot.hpp"
#include "viz/timeline/timeline_report.hpp"
#include "viz/theme/app_theme.hpp"
#include "viz/code/source_lookup.hpp"

namespace loopscope::viz {

namespace {

// Ctrl-C in the terminal that started the app, or a SIGTERM, closes it as its window's close
// button does: the server stops, and --trace is still written.
std::atomic<bool> g_close_requested{false};
extern "C" void request_close_on_signal(int) { g_close_requested.store(true); }

constexpr float kLeftColumnPx = 400;
constexpr float kTimelineShare = 0.62f;         // of the right column; the panels get the rest
constexpr float kComparedTimelinesShare = 0.84f;  // two timelines need more of it
constexpr int kFramesAfterDue = 3;  // let the layout settle (fit-all, scroll) before the capture

std::string label_for_site(const trace::TraceLog& log, trace::SiteId site) {
  const trace::SiteInfo* info = log.site(site);
  return info == nullptr ? std::string() : site_call_label(*info);
}

LaunchSettings launch_settings(const GuiOptions& options) {
  LaunchSettings settings;
  settings.host = options.host;
  settings.preferred_port = options.port;
  settings.speed = options.speed;
  if (options.lesson_server == "asyncio") settings.lesson_backend = scenarios::ServerBackend::AsyncioTwins;
  // The app always asks first; screenshot mode answers each question the moment it is asked,
  // so its trace has the order a class would see.
  settings.hold_for_answers = true;
  settings.pause_at_breakpoints = options.screenshot_path.empty();
  return settings;
}

scenarios::Lesson resolve_lesson(const std::string& name_or_path) {
  if (name_or_path.ends_with(".json") || name_or_path.find('/') != std::string::npos) {
    return scenarios::load_lesson_file(name_or_path);
  }
  return find_builtin_lesson(name_or_path);
}

bool tab_item(const char* label, bool select_now) {
  return ImGui::BeginTabItem(label, nullptr, select_now ? ImGuiTabItemFlags_SetSelected : 0);
}

}  // namespace

GuiApp::GuiApp(const GuiOptions& options, std::ostream& err)
    : options_(options), err_(err), launcher_(launch_settings(options)), timeline_(label_for_site),
      compare_view_(label_for_site) {}

GuiApp::~GuiApp() {
  if (active_layout_audit() == &layout_audit_) set_active_layout_audit(nullptr);
  launcher_.stop(state_);
  window_.reset();
}

std::string GuiApp::window_title() const {
  std::string title = "Loopscope";
  if (state_.director) {
    title += " - lesson: " + state_.director->lesson().title + (state_.director->recorded() ? " (recorded run)" : " (live)");
  }
  else if (state_.session) title += " - free play";
  else if (state_.loaded) title += " - recorded: " + state_.loaded->origin;
  else if (state_.comparison) title += " - comparing two runs";
  if (state_.session) title += " - " + state_.session->host() + ":" + std::to_string(state_.session->port());
  return title;
}

bool GuiApp::screenshot_due() const {
  if (options_.screenshot_path.empty()) return false;
  if (state_.loaded || state_.comparison) return true;  // a replay was moved to --at before the first frame
  if (!state_.session) return false;
  if (state_.director) return state_.director->lesson_time_s() >= options_.at_s || state_.director->ended();
  return state_.session->elapsed_s() >= options_.at_s;
}

void GuiApp::show_new_breakpoint() {
  const auto hit = state_.director ? state_.director->breakpoint_hit() : std::nullopt;
  const std::optional<std::uint64_t> hit_ns = hit ? std::optional(hit->time_ns) : std::nullopt;
  if (hit_ns && hit_ns != breakpoint_shown_ns_ && !state_.director->recorded()) {
    // Live, the run goes on while the lesson is paused: hold the view on the moment it paused
    // for (a replay is already there).
    constexpr std::uint64_t kAround_ns = 500'000'000;
    state_.navigation.show_range(*hit_ns > kAround_ns ? *hit_ns - kAround_ns : 0, *hit_ns + kAround_ns);
  }
  breakpoint_shown_ns_ = hit_ns;
}

void GuiApp::handle_keys() {
  // As of the last frame: while a text field has the keyboard, the keys are its own.
  const bool typing = ImGui::GetIO().WantTextInput;
  for (const int key : window_->take_pressed_keys()) {
    const std::optional<KeyCommand> command = command_for_key(key);
    if (!command || (typing && *command != KeyCommand::TogglePresentation)) continue;
    constexpr std::size_t kKeysRemembered = 64;
    if (keys_handled_.size() == kKeysRemembered) keys_handled_.erase(keys_handled_.begin());
    keys_handled_.push_back(*command);
    apply_key(*command);
  }
}

void GuiApp::apply_key(KeyCommand command) {
  if (command == KeyCommand::TogglePresentation) {
    want_presenting_ = !presenting_;
    return;
  }
  if (command == KeyCommand::Leave) {
    want_presenting_ = false;
    return;
  }
  if (command == KeyCommand::NextWarning) {  // the same in every mode: the view goes to it
    state_.warnings.show_next(state_.navigation, state_.selected_task);
    return;
  }
  if (state_.comparison) {
    compare_view_.apply(state_, command);
  } else if (state_.director) {
    if (presentation_.apply(state_, command).switch_live_or_recorded) {
      launcher_.switch_live_or_recorded(state_);
      presentation_.reset();
    }
  } else if (state_.loaded) {
    replay_controls_.apply(state_, command);
  } else if (command == KeyCommand::GoToStart) {
    state_.navigation.fit_all(state_.now_ns());
  } else if (command == KeyCommand::GoToEnd) {
    state_.navigation.set_follow_live(true);
  }
}

void GuiApp::start_clean_if_switched() {
  if (state_.generation == generation_seen_) return;
  generation_seen_ = state_.generation;
  // What the panels derived from the old trace (check results, filters, scroll, the step shown
  // again) belongs to it; the timeline drops its own caches when it sees the new generation.
  lesson_panel_ = LessonPanel{};
  connections_panel_ = ConnectionsPanel{};
  loop_health_panel_ = LoopHealthPanel{};
  code_panel_ = CodePanel{};
  event_log_panel_ = EventLogPanel{};
  warnings_panel_ = WarningsPanel{};
  durations_panel_ = DurationsPanel{};
  presentation_.reset();
  breakpoint_shown_ns_.reset();
}

void GuiApp::restart_lesson() {
  if (!state_.director) return;
  // A copy: starting the lesson again replaces the director that holds it.
  const scenarios::Lesson lesson = state_.director->lesson();
  if (state_.director->recorded()) launcher_.start_recorded_lesson(state_, lesson);
  else launcher_.start_lesson(state_, lesson);
}

void GuiApp::answer_for_screenshot() {
  if (options_.screenshot_path.empty() || !state_.director || state_.director->recorded()) return;
  for (const std::size_t index : state_.director->open_predictions()) {
    if (!state_.director->answer_of(index)) state_.director->answer(index, state_.director->lesson().predictions[index].answer);
  }
}

void GuiApp::draw_menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  if (ImGui::BeginMenu("Session")) {
    if (ImGui::MenuItem("Lessons and free play", nullptr, show_picker_)) show_picker_ = !show_picker_;
    // A replay can be saved too: a learner takes the class's recorded run home (and to Perfetto).
    if (ImGui::MenuItem("Save trace", nullptr, false, state_.log() != nullptr && state_.comparison == nullptr)) {
      // Named for what it is and when, and said in full: a learner must find it again.
      const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
      char stamp[32];
      std::strftime(stamp, sizeof stamp, "%Y-%m-%d-%H%M%S", std::localtime(&now));
      const std::string what = state_.director ? state_.director->lesson().id : state_.session ? "free-play" : "replay";
      const std::filesystem::path path = std::filesystem::absolute("loopscope-" + what + "-" + stamp + ".trace");
      try {
        trace::save_native_trace(*state_.log(), path);
        state_.status_message = "trace saved to " + path.string() + " (loopscope open it to replay)";
      } catch (const std::exception& error) {
        state_.status_message = std::string("could not save the trace: ") + error.what();
      }
    }
    if (ImGui::MenuItem("Stop session", nullptr, false, state_.session != nullptr)) {
      launcher_.stop(state_);
      show_picker_ = true;
    }
    if (ImGui::MenuItem("Quit")) window_->request_close();
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("View")) {
    if (ImGui::MenuItem("Presentation mode", "F11")) want_presenting_ = true;
    if (ImGui::MenuItem("Fullscreen", nullptr, window_->fullscreen())) window_->toggle_fullscreen();
    if (ImGui::MenuItem("Fit the whole run", nullptr, false, state_.session != nullptr)) {
      state_.navigation.fit_all(state_.now_ns());
    }
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu("Keys")) {  // the one key map, as docs/gui.md lists it
    for (const KeyBinding& binding : key_bindings()) {
      ImGui::MenuItem(binding.action_text, binding.keys_text, false, false);
    }
    ImGui::EndMenu();
  }
  if (state_.session) {
    ImGui::TextDisabled("|  listening on %s:%u  |  try: nc %s %u", state_.session->host().c_str(),
                        static_cast<unsigned>(state_.session->port()), state_.session->host().c_str(),
                        static_cast<unsigned>(state_.session->port()));
  }
  ImGui::EndMenuBar();
}

void GuiApp::draw_left_column(float width_px, float height_px) {
  ImGui::BeginChild("left_column", ImVec2(width_px, height_px), false);
  const float top_height = ImGui::GetContentRegionAvail().y * 0.58f;
  ImGui::BeginChild("left_top", ImVec2(0, top_height), true);
  if (state_.director && !show_picker_) {
    if (ImGui::SmallButton("All lessons")) show_picker_ = true;
    note_last_item("All lessons");
    ImGui::SameLine();
    // The classroom fallback, one click away: the same lesson over its recorded run, or live again.
    if (ImGui::SmallButton(state_.director->recorded() ? "Run it live" : "Use the recorded run")) {
      launcher_.switch_live_or_recorded(state_);
    }
    same_line_if_room(button_width_px("Restart"));
    if (ImGui::SmallButton("Restart")) restart_lesson();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The same lesson from its start, as it is played now (live or recorded)");
  }
  if (state_.director && !show_picker_) {
    lesson_panel_.draw(state_);
  } else {
    const scenarios::LessonPlayback* before = state_.director.get();
    if (picker_.draw(state_, launcher_, state_.director != nullptr)) show_picker_ = false;
    if (state_.director && state_.director.get() != before) show_picker_ = false;  // a lesson started
  }
  ImGui::EndChild();
  ImGui::BeginChild("left_bottom", ImVec2(0, 0), true);
  if (ImGui::BeginTabBar("left_tabs")) {
    const bool first = ImGui::GetFrameCount() < 3;
    if (tab_item("Server", first && options_.left_tab == "server")) {
      server_panel_.draw(state_);
      ImGui::EndTabItem();
    }
    if (tab_item("Clients", first && options_.left_tab == "clients")) {
      clients_panel_.draw(state_);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  ImGui::EndChild();
}

void GuiApp::draw_bottom_tabs(AppState& shown, float height_px) {
  ImGui::BeginChild("bottom_panels", ImVec2(0, height_px), true);
  if (ImGui::BeginTabBar("bottom_tabs")) {
    const bool first = ImGui::GetFrameCount() < 3;
    if (tab_item("Connections", first && options_.tab == "connections")) {
      connections_panel_.draw(shown);
      ImGui::EndTabItem();
    }
    if (tab_item("Loop health", first && options_.tab == "loop")) {
      loop_health_panel_.draw(shown);
      ImGui::EndTabItem();
    }
    if (tab_item("Code", first && options_.tab == "code")) {
      code_panel_.draw(shown);
      ImGui::EndTabItem();
    }
    if (tab_item("Event log", first && options_.tab == "events")) {
      event_log_panel_.draw(shown);
      ImGui::EndTabItem();
    }
    // The count in the title, in the warning colour once there is one: the mistake is named
    // without taking the learner away from the panel they are reading.
    const std::size_t warning_count = shown.warnings.list().size();
    const std::string warnings_title =
        warning_count == 0 ? std::string("Warnings###warnings") : "Warnings (" + std::to_string(warning_count) + ")###warnings";
    if (warning_count > 0) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1.0f, 0.6f, 0.15f, 1.0f));
    const bool warnings_open = tab_item(warnings_title.c_str(), first && options_.tab == "warnings");
    if (warning_count > 0) ImGui::PopStyleColor();
    if (warnings_open) {
      warnings_panel_.draw(shown);
      ImGui::EndTabItem();
    }
    if (tab_item("Durations", first && options_.tab == "durations")) {
      durations_panel_.draw(shown);
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
}

void GuiApp::draw_status_bar() {
  if (!state_.status_message.empty()) {
    ImGui::TextColored(ImVec4(1, 0.8f, 0.4f, 1), "%s", state_.status_message.c_str());
    ImGui::SameLine();
  }
  if (state_.session) {
    ImGui::TextDisabled("%zu events  |  %llu dropped  |  frame %.1f ms", state_.session->log().events.size(),
                        static_cast<unsigned long long>(state_.session->model().dropped_events()), frame_time_ms_);
  } else {
    ImGui::TextDisabled("frame %.1f ms", frame_time_ms_);
  }
}

void GuiApp::draw_frame() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->Pos);
  ImGui::SetNextWindowSize(viewport->Size);
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
  if (!presenting_) flags |= ImGuiWindowFlags_MenuBar;
  ImGui::Begin("Loopscope", nullptr, flags);
  if (presenting_) draw_presentation();
  else draw_desktop();
  ImGui::End();
}

void GuiApp::draw_presentation() {
  if (state_.comparison) {  // both runs fill the screen; their panels stay on the desktop
    compare_view_.draw(state_);
    return;
  }
  replay_controls_.draw(state_, false);
  presentation_.draw(state_, timeline_,
                     PresentationPanels{connections_panel_, loop_health_panel_, code_panel_, event_log_panel_});
}

void GuiApp::draw_desktop() {
  draw_menu_bar();
  const float status_height = ImGui::GetFrameHeightWithSpacing();
  const ImVec2 available = ImGui::GetContentRegionAvail();
  const float body_height = available.y - status_height;
  const float left_width = std::min(kLeftColumnPx, available.x * 0.35f);
  draw_left_column(left_width, body_height);
  ImGui::SameLine();
  ImGui::BeginChild("right_column", ImVec2(0, body_height), false);
  const float timeline_height =
      ImGui::GetContentRegionAvail().y * (state_.comparison ? kComparedTimelinesShare : kTimelineShare);
  ImGui::BeginChild("timeline", ImVec2(0, timeline_height), true,
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoBackground);
  if (state_.comparison) {
    compare_view_.draw(state_);
  } else {
    replay_controls_.draw(state_);
    timeline_.draw(timeline_subject(state_));
  }
  ImGui::EndChild();
  draw_bottom_tabs(state_shown_in_panels(state_), 0);
  ImGui::EndChild();
  draw_status_bar();
}

void GuiApp::apply_mode_change() {
  if (want_presenting_ == presenting_) return;
  presenting_ = want_presenting_;
  // Type is rasterised again at the new size (FreeType), not scaled: it stays sharp.
  const float font_size_px = presenting_ ? options_.font_size_px * 1.75f : options_.font_size_px;
  if (const std::string problem = window_->rebuild_fonts(font_size_px); !problem.empty()) state_.status_message = problem;
  timeline_.set_show_legend(!presenting_);
  if (presenting_) {
    apply_presentation_theme();
    desktop_lane_options_ = state_.lane_options;
    state_.lane_options = PresentationView::lane_options_for(font_size_px, desktop_lane_options_);
    presentation_.stop_reviewing();
  } else {
    apply_desktop_theme();
    const auto collapsed = state_.lane_options.collapsed_groups;
    state_.lane_options = desktop_lane_options_;
    state_.lane_options.collapsed_groups = collapsed;
  }
  // A screenshot keeps the size it was asked for; a projector gets the whole screen.
  if (options_.screenshot_path.empty()) window_->set_fullscreen(presenting_);
}

void GuiApp::write_report() const {
  nlohmann::json report = {
      {"window", {{"width_px", window_->framebuffer_width()}, {"height_px", window_->framebuffer_height()}}},
      {"timeline", timeline_geometry_json(timeline_.geometry())},
      {"session_time_s", state_.session ? state_.session->elapsed_s() : 0.0},
      {"replay_time_ns", state_.loaded && state_.loaded->cursor ? state_.loaded->cursor->time_ns() : 0},
      {"recorded", state_.director ? state_.director->recorded() : state_.loaded != nullptr},
      {"lesson_time_s", state_.director ? state_.director->lesson_time_s() : 0.0},
      {"port", state_.session ? state_.session->port() : 0},
  };
  if (state_.comparison) report["compare"] = compare_view_.report(state_);
  report["presenting"] = presenting_;
  report["frame"] = ImGui::GetFrameCount();
  nlohmann::json keys = nlohmann::json::array();
  for (const KeyCommand command : keys_handled_) keys.push_back(key_command_name(command));
  report["keys_handled"] = keys;
  report["status_message"] = state_.status_message;
  if (state_.session) {
    nlohmann::json server;
    server["backend"] = state_.session->backend() == scenarios::ServerBackend::Loopscope      ? "loopscope"
                        : state_.session->backend() == scenarios::ServerBackend::AsyncioTwins ? "asyncio_twins"
                                                                                               : "asyncio_program";
    server["port"] = state_.session->port();
    server["model"] = std::string(scenarios::server_model_name(state_.session->server_config().model));
    const auto& threads = state_.session->model().process().gauge(trace::ProcessGauge::Threads);
    server["process_threads"] = threads.empty() ? nlohmann::json() : nlohmann::json(threads.back().value);
    server["runtime"] = state_.session->runtime();
    server["program"] = state_.session->program_path();
    server["ended"] = state_.session->server_ended() ? nlohmann::json(*state_.session->server_ended()) : nlohmann::json();
    const model::FreezeNow& freeze = state_.session->freeze();
    server["frozen"] = freeze.frozen;
    server["frozen_at"] = freeze.frozen ? nlohmann::json(freeze.site) : nlohmann::json();
    server["tasks"] = state_.session->model().tasks().size();
    server["freezes"] = state_.session->model().loop().freezes.size();
    report["server"] = server;
  }
  nlohmann::json warnings = nlohmann::json::array();
  for (const model::Warning& warning : state_.warnings.list()) {
    warnings.push_back({{"kind", model::warning_kind_id(warning.kind)},
                        {"time_ns", warning.time_ns},
                        {"task", warning.task},
                        {"message", warning.message}});
  }
  report["warnings"] = warnings;
  report["warning_shown"] = state_.warnings.shown() ? nlohmann::json(*state_.warnings.shown()) : nlohmann::json();
  report["selected_task"] = state_.selected_task ? nlohmann::json(*state_.selected_task) : nlohmann::json();
  if (state_.director) report["lesson"] = lesson_report();
  report["layout"] = layout_json(last_layout_);
  if (layout_sweep_) report["layout_audit"] = layout_sweep_->report();
  // Written beside and renamed over, so a test polling the file never reads half of it.
  const std::string partial_path = options_.report_path + ".partial";
  {
    std::ofstream out(partial_path);
    out << report.dump(2) << "\n";
    if (!out) throw std::runtime_error("could not write the report to " + options_.report_path);
  }
  std::filesystem::rename(partial_path, options_.report_path);
}

nlohmann::json GuiApp::lesson_report() const {
  const scenarios::LessonPlayback& director = *state_.director;
  nlohmann::json open = nlohmann::json::array();
  for (const std::size_t index : director.open_predictions()) open.push_back(index);
  nlohmann::json fired = nlohmann::json::array();
  for (const scenarios::FiredStep& step : director.fired()) fired.push_back(step.index);
  return {
      {"id", director.lesson().id},
      {"next_step", director.next_step()},
      {"fired_steps", fired},
      {"open_predictions", open},
      {"holding_for_answers", director.holding_for_answers()},
      {"paused", director.paused()},
      {"clients_held", state_.session != nullptr && state_.session->clients().held()},
      {"speed", director.speed()},
      {"ended", director.ended()},
      {"pinned_answers", presentation_.pinned_answers()},
      {"reviewing_step", presentation_.reviewing() ? nlohmann::json(*presentation_.reviewing()) : nlohmann::json()},
  };
}

void GuiApp::save_trace() const {
  // A replay saves the whole recorded run; the report's replay_time_ns says where it stood.
  if (options_.trace_path.empty() || state_.log() == nullptr) return;
  if (options_.trace_path.ends_with(".json")) trace::save_chrome_trace(*state_.log(), options_.trace_path);
  else trace::save_native_trace(*state_.log(), options_.trace_path);
}

void GuiApp::write_live_report() {
  // The interactive app (not screenshot mode) keeps its report fresh for whoever drives it:
  // a test sends keys with xdotool and reads back what they did.
  if (options_.report_path.empty() || !options_.screenshot_path.empty()) return;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_report_ < std::chrono::milliseconds(100)) return;
  last_report_ = now;
  try {
    write_report();
  } catch (const std::exception& error) {
    state_.status_message = error.what();
  }
}

int GuiApp::open_what_to_show() {
  try {
    if (!options_.open_path.empty()) {
      if (!launcher_.open_trace(state_, options_.open_path)) {
        err_ << "loopscope: " << state_.status_message << "\n";
        return 2;
      }
      show_picker_ = false;
      // Screenshot mode shows the replay at --at; otherwise it starts at the beginning, paused.
      if (!options_.screenshot_path.empty()) {
        state_.loaded->cursor->seek(static_cast<std::uint64_t>(options_.at_s * 1e9));
        if (state_.director) state_.director->pause();  // a narrated replay stays at --at too
      }
    } else if (!options_.lesson.empty() && options_.recorded) {
      if (!launcher_.start_recorded_lesson(state_, resolve_lesson(options_.lesson))) {
        err_ << "loopscope: " << state_.status_message << "\n";
        return 2;
      }
      show_picker_ = false;
      if (!options_.screenshot_path.empty()) {
        state_.loaded->cursor->seek(static_cast<std::uint64_t>(options_.at_s * 1e9));
        state_.director->pause();  // the shot shows exactly --at
      }
    } else if (!options_.compare_first.empty()) {
      // "recorded": the shipped run; any other choice runs the lesson live first.
      const auto server_of = [](const std::string& choice) -> scenarios::LessonServer {
        if (choice == "recorded") return {};
        return scenarios::lesson_server_from_name(choice).value_or(scenarios::LessonServer{});
      };
      for (const auto& [source, server] : {std::pair{options_.compare_first, options_.compare_first_server},
                                           std::pair{options_.compare_second, options_.compare_second_server}}) {
        if (server != "recorded") err_ << "loopscope: running " << source << " against " << server << " first...\n";
      }
      if (!open_comparison(state_, launcher_, options_.compare_first, options_.compare_second,
                           server_of(options_.compare_first_server), server_of(options_.compare_second_server))) {
        err_ << "loopscope: " << state_.status_message << "\n";
        return 2;
      }
      // Screenshot mode shows both runs at --at; otherwise whole, paused at the end.
      if (!options_.screenshot_path.empty()) {
        state_.comparison->replay->seek(static_cast<std::uint64_t>(options_.at_s * 1e9));
      }
    } else if (!options_.asyncio_program.empty()) {
      if (!launcher_.start_asyncio_program(state_, options_.asyncio_program, options_.asyncio_args)) {
        err_ << "loopscope asyncio: " << state_.status_message << "\n";
        return 1;
      }
      show_picker_ = false;
    } else if (!options_.lesson.empty()) {
      launcher_.start_lesson(state_, resolve_lesson(options_.lesson));
      show_picker_ = false;
    } else {
      launcher_.start_free_play(state_, options_.handler);
    }
  } catch (const std::exception& error) {
    err_ << "loopscope: " << error.what() << "\n";
    return 2;
  }
  if (!state_.session && !state_.loaded && !state_.comparison) {
    err_ << "loopscope: " << state_.status_message << "\n";
    return 1;
  }
  if (options_.audit_layout) {
    try {
      layout_sweep_ = std::make_unique<LayoutSweep>(state_);
    } catch (const std::invalid_argument& error) {
      err_ << "loopscope: " << error.what() << "\n";
      return 2;
    }
  }
  return 0;
}

bool GuiApp::finish_layout_sweep(int& exit_code) {
  if (!layout_sweep_) return false;
  layout_sweep_->after_frame(state_, last_layout_);
  if (!layout_sweep_->done()) return false;
  exit_code = 0;
  for (const auto& moment : layout_sweep_->report()) {
    for (const auto& problem : moment["problems"]) {
      err_ << "loopscope: at " << moment["time_ns"].get<std::uint64_t>() / 1'000'000 << " ms"
           << (moment["answered"].get<bool>() ? " (answered)" : "") << ": " << problem["kind"].get<std::string>() << ": "
           << problem["what"].get<std::string>() << "\n";
      exit_code = 1;
    }
  }
  try {
    if (!options_.report_path.empty()) write_report();
  } catch (const std::exception& error) {
    err_ << "loopscope: " << error.what() << "\n";
    exit_code = 1;
  }
  return true;
}

int GuiApp::run() {
  // What to show is opened before the window, so a bad file or lesson name is reported as such
  // (exit 2) whether or not there is a display.
  if (const int exit_code = open_what_to_show(); exit_code != 0) return exit_code;
  try {
    window_ = std::make_unique<GuiWindow>(options_.width_px, options_.height_px, "Loopscope");
  } catch (const std::exception& error) {
    err_ << "loopscope: " << error.what() << "\n";
    return 3;
  }
  if (const std::string problem = load_fonts(options_.font_size_px); !problem.empty()) {
    state_.status_message = state_.status_message.empty() ? problem : state_.status_message + "; " + problem;
  }
  apply_desktop_theme();
  // A screenshot shows the app as it is, not a tooltip wherever the virtual pointer happens to be.
  if (!options_.screenshot_path.empty() || layout_sweep_) ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NoMouse;
  if (!options_.report_path.empty() || layout_sweep_) set_active_layout_audit(&layout_audit_);

  if (options_.select_task != 0) state_.selected_task = options_.select_task;
  want_presenting_ = options_.present;

  const auto started = std::chrono::steady_clock::now();
  // Screenshot mode never runs for ever: the lesson's moment plus a generous margin.
  const auto deadline = started + std::chrono::duration<double>(options_.at_s / options_.speed + 90);
  std::signal(SIGINT, request_close_on_signal);
  std::signal(SIGTERM, request_close_on_signal);
  while (!window_->should_close()) {
    window_->poll_events(1.0 / 60);
    if (g_close_requested.exchange(false)) window_->request_close();
    const auto frame_start = std::chrono::steady_clock::now();  // the work, not the wait for input
    handle_keys();
    start_clean_if_switched();
    if (state_.session) {
      state_.session->poll();
      // An asyncio server's process can end on its own (the program exited, crashed or broke
      // its stream): the timeline stays, and the status bar says why, once.
      if (state_.session->server_ended() && !server_end_reported_) {
        server_end_reported_ = true;
        state_.status_message = "the asyncio server stopped: " + *state_.session->server_ended();
      }
      if (!state_.session->server_ended()) server_end_reported_ = false;
    }
    if (state_.director) state_.director->advance();
    state_.warnings.refresh(state_.model(), state_.log(), state_.generation, state_.now_ns());
    if (options_.show_warning != 0 && !warning_asked_shown_ && state_.warnings.list().size() >= options_.show_warning) {
      state_.warnings.show(options_.show_warning - 1, state_.navigation, state_.selected_task);
      warning_asked_shown_ = true;
    }
    answer_for_screenshot();
    if (layout_sweep_) layout_sweep_->before_frame(state_);
    if (state_.director) presentation_.track_reveals(*state_.director, presenting_);
    show_new_breakpoint();
    replay_controls_.advance(state_);
    if (frames_since_due_ < 0 && screenshot_due()) {
      frames_since_due_ = 0;
      // A replay shows its whole run (empty after the replay time); a live run, all so far.
      if (state_.warnings.shown()) {
        // --show-warning: the view stays on the warning
      } else if (state_.comparison) state_.navigation.fit_all(state_.comparison->end_ns());
      else state_.navigation.fit_all(state_.loaded && state_.loaded->cursor ? state_.loaded->cursor->end_ns() : state_.now_ns());
    }
    if (const std::string title = window_title(); title != title_shown_) {
      window_->set_title(title);
      title_shown_ = title;
    }
    apply_mode_change();
    window_->begin_frame();
    layout_audit_.begin_frame();
    draw_frame();
    window_->end_frame();
    if (active_layout_audit() == &layout_audit_) last_layout_ = layout_audit_.finish_frame();
    if (int exit_code = 0; finish_layout_sweep(exit_code)) return exit_code;
    if (frames_since_due_ >= 0 && ++frames_since_due_ > kFramesAfterDue) {
      try {
        save_framebuffer_png(window_->framebuffer_width(), window_->framebuffer_height(), options_.screenshot_path);
        if (!options_.report_path.empty()) write_report();
        save_trace();
      } catch (const std::exception& error) {
        err_ << "loopscope: " << error.what() << "\n";
        return 1;
      }
      return 0;
    }
    window_->present();
    write_live_report();
    frame_time_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - frame_start).count();
    if (!options_.screenshot_path.empty() && std::chrono::steady_clock::now() > deadline) {
      err_ << "loopscope: the screenshot moment (" << options_.at_s << " s) never came\n";
      return 1;
    }
  }
  try {
    save_trace();
  } catch (const std::exception& error) {
    err_ << "loopscope: could not save the trace: " << error.what() << "\n";
    return 1;
  }
  return 0;
}

int run_gui(const GuiOptions& options, std::ostream& err) {
  GuiApp app(options, err);
  return app.run();
}

}  // namespace loopscope::viz
