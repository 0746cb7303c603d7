#include "lesson_runner.hpp"

#include <asio/post.hpp>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

#include "core/handlers/handler_catalog.hpp"
#include "core/loop/freeze_watchdog.hpp"
#include "core/loop/loop_thread.hpp"
#include "core/loop/stream_server.hpp"
#include "core/loop/task_tools.hpp"
#include "core/model/trace_model.hpp"
#include "core/trace/hook.hpp"
#include "core/trace/recorder.hpp"
#include "scenarios/clients/client_pool.hpp"

namespace loopscope::scenarios {

namespace {

constexpr auto kTick = std::chrono::milliseconds(10);

std::string clock_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "[%6.2fs] ", seconds);
  return text;
}

// Everything one run owns, declared in the order it must be torn down in reverse.
class LessonSession {
 public:
  LessonSession(const Lesson& lesson, const LessonRunOptions& options, std::ostream& out)
      : lesson_(lesson),
        options_(options),
        out_(out),
        main_attachment_(recorder_.attach_current_thread("main")),
        loop_(recorder_),
        catalog_(to_handler_settings(lesson.server)),
        // Port 0: lessons never fight over a port, so tests can run them side by side.
        server_(loop_, to_server_options(lesson.server, "127.0.0.1", 0), *catalog_.make(lesson.server.handler),
                lesson.server.handler),
        clients_(recorder_, server_.start()),
        watchdog_(loop_.probe()) {}

  LessonRunResult run();

 private:
  double elapsed_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  }
  double scaled(double lesson_seconds) const { return lesson_seconds / options_.speed; }
  void tick();
  bool trigger_fired(const StepTrigger& trigger) const;
  bool group_done(const std::string& group) const { return started_groups_.count(group) && clients_.group_finished(group); }
  void fire(std::size_t step_index);
  void act(const LessonAction& action);
  void announce_predictions(std::size_t before_step);
  void reveal_predictions(std::size_t step_index);
  bool end_reached() const;
  void finish(LessonRunResult& result);

  const Lesson& lesson_;
  LessonRunOptions options_;
  std::ostream& out_;
  trace::Recorder recorder_;
  trace::Recorder::Attachment main_attachment_;
  trace::TraceLog log_;
  model::TraceModel model_;
  loop::LoopThread loop_;
  handlers::HandlerCatalog catalog_;
  loop::StreamServer server_;
  ClientPool clients_;
  loop::FreezeWatchdog watchdog_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::set<std::string> started_groups_;
  std::size_t next_step_ = 0;
};

void LessonSession::tick() {
  watchdog_.poll();
  recorder_.drain_into(log_);
  model_.append(recorder_.last_batch(), log_);
}

bool LessonSession::trigger_fired(const StepTrigger& trigger) const {
  switch (trigger.kind) {
    case StepTrigger::Kind::AtTime: return elapsed_s() >= scaled(trigger.at_s);
    case StepTrigger::Kind::FirstDrainStall:
      for (const auto& [id, connection] : model_.connections()) {
        if (!connection.drain_stalls.empty()) return true;
      }
      return false;
    case StepTrigger::Kind::FirstFreeze: return !model_.loop().freezes.empty();
    case StepTrigger::Kind::FirstTimeout: return model_.cancelled_awaits() > 0;
    case StepTrigger::Kind::GroupDone: return group_done(trigger.group);
  }
  return false;
}

void LessonSession::announce_predictions(std::size_t before_step) {
  if (!options_.print_narration) return;
  for (const Prediction& prediction : lesson_.predictions) {
    if (prediction.before_step != before_step) continue;
    out_ << clock_text(elapsed_s()) << "Predict: " << prediction.question << "\n";
    for (std::size_t index = 0; index < prediction.choices.size(); ++index) {
      out_ << "            " << static_cast<char>('a' + index) << ") " << prediction.choices[index] << "\n";
    }
  }
}

void LessonSession::reveal_predictions(std::size_t step_index) {
  if (!options_.print_narration) return;
  for (const Prediction& prediction : lesson_.predictions) {
    if (prediction.before_step != step_index) continue;
    out_ << clock_text(elapsed_s()) << "Answer: " << static_cast<char>('a' + prediction.answer) << ") "
         << prediction.choices[prediction.answer] << ". " << prediction.explanation << "\n";
  }
}

void LessonSession::act(const LessonAction& action) {
  switch (action.kind) {
    case LessonAction::Kind::Start: {
      const ClientGroup& group = lesson_.groups.at(action.target);
      for (int index = 0; index < group.count; ++index) clients_.start(group.spec);
      started_groups_.insert(action.target);
      break;
    }
    case LessonAction::Kind::Stop: clients_.stop_group(action.target); break;
    case LessonAction::Kind::SetHandler: server_.post_set_handler(*catalog_.make(action.target), action.target); break;
    case LessonAction::Kind::SetLimits:
      server_.post_set_write_buffer_limits(action.high_water_bytes, action.low_water_bytes);
      break;
    case LessonAction::Kind::InjectBlocking: {
      const auto blocking = std::chrono::milliseconds(action.blocking_ms);
      // Queued behind whatever the loop is doing, as any command to the loop is.
      asio::post(loop_.context(), [blocking] { loop::block_loop_for(blocking); });
      break;
    }
    case LessonAction::Kind::Mark:
      trace::record(trace::EventKind::Mark, 0, recorder_.intern_label(action.target));
      break;
  }
}

void LessonSession::fire(std::size_t step_index) {
  const LessonStep& step = lesson_.steps[step_index];
  for (const LessonAction& action : step.actions) act(action);
  if (options_.print_narration) out_ << clock_text(elapsed_s()) << step.narration << "\n";
  reveal_predictions(step_index);
  out_.flush();
}

bool LessonSession::end_reached() const {
  if (next_step_ < lesson_.steps.size()) return false;
  if (lesson_.end.after_s && elapsed_s() >= scaled(*lesson_.end.after_s)) return true;
  return !lesson_.end.when_group_done.empty() && group_done(lesson_.end.when_group_done);
}

void LessonSession::finish(LessonRunResult& result) {
  clients_.stop_all();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (clients_.running() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kTick);
  }
  server_.close(std::chrono::milliseconds(1000));
  tick();
  for (const LessonCheck& check : lesson_.checks) result.checks.push_back(evaluate_check(check, model_));
  result.steps_fired = next_step_;
  result.duration_s = elapsed_s();
  result.trace = std::move(log_);
}

LessonRunResult LessonSession::run() {
  LessonRunResult result;
  if (options_.print_narration) {
    out_ << lesson_.title << " (" << lesson_.id << ")\n" << lesson_.summary << "\n\n";
  }
  announce_predictions(0);
  const double timeout_s = scaled(lesson_.end.timeout_s);
  while (!end_reached()) {
    if (elapsed_s() > timeout_s) {
      result.timed_out = true;
      out_ << clock_text(elapsed_s()) << "The lesson did not reach its end within " << timeout_s << " s.\n";
      break;
    }
    tick();
    while (next_step_ < lesson_.steps.size() && trigger_fired(lesson_.steps[next_step_].trigger)) {
      fire(next_step_);
      ++next_step_;
      if (next_step_ < lesson_.steps.size()) announce_predictions(next_step_);
    }
    std::this_thread::sleep_for(kTick);
  }
  finish(result);
  return result;
}

}  // namespace

bool LessonRunResult::passed() const {
  if (timed_out) return false;
  for (const auto& check : checks) {
    if (!check.passed) return false;
  }
  return true;
}

LessonRunResult run_lesson(const Lesson& lesson, const LessonRunOptions& options, std::ostream& out) {
  LessonSession session(lesson, options, out);
  return session.run();
}

void print_check_table(const LessonRunResult& result, std::ostream& out) {
  std::size_t name_width = 5;
  std::size_t measured_width = 8;
  for (const auto& check : result.checks) {
    name_width = std::max(name_width, check.name.size());
    measured_width = std::max(measured_width, check.measured.size());
  }
  out << "\nChecks:\n";
  std::size_t passed = 0;
  for (const auto& check : result.checks) {
    passed += check.passed ? 1 : 0;
    out << "  " << (check.passed ? "PASS" : "FAIL") << "  " << check.name
        << std::string(name_width - check.name.size() + 2, ' ') << check.measured
        << std::string(measured_width - check.measured.size() + 2, ' ') << "expected " << check.expected << "\n";
  }
  out << passed << " of " << result.checks.size() << " checks passed" << (result.timed_out ? " (the lesson timed out)" : "")
      << "\n";
}

}  // namespace loopscope::scenarios
