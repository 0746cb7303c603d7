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
#include "scenarios/session/live_session.hpp"

namespace loopscope::scenarios {

struct LessonDirectorOptions {
  double speed = 1.0;  // < 1 stretches the schedule (slow motion), > 1 compresses it
  // Hold a step that reveals predictions until each has an answer (or reveal_now() is called):
  // the GUI asks before it tells. The headless runner does not hold.
  bool hold_for_answers = false;
};

struct FiredStep {
  std::size_t index = 0;
  double lesson_time_s = 0;  // on the lesson clock
  double session_time_s = 0; // LiveSession::elapsed_s() when it fired
};

class LessonDirector {
 public:
  LessonDirector(const Lesson& lesson, LiveSession& session, LessonDirectorOptions options = {});

  // Call every tick after session.poll(): fires every step whose trigger is true, unless
  // paused, held for answers, or ended.
  void advance();

  void pause();
  void resume();
  bool paused() const;
  // Changes the schedule's speed from now on (the lesson time already run is kept). Throws
  // std::invalid_argument unless speed > 0.
  void set_speed(double speed);
  double speed() const;
  void step_now();    // fires the next step at once, whatever its trigger
  void reveal_now();  // releases a step held for answers

  double lesson_time_s() const;  // the lesson clock: seconds of lesson time, stopped while paused
  bool ended() const;            // every step fired and the end condition true, or timed out
  bool timed_out() const;
  bool holding_for_answers() const;

  const Lesson& lesson() const;
  std::size_t next_step() const;                // index of the step that fires next
  const std::vector<FiredStep>& fired() const;  // in order
  // Predictions asked before the next step (not yet revealed), as indexes into lesson().predictions.
  std::vector<std::size_t> open_predictions() const;
  bool revealed(std::size_t prediction_index) const;
  void answer(std::size_t prediction_index, std::size_t choice_index);
  std::optional<std::size_t> answer_of(std::size_t prediction_index) const;

  // The lesson's checks on the session's model as it is now.
  std::vector<CheckResult> evaluate_checks() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace loopscope::scenarios
