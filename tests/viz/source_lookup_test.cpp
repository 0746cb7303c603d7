// The code panel and the timeline's suspension labels read handler sources compiled into the
// binary; these tests guard the lookups from a handler name or a recorded call site to them.
#include "viz/code/source_lookup.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <string>
#include <thread>

#include "core/handlers/handler_catalog.hpp"
#include "scenarios/session/live_session.hpp"
#include "tests/support/loopback_client.hpp"
#include "viz/code/embedded_sources.hpp"

namespace loopscope::viz {
namespace {

// The first line of an embedded file that contains `needle` (1-based), 0 if none does.
std::uint32_t first_line_containing(const EmbeddedFile& file, std::string_view needle) {
  const auto lines = split_lines(file.text);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    if (lines[index].find(needle) != std::string_view::npos) return static_cast<std::uint32_t>(index + 1);
  }
  return 0;
}

// Guards: a handler added to the catalog without its asyncio twin, or a source file missing
// from the embed list, would leave the code panel blank for that handler.
TEST(SourceLookup, EveryHandlerHasEmbeddedCppAndAsyncioSources) {
  ASSERT_FALSE(handlers::handler_descriptions().empty());
  for (const auto& description : handlers::handler_descriptions()) {
    SCOPED_TRACE(description.name);
    const HandlerSources sources = handler_sources(description.name);
    ASSERT_NE(sources.cpp, nullptr) << description.source_file << " is not embedded";
    EXPECT_EQ(sources.cpp->path, description.source_file);
    EXPECT_FALSE(sources.cpp->text.empty());
    ASSERT_NE(sources.asyncio, nullptr) << asyncio_path_for(description.name) << " is not embedded";
    EXPECT_NE(sources.asyncio->text.find("async def"), std::string_view::npos);
  }
}

// Guards: a file holding two handlers (cpu_parse.cpp, write_without_drain.cpp) opening at the
// first one when the second is selected.
TEST(SourceLookup, EveryHandlerHasADefinitionLine) {
  for (const auto& description : handlers::handler_descriptions()) {
    SCOPED_TRACE(description.name);
    const HandlerSources sources = handler_sources(description.name);
    ASSERT_NE(sources.cpp, nullptr);
    const auto line = handler_definition_line(sources.cpp->text, description.name);
    ASSERT_TRUE(line.has_value());
    EXPECT_NE(line_of(sources.cpp->text, *line).find(description.name + "("), std::string_view::npos);
  }
  const HandlerSources offload = handler_sources("offload_parse");
  ASSERT_NE(offload.cpp, nullptr);
  EXPECT_GT(handler_definition_line(offload.cpp->text, "offload_parse").value_or(0),
            handler_definition_line(offload.cpp->text, "cpu_parse").value_or(0));
  EXPECT_FALSE(handler_definition_line(offload.cpp->text, "echo").has_value());
}

// Guards: the embedded text drifting from the file on disk's shape (truncated at a delimiter,
// lines joined), which would put the highlight on the wrong line.
TEST(SourceLookup, EmbeddedTextKeepsLines) {
  const EmbeddedFile* echo = find_embedded_source("core/handlers/echo.cpp");
  ASSERT_NE(echo, nullptr);
  EXPECT_NE(echo->text.find("namespace loopscope::handlers"), std::string_view::npos);
  EXPECT_GT(split_lines(echo->text).size(), 10u);
  EXPECT_EQ(find_embedded_source_by_basename("echo.cpp"), echo);
  EXPECT_EQ(find_embedded_source_by_basename("no_such_file.cpp"), nullptr);
}

// Guards: an absolute path from std::source_location (the build machine's) not matching the
// project-relative embedded path, and a partial file name being taken for another file.
TEST(SourceLookup, SiteFilesMatchByWholePathSuffix) {
  EXPECT_NE(embedded_file_for("/home/someone/loopscope/core/handlers/echo.cpp"), nullptr);
  EXPECT_NE(embedded_file_for("core/handlers/echo.cpp"), nullptr);
  EXPECT_EQ(embedded_file_for("/src/core/handlers/my_echo.cpp"), nullptr);
  EXPECT_EQ(embedded_file_for("/src/core/loop/stream_reader.cpp"), nullptr);
}

// Guards: the timeline's suspension marker saying something other than the call the learner
// reads in the code panel.
TEST(SourceLookup, SiteCallLabelNamesTheAwaitedCall) {
  const EmbeddedFile* echo = find_embedded_source("core/handlers/echo.cpp");
  ASSERT_NE(echo, nullptr);
  const std::uint32_t readline_line = first_line_containing(*echo, "co_await reader.readline()");
  ASSERT_NE(readline_line, 0u);

  trace::SiteInfo site;
  site.file = "/build/machine/checkout/core/handlers/echo.cpp";
  site.function = "asio::awaitable<void> loopscope::handlers::echo(StreamReader&, StreamWriter&)";
  site.line = readline_line;
  EXPECT_EQ(site_call_label(site), "reader.readline() at echo.cpp:" + std::to_string(readline_line));

  trace::TraceLog log;
  log.sites.push_back(site);
  EXPECT_EQ(site_call_label(log, 1), "reader.readline() at echo.cpp:" + std::to_string(readline_line));
  EXPECT_EQ(site_call_label(log, 0), "");
  EXPECT_EQ(site_call_label(log, 2), "");
}

// Guards: a site outside the embedded files (the loop's own code, a lesson's injected block)
// leaving its marker unlabelled.
TEST(SourceLookup, UnknownFileFallsBackToFunctionAndLine) {
  trace::SiteInfo site;
  site.file = "/work/scenarios/session/live_session.cpp";
  site.function = "loopscope::scenarios::LiveSession::inject_blocking(std::chrono::milliseconds)::<lambda()>";
  site.line = 159;
  EXPECT_EQ(site_call_label(site), "inject_blocking at live_session.cpp:159");

  site.function.clear();
  EXPECT_EQ(site_call_label(site), "live_session.cpp:159");

  // An embedded file but a line past its end (a trace recorded from other sources).
  site.file = "/x/core/handlers/echo.cpp";
  site.function = "asio::awaitable<void> loopscope::handlers::echo(StreamReader&, StreamWriter&)";
  site.line = 100000;
  EXPECT_EQ(site_call_label(site), "echo at echo.cpp:100000");
}

// Guards: labels that keep the declaration, the comment or the `co_await` the learner does not
// need to read on a small marker.
TEST(SourceLookup, CallTextStripsDeclarationsAwaitAndComments) {
  EXPECT_EQ(call_text_of("    const std::string line = co_await reader.readline();"), "reader.readline()");
  EXPECT_EQ(call_text_of("    std::string line = co_await reader.readline();  // waits // here"), "reader.readline()");
  EXPECT_EQ(call_text_of("  auto x = co_await writer.drain();"), "writer.drain()");
  EXPECT_EQ(call_text_of("      line = co_await loop::wait_for(reader.readline(), timeout);"),
            "loop::wait_for(reader.readline(), timeout)");
  EXPECT_EQ(call_text_of("    loop::block_loop_for(delay);  // like time.sleep()"), "loop::block_loop_for(delay)");
  EXPECT_EQ(call_text_of("  co_return co_await worker.run();"), "worker.run()");
  EXPECT_EQ(call_text_of("  const auto digest = parse(line, \"a = b // c\");"), "parse(line, \"a = b // c\")");
  EXPECT_EQ(call_text_of("  if (a == b) co_await writer.drain();"), "writer.drain()");
  EXPECT_EQ(call_text_of("  co_await writer.write_all(first,", {"                          second);"}),
            "writer.write_all(first, second)");
}

// The asyncio probe's sites are Python lines (the twins', the learner's own): the same labels.
TEST(SourceLookup, CallTextOfAPythonLineDropsAwaitAssignmentAndComment) {
  EXPECT_EQ(call_text_of("        await writer.drain()  # above high-water: wait here"), "writer.drain()");
  EXPECT_EQ(call_text_of("        line = await reader.readline()"), "reader.readline()");
  EXPECT_EQ(call_text_of("            line = await asyncio.wait_for(reader.readline(), READ_TIMEOUT_S)"),
            "asyncio.wait_for(reader.readline(), READ_TIMEOUT_S)");
  EXPECT_EQ(call_text_of("    writer.write(b\"#not a comment\")"), "writer.write(b\"#not a comment\")");
  EXPECT_EQ(call_text_of("        time.sleep(BLOCKING_DELAY_S)  # no await, so no other task can run"),
            "time.sleep(BLOCKING_DELAY_S)");
  EXPECT_EQ(call_text_of("    awaited = something()"), "something()") << "await only as a whole word";
}

TEST(SourceLookup, ShortFunctionNames) {
  EXPECT_EQ(short_function_name("asio::awaitable<void> loopscope::handlers::echo(StreamReader&, StreamWriter&)"), "echo");
  EXPECT_EQ(short_function_name("asio::awaitable<std::invoke_result_t<Fn> > loopscope::loop::to_thread(WorkerPool&, Fn, "
                                "std::source_location) [with Fn = X]"),
            "to_thread");
  EXPECT_EQ(short_function_name("main"), "main");
  EXPECT_EQ(short_function_name(""), "");
}

// Guards: the asyncio side highlighting a line on a guess. Only a unique identical await counts.
TEST(SourceLookup, AsyncioLineOnlyForAUniqueIdenticalAwait) {
  const HandlerSources echo = handler_sources("echo");
  ASSERT_NE(echo.asyncio, nullptr);
  const auto readline = asyncio_line_for_call(echo.asyncio->text, "reader.readline()");
  ASSERT_TRUE(readline.has_value());
  EXPECT_NE(line_of(echo.asyncio->text, *readline).find("await reader.readline()"), std::string_view::npos);

  EXPECT_FALSE(asyncio_line_for_call("x = await a()\ny = await a()\n", "a()").has_value());
  EXPECT_FALSE(asyncio_line_for_call(echo.asyncio->text, "loop::wait_for(reader.readline(), timeout)").has_value());
  EXPECT_FALSE(asyncio_line_for_call(echo.asyncio->text, "").has_value());
}

// Guards the whole chain on a real run: the path std::source_location records in this build,
// interned by the recorder, must still find the embedded file and the awaited call.
TEST(SourceLookup, LiveReadlineSuspensionIsLabelledWithItsCall) {
  const EmbeddedFile* echo = find_embedded_source("core/handlers/echo.cpp");
  ASSERT_NE(echo, nullptr);
  const std::string expected =
      "reader.readline() at echo.cpp:" + std::to_string(first_line_containing(*echo, "co_await reader.readline()"));

  scenarios::LiveSessionOptions options;
  options.server.handler = "echo";
  scenarios::LiveSession session(options);
  testing::LoopbackClient client(session.port());  // connects and sends nothing: readline waits

  trace::SiteId site = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (site == 0 && std::chrono::steady_clock::now() < deadline) {
    session.poll();
    for (const auto& [id, task] : session.model().tasks()) {
      if (!task.spans.empty() && task.spans.back().state == model::TaskState::AwaitingRead) site = task.spans.back().site;
    }
    if (site == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_NE(site, 0u) << "no task reached readline()";
  EXPECT_EQ(site_call_label(session.log(), site), expected);
}

// A site in the learner's own Python file (absolute, not embedded): the label names their call.
TEST(SourceLookup, ALearnersPythonSiteIsLabelledWithItsCallReadFromTheFile) {
  const auto path = std::filesystem::temp_directory_path() / ("loopscope-label-" + std::to_string(::getpid()) + ".py");
  {
    std::ofstream file(path);
    file << "async def handle(reader, writer):\n"
            "    line = await reader.readline()  # wait for a line\n";
  }
  const trace::SiteInfo site{path.string(), "handle", 2, 0};
  EXPECT_EQ(site_call_label(site), "reader.readline() at " + path.filename().string() + ":2");
  const trace::SiteInfo past_the_end{path.string(), "handle", 40, 0};
  EXPECT_EQ(site_call_label(past_the_end), "handle at " + path.filename().string() + ":40");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace loopscope::viz
