#include "layout_sweep.hpp"

#include <algorithm>
#include <stdexcept>

#include "scenarios/lessons/recorded_lesson.hpp"
#include "viz/layout/layout_report.hpp"

namespace loopscope::viz {

namespace {

// Caption heights and auto-fitted columns are measured on the frame before: the third frame
// after a change is the one a person would see (and the screenshot mode's kFramesAfterDue).
constexpr int kFramesToSettle = 3;

const scenarios::RecordedLesson& recorded_lesson(const AppState& state) {
  const auto* recorded = dynamic_cast<const scenarios::RecordedLesson*>(state.director.get());
  if (recorded == nullptr || !state.loaded || !state.loaded->cursor) {
    throw std::invalid_argument("--audit-layout plays a lesson over its recorded run: give --lesson NAME --recorded");
  }
  return *recorded;
}

}  // namespace

LayoutSweep::LayoutSweep(const AppState& state) {
  const scenarios::RecordedLesson& lesson = recorded_lesson(state);
  // Just after each step fired, so its caption is the one shown; then the end of the run.
  for (const std::uint64_t step_ns : lesson.step_times_ns()) {
    visits_.push_back({step_ns + 1, false});
    visits_.push_back({step_ns + 1, true});
  }
  visits_.push_back({state.loaded->cursor->end_ns(), true});
}

void LayoutSweep::before_frame(AppState& state) {
  if (done() || frames_drawn_ >= 0) return;
  const Visit& visit = visits_[next_visit_];
  state.loaded->cursor->seek(visit.time_ns);
  state.director->pause();
  if (visit.answered) {
    for (const std::size_t index : state.director->open_predictions()) {
      if (!state.director->answer_of(index)) state.director->answer(index, state.director->lesson().predictions[index].answer);
    }
  }
  frames_drawn_ = 0;
}

void LayoutSweep::after_frame(const AppState& state, const LayoutSnapshot& snapshot) {
  if (done() || frames_drawn_ < 0 || ++frames_drawn_ < kFramesToSettle) return;
  const Visit& visit = visits_[next_visit_];
  const std::vector<LayoutProblem> problems = find_layout_problems(snapshot);
  problem_count_ += problems.size();
  nlohmann::json open = nlohmann::json::array();
  for (const std::size_t index : state.director->open_predictions()) open.push_back(index);
  results_.push_back({{"time_ns", visit.time_ns},
                      {"next_step", state.director->next_step()},
                      {"answered", visit.answered},
                      {"open_predictions", open},
                      {"texts", snapshot.texts.size()},
                      {"windows", snapshot.windows.size()},
                      {"problems", layout_problems_json(problems)}});
  ++next_visit_;
  frames_drawn_ = -1;
}

}  // namespace loopscope::viz
