#pragma once
// Plays a lesson on a LiveSession one tick at a time: fires each step when its trigger comes
// true, keeps the lesson clock (which stops while paused), asks predictions before the step
// that reveals them and evaluates the checks on the session's model. The headless runner and
// the GUI's lesson panel both use it, so a lesson behaves the same in both.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/lessons/lesson.hpp"
#include "scenarios/lessons/lesson_checks.hpp"
#include "scenarios/lessons/lesson_playback.hpp"
#include "scenarios/session/live_session.hpp"

namespace loopscope::scenarios {

struct LessonDirectorOptions {
  double speed = 1.0;  // < 1 stretches the schedule (slow motion), > 1 compresses it
  // Hold a step that reveals predictions until each has an answer (or reveal_now() is called):
  // the GUI asks before it tells. The headless runner does not hold.
  bool hold_for_answers = false;
};

class LessonDirector final : public LessonPlayback {
 public:
  LessonDirector(const Lesson& lesson, LiveSession& session, LessonDirectorOptions options = {});

  // Call every tick after session.poll(): fires every step whose trigger is true, unless
  // paused, held for answers, or ended. Pauses at a lesson breakpoint once its event happened.
  void advance() override;

  void pause() override;
  void resume() override;
  bool paused() const override;
  // Changes the schedule's speed from now on (the lesson time already run is kept). Throws
  // std::invalid_argument unless speed > 0.
  void set_speed(double speed) override;
  double speed() const override;
  double min_speed() const override { return 0.1; }
  double max_speed() const override { return 4.0; }
  void step_now() override;    // fires the next step at once, whatever its trigger
  void reveal_now() override;  // releases a step held for answers
  bool step_back() override { return false; }  // a live run cannot go back in time

  double lesson_time_s() const override;  // the lesson clock: seconds of lesson time, stopped while paused
  bool ended() const override;            // every step fired and the end condition true, or timed out
  bool timed_out() const override;
  bool holding_for_answers() const override;

  const Lesson& lesson() const override;
  std::size_t next_step() const override;                // index of the step that fires next
  const std::vector<FiredStep>& fired() const override;  // in order
  // Predictions asked before the next step (not yet revealed), as indexes into lesson().predictions.
  std::vector<std::size_t> open_predictions() const override;
  bool revealed(std::size_t prediction_index) const override;
  void answer(std::size_t prediction_index, std::size_t choice_index) override;
  std::optional<std::size_t> answer_of(std::size_t prediction_index) const override;

  // The lesson's checks on the session's model as it is now.
  std::vector<CheckResult> evaluate_checks() const override;

  std::optional<BreakpointHit> breakpoint_hit() const override;
  bool recorded() const override { return false; }

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace loopscope::scenarios
