#pragma once
// A lesson played over a recorded run of it: the narration, predictions, breakpoints and checks
// of the lesson, with time taken from the trace (its lesson_step events say when each step
// fired) instead of a live server. This is the classroom fallback when live sockets misbehave,
// and how a learner replays a lesson run at home.
//
// Everything is derived from the replay cursor's time, so the replay bar's scrubbing and
// stepping move the lesson too: a step has fired when the replay time has reached it.

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/model/replay_cursor.hpp"
#include "core/trace/trace_log.hpp"
#include "scenarios/lessons/lesson_playback.hpp"
#include "scenarios/lessons/prediction_book.hpp"

namespace loopscope::scenarios {

// The trace was not recorded from this lesson (or not from any lesson).
class RecordedLessonMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The id of the lesson a trace was recorded from (its lesson_step events), or empty.
std::string recorded_lesson_id(const trace::TraceLog& log);

struct RecordedLessonOptions {
  bool hold_for_answers = false;  // as LessonDirectorOptions: stop before a reveal until answered
  double speed = 1.0;             // clamped to the replay range [0.01, 1]
};

class RecordedLesson final : public LessonPlayback {
 public:
  // `cursor` must outlive this object. Throws RecordedLessonMismatch naming what differs when
  // the trace has no steps of this lesson, or steps the lesson does not have. A run that ended
  // before its last steps is accepted: those steps are never reached.
  RecordedLesson(const Lesson& lesson, model::ReplayCursor& cursor, RecordedLessonOptions options = {});

  // Moves the replay on by the wall time since the last call, times the speed. It stops just
  // before a step whose predictions are unanswered (holding) and exactly at a lesson breakpoint.
  void advance() override;

  void pause() override;
  void resume() override;
  bool paused() const override { return paused_; }
  void set_speed(double speed) override;
  double speed() const override { return speed_; }
  double min_speed() const override { return model::kMinReplaySpeed; }
  double max_speed() const override { return model::kMaxReplaySpeed; }
  void step_now() override;
  void reveal_now() override;
  bool step_back() override;

  double lesson_time_s() const override;
  bool ended() const override;
  bool timed_out() const override { return false; }
  bool holding_for_answers() const override;

  const Lesson& lesson() const override { return lesson_; }
  std::size_t next_step() const override;
  const std::vector<FiredStep>& fired() const override;
  std::vector<std::size_t> open_predictions() const override;
  bool revealed(std::size_t prediction_index) const override;
  void answer(std::size_t prediction_index, std::size_t choice_index) override;
  std::optional<std::size_t> answer_of(std::size_t prediction_index) const override;
  // The checks on the model at the replay time: at the end, the recorded run's results.
  std::vector<CheckResult> evaluate_checks() const override;

  std::optional<BreakpointHit> breakpoint_hit() const override { return hit_; }
  bool recorded() const override { return true; }

  // When each recorded step fired, on the trace's time axis.
  const std::vector<std::uint64_t>& step_times_ns() const { return step_times_ns_; }

 private:
  std::optional<std::uint64_t> hold_time_ns() const;  // where an unanswered reveal stops the replay
  std::optional<BreakpointHit> next_breakpoint() const;

  const Lesson lesson_;
  model::ReplayCursor& cursor_;
  RecordedLessonOptions options_;
  std::vector<std::uint64_t> step_times_ns_;
  PredictionBook predictions_;  // over lesson_.predictions (declared after it)
  double speed_ = 1.0;
  bool paused_ = false;
  std::optional<BreakpointHit> hit_;
  std::chrono::steady_clock::time_point last_tick_;
  mutable std::vector<FiredStep> fired_;  // cached for the replay time below
  mutable std::optional<std::uint64_t> fired_for_ns_;
};

}  // namespace loopscope::scenarios
