#include "lesson_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

#include "scenarios/lessons/lesson_director.hpp"
#include "scenarios/session/live_session.hpp"

namespace loopscope::scenarios {

namespace {

constexpr auto kTick = std::chrono::milliseconds(10);

std::string clock_text(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "[%6.2fs] ", seconds);
  return text;
}

// Prints what the director does, as it does it: the questions before a step, the narration
// and the answers when it fires.
class NarrationPrinter {
 public:
  NarrationPrinter(const Lesson& lesson, std::ostream& out) : lesson_(lesson), out_(out) {}

  void introduce() {
    out_ << lesson_.title << " (" << lesson_.id << ")\n" << lesson_.summary << "\n\n";
    announce_predictions(0, 0);
  }

  // Prints every step fired since the last call.
  void catch_up(const std::vector<FiredStep>& fired) {
    for (; printed_steps_ < fired.size(); ++printed_steps_) {
      const FiredStep& step = fired[printed_steps_];
      out_ << clock_text(step.session_time_s) << lesson_.steps[step.index].narration << "\n";
      reveal_predictions(step.index, step.session_time_s);
      if (step.index + 1 < lesson_.steps.size()) announce_predictions(step.index + 1, step.session_time_s);
      out_.flush();
    }
  }

 private:
  void announce_predictions(std::size_t before_step, double session_time_s) {
    for (const Prediction& prediction : lesson_.predictions) {
      if (prediction.before_step != before_step) continue;
      out_ << clock_text(session_time_s) << "Predict: " << prediction.question << "\n";
      for (std::size_t index = 0; index < prediction.choices.size(); ++index) {
        out_ << "            " << static_cast<char>('a' + index) << ") " << prediction.choices[index] << "\n";
      }
    }
  }

  void reveal_predictions(std::size_t step_index, double session_time_s) {
    for (const Prediction& prediction : lesson_.predictions) {
      if (prediction.reveal_step != step_index) continue;
      out_ << clock_text(session_time_s) << "Answer: " << static_cast<char>('a' + prediction.answer) << ") "
           << prediction.choices[prediction.answer] << ". " << prediction.explanation << "\n";
    }
  }

  const Lesson& lesson_;
  std::ostream& out_;
  std::size_t printed_steps_ = 0;
};

}  // namespace

bool LessonRunResult::passed() const {
  if (timed_out) return false;
  for (const auto& check : checks) {
    if (!check.passed) return false;
  }
  return true;
}

std::optional<LessonServer> lesson_server_from_name(std::string_view name) {
  if (name == "loopscope") return LessonServer{};
  if (name == "asyncio") return LessonServer{ServerBackend::AsyncioTwins, std::nullopt};
  if (const auto model = server_model_from_name(name); model && *model != ServerModel::Loop) {
    return LessonServer{ServerBackend::Loopscope, model};
  }
  return std::nullopt;
}

std::optional<std::string> lesson_cannot_run_on(const Lesson& lesson, const LessonServer& server) {
  if (server.backend != ServerBackend::Loopscope && !lesson.runs_on_asyncio) {
    return lesson.id + " runs on Loopscope's own server only (it switches between its event loop and its threaded "
                       "servers; asyncio's server is a loop)";
  }
  if (!server.model) return std::nullopt;
  const std::string model(server_model_name(*server.model));
  const auto lacks = [&](const std::string& handler) -> std::optional<std::string> {
    if (model_serves_handler(*server.model, handler)) return std::nullopt;
    return lesson.id + " uses the " + handler + " handler, which the " + model + " model does not have (it serves " +
           model_handler_names(*server.model) + ")";
  };
  if (auto why = lacks(lesson.server.handler)) return why;
  for (const LessonStep& step : lesson.steps) {
    // A step that waits for a drain() stall or a deadline would wait for ever: a threaded
    // server has neither, and the lesson would only time out. (first_freeze has a stand-in:
    // a thread blocked as long as a freeze, see the director.)
    if (step.trigger.kind == StepTrigger::Kind::FirstDrainStall) {
      return lesson.id + " waits for a drain() stall (first_drain_stall); a threaded server has no writer buffer to drain";
    }
    if (step.trigger.kind == StepTrigger::Kind::FirstTimeout) {
      return lesson.id + " waits for a read deadline (first_timeout); the threaded servers have none";
    }
    for (const LessonAction& action : step.actions) {
      if (action.kind == LessonAction::Kind::SetHandler) {
        if (auto why = lacks(action.target)) return why;
      }
      if (action.kind == LessonAction::Kind::SetLimits) {
        return lesson.id + " changes the writers' water marks, which the " + model + " model does not have";
      }
      if (action.kind == LessonAction::Kind::InjectBlocking) {
        return lesson.id + " injects a blocking call on the loop, which the " + model + " model does not have";
      }
      if (action.kind == LessonAction::Kind::SetModel) return lesson.id + " chooses its own server models";
    }
  }
  return std::nullopt;
}

LessonRunResult run_lesson(const Lesson& lesson, const LessonRunOptions& options, std::ostream& out) {
  if (const auto why = lesson_cannot_run_on(lesson, LessonServer{options.backend, options.model})) {
    throw std::invalid_argument(*why);
  }
  LiveSessionOptions session_options;
  session_options.server = lesson.server;
  if (options.model) session_options.server.model = *options.model;
  // Port 0: lessons never fight over a port, so tests can run them side by side.
  session_options.port = 0;
  session_options.backend = options.backend;
  LiveSession session(session_options);
  if (options.print_narration && options.backend == ServerBackend::AsyncioTwins) {
    out << "Server: the handlers' asyncio twins (assets/asyncio) on " << session.runtime() << ", traced by the probe\n";
  }
  if (options.print_narration && options.model) {
    out << "Server: " << server_model_title(*options.model)
        << ", instead of the lesson's own; its narration and checks are about the lesson's own server, so some may not hold\n";
  }
  LessonDirectorOptions director_options;
  director_options.speed = options.speed;
  LessonDirector director(lesson, session, director_options);
  NarrationPrinter printer(lesson, out);
  if (options.print_narration) printer.introduce();

  for (;;) {
    session.poll();
    director.advance();
    if (options.print_narration) printer.catch_up(director.fired());
    if (director.ended()) break;
    std::this_thread::sleep_for(kTick);
  }

  LessonRunResult result;
  result.timed_out = director.timed_out();
  if (result.timed_out) {
    out << clock_text(session.elapsed_s()) << "The lesson did not reach its end within "
        << lesson.end.timeout_s / options.speed << " s.\n";
  }
  session.finish();
  if (session.server_ended() && options.print_narration) out << "The asyncio server: " << *session.server_ended() << "\n";
  result.checks = director.evaluate_checks();
  result.steps_fired = director.fired().size();
  result.duration_s = session.elapsed_s();
  result.trace = session.take_log();
  return result;
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
