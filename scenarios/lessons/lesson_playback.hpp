#pragma once
// What the app's lesson panel and presentation mode need from a lesson being played, whether it
// runs live (LessonDirector: real server, real clients) or replays a recorded run of it
// (RecordedLesson: the same narration, predictions and checks over a saved trace). The UI
// talks to this interface only, so a class sees the same lesson either way.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenarios/lessons/lesson.hpp"
#include "scenarios/lessons/lesson_checks.hpp"

namespace loopscope::scenarios {

struct FiredStep {
  std::size_t index = 0;
  double lesson_time_s = 0;  // on the lesson clock
  double session_time_s = 0; // on the trace's time axis (seconds since the run began)
};

// The lesson breakpoint that paused playback most recently.
struct BreakpointHit {
  std::size_t breakpoint_index = 0;  // into lesson().breakpoints
  std::uint64_t time_ns = 0;         // when its event happened, on the trace's time axis
};

class LessonPlayback {
 public:
  virtual ~LessonPlayback() = default;

  // Call once per tick (frame): fires the steps that are due, unless paused, held or ended.
  virtual void advance() = 0;

  virtual void pause() = 0;
  virtual void resume() = 0;
  virtual bool paused() const = 0;
  // Throws std::invalid_argument unless speed > 0; a recorded run clamps to its own range.
  virtual void set_speed(double speed) = 0;
  virtual double speed() const = 0;
  virtual double min_speed() const = 0;
  virtual double max_speed() const = 0;
  virtual void step_now() = 0;    // the next step at once, whatever its trigger
  virtual void reveal_now() = 0;  // releases a step held for answers
  // Goes back so the step before the one shown is shown again, with the run as it stood then.
  // False where time cannot go back (a live run: the app shows the step's moment instead).
  virtual bool step_back() = 0;

  virtual double lesson_time_s() const = 0;
  virtual bool ended() const = 0;
  virtual bool timed_out() const = 0;
  virtual bool holding_for_answers() const = 0;

  virtual const Lesson& lesson() const = 0;
  virtual std::size_t next_step() const = 0;
  virtual const std::vector<FiredStep>& fired() const = 0;
  virtual std::vector<std::size_t> open_predictions() const = 0;
  virtual bool revealed(std::size_t prediction_index) const = 0;
  virtual void answer(std::size_t prediction_index, std::size_t choice_index) = 0;
  virtual std::optional<std::size_t> answer_of(std::size_t prediction_index) const = 0;
  virtual std::vector<CheckResult> evaluate_checks() const = 0;

  // Set when a lesson breakpoint paused playback; cleared by resume().
  virtual std::optional<BreakpointHit> breakpoint_hit() const = 0;

  // True for a replay of a recorded run, false for a live one: the app says which it shows.
  virtual bool recorded() const = 0;
};

}  // namespace loopscope::scenarios
