#pragma once
// The first thing a learner sees: the built-in lessons (title and summary, one click to run,
// against the C++ server or the handlers' asyncio twins), a lesson file of their own, their own
// asyncio server traced, and free play with the handler of their choice.

#include <string>
#include <vector>

#include "scenarios/lessons/lesson.hpp"
#include "viz/session/app_state.hpp"
#include "viz/session/session_launcher.hpp"
#include "viz/panels/compare_form.hpp"

namespace loopscope::viz {

class LessonPickerPanel {
 public:
  LessonPickerPanel();
  // `offer_back`: a lesson is open behind the picker; returns true when "Back to the lesson" was
  // pressed. The button shares the header's line, so the list sits where it always does.
  bool draw(AppState& state, SessionLauncher& launcher, bool offer_back = false);

 private:
  struct Entry {
    std::string name;
    std::string title;
    std::string summary;
    std::string error;  // a built-in that fails to parse is listed, with why
  };
  // Live, or over the lesson's recorded run; a failure is shown under the list.
  void start(AppState& state, SessionLauncher& launcher, const Entry& entry, bool recorded);

  std::vector<Entry> entries_;
  std::string lesson_path_;
  std::string trace_path_;
  std::string free_play_handler_ = "echo";
  std::string asyncio_program_;  // "Your own asyncio server": starts as the shipped example
  CompareForm compare_form_;
  std::string error_;
};

}  // namespace loopscope::viz
