// loopscope: entry point and command line.
#include <CLI/CLI.hpp>
#include <iostream>

#include "core/handlers/handler_catalog.hpp"
#include "scenarios/commands/lesson_command.hpp"
#include "scenarios/commands/serve_command.hpp"

namespace {

std::string handler_help() {
  std::string help = "server behaviour for each connection:";
  for (const auto& description : loopscope::handlers::handler_descriptions()) {
    help += "\n  " + description.name + ": " + description.summary;
  }
  return help;
}

void add_serve_command(CLI::App& app, loopscope::scenarios::ServeOptions& serve) {
  CLI::App* command = app.add_subcommand("serve", "Run the instrumented server headless; print a summary each second");
  command->add_option("--host", serve.host, "address to bind (loopback unless you ask otherwise)")->capture_default_str();
  command->add_option("--port", serve.port, "TCP port; 0 picks a free one")->capture_default_str();
  std::vector<std::string> names;
  for (const auto& description : loopscope::handlers::handler_descriptions()) names.push_back(description.name);
  command->add_option("--handler", serve.server.handler, handler_help())->check(CLI::IsMember(names))->capture_default_str();
  command->add_option("--high-water", serve.server.high_water_bytes, "writer buffer bytes above which drain() waits")
      ->capture_default_str();
  command->add_option("--low-water", serve.server.low_water_bytes,
                      "writer buffer bytes at which a waiting drain() resumes [default: high-water / 4]");
  command->add_option("--max-connections", serve.server.max_connections,
                      "connections beyond this many are closed at once (and recorded)")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--duration", serve.duration_s, "stop after this many seconds [default: until Ctrl-C]")
      ->check(CLI::NonNegativeNumber);
  command->add_option("--trace", serve.trace_path,
                      "write the trace here on exit: Chrome Trace Event JSON if it ends in .json, else native");
  command->add_option("--send-buffer", serve.server.send_buffer_bytes, "SO_SNDBUF for each connection, bytes")
      ->check(CLI::PositiveNumber);
  command->add_option("--receive-buffer", serve.server.receive_buffer_bytes, "SO_RCVBUF for each connection, bytes")
      ->check(CLI::PositiveNumber);
  command->add_option("--line-limit", serve.server.line_limit_bytes, "longest line readline() accepts, bytes")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->add_option("--blocking-ms", serve.server.blocking_ms, "blocking_sleep: how long each line blocks the loop")
      ->capture_default_str();
  command->add_option("--parse-ms", serve.server.parse_ms, "cpu_parse / offload_parse: CPU time per line")
      ->capture_default_str();
  command->add_option("--timeout-ms", serve.server.timeout_ms, "readline_timeout: deadline for each line")
      ->capture_default_str();
  command->callback([&serve] {
    throw CLI::RuntimeError(loopscope::scenarios::run_serve(serve, std::cout, std::cerr));
  });
}

void add_lesson_command(CLI::App& app, loopscope::scenarios::LessonCommandOptions& lesson) {
  CLI::App* command = app.add_subcommand("lesson", "Run a lesson headless: narration as it happens, then its checks");
  command->add_flag("--list", lesson.list, "list the built-in lessons");
  command->add_option("lesson", lesson.lesson, "a built-in lesson's name, or a lesson file (.json)");
  command->add_option("--trace", lesson.trace_path,
                      "save the run's trace: Chrome Trace Event JSON if it ends in .json, else native");
  command->add_option("--speed", lesson.speed, "schedule speed: 0.5 runs the steps at half speed")
      ->check(CLI::PositiveNumber)->capture_default_str();
  command->callback([&lesson] {
    throw CLI::RuntimeError(loopscope::scenarios::run_lesson_command(lesson, std::cout, std::cerr));
  });
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Loopscope: see how an event loop serves many clients.\n"
               "Run `loopscope serve --help` for the headless server, `loopscope lesson --list` for the lessons."};
  app.require_subcommand(1);
  loopscope::scenarios::ServeOptions serve;
  add_serve_command(app, serve);
  loopscope::scenarios::LessonCommandOptions lesson;
  add_lesson_command(app, lesson);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  return 0;
}
