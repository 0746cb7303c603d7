#include "recorded_lesson.hpp"

#include <algorithm>

namespace loopscope::scenarios {

namespace {

using Clock = std::chrono::steady_clock;

// A frame that took very long (a dragged window, a stalled machine) must not jump the replay
// past what the class was watching.
constexpr auto kLongestTick = std::chrono::milliseconds(100);

}  // namespace

std::string recorded_lesson_id(const trace::TraceLog& log) {
  for (const trace::TraceEvent& event : log.events) {
    if (event.kind == trace::EventKind::LessonStep) return std::string(log.label(static_cast<std::uint32_t>(event.value)));
  }
  return {};
}

RecordedLesson::RecordedLesson(const Lesson& lesson, model::ReplayCursor& cursor, RecordedLessonOptions options)
    : lesson_(lesson),
      cursor_(cursor),
      options_(options),
      predictions_(lesson_.predictions),
      speed_(model::clamp_replay_speed(options.speed)),
      last_tick_(Clock::now()) {
  const trace::TraceLog& log = cursor.log();
  for (const trace::TraceEvent& event : log.events) {
    if (event.kind != trace::EventKind::LessonStep) continue;
    const std::string_view id = log.label(static_cast<std::uint32_t>(event.value));
    if (id != lesson_.id) {
      throw RecordedLessonMismatch("the trace was recorded from lesson '" + std::string(id) + "', not '" + lesson_.id + "'");
    }
    if (event.subject_id != step_times_ns_.size()) {
      throw RecordedLessonMismatch("the trace's lesson steps are out of order (step " + std::to_string(event.subject_id + 1) +
                                   " after step " + std::to_string(step_times_ns_.size()) + ")");
    }
    if (event.subject_id >= lesson_.steps.size()) {
      throw RecordedLessonMismatch("the trace has step " + std::to_string(event.subject_id + 1) + " but lesson '" +
                                   lesson_.id + "' has only " + std::to_string(lesson_.steps.size()) +
                                   " steps: it was recorded from another version of the lesson");
    }
    step_times_ns_.push_back(event.time_ns);
  }
  if (step_times_ns_.empty()) {
    throw RecordedLessonMismatch("the trace holds no lesson steps: it was not recorded from lesson '" + lesson_.id + "'");
  }
}

std::optional<std::uint64_t> RecordedLesson::hold_time_ns() const {
  if (!options_.hold_for_answers) return std::nullopt;
  const std::size_t step = next_step();
  if (step >= step_times_ns_.size() || !predictions_.must_hold(step)) return std::nullopt;
  // Just short of the step, so the model shows nothing the step caused.
  return step_times_ns_[step] > 0 ? step_times_ns_[step] - 1 : 0;
}

std::optional<BreakpointHit> RecordedLesson::next_breakpoint() const {
  std::optional<BreakpointHit> next;
  for (std::size_t index = 0; index < lesson_.breakpoints.size(); ++index) {
    const LessonBreakpoint& breakpoint = lesson_.breakpoints[index];
    const auto at_ns = cursor_.breakpoint_time(model::Breakpoint{breakpoint.on, breakpoint.occurrence});
    if (!at_ns || *at_ns <= cursor_.time_ns()) continue;
    if (!next || *at_ns < next->time_ns) next = BreakpointHit{index, *at_ns};
  }
  return next;
}

void RecordedLesson::advance() {
  const Clock::time_point now = Clock::now();
  const auto wall = std::min<Clock::duration>(now - last_tick_, kLongestTick);
  last_tick_ = now;
  if (paused_ || cursor_.at_end()) return;
  const std::optional<std::uint64_t> hold_ns = hold_time_ns();
  if (hold_ns && cursor_.time_ns() >= *hold_ns) return;  // waiting for answers
  std::uint64_t limit_ns = hold_ns.value_or(std::numeric_limits<std::uint64_t>::max());
  const std::optional<BreakpointHit> breakpoint = next_breakpoint();
  if (breakpoint && breakpoint->time_ns <= limit_ns) limit_ns = breakpoint->time_ns;
  const auto wall_ns = static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(wall).count());
  const model::AdvanceResult result = cursor_.advance_by(wall_ns, speed_, limit_ns);
  if (result.reason == model::StopReason::Limit && breakpoint && cursor_.time_ns() == breakpoint->time_ns) {
    paused_ = true;
    hit_ = breakpoint;
  } else if (result.reason == model::StopReason::Breakpoint) {
    paused_ = true;  // one the user set on the replay bar
  }
}

void RecordedLesson::pause() { paused_ = true; }

void RecordedLesson::resume() {
  paused_ = false;
  hit_.reset();
  if (cursor_.at_end()) cursor_.seek(0);  // play again from the start, as a replay does
  last_tick_ = Clock::now();
}

void RecordedLesson::set_speed(double speed) {
  if (!(speed > 0)) throw std::invalid_argument("lesson speed must be above 0");
  speed_ = model::clamp_replay_speed(speed);
}

void RecordedLesson::step_now() {
  const std::size_t step = next_step();
  hit_.reset();
  if (step >= step_times_ns_.size()) {
    cursor_.seek(cursor_.end_ns());
    return;
  }
  // An instructor's explicit step skips a hold, as it does live.
  predictions_.release(step);
  cursor_.seek(step_times_ns_[step]);
}

void RecordedLesson::reveal_now() { predictions_.release(next_step()); }

bool RecordedLesson::step_back() {
  const std::size_t step = next_step();  // the step shown is step - 1
  hit_.reset();
  // Back to the step before the one shown, or to the start (the lesson's summary).
  cursor_.seek(step >= 2 ? step_times_ns_[step - 2] : 0);
  return true;
}

double RecordedLesson::lesson_time_s() const { return static_cast<double>(cursor_.time_ns()) / 1e9; }

bool RecordedLesson::ended() const { return cursor_.at_end(); }

bool RecordedLesson::holding_for_answers() const {
  const std::optional<std::uint64_t> hold_ns = hold_time_ns();
  return hold_ns && cursor_.time_ns() >= *hold_ns;
}

std::size_t RecordedLesson::next_step() const {
  const auto after = std::upper_bound(step_times_ns_.begin(), step_times_ns_.end(), cursor_.time_ns());
  return static_cast<std::size_t>(after - step_times_ns_.begin());
}

const std::vector<FiredStep>& RecordedLesson::fired() const {
  if (fired_for_ns_ != cursor_.time_ns()) {
    fired_.clear();
    for (std::size_t index = 0; index < next_step(); ++index) {
      const double at_s = static_cast<double>(step_times_ns_[index]) / 1e9;
      fired_.push_back(FiredStep{index, at_s, at_s});
    }
    fired_for_ns_ = cursor_.time_ns();
  }
  return fired_;
}

std::vector<std::size_t> RecordedLesson::open_predictions() const {
  return predictions_.open_before(next_step(), step_times_ns_.size());
}

bool RecordedLesson::revealed(std::size_t prediction_index) const {
  return predictions_.revealed(prediction_index, next_step());
}

void RecordedLesson::answer(std::size_t prediction_index, std::size_t choice_index) {
  predictions_.answer(prediction_index, choice_index);
}

std::optional<std::size_t> RecordedLesson::answer_of(std::size_t prediction_index) const {
  return predictions_.answer_of(prediction_index);
}

std::vector<CheckResult> RecordedLesson::evaluate_checks() const {
  std::vector<CheckResult> results;
  for (const LessonCheck& check : lesson_.checks) results.push_back(evaluate_check(check, cursor_.model()));
  return results;
}

}  // namespace loopscope::scenarios
