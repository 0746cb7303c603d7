#pragma once
// From what the trace knows (a handler's name, a call site captured by std::source_location) to
// the embedded source text the code panel shows and the timeline labels its markers with.
// ImGui-free, so it is tested headless.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/trace_log.hpp"
#include "viz/code/embedded_sources.hpp"

namespace loopscope::viz {

// "assets/asyncio/echo.py" for "echo": every handler has its asyncio twin under that name.
std::string asyncio_path_for(std::string_view handler_name);

struct HandlerSources {
  const EmbeddedFile* cpp = nullptr;      // handler_descriptions()' source_file; null if unknown
  const EmbeddedFile* asyncio = nullptr;  // assets/asyncio/<name>.py; null if not embedded
};
HandlerSources handler_sources(std::string_view handler_name);
// The threaded servers' handlers, one file for all of them (core/threads).
inline constexpr const char* kThreadHandlersSource = "core/threads/thread_handlers.cpp";
// "void echo(BlockingStream& stream) {": where a threaded handler begins.
std::optional<std::uint32_t> thread_handler_definition_line(std::string_view cpp_text, std::string_view handler_name);

// A line of an embedded file, 1-based like the compiler's.
struct EmbeddedLine {
  const EmbeddedFile* file = nullptr;
  std::uint32_t line = 0;
};

// The embedded file a source_location's file name refers to. The compiler records whatever path
// it was given (absolute in a CMake build, and the build machine's for a loaded trace), so the
// match is on a whole-component suffix: ".../core/handlers/echo.cpp" is "core/handlers/echo.cpp".
const EmbeddedFile* embedded_file_for(std::string_view site_file);
// The line where a handler's coroutine is defined in its C++ file ("asio::awaitable<void>
// echo("), so a file holding two handlers (cpu_parse.cpp) opens at the right one.
std::optional<std::uint32_t> handler_definition_line(std::string_view cpp_text, std::string_view handler_name);

// A Python file of the learner's own (an asyncio program's sites carry absolute paths), read
// from disk once and kept for the life of the process, as the embedded files are; nullptr
// when it cannot be read or is empty. The code panel shows it and the labels quote it.
const EmbeddedFile* learner_python_file(const std::string& path);

// The file and line of a site; nullopt when its file was not embedded or the line is past its end.
std::optional<EmbeddedLine> embedded_line_for(const trace::SiteInfo& site);

// The file's lines without their line endings (a final newline does not add an empty line).
std::vector<std::string_view> split_lines(std::string_view text);
// Line `line` (1-based) of the text; empty when there is no such line.
std::string_view line_of(std::string_view text, std::uint32_t line);

// The call a source line makes, as a learner would name it: comment, `co_await`, the variable
// being assigned and the final `;` removed, so "const std::string line = co_await
// reader.readline();  // waits" reads "reader.readline()". A call whose parentheses stay open
// at the end of the line is continued from `following_lines`.
std::string call_text_of(std::string_view source_line, const std::vector<std::string_view>& following_lines = {});

// "echo" for "asio::awaitable<void> loopscope::handlers::echo(StreamReader&, StreamWriter&)".
std::string short_function_name(std::string_view function);

// What the timeline writes on a suspension marker: "reader.readline() at echo.cpp:8" when the
// site's file is embedded (or is the learner's own Python file, read from its absolute path),
// else "echo at stream_reader.cpp:40" (or "file:line" when the function is unknown). Empty for
// no site.
std::string site_call_label(const trace::SiteInfo& site);
std::string site_call_label(const trace::TraceLog& log, trace::SiteId site);

// The line of an asyncio twin that awaits the same call, when that is unambiguous: exactly one
// line contains "await <call_text>". The twins are written to mirror the C++ await for await
// (assets/asyncio/README.md), so an identical, unique call names the same suspension point; any
// doubt gives nullopt rather than a guess.
std::optional<std::uint32_t> asyncio_line_for_call(std::string_view python_text, std::string_view call_text);

}  // namespace loopscope::viz
