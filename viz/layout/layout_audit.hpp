#pragma once
// Fills a LayoutSnapshot from the frame ImGui just finished: every window and table column
// with how far its items reached (read from ImGui's own bookkeeping, so no widget has to say
// so), plus the texts drawn through draw_fitted_text. The report and `--audit-layout` read it,
// so a test can say "nothing is cut at 1280x800" without looking at pixels.

#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

#include "viz/layout/layout_snapshot.hpp"

namespace loopscope::viz {

class LayoutAudit {
 public:
  void begin_frame();  // before anything is drawn: last frame's texts are forgotten
  void note_text(TextBox text);
  void require_whole_content(std::string window_name);  // a caption that must not need scrolling
  // After ImGui::Render: this frame's windows, columns and texts.
  LayoutSnapshot finish_frame() const;

 private:
  std::vector<TextBox> texts_;
  std::vector<std::string> must_fit_;
};

// The audit the app is filling, or null (it only fills one when a report was asked for, so an
// ordinary frame pays nothing). ImGui has one current context; the audit follows it.
LayoutAudit* active_layout_audit();
void set_active_layout_audit(LayoutAudit* audit);

// Notes a text drawn by the current window at `box` that must stay inside `bounds`.
void note_drawn_text(std::string_view text, ScreenRect box, ScreenRect bounds);
// The current window (a caption) must show all of its content without scrolling.
void require_whole_window_content();
// Notes the last item (a button, a list row) by its label, so a test driving the app with
// real clicks finds where it is from the report.
void note_last_item(std::string_view label);
// Notes the overlay text ImGui drew inside the last item (a progress bar's or a plot's),
// `centered` as PlotLines draws it, else left as ProgressBar does when the bar is empty.
void note_item_overlay_text(std::string_view text, bool centered);

}  // namespace loopscope::viz
