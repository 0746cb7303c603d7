#include "lesson_director.hpp"

#include <chrono>
#include <set>
#include <stdexcept>

#include "core/model/model_queries.hpp"
#include "core/trace/hook.hpp"
#include "scenarios/lessons/prediction_book.hpp"

namespace loopscope::scenarios {

namespace {
using Clock = std::chrono::steady_clock;
// The freeze watchdog's threshold (core/loop/freeze_watchdog.hpp): a thread blocked this long
// is where a loop would have frozen.
constexpr std::uint64_t kFreezeThresholdNs = 50'000'000;
}  // namespace

struct LessonDirector::State {
  State(const Lesson& lesson_in, LiveSession& session_in, LessonDirectorOptions options_in)
      : lesson(lesson_in),
        session(session_in),
        options(options_in),
        predictions(lesson.predictions),
        asked(lesson_in.predictions.size(), false),
        breakpoint_done(lesson_in.breakpoints.size(), false),
        running_since(Clock::now()) {
    if (!(options.speed > 0)) throw std::invalid_argument("lesson speed must be above 0");
  }

  // --- the lesson clock: banked lesson seconds plus, while it runs, wall time x speed ---
  double clock_s() const {
    if (!running_since) return banked_s;
    return banked_s + std::chrono::duration<double>(Clock::now() - *running_since).count() * options.speed;
  }
  void sync_clock() {
    const bool should_run = !paused && !holding && !ended_latched;
    if (should_run && !running_since) {
      running_since = Clock::now();
    } else if (!should_run && running_since) {
      banked_s = clock_s();
      running_since.reset();
    }
    sync_clients();
  }

  // The world waits with the lesson clock: while the class is asked or the lesson is paused, the
  // scripted clients stand still, so nothing a question asks about can happen behind its back.
  // An ended lesson lets its clients finish.
  void sync_clients() {
    const bool should_hold = (paused || holding) && !ended_latched;
    if (should_hold == clients_held) return;
    clients_held = should_hold;
    if (should_hold) {
      session.clients().hold();
      const trace::HoldReason reason =
          holding ? trace::HoldReason::Prediction : hit ? trace::HoldReason::Breakpoint : trace::HoldReason::Paused;
      session.record_lesson_wait(trace::EventKind::LessonHeld, lesson.id, 0, trace::detail_of(reason));
    } else {
      // Stamped before the clients are let go: once released they move at once, on their own
      // thread, and a resume stamped after their first send would say they moved while held.
      session.record_lesson_wait(trace::EventKind::LessonResumed, lesson.id, 0);
      session.clients().release();
    }
  }

  // Records each prediction once, when it is first put to the class (before any hold for it).
  void record_newly_asked() {
    for (const std::size_t index : predictions.open_before(next_step, lesson.steps.size())) {
      if (asked[index]) continue;
      asked[index] = true;
      session.record_lesson_wait(trace::EventKind::LessonPredictionAsked, lesson.id, static_cast<std::uint32_t>(index));
    }
  }

  bool group_done(const std::string& group) const {
    return started_groups.count(group) > 0 && session.clients().group_finished(group);
  }

  bool trigger_fired(const StepTrigger& trigger) const {
    const model::TraceModel& model = session.model();
    switch (trigger.kind) {
      case StepTrigger::Kind::AtTime: return clock_s() >= trigger.at_s;
      case StepTrigger::Kind::FirstDrainStall:
        for (const auto& [id, connection] : model.connections()) {
          if (!connection.drain_stalls.empty()) return true;
        }
        return false;
      case StepTrigger::Kind::FirstFreeze:
        // On a threaded server (a loop lesson run with --server threads) the moment a thread
        // blocks as long as a freeze would have lasted stands in for the freeze.
        return !model.loop().freezes.empty() || model::thread_blocked_for(model, kFreezeThresholdNs);
      case StepTrigger::Kind::FirstTimeout: return model.cancelled_awaits() > 0;
      case StepTrigger::Kind::GroupDone: return group_done(trigger.group);
      case StepTrigger::Kind::AfterPrevious:
        return fired.empty() ? clock_s() >= trigger.at_s : clock_s() >= fired.back().lesson_time_s + trigger.at_s;
    }
    return false;
  }

  // A step is held while a prediction it reveals has no answer, unless reveal_now() let it go.
  bool must_hold(std::size_t step_index) const {
    return options.hold_for_answers && predictions.must_hold(step_index);
  }

  // Pauses at the first lesson breakpoint whose event has now happened. Each one pauses once:
  // after resume() the run goes on past it.
  bool pause_at_breakpoint() {
    if (!options.pause_at_breakpoints) return false;
    const model::TraceModel& model = session.model();
    for (std::size_t index = 0; index < lesson.breakpoints.size(); ++index) {
      if (breakpoint_done[index]) continue;
      const LessonBreakpoint& breakpoint = lesson.breakpoints[index];
      const auto wanted = static_cast<std::size_t>(breakpoint.occurrence);
      // Counted each tick; the times are gathered and sorted only once, when it is reached.
      if (model::step_event_count(model, breakpoint.on) < wanted) continue;
      const std::vector<std::uint64_t> times = model::step_event_times(model, breakpoint.on);
      breakpoint_done[index] = true;
      hit = BreakpointHit{index, times[wanted - 1]};
      paused = true;
      sync_clock();
      return true;
    }
    return false;
  }

  void release_hold_if_answered() {
    if (holding && !must_hold(next_step)) {
      holding = false;
      sync_clock();
    }
  }

  bool end_condition_reached() const {
    if (next_step < lesson.steps.size()) return false;
    if (lesson.end.after_s && clock_s() >= *lesson.end.after_s) return true;
    return !lesson.end.when_group_done.empty() && group_done(lesson.end.when_group_done);
  }
  // The end condition wins over the timeout when both hold, as the headless runner always had it.
  bool timed_out_now() const { return !end_condition_reached() && clock_s() > lesson.end.timeout_s; }

  void act(const LessonAction& action) {
    switch (action.kind) {
      case LessonAction::Kind::Start: {
        const ClientGroup& group = lesson.groups.at(action.target);
        session.start_clients(group.spec, group.count);
        started_groups.insert(action.target);
        break;
      }
      case LessonAction::Kind::Stop: session.clients().stop_group(action.target); break;
      case LessonAction::Kind::SetHandler: session.set_handler(action.target); break;
      case LessonAction::Kind::SetLimits:
        session.set_write_buffer_limits(action.high_water_bytes, action.low_water_bytes);
        break;
      case LessonAction::Kind::InjectBlocking:
        session.inject_blocking(std::chrono::milliseconds(action.blocking_ms));
        break;
      case LessonAction::Kind::Mark: session.mark(action.target); break;
      case LessonAction::Kind::SetModel: session.set_model(action.model); break;
    }
  }

  void fire_next() {
    const std::size_t index = next_step;
    // Recorded before the step's actions, so a replay that stops just short of this moment
    // shows nothing the step caused.
    session.record_lesson_step(lesson.id, index);
    for (const LessonAction& action : lesson.steps[index].actions) act(action);
    fired.push_back(FiredStep{index, clock_s(), session.elapsed_s()});
    ++next_step;
    holding = false;
    sync_clock();
  }

  // A copy: the GUI may load another lesson while this one is still being played.
  const Lesson lesson;
  LiveSession& session;
  LessonDirectorOptions options;  // speed changes with set_speed()
  PredictionBook predictions;     // over lesson.predictions (declared after it)
  std::vector<bool> asked;        // one per prediction: its "asked" is in the trace
  std::vector<bool> breakpoint_done;  // one per lesson breakpoint: it has paused the lesson
  std::optional<BreakpointHit> hit;
  std::set<std::string> started_groups;             // GroupDone only counts groups we started
  std::vector<FiredStep> fired;
  std::size_t next_step = 0;
  double banked_s = 0;
  std::optional<Clock::time_point> running_since;  // set while the lesson clock runs
  bool paused = false;
  bool holding = false;
  bool ended_latched = false;
  bool timed_out_latched = false;
  bool clients_held = false;  // as last told to the client pool
};

LessonDirector::LessonDirector(const Lesson& lesson, LiveSession& session, LessonDirectorOptions options)
    : state_(std::make_shared<State>(lesson, session, options)) {}

void LessonDirector::advance() {
  State& state = *state_;
  if (state.ended_latched) return;
  // Ended is checked before anything fires, so a lesson that is over stays over; once latched
  // the lesson clock stops, and a late group finishing cannot turn a timeout into a pass.
  if (state.end_condition_reached() || state.timed_out_now()) {
    state.timed_out_latched = state.timed_out_now();
    state.ended_latched = true;
    state.sync_clock();
    return;
  }
  state.record_newly_asked();
  if (state.paused || state.pause_at_breakpoint()) return;
  state.release_hold_if_answered();
  while (state.next_step < state.lesson.steps.size() &&
         state.trigger_fired(state.lesson.steps[state.next_step].trigger)) {
    if (state.must_hold(state.next_step)) {
      // The clock stops where the step would have fired, so the steps after it keep their spacing.
      state.holding = true;
      state.sync_clock();
      return;
    }
    state.fire_next();
  }
}

void LessonDirector::pause() {
  state_->paused = true;
  state_->sync_clock();
}

void LessonDirector::resume() {
  state_->paused = false;
  state_->hit.reset();
  state_->sync_clock();
}

bool LessonDirector::paused() const { return state_->paused; }

void LessonDirector::set_speed(double speed) {
  if (!(speed > 0)) throw std::invalid_argument("lesson speed must be above 0");
  State& state = *state_;
  // Bank the time so far at the old speed; only what follows runs at the new one.
  if (state.running_since) {
    state.banked_s = state.clock_s();
    state.running_since = Clock::now();
  }
  state.options.speed = speed;
}

double LessonDirector::speed() const { return state_->options.speed; }

void LessonDirector::step_now() {
  State& state = *state_;
  // An instructor's explicit step: it works while paused and skips a hold, but the lesson
  // clock is not moved, so a later at_s step still waits for its time.
  if (state.ended_latched || state.next_step >= state.lesson.steps.size()) return;
  state.fire_next();
}

void LessonDirector::reveal_now() {
  State& state = *state_;
  for (const std::size_t index : state.predictions.open_before(state.next_step, state.lesson.steps.size())) {
    if (state.predictions.answer_of(index) || !state.asked[index]) continue;
    state.session.record_lesson_wait(trace::EventKind::LessonPredictionAnswered, state.lesson.id,
                                     static_cast<std::uint32_t>(index), 0, trace::kRevealedUnanswered);
  }
  state.predictions.release(state.next_step);
  // Paused at a breakpoint, "reveal" would wait for Play unseen: the presenter asked to move on.
  if (state.paused && state.hit) resume();
  state.release_hold_if_answered();
}

double LessonDirector::lesson_time_s() const { return state_->clock_s(); }

bool LessonDirector::ended() const {
  return state_->ended_latched || state_->end_condition_reached() || state_->timed_out_now();
}

bool LessonDirector::timed_out() const {
  return state_->ended_latched ? state_->timed_out_latched : state_->timed_out_now();
}

bool LessonDirector::holding_for_answers() const { return state_->holding; }

const Lesson& LessonDirector::lesson() const { return state_->lesson; }

std::size_t LessonDirector::next_step() const { return state_->next_step; }

const std::vector<FiredStep>& LessonDirector::fired() const { return state_->fired; }

std::vector<std::size_t> LessonDirector::open_predictions() const {
  return state_->predictions.open_before(state_->next_step, state_->lesson.steps.size());
}

bool LessonDirector::revealed(std::size_t prediction_index) const {
  return state_->predictions.revealed(prediction_index, state_->next_step);
}

void LessonDirector::answer(std::size_t prediction_index, std::size_t choice_index) {
  state_->predictions.answer(prediction_index, choice_index);  // throws for a choice that does not exist
  state_->session.record_lesson_wait(trace::EventKind::LessonPredictionAnswered, state_->lesson.id,
                                     static_cast<std::uint32_t>(prediction_index), 0,
                                     static_cast<std::uint16_t>(choice_index));
  state_->release_hold_if_answered();
}

std::optional<std::size_t> LessonDirector::answer_of(std::size_t prediction_index) const {
  return state_->predictions.answer_of(prediction_index);
}

std::optional<BreakpointHit> LessonDirector::breakpoint_hit() const { return state_->hit; }

std::vector<CheckResult> LessonDirector::evaluate_checks() const {
  std::vector<CheckResult> results;
  for (const LessonCheck& check : state_->lesson.checks) results.push_back(evaluate_check(check, state_->session.model()));
  return results;
}

}  // namespace loopscope::scenarios
