// loopscope: entry point and command line.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "core/handlers/handler_catalog.hpp"
#include "scenarios/commands/export_command.hpp"
#include "scenarios/commands/asyncio_command.hpp"
#include "scenarios/commands/lesson_command.hpp"
#include "scenarios/commands/serve_command.hpp"
#include "viz/app/gui_options.hpp"

namespace {

// CLI11's PositiveNumber says "Value 0 not in range 0.000000 to 1.797...e308"; a learner needs
// to read what is wrong in words.
const CLI::Validator kAboveZero(
    [](std::string& text) -> std::string {
      double value = 0;
      if (!CLI::detail::lexical_cast(text, value)) return "not a number: " + text;
      return value > 0 ? std::string() : "must be above 0, not " + text;
    },
    "> 0");
const CLI::Validator kNotNegative(
    [](std::string& text) -> std::string {
      double value = 0;
      if (!CLI::detail::lexical_cast(text, value)) return "not a number: " + text;
      return value >= 0 ? std::string() : "must be 0 or more, not " + text;
    },
    ">= 0");

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
  // Read as text and turned into the model once parsed, so a wrong value gets CLI11's plain
  // "not in {loop, threads, pool}" rather than a message about the enum's numbers.
  auto model_name = std::make_shared<std::string>("loop");
  command->add_option("--model", *model_name,
                      "how connections are served: loop (one thread, a coroutine each), threads (a thread per "
                      "connection, blocking reads and writes) or pool (--pool-threads workers; more connections wait)")
      ->check(CLI::IsMember({"loop", "threads", "pool"}))->capture_default_str();
  command->add_option("--pool-threads", serve.server.pool_threads, "--model pool: worker threads")
      ->check(kAboveZero)->capture_default_str();
  command->add_option("--high-water", serve.server.high_water_bytes, "writer buffer bytes above which drain() waits")
      ->capture_default_str();
  command->add_option("--low-water", serve.server.low_water_bytes,
                      "writer buffer bytes at which a waiting drain() resumes [default: high-water / 4]");
  command->add_option("--max-connections", serve.server.max_connections,
                      "connections beyond this many are closed at once (and recorded)")
      ->check(kAboveZero)->capture_default_str();
  command->add_option("--duration", serve.duration_s, "stop after this many seconds [default: until Ctrl-C]")
      ->check(kNotNegative);
  command->add_option("--trace", serve.trace_path,
                      "write the trace here on exit: Chrome Trace Event JSON if it ends in .json, else native");
  command->add_option("--send-buffer", serve.server.send_buffer_bytes, "SO_SNDBUF for each connection, bytes")
      ->check(kAboveZero);
  command->add_option("--receive-buffer", serve.server.receive_buffer_bytes, "SO_RCVBUF for each connection, bytes")
      ->check(kAboveZero);
  command->add_option("--line-limit", serve.server.line_limit_bytes, "longest line readline() accepts, bytes")
      ->check(kAboveZero)->capture_default_str();
  command->add_option("--blocking-ms", serve.server.blocking_ms, "blocking_sleep: how long each line blocks the loop")
      ->capture_default_str();
  command->add_option("--parse-ms", serve.server.parse_ms, "cpu_parse / offload_parse: CPU time per line")
      ->capture_default_str();
  command->add_option("--timeout-ms", serve.server.timeout_ms, "readline_timeout: deadline for each line")
      ->capture_default_str();
  command->callback([&serve, model_name] {
    serve.server.model = *loopscope::scenarios::server_model_from_name(*model_name);
    throw CLI::RuntimeError(loopscope::scenarios::run_serve(serve, std::cout, std::cerr));
  });
}

void add_lesson_command(CLI::App& app, loopscope::scenarios::LessonCommandOptions& lesson) {
  CLI::App* command = app.add_subcommand("lesson", "Run a lesson headless: narration as it happens, then its checks");
  command->add_flag("--list", lesson.list, "list the built-in lessons");
  command->add_option("lesson", lesson.lesson, "a built-in lesson's name, or a lesson file (.json)");
  command->add_option("--trace", lesson.trace_path,
                      "save the run's trace: Chrome Trace Event JSON if it ends in .json, else native");
  command->add_option("--server", lesson.server,
                      "loopscope: the C++ server as the lesson sets it up; asyncio: the handlers' CPython asyncio twins, "
                      "traced by the probe; threads / pool: the same clients against a thread per connection / a pool "
                      "of threads (the lesson's checks are about its own server, so some may not hold)")
      ->check(CLI::IsMember({"loopscope", "asyncio", "threads", "pool"}))->capture_default_str();
  command->add_option("--speed", lesson.speed, "schedule speed: 0.5 runs the steps at half speed")
      ->check(kAboveZero)->capture_default_str();
  command->callback([&lesson] {
    throw CLI::RuntimeError(loopscope::scenarios::run_lesson_command(lesson, std::cout, std::cerr));
  });
}

void add_export_command(CLI::App& app, loopscope::scenarios::ExportOptions& options) {
  CLI::App* command =
      app.add_subcommand("export", "Convert a saved native trace to Chrome Trace Event JSON (opens in Perfetto)");
  // No ->required() or ExistingFile: a missing or unreadable input gets exit 2 with the
  // loader's own reason, as the other commands do.
  command->add_option(
      "input", options.input_path,
      "a native trace saved by the app, `serve` or `lesson`, or a built-in lesson's name (its shipped recorded run)");
  command->add_option("--chrome", options.chrome_path, "write Chrome Trace Event JSON here; open it at ui.perfetto.dev");
  command->callback([&options] {
    throw CLI::RuntimeError(loopscope::scenarios::run_export_command(options, std::cout, std::cerr));
  });
}

// What every window takes: its size and type, screenshot mode, the panels shown first, the report.
void add_window_options(CLI::App& command, loopscope::viz::GuiOptions& gui) {
  command.add_flag("--present", gui.present,
                   "presentation mode for a projector: large type, high contrast, caption, keyboard control (F11)");
  command.add_option("--font-size", gui.font_size_px, "text size in pixels")->check(CLI::Range(8.0, 72.0))
      ->capture_default_str();
  command.add_option("--screenshot", gui.screenshot_path,
                     "screenshot mode: play until --at, save the window as this PNG and exit");
  command.add_option("--at", gui.at_s, "screenshot mode: the lesson time (s) to capture")
      ->check(kNotNegative)->capture_default_str();
  command.add_option_function<std::string>("--size", [&gui](const std::string& size) {
    int width = 0, height = 0;
    char separator = 0;
    std::istringstream parse(size);
    if (!(parse >> width >> separator >> height) || separator != 'x' || width < 320 || height < 240) {
      throw CLI::ValidationError("--size", "expected WIDTHxHEIGHT, at least 320x240, e.g. 1280x800");
    }
    gui.width_px = width;
    gui.height_px = height;
  }, "window size WIDTHxHEIGHT [default: 1600x900]");
  command.add_option("--tab", gui.tab, "bottom panel to show first")
      ->check(CLI::IsMember({"connections", "loop", "code", "events", "warnings", "durations"}))->capture_default_str();
  command.add_option("--left-tab", gui.left_tab, "left panel to show first")
      ->check(CLI::IsMember({"server", "clients"}))->capture_default_str();
  command.add_option("--select", gui.select_task, "select this task id at the start (its code, its buffers)");
  command.add_option("--show-warning", gui.show_warning,
                     "once the run has N warnings, show the Nth as W would (jump to it; in presentation, the caption)")
      ->check(CLI::PositiveNumber);
  command.add_flag("--audit-layout", gui.audit_layout,
                   "with --lesson NAME --recorded (or open on a lesson's trace): visit every step, with its question "
                   "open and answered, and list what is cut or overlapping (exit 1 if anything is); --report keeps the details");
  command.add_option("--report", gui.report_path,
                     "write a JSON report for tests: where the timeline drew its lanes, the lesson state, the keys handled (screenshot mode: once; otherwise every 100 ms)");
}

void add_gui_options(CLI::App& command, loopscope::viz::GuiOptions& gui) {
  CLI::Option* lesson = command.add_option(
      "--lesson", gui.lesson, "start this lesson (a built-in name or a .json file) instead of free play");
  command.add_flag("--recorded", gui.recorded,
                   "with --lesson: play the lesson over the recorded run it ships with, no live sockets "
                   "(the classroom fallback)")
      ->needs(lesson);
  command.add_option("--handler", gui.handler, "free play: the server's handler")->capture_default_str();
  command.add_option("--host", gui.host, "address the server binds (loopback unless you ask otherwise)")
      ->capture_default_str();
  command.add_option("--port", gui.port, "port the server listens on, or the next free one after it")
      ->capture_default_str();
  command.add_option("--server", gui.lesson_server,
                     "with --lesson: loopscope (the C++ server) or asyncio (the handlers' CPython asyncio twins, traced by the probe)")
      ->check(CLI::IsMember({"loopscope", "asyncio"}))->capture_default_str();
  command.add_option("--speed", gui.speed, "lesson schedule speed: 0.5 runs the steps at half speed")
      ->check(kAboveZero)->capture_default_str();
  add_window_options(command, gui);
  command.add_option("--trace", gui.trace_path,
                     "save the session's trace on exit (or right after the screenshot): .json = Chrome format");
}

// `loopscope asyncio [options] server.py [args...]`: everything after the program is its own.
void add_asyncio_command(CLI::App& app, loopscope::scenarios::AsyncioCommandOptions& options,
                         loopscope::viz::GuiOptions& gui, CLI::App*& command_out) {
  CLI::App* command = app.add_subcommand(
      "asyncio", "Trace your own asyncio server, unchanged: `loopscope asyncio server.py [args...]` opens the app on it; "
                 "with --trace FILE it runs headless, printing a summary each second");
  command->prefix_command();  // server.py and everything after it belong to the program
  command->add_option("--trace", options.trace_path,
                      "headless: record and save the trace here when it stops (.json = Chrome format)");
  command->add_option("--duration", options.duration_s, "headless: stop after this many seconds [default: until Ctrl-C]")
      ->check(kNotNegative);
  add_window_options(*command, gui);
  command_out = command;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Loopscope: see how an event loop serves many clients.\n"
               "`loopscope` opens the app; `loopscope serve --help` runs the server headless; "
               "`loopscope lesson --list` lists the lessons."};
  // No subcommand opens the app, as a learner expects from double-clicking it.
  app.require_subcommand(0, 1);
  loopscope::viz::GuiOptions gui;
  CLI::App* gui_command = app.add_subcommand("gui", "Open the app (the default): live timeline, lessons, panels");
  add_gui_options(*gui_command, gui);
  std::string open_path;
  CLI::App* open_command = app.add_subcommand("open", "Replay a saved trace in the app: play, slow motion, scrub, step");
  open_command->add_option("file", open_path, "a native trace (.trace) saved by the app, serve or lesson")
      ->required()->check(CLI::ExistingFile);
  add_gui_options(*open_command, gui);
  std::vector<std::string> compared_runs;
  CLI::App* compare_command =
      app.add_subcommand("compare", "Two recorded runs side by side on one time axis, replayed together");
  // No ExistingFile: a refused run gets exit 2 with the loader's own reason, as `export` does.
  compare_command->add_option("runs", compared_runs, "run A (drawn on top) and run B: native traces (.trace, .lstrace) or built-in lesson names")
      ->expected(2)->required();
  for (auto [flag, server] : {std::pair{"--a-server", &gui.compare_first_server}, std::pair{"--b-server", &gui.compare_second_server}}) {
    compare_command
        ->add_option(flag, *server,
                     std::string("a lesson named as run ") + (flag[2] == 'a' ? "A" : "B") +
                         ": its shipped recorded run (C++ server); asyncio: run it now against the handlers' CPython "
                         "asyncio twins; threads / pool: run it now against a thread per connection / a pool of threads "
                         "(a live run takes the lesson's length)")
        ->check(CLI::IsMember({"recorded", "asyncio", "threads", "pool"}))
        ->capture_default_str();
  }
  add_gui_options(*compare_command, gui);
  loopscope::scenarios::ServeOptions serve;
  add_serve_command(app, serve);
  loopscope::scenarios::LessonCommandOptions lesson;
  add_lesson_command(app, lesson);
  loopscope::scenarios::ExportOptions export_options;  // `export` is a keyword
  add_export_command(app, export_options);
  loopscope::scenarios::AsyncioCommandOptions asyncio_options;
  CLI::App* asyncio_command = nullptr;
  add_asyncio_command(app, asyncio_options, gui, asyncio_command);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& error) {
    return error.get_exit_code();  // serve, lesson and export finished: their own exit code
  } catch (const CLI::CallForHelp& error) {
    return app.exit(error);
  } catch (const CLI::CallForAllHelp& error) {
    return app.exit(error);
  } catch (const CLI::CallForVersion& error) {
    return app.exit(error);
  } catch (const CLI::ParseError& error) {
    // Invalid options exit 2 (as docs/serve.md says), with one line that names the option,
    // not CLI11's own codes (105, 109...).
    std::cerr << "loopscope: " << error.what() << " (see --help)\n";
    return 2;
  }
  if (asyncio_command->parsed()) {
    std::vector<std::string> program = asyncio_command->remaining();
    if (program.empty()) {
      std::cerr << "loopscope asyncio: name your server's file: loopscope asyncio server.py [args...] (see --help)\n";
      return 2;
    }
    // Everything from the file on is the program's, so an option of ours after it cannot be
    // told apart; one before it that CLI11 did not know lands here first.
    if (program.front().starts_with("-")) {
      std::cerr << "loopscope asyncio: unknown option " << program.front()
                << " (options go before your server's file; see --help)\n";
      return 2;
    }
    if (!std::filesystem::is_regular_file(program.front())) {
      std::cerr << "loopscope asyncio: no such file: " << program.front() << "\n";
      return 2;
    }
    asyncio_options.program = program.front();
    asyncio_options.program_args.assign(program.begin() + 1, program.end());
    if (!asyncio_options.trace_path.empty() || asyncio_options.duration_s > 0) {
      return loopscope::scenarios::run_asyncio_command(asyncio_options, std::cout, std::cerr);
    }
    gui.asyncio_program = asyncio_options.program;
    gui.asyncio_args = asyncio_options.program_args;
  }
  if (open_command->parsed()) gui.open_path = open_path;
  if (compare_command->parsed()) {
    gui.compare_first = compared_runs.at(0);
    gui.compare_second = compared_runs.at(1);
  }
  // serve, lesson and export end by throwing their exit code; gui, open, compare (or nothing) get here.
  return loopscope::viz::run_gui(gui, std::cerr);
}
