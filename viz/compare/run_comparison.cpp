#include "run_comparison.hpp"

#include <algorithm>
#include <exception>
#include <utility>

#include "viz/compare/compare_sources.hpp"

namespace loopscope::viz {

// AppState only forward-declares RunComparison (this header includes app_state.hpp), so the
// one place that deletes it is here, where it is complete.
void RunComparisonDeleter::operator()(RunComparison* comparison) const { delete comparison; }

void RunComparison::refresh_summaries() {
  for (ComparedHalf& half : halves) {
    const std::uint64_t time_ns = half.view.loaded->now_ns();
    if (half.summary_time_ns == time_ns) continue;
    half.summary = summarize_run(half.view.loaded->current_model());
    half.summary_time_ns = time_ns;
  }
}

bool open_comparison(AppState& state, SessionLauncher& launcher, const std::string& first_source,
                     const std::string& second_source, const scenarios::LessonServer& first_server,
                     const scenarios::LessonServer& second_server) {
  std::unique_ptr<RunComparison, RunComparisonDeleter> comparison(new RunComparison);
  const std::string sources[] = {first_source, second_source};
  const scenarios::LessonServer servers[] = {first_server, second_server};
  const char* labels[] = {"A", "B"};
  for (std::size_t index = 0; index < 2; ++index) {
    ComparedTrace trace;
    try {
      trace = load_compared_trace(sources[index], servers[index]);
    } catch (const std::exception& error) {
      state.status_message = error.what();
      return false;
    }
    ComparedHalf& half = comparison->halves[index];
    half.label = labels[index];
    half.name = std::move(trace.name);
    half.origin = std::move(trace.origin);
    auto loaded = std::make_unique<LoadedTrace>();
    loaded->log = std::move(trace.log);
    // The cursor indexes the log in place, so it is made once the log has its final address.
    loaded->cursor = std::make_unique<model::ReplayCursor>(loaded->log);
    loaded->origin = half.origin;
    half.view.loaded = std::move(loaded);
  }
  launcher.stop(state);
  comparison->replay = std::make_unique<LockstepReplay>(std::vector<model::ReplayCursor*>{
      comparison->halves[0].view.loaded->cursor.get(), comparison->halves[1].view.loaded->cursor.get()});
  comparison->replay->seek(comparison->replay->end_ns());
  comparison->speed = std::min(launcher.settings().speed, model::kMaxReplaySpeed);
  state.comparison = std::move(comparison);
  state.navigation = TimelineNavigation{};
  state.navigation.fit_all(state.comparison->end_ns());
  state.selected_task.reset();
  state.status_message.clear();
  return true;
}

AppState& state_shown_in_panels(AppState& state) {
  if (!state.comparison) return state;
  return state.comparison->halves[state.comparison->half_in_panels].view;
}

}  // namespace loopscope::viz
