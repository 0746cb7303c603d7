// A saved trace is replayed in class, sometimes from a file that was copied, cut short or
// is not a trace at all. Round trips must be exact, and every kind of damage must give a
// specific TraceFormatError naming the file, never a crash or a huge allocation.

#include "core/trace/native_format.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "core/trace/hook.hpp"
#include "core/trace/recorder.hpp"

namespace loopscope::trace {
namespace {

namespace fs = std::filesystem;

// Byte offsets of the fixed header fields (see native_format.hpp).
constexpr std::size_t kVersionOffset = 8;
constexpr std::size_t kRecordSizeOffset = 12;
constexpr std::size_t kStartTimeOffset = 16;
constexpr std::size_t kFirstTableOffset = 24;

class ScratchDir {
 public:
  ScratchDir() {
    std::random_device entropy;
    path_ = fs::temp_directory_path() /
            ("loopscope-native-format-test-" + std::to_string(entropy()) + "-" + std::to_string(entropy()));
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TraceEvent make_event(std::uint64_t time_ns, EventKind kind, std::uint32_t subject, std::uint64_t value = 0,
                      std::uint8_t detail = 0, SiteId site = 0, std::uint16_t aux = 0, SourceId source = 0) {
  return TraceEvent{time_ns, value, subject, site, kind, detail, aux, source, 0};
}

// A log that exercises every table and odd string contents (NUL bytes, UTF-8, empty).
TraceLog sample_log() {
  TraceLog log;
  log.start_unix_ns = 1'700'000'000'123'456'789ull;
  log.sources = {{"loop", 0}, {"main", 17}, {std::string("odd\0name", 8), UINT64_MAX}};
  log.labels = {"", "echo", "lesson step: \"ünïcode\"\n"};
  log.sites = {{"/src/core/handlers/echo.cpp", "awaitable<void> echo(Stream&)", 12, 5},
               {"", "", 0, 0},
               {"/src/x.cpp", std::string(3000, 'f'), UINT32_MAX, 7}};
  log.events = {
      make_event(0, EventKind::ConnectionAccepted, 1, 0x7f000001, 0, 0, 54321),
      make_event(10, EventKind::TaskSpawned, 1, 0, 0, 0, 1),
      make_event(10, EventKind::TaskSuspended, 1, 0, detail_of(AwaitKind::Readline), 1),
      make_event(2000, EventKind::BufferLevel, 1, 65536, detail_of(BufferKind::Writer), 0, 0, 1),
      make_event(3000, EventKind::EventsDropped, 0, 17, 0, 0, 1, 1),
      make_event(UINT64_MAX, EventKind::Mark, 0, 2, 0, 3, 0, 2),
  };
  log.events[3].reserved = 0xBEEF;  // carried through untouched
  return log;
}

void expect_same_log(const TraceLog& actual, const TraceLog& expected) {
  EXPECT_EQ(actual.start_unix_ns, expected.start_unix_ns);
  ASSERT_EQ(actual.sources.size(), expected.sources.size());
  for (std::size_t index = 0; index < expected.sources.size(); ++index) {
    EXPECT_EQ(actual.sources[index].name, expected.sources[index].name) << "source " << index;
    EXPECT_EQ(actual.sources[index].dropped_events, expected.sources[index].dropped_events) << "source " << index;
  }
  EXPECT_EQ(actual.labels, expected.labels);
  ASSERT_EQ(actual.sites.size(), expected.sites.size());
  for (std::size_t index = 0; index < expected.sites.size(); ++index) {
    EXPECT_EQ(actual.sites[index].file, expected.sites[index].file) << "site " << index;
    EXPECT_EQ(actual.sites[index].function, expected.sites[index].function) << "site " << index;
    EXPECT_EQ(actual.sites[index].line, expected.sites[index].line) << "site " << index;
    EXPECT_EQ(actual.sites[index].column, expected.sites[index].column) << "site " << index;
  }
  ASSERT_EQ(actual.events.size(), expected.events.size());
  for (std::size_t index = 0; index < expected.events.size(); ++index) {
    const TraceEvent& a = actual.events[index];
    const TraceEvent& e = expected.events[index];
    EXPECT_EQ(a.time_ns, e.time_ns) << "event " << index;
    EXPECT_EQ(a.value, e.value) << "event " << index;
    EXPECT_EQ(a.subject_id, e.subject_id) << "event " << index;
    EXPECT_EQ(a.site_id, e.site_id) << "event " << index;
    EXPECT_EQ(a.kind, e.kind) << "event " << index;
    EXPECT_EQ(a.detail, e.detail) << "event " << index;
    EXPECT_EQ(a.aux, e.aux) << "event " << index;
    EXPECT_EQ(a.source_id, e.source_id) << "event " << index;
    EXPECT_EQ(a.reserved, e.reserved) << "event " << index;
  }
}

// An independent FNV-1a, so the tests do not just trust the code under test.
std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  for (const char byte : bytes) {
    hash = (hash ^ static_cast<unsigned char>(byte)) * 0x100000001b3ull;
  }
  return hash;
}

void put_u32(std::string& bytes, std::size_t offset, std::uint32_t value) {
  for (std::size_t index = 0; index < 4; ++index) bytes[offset + index] = static_cast<char>(value >> (8 * index));
}

void put_u64(std::string& bytes, std::size_t offset, std::uint64_t value) {
  for (std::size_t index = 0; index < 8; ++index) bytes[offset + index] = static_cast<char>(value >> (8 * index));
}

// After patching a field that the checksum covers, to reach the checks that come after it.
void reseal(std::string& bytes) {
  put_u64(bytes, bytes.size() - 8, fnv1a_64(std::string_view(bytes).substr(0, bytes.size() - 8)));
}

std::string error_of(std::string_view bytes, std::string_view origin = "damaged.lstrace") {
  try {
    decode_native_trace(bytes, origin);
  } catch (const TraceFormatError& error) {
    return error.what();
  }
  return "(no error)";
}

void write_bytes(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(NativeFormatTest, RoundTripThroughAFileKeepsEveryField) {
  ScratchDir dir;
  const TraceLog original = sample_log();
  const fs::path path = dir.path() / "sample.lstrace";
  save_native_trace(original, path);
  expect_same_log(load_native_trace(path), original);
}

TEST(NativeFormatTest, RoundTripOfARecordedTraceKeepsSitesLabelsAndSources) {
  Recorder recorder;
  TraceLog recorded;
  {
    auto attachment = recorder.attach_current_thread("loop");
    const std::uint16_t echo = recorder.intern_label("echo");
    record(EventKind::TaskSpawned, 1, 0, 0, {}, echo);
    record(EventKind::TaskSuspended, 1, 0, detail_of(AwaitKind::Readline), std::source_location::current());
    record(EventKind::TaskResumed, 1, 0, detail_of(AwaitKind::Readline), std::source_location::current());
    record(EventKind::TaskExited, 1, 0, detail_of(ExitReason::PeerEof));
  }
  recorder.drain_into(recorded);
  ASSERT_EQ(recorded.events.size(), 4u);
  expect_same_log(decode_native_trace(encode_native_trace(recorded), "memory"), recorded);
}

TEST(NativeFormatTest, EmptyTraceRoundTripsInsteadOfBeingMistakenForDamage) {
  const TraceLog empty;
  const std::string bytes = encode_native_trace(empty);
  EXPECT_EQ(bytes.size(), kFirstTableOffset + 4 + 4 + 4 + 8 + 8);
  expect_same_log(decode_native_trace(bytes, "empty"), empty);
}

TEST(NativeFormatTest, HeaderHasTheDocumentedLittleEndianLayout) {
  const std::string bytes = encode_native_trace(sample_log());
  EXPECT_EQ(bytes.substr(0, 8), std::string("LSTRACE\0", 8));
  EXPECT_EQ(static_cast<unsigned char>(bytes[kVersionOffset]), kTraceSchemaVersion);
  EXPECT_EQ(bytes[kVersionOffset + 3], 0);
  EXPECT_EQ(static_cast<unsigned char>(bytes[kRecordSizeOffset]), 32);
  EXPECT_EQ(static_cast<unsigned char>(bytes[kStartTimeOffset]), 1'700'000'000'123'456'789ull & 0xff);
  EXPECT_EQ(static_cast<unsigned char>(bytes[kFirstTableOffset]), 3) << "source count";
  // The last 8 bytes are the checksum of everything before them.
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  EXPECT_EQ(stored, fnv1a_64(std::string_view(bytes).substr(0, bytes.size() - 8)));
}

TEST(NativeFormatTest, TruncationAtEveryOffsetThrowsAFormatErrorNeverCrashes) {
  const std::string bytes = encode_native_trace(sample_log());
  for (std::size_t length = 0; length < bytes.size(); ++length) {
    const std::string message = error_of(std::string_view(bytes).substr(0, length), "cut.lstrace");
    EXPECT_NE(message, "(no error)") << "prefix of " << length << " bytes was accepted";
    EXPECT_NE(message.find("cut.lstrace"), std::string::npos) << message;
  }
}

TEST(NativeFormatTest, TruncationInsideATableSaysWhereAndWhat) {
  TraceLog log;
  log.sources = {{"a-long-source-name", 0}};  // 18 bytes
  const std::string bytes = encode_native_trace(log);
  // Cut inside the name: 24 header + 4 count + 4 length + 10 of its 18 bytes.
  const std::string message = error_of(std::string_view(bytes).substr(0, kFirstTableOffset + 4 + 4 + 10));
  EXPECT_NE(message.find("truncated at byte offset 42 while reading the name of source 0 "
                         "(18 bytes needed from offset 32)"),
            std::string::npos)
      << message;
}

TEST(NativeFormatTest, TruncatedEventsAreReportedAsACountTheFileCannotHold) {
  const std::string bytes = encode_native_trace(sample_log());
  const std::string message = error_of(std::string_view(bytes).substr(0, bytes.size() - 40));
  EXPECT_NE(message.find("event count 6 is larger than the file could hold"), std::string::npos) << message;
}

TEST(NativeFormatTest, TruncatedFileOnDiskNamesTheFile) {
  ScratchDir dir;
  const std::string bytes = encode_native_trace(sample_log());
  const fs::path path = dir.path() / "half.lstrace";
  write_bytes(path, std::string_view(bytes).substr(0, bytes.size() / 2));
  try {
    load_native_trace(path);
    FAIL() << "a truncated file loaded";
  } catch (const TraceFormatError& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
}

TEST(NativeFormatTest, FlippedByteIsACheckSumMismatchNotAQuietlyWrongTrace) {
  const std::string original = encode_native_trace(sample_log());
  // The start time, a dropped count, an event's value, and the checksum itself: all fields
  // where any bit pattern is structurally valid, so only the checksum can notice.
  for (const std::size_t offset : {kStartTimeOffset + 2, original.size() - 8 - 32 * 3, original.size() - 1}) {
    std::string damaged = original;
    damaged[offset] = static_cast<char>(damaged[offset] ^ 0x10);
    const std::string message = error_of(damaged);
    EXPECT_NE(message.find("checksum mismatch"), std::string::npos) << "offset " << offset << ": " << message;
    EXPECT_NE(message.find("damaged.lstrace"), std::string::npos) << message;
  }
}

TEST(NativeFormatTest, RandomDamageNeverCrashesOrEscapesAsAnotherException) {
  const std::string original = encode_native_trace(sample_log());
  std::mt19937 random(12345);
  std::uniform_int_distribution<std::size_t> offset_of(0, original.size() - 1);
  std::uniform_int_distribution<int> byte_of(0, 255);
  for (int trial = 0; trial < 2000; ++trial) {
    std::string damaged = original;
    for (int flips = 1 + trial % 4; flips > 0; --flips) {
      damaged[offset_of(random)] = static_cast<char>(byte_of(random));
    }
    if (trial % 2 == 0) reseal(damaged);  // get past the checksum to the content checks
    try {
      decode_native_trace(damaged, "fuzz");
    } catch (const TraceFormatError&) {
      // expected for most mutations; anything else (bad_alloc, length_error) fails the test
    }
  }
}

TEST(NativeFormatTest, ForeignFileIsNotALoopscopeTrace) {
  EXPECT_NE(error_of("{\"traceEvents\":[]}").find("not a Loopscope trace"), std::string::npos);
  EXPECT_NE(error_of("LSTRACF").find("not a Loopscope trace"), std::string::npos);
  // A prefix of the magic is a cut-short trace, not a foreign file.
  EXPECT_NE(error_of("LSTR").find("truncated"), std::string::npos);
  EXPECT_NE(error_of("").find("truncated"), std::string::npos);
}

TEST(NativeFormatTest, FutureVersionSaysWhichVersionThisBuildReads) {
  std::string bytes = encode_native_trace(sample_log());
  put_u32(bytes, kVersionOffset, kTraceSchemaVersion + 1);
  const std::string expected = "unsupported version " + std::to_string(kTraceSchemaVersion + 1) +
                               " (this build reads " + std::to_string(kTraceSchemaVersion) + ")";
  EXPECT_NE(error_of(bytes).find(expected), std::string::npos) << error_of(bytes);
}

TEST(NativeFormatTest, WrongRecordSizeIsRefusedBeforeAnyEventIsMisread) {
  std::string bytes = encode_native_trace(sample_log());
  put_u32(bytes, kRecordSizeOffset, 48);
  EXPECT_NE(error_of(bytes).find("wrong event record size: the file says 48 bytes"), std::string::npos)
      << error_of(bytes);
}

TEST(NativeFormatTest, HugeCountsAreRefusedWithoutReservingMemoryForThem) {
  TraceLog empty;
  std::string bytes = encode_native_trace(empty);
  put_u32(bytes, kFirstTableOffset, 0xFFFFFFFF);  // source count
  EXPECT_NE(error_of(bytes).find("source count 4294967295 is larger than the file could hold"), std::string::npos)
      << error_of(bytes);

  bytes = encode_native_trace(empty);
  put_u64(bytes, kFirstTableOffset + 12, 1ull << 60);  // event count
  EXPECT_NE(error_of(bytes).find("event count 1152921504606846976 is larger than the file could hold"),
            std::string::npos)
      << error_of(bytes);
}

TEST(NativeFormatTest, HugeStringLengthIsReportedAsTooLarge) {
  std::string bytes = encode_native_trace(sample_log());
  put_u32(bytes, kFirstTableOffset + 4, 0x7FFFFFFF);  // length of source 0's name
  EXPECT_NE(error_of(bytes).find("string length too large"), std::string::npos) << error_of(bytes);
}

TEST(NativeFormatTest, UnknownEventKindNamesTheEventAndTheKind) {
  TraceLog log = sample_log();
  log.events[2].kind = static_cast<EventKind>(99);
  EXPECT_NE(error_of(encode_native_trace(log)).find("event 2 has unknown kind 99"), std::string::npos);
  log.events[2].kind = EventKind::None;
  EXPECT_NE(error_of(encode_native_trace(log)).find("event 2 has unknown kind 0"), std::string::npos);
}

TEST(NativeFormatTest, SiteOutOfRangeIsRefusedSoReadersCanIndexWithoutChecks) {
  TraceLog log = sample_log();
  log.events[1].site_id = 4;  // the log has 3 sites
  EXPECT_NE(error_of(encode_native_trace(log)).find("event 1 refers to site 4 but the trace has only 3 sites"),
            std::string::npos)
      << error_of(encode_native_trace(log));
}

TEST(NativeFormatTest, SourceIdOutOfRangeIsRefused) {
  TraceLog log = sample_log();
  log.events[0].source_id = 3;  // the log has 3 sources
  EXPECT_NE(error_of(encode_native_trace(log)).find("event 0 has source id 3, out of range"), std::string::npos)
      << error_of(encode_native_trace(log));
}

TEST(NativeFormatTest, EventsOutOfTimeOrderAreRefused) {
  TraceLog log = sample_log();
  log.events[3].time_ns = 5;  // event 2 is at 10 ns
  EXPECT_NE(error_of(encode_native_trace(log)).find("events not ordered by time at index 3"), std::string::npos)
      << error_of(encode_native_trace(log));
}

TEST(NativeFormatTest, TrailingBytesAfterTheChecksumAreRefused) {
  const std::string bytes = encode_native_trace(sample_log()) + "xyz";
  EXPECT_NE(error_of(bytes).find("3 unexpected bytes after the checksum"), std::string::npos) << error_of(bytes);
}

TEST(NativeFormatTest, MissingFileIsAnIoErrorNamingThePath) {
  ScratchDir dir;
  const fs::path path = dir.path() / "does-not-exist.lstrace";
  try {
    load_native_trace(path);
    FAIL() << "loading a missing file succeeded";
  } catch (const TraceFormatError& error) {
    FAIL() << "a missing file is not a damaged trace: " << error.what();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
}

TEST(NativeFormatTest, SavingIntoAMissingDirectoryThrowsNamingThePath) {
  ScratchDir dir;
  const fs::path path = dir.path() / "no" / "such" / "dir" / "trace.lstrace";
  try {
    save_native_trace(sample_log(), path);
    FAIL() << "saving into a missing directory succeeded";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(path.string()), std::string::npos) << error.what();
  }
}

TEST(NativeFormatTest, SavingReplacesAnOldFileAndLeavesNoTemporaryFilesBehind) {
  ScratchDir dir;
  const fs::path path = dir.path() / "trace.lstrace";
  write_bytes(path, "an older, longer file that must be replaced completely ...............");
  TraceLog log = sample_log();
  save_native_trace(log, path);
  log.start_unix_ns = 42;
  save_native_trace(log, path);
  EXPECT_EQ(load_native_trace(path).start_unix_ns, 42u);
  std::size_t files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1u);
}

}  // namespace
}  // namespace loopscope::trace
