#pragma once
// The app's frame: polls the session, advances the lesson, lays out the panels (no docking in
// ImGui 1.86, so the layout is computed from the window size each frame) and, in screenshot
// mode, saves the frame and a report of where the timeline drew what.

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>

#include "viz/session/app_state.hpp"
#include "viz/app/gui_options.hpp"
#include "viz/app/layout_sweep.hpp"
#include "viz/layout/layout_audit.hpp"
#include "viz/input/key_map.hpp"
#include "viz/app/presentation_view.hpp"
#include "viz/replay/replay_controls.hpp"
#include "viz/session/session_launcher.hpp"
#include "viz/compare/compare_view.hpp"
#include "viz/panels/clients_panel.hpp"
#include "viz/panels/code_panel.hpp"
#include "viz/panels/connections_panel.hpp"
#include "viz/panels/event_log_panel.hpp"
#include "viz/panels/lesson_panel.hpp"
#include "viz/panels/lesson_picker_panel.hpp"
#include "viz/panels/loop_health_panel.hpp"
#include "viz/panels/server_panel.hpp"
#include "viz/panels/durations_panel.hpp"
#include "viz/panels/warnings_panel.hpp"
#include "viz/timeline/timeline_widget.hpp"

namespace loopscope::viz {

class GuiWindow;

class GuiApp {
 public:
  GuiApp(const GuiOptions& options, std::ostream& err);
  ~GuiApp();
  int run();

 private:
  void draw_frame();
  void draw_menu_bar();
  void draw_left_column(float width_px, float height_px);
  void draw_bottom_tabs(AppState& shown, float height_px);
  void draw_status_bar();
  void handle_keys();               // the key map, from the window's queue of presses
  void apply_key(KeyCommand command);
  void answer_for_screenshot();
  void restart_lesson();  // the lesson again from its start, live or recorded as it is now
  void start_clean_if_switched();    // a new session, lesson or replay: the panels start afresh
  // --audit-layout after a frame: true when the sweep is over (exit_code says how it went).
  bool finish_layout_sweep(int& exit_code);
  void show_new_breakpoint();
  // Starts the live session, or loads the replay or comparison, the options ask for. Returns
  // the exit code when that fails (0 when it worked).
  int open_what_to_show();
  void draw_desktop();
  void draw_presentation();
  void apply_mode_change();  // between frames: fonts, theme, fullscreen, lane sizes
  std::string window_title() const;
  bool screenshot_due() const;
  void write_report() const;
  void write_live_report();  // --report without --screenshot: every 100 ms
  nlohmann::json lesson_report() const;
  void save_trace() const;

  GuiOptions options_;
  std::ostream& err_;
  std::unique_ptr<GuiWindow> window_;
  AppState state_;
  SessionLauncher launcher_;
  TimelineWidget timeline_;
  LessonPickerPanel picker_;
  LessonPanel lesson_panel_;
  ConnectionsPanel connections_panel_;
  LoopHealthPanel loop_health_panel_;
  CodePanel code_panel_;
  EventLogPanel event_log_panel_;
  WarningsPanel warnings_panel_;
  bool warning_asked_shown_ = false;  // --show-warning has been applied
  DurationsPanel durations_panel_;
  ClientsPanel clients_panel_;
  ServerPanel server_panel_;
  PresentationView presentation_;
  ReplayControls replay_controls_;
  CompareView compare_view_;
  bool presenting_ = false;
  bool server_end_reported_ = false;  // the status bar has said why the asyncio server stopped
  bool want_presenting_ = false;
  LaneOptions desktop_lane_options_;
  bool show_picker_ = true;
  int frames_since_due_ = -1;  // screenshot mode: frames drawn since the moment arrived
  double frame_time_ms_ = 0;
  std::chrono::steady_clock::time_point last_report_{};
  std::uint64_t generation_seen_ = 0;
  std::vector<KeyCommand> keys_handled_;  // the latest keys acted on, oldest first (for --report)
  std::string title_shown_;
  std::optional<std::uint64_t> breakpoint_shown_ns_;  // the lesson breakpoint the view last went to
  // Filled each frame while a report or an audit is wanted (the audit is otherwise inactive).
  LayoutAudit layout_audit_;
  LayoutSnapshot last_layout_;
  std::unique_ptr<LayoutSweep> layout_sweep_;  // --audit-layout
};

}  // namespace loopscope::viz
