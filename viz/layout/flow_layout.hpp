#pragma once
// Items that share a line when the panel is wide and wrap onto the next when it is narrow (a
// projector's side column at large type), instead of running off the right edge.

namespace loopscope::viz {

// Call between two items: puts the next one (`next_width_px` wide) beside the last if it fits
// before the window's right edge, else leaves it on a new line. `spacing_px` < 0: the style's.
void same_line_if_room(float next_width_px, float spacing_px = -1.0f);

// How wide ImGui draws a checkbox with this label, or a button / small button.
float checkbox_width_px(const char* label);
float button_width_px(const char* label);

}  // namespace loopscope::viz
