#pragma once
// What `loopscope gui` (and `loopscope` with no arguments) is asked to do.

#include <cstdint>
#include <string>
#include <vector>

namespace loopscope::viz {

struct GuiOptions {
  std::string lesson;              // start this built-in lesson (or lesson file) at once
  bool recorded = false;           // play the lesson over its shipped recorded run, not live
  std::string open_path;           // or replay this saved native trace (`loopscope open FILE`)
  std::string compare_first, compare_second;  // or these two runs side by side (`loopscope compare A B`)
  // A lesson named as A or B: its shipped recorded run ("recorded") or a live run against
  // CPython asyncio ("asyncio"), `--a-server` / `--b-server`.
  std::string compare_first_server = "recorded", compare_second_server = "recorded";
  std::string lesson_server = "loopscope";  // the lesson's server: loopscope, or asyncio (the twins)
  std::string asyncio_program;     // or trace this asyncio program (`loopscope asyncio server.py args...`)
  std::vector<std::string> asyncio_args;
  std::string handler = "echo";    // free play's handler when no lesson is given
  std::string host = "127.0.0.1";
  std::uint16_t port = 8888;       // or the next free one
  double speed = 1.0;
  int width_px = 1600;
  int height_px = 900;
  float font_size_px = 16;
  bool present = false;            // start in presentation (classroom) mode
  // Screenshot mode: play until the lesson clock reaches `at_s` (or the lesson ends), draw,
  // save the window as PNG and exit. No prediction holds the lesson in this mode.
  std::string screenshot_path;
  double at_s = 5;
  std::string tab = "connections";  // bottom panel shown: connections, loop, code, events, warnings, durations
  std::string left_tab = "server";  // left panel under the lesson: server, clients
  std::uint32_t select_task = 0;    // select this task at the start (0: none), e.g. for the code panel
  std::size_t show_warning = 0;     // show warning N (1-based) once it exists, as W would (0: none)
  // Layout audit: step through the lesson's recorded run, report what is cut or overlapping, exit.
  bool audit_layout = false;
  std::string report_path;          // screenshot mode: where things were drawn (JSON), for tests
  std::string trace_path;           // on exit: save the session's trace (.json = Chrome)
};

// Runs the app until the window closes (or the screenshot is taken). Returns the exit code;
// errors (no display, no OpenGL, a bad lesson) are explained on `err`.
int run_gui(const GuiOptions& options, std::ostream& err);

}  // namespace loopscope::viz
