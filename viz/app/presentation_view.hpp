#pragma once
// Classroom mode: the lesson for a projector. The timeline fills the screen with only the
// panels the lesson names beside it, the narration runs as a large caption, predictions are
// put to the class as a question before their reveal, and the instructor drives it all from
// the keyboard (viz/input/key_map.hpp): Space pause, Right next step, Left show the previous step
// again, +/- speed, P reveal, R switch between the live run and the lesson's recorded run, F11 or
// Escape leave. The header always says which of the two is on screen. A revealed answer stays in
// the caption, above the narration that follows, until the presenter moves on (Right).

#include <cstddef>
#include <optional>

#include "viz/session/app_state.hpp"
#include "viz/input/key_map.hpp"
#include "viz/panels/code_panel.hpp"
#include "viz/panels/connections_panel.hpp"
#include "viz/panels/event_log_panel.hpp"
#include "viz/panels/loop_health_panel.hpp"
#include "viz/timeline/timeline_widget.hpp"

namespace loopscope::viz {

struct PresentationPanels {
  ConnectionsPanel& connections;
  LoopHealthPanel& loop;
  CodePanel& code;
  EventLogPanel& events;
};

class PresentationView {
 public:
  // Lanes tall enough for the large type; restored by the app when presentation ends.
  static LaneOptions lane_options_for(float font_size_px, const LaneOptions& desktop);

  void draw(AppState& state, TimelineWidget& timeline, PresentationPanels panels);
  // What the classroom keys ask of the app beyond the lesson itself.
  struct KeyRequests {
    bool switch_live_or_recorded = false;  // R
  };
  // A key of the key map, for a lesson (desktop or presentation): what the app must do beyond it.
  KeyRequests apply(AppState& state, KeyCommand command);
  void reset() {
    reviewing_.reset();
    pinned_answers_.clear();
    answers_seen_.clear();
  }
  const std::vector<std::size_t>& pinned_answers() const { return pinned_answers_; }
  std::optional<std::size_t> reviewing() const { return reviewing_; }
  // Every frame, in both layouts: notes each answer as it is revealed and, while presenting, pins
  // it so the narration after it cannot push it away. An answer revealed on the desktop is not
  // pinned later when presentation mode starts.
  void track_reveals(const scenarios::LessonPlayback& director, bool presenting);
  void stop_reviewing() { reviewing_.reset(); }

 private:
  void draw_header(const AppState& state);
  void draw_caption(AppState& state);
  void draw_panels(AppState& state, PresentationPanels panels, float height_px);
  void review_step(AppState& state, std::size_t fired_index);
  void step_forward(AppState& state);
  void step_backward(AppState& state);

  // Left/Right walk back through the steps already fired: which one is shown again, if any.
  std::optional<std::size_t> reviewing_;
  std::vector<std::size_t> pinned_answers_;  // the predictions whose answers the caption holds
  std::vector<bool> answers_seen_;            // per prediction: its reveal has been pinned once
  float caption_content_px_ = 0;              // how tall the caption's text was last frame
};

}  // namespace loopscope::viz
