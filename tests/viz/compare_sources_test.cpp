// What `loopscope compare A B` accepts for A and B: a native trace file, named in the half's
// header by its file name; anything refused is named in the error with the reason.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>

#include "core/model/trace_model.hpp"
#include "core/trace/native_format.hpp"
#include "tests/support/trace_log_builder.hpp"
#include "viz/compare/compare_sources.hpp"

namespace trace = loopscope::trace;
namespace viz = loopscope::viz;
using loopscope::testing::TraceLogBuilder;

namespace {

struct TempDirectory {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("loopscope_compare_sources_" + std::to_string(::getpid()));
  TempDirectory() { std::filesystem::create_directories(path); }
  ~TempDirectory() { std::filesystem::remove_all(path); }
};

std::string refusal_of(const std::string& source) {
  try {
    viz::load_compared_trace(source);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "";
}

}  // namespace

TEST(CompareSources, ATraceFileIsLoadedAndNamedByItsFileName) {
  TempDirectory directory;
  TraceLogBuilder builder({"echo"});
  builder.log().sources = {{"loop", 0}};
  builder.add(0, trace::EventKind::TaskSpawned, 1).add(5'000'000, trace::EventKind::TaskExited, 1);
  const auto path = directory.path / "with-drain.trace";
  trace::save_native_trace(builder.log(), path);
  const viz::ComparedTrace loaded = viz::load_compared_trace(path.string());
  EXPECT_EQ(loaded.log.events.size(), 2u);
  EXPECT_EQ(loaded.log.end_ns(), 5'000'000u);
  EXPECT_EQ(loaded.name, "with-drain.trace");
  EXPECT_EQ(loaded.origin, path.string());
}

TEST(CompareSources, AMissingFileIsRefusedByName) {
  const std::string refusal = refusal_of("/nonexistent/loopscope/run-b.trace");
  EXPECT_NE(refusal.find("/nonexistent/loopscope/run-b.trace"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("no such trace file"), std::string::npos) << refusal;
  EXPECT_NE(refusal.find("drain-backpressure"), std::string::npos) << "the lesson names it could have been: " << refusal;
}

TEST(CompareSources, ABuiltInLessonsNameIsItsShippedRecording) {
  const viz::ComparedTrace drain = viz::load_compared_trace("drain-backpressure");
  EXPECT_EQ(drain.name, "drain-backpressure");
  EXPECT_EQ(drain.origin, "built-in lesson drain-backpressure");
  EXPECT_GT(drain.log.events.size(), 100u);
  const viz::ComparedTrace no_drain = viz::load_compared_trace("write-without-drain");
  EXPECT_NE(no_drain.log.events.size(), drain.log.events.size()) << "each name is its own lesson's run";
}

// A file wins over a lesson of the same name: what the user has on disk is what they mean.
TEST(CompareSources, AFileNamedLikeALessonIsTheFile) {
  TempDirectory directory;
  TraceLogBuilder builder({"echo"});
  builder.log().sources = {{"loop", 0}};
  builder.add(0, trace::EventKind::TaskSpawned, 1);
  const auto previous = std::filesystem::current_path();
  std::filesystem::current_path(directory.path);
  trace::save_native_trace(builder.log(), "drain-backpressure");
  const viz::ComparedTrace loaded = viz::load_compared_trace("drain-backpressure");
  std::filesystem::current_path(previous);
  EXPECT_EQ(loaded.log.events.size(), 1u);
  EXPECT_EQ(loaded.origin, "drain-backpressure");
}

TEST(CompareSources, AFileThatIsNotATraceIsRefusedWithTheLoadersReason) {
  TempDirectory directory;
  const auto path = directory.path / "notes.trace";
  std::ofstream(path) << "these are notes, not a trace\n";
  const std::string refusal = refusal_of(path.string());
  EXPECT_NE(refusal.find(path.string()), std::string::npos) << refusal;
  // The loader says what is wrong (its wording is its own; here it must at least say more
  // than the path).
  EXPECT_GT(refusal.size(), path.string().size() + 5) << refusal;
}

// "compare can show the loop and the thread run side by side": a lesson's name with a threaded
// server is a live run of that lesson's clients against threads, whose lanes are threads.
TEST(CompareSources, ALessonAgainstThreadsIsRunLiveWithThreadLanes) {
  const auto server = loopscope::scenarios::lesson_server_from_name("threads");
  ASSERT_TRUE(server.has_value());
  const viz::ComparedTrace threaded = viz::load_compared_trace("blocking-freezes-everyone", *server);
  EXPECT_EQ(threaded.name, "blocking-freezes-everyone (threads)");
  EXPECT_NE(threaded.origin.find("run live against a thread per connection"), std::string::npos) << threaded.origin;
  const auto model = loopscope::model::TraceModel::from_log(threaded.log);
  ASSERT_FALSE(model.tasks().empty());
  for (const auto& [id, task] : model.tasks()) EXPECT_EQ(task.runner, trace::TaskRunner::OwnThread) << "task " << id;
  EXPECT_TRUE(model.loop().freezes.empty()) << "no loop, no freeze";
  // One the threads cannot serve is refused with the lesson's reason.
  try {
    viz::load_compared_trace("chat-slow-member", *server);
    FAIL() << "chat-slow-member has no threaded handler";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("chat_naive"), std::string::npos) << error.what();
  }
}
