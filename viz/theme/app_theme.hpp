#pragma once
// The two looks of the app: the desktop theme (ImGui's dark style, compact) and the classroom
// theme for a projector: black background, white text, thick borders, bigger spacing. The
// timeline's state colours stay the same in both, so what a learner saw at home is what the
// class sees.

namespace loopscope::viz {

void apply_desktop_theme();
void apply_presentation_theme();

}  // namespace loopscope::viz
