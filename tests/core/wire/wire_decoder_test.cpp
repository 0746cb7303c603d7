// The wire stream comes from another process: a probe we did not write, a program that crashed
// mid-write, or bytes that are not a wire stream at all. Round trips must be exact however the
// pipe splits the bytes, and every broken rule of docs/wire-format.md must be refused with a
// message that names the rule and the byte offset, never a crash or a huge allocation.

#include "core/wire/wire_decoder.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/wire/wire_encoder.hpp"

namespace loopscope::wire {
namespace {

using trace::EventKind;

constexpr std::size_t kRecordKindOffset = 24;
constexpr std::size_t kRecordDetailOffset = 25;
constexpr std::size_t kRecordAuxOffset = 26;
constexpr std::size_t kRecordSiteOffset = 20;
constexpr std::size_t kRecordReservedOffset = 28;
// An events frame's first record starts after the frame header and the u32 count.
constexpr std::size_t kFirstRecordOffset = kWireFrameHeaderBytes + 4;

WireEventRecord record(EventKind kind, std::uint32_t subject = 1, std::uint64_t value = 0, std::uint8_t detail = 0,
                       std::uint32_t site = 0, std::uint16_t aux = 0) {
  return WireEventRecord{1'000'000, value, subject, site, kind, detail, aux, 0};
}

std::string one_event(const WireEventRecord& event) { return WireEncoder::events({&event, 1}); }

std::string u32_bytes(std::uint32_t value) {
  std::string out;
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((value >> shift) & 0xff);
  return out;
}

// The header and a hello: where every test of a later frame starts.
std::string started_stream() { return WireEncoder::header() + WireEncoder().hello(4242, "CPython 3.11.7", "echo.py"); }

WireUpdate decode_whole(std::string_view bytes) {
  WireDecoder decoder;
  WireUpdate update = decoder.feed(bytes);
  decoder.finish_input();
  return update;
}

// Feeds the stream in pieces of `piece_bytes`, joining the updates as the app would.
WireUpdate decode_in_pieces(std::string_view bytes, std::size_t piece_bytes) {
  WireDecoder decoder;
  WireUpdate joined;
  for (std::size_t at = 0; at < bytes.size(); at += piece_bytes) joined.append(decoder.feed(bytes.substr(at, piece_bytes)));
  decoder.finish_input();
  return joined;
}

std::string refusal_of(std::string_view bytes, std::size_t piece_bytes) {
  WireDecoder decoder;
  try {
    for (std::size_t at = 0; at < bytes.size(); at += piece_bytes) decoder.feed(bytes.substr(at, piece_bytes));
    decoder.finish_input();
  } catch (const WireFormatError& error) {
    return error.what();
  }
  return "";
}

// Fed whole and in small pieces, the stream must be refused the same way, at `offset`, with
// `rule` in the message.
void expect_refused(std::string_view bytes, std::uint64_t offset, std::string_view rule) {
  const std::string whole = refusal_of(bytes, bytes.size() + 1);
  ASSERT_FALSE(whole.empty()) << "accepted a stream that breaks: " << rule;
  EXPECT_EQ(whole.rfind("wire stream, byte " + std::to_string(offset) + ": ", 0), 0u) << whole;
  EXPECT_NE(whole.find(rule), std::string::npos) << whole;
  // Byte by byte for small streams; the long ones (the label limit) in 7-byte pieces.
  const std::size_t piece_bytes = bytes.size() < 65536 ? 1 : 7;
  EXPECT_EQ(refusal_of(bytes, piece_bytes), whole);
}

void expect_accepted(std::string_view bytes) {
  const std::string refusal = refusal_of(bytes, bytes.size() + 1);
  EXPECT_TRUE(refusal.empty()) << refusal;
}

// A stream with one of each frame and the edges of each field.
struct SampleStream {
  std::string bytes;
  std::vector<WireEventRecord> events;
};

SampleStream sample_stream() {
  SampleStream sample;
  WireEncoder encoder;
  sample.bytes = WireEncoder::header() + encoder.hello(UINT32_MAX, "CPython 3.11.7", "/home/learner/echo server.py");
  const WireDefinition handler_site = encoder.site("echo.py", "handle", 12);
  const WireDefinition odd_site = encoder.site("", std::string("with\0nul", 8), UINT32_MAX);
  const WireDefinition name = encoder.label("handle");
  const WireDefinition failure = encoder.label("ConnectionResetError: [Errno 104] \xc3\xbc");
  sample.bytes += handler_site.bytes + odd_site.bytes + name.bytes + failure.bytes;
  sample.events = {
      record(EventKind::TaskSpawned, 1, 0, 0, 0, static_cast<std::uint16_t>(name.id)),
      record(EventKind::TaskSuspended, 1, 0, static_cast<std::uint8_t>(trace::AwaitKind::Other), handler_site.id),
      record(EventKind::TaskFailed, 1, 1, 0, odd_site.id, static_cast<std::uint16_t>(failure.id)),
      record(EventKind::BufferLimit, 1, 65536, static_cast<std::uint8_t>(trace::BufferKind::Writer), 0,
             static_cast<std::uint16_t>(trace::LimitKind::SocketBuffer)),
      record(EventKind::ConnectionClosed, UINT32_MAX, UINT64_MAX, static_cast<std::uint8_t>(trace::CloseReason::Leaked)),
      record(EventKind::BytesSent, 2, 5, 255),  // detail is free where it is not an enum
      WireEventRecord{UINT64_MAX, 7, 3, handler_site.id, EventKind::BlockingCall, 0, UINT16_MAX, 0},
  };
  sample.bytes += WireEncoder::events(sample.events);
  sample.bytes += WireEncoder::dropped(0) + WireEncoder::listening(0x7f000001, 8888) + WireEncoder::dropped(17);
  sample.bytes += WireEncoder::listening(0, 0) + WireEncoder::end(-3);
  return sample;
}

TEST(WireDecoder, EveryFrameTypeRoundTrips) {
  const SampleStream sample = sample_stream();
  WireDecoder decoder;
  const WireUpdate update = decoder.feed(sample.bytes);
  decoder.finish_input();

  ASSERT_TRUE(update.hello.has_value());
  EXPECT_EQ(update.hello->pid, UINT32_MAX);
  EXPECT_EQ(update.hello->runtime, "CPython 3.11.7");
  EXPECT_EQ(update.hello->program, "/home/learner/echo server.py");
  ASSERT_EQ(update.new_sites.size(), 2u);
  EXPECT_EQ(update.new_sites[0].file, "echo.py");
  EXPECT_EQ(update.new_sites[0].function, "handle");
  EXPECT_EQ(update.new_sites[0].line, 12u);
  EXPECT_EQ(update.new_sites[1].file, "");
  EXPECT_EQ(update.new_sites[1].function, std::string("with\0nul", 8));
  EXPECT_EQ(update.new_sites[1].line, UINT32_MAX);
  EXPECT_EQ(update.new_labels, (std::vector<std::string>{"handle", "ConnectionResetError: [Errno 104] \xc3\xbc"}));
  EXPECT_EQ(update.events, sample.events);
  EXPECT_EQ(update.dropped_total, 17u);  // the latest of the two
  EXPECT_EQ(update.listening, (std::vector<WireListening>{{0x7f000001, 8888}, {0, 0}}));
  EXPECT_EQ(update.end_status, -3);

  EXPECT_TRUE(decoder.ended());
  EXPECT_TRUE(decoder.hello_seen());
  EXPECT_EQ(decoder.site_count(), 2u);
  EXPECT_EQ(decoder.label_count(), 2u);
  EXPECT_EQ(decoder.bytes_consumed(), sample.bytes.size());
  EXPECT_EQ(decoder.buffered_bytes(), 0u);
}

TEST(WireDecoder, ByteByByteFeedGivesWhatOneFeedGives) {
  const std::string bytes = sample_stream().bytes;
  const WireUpdate whole = decode_whole(bytes);
  EXPECT_FALSE(whole.empty());
  EXPECT_EQ(decode_in_pieces(bytes, 1), whole);
}

TEST(WireDecoder, SplitsAnywhereGiveWhatOneFeedGives) {
  const std::string bytes = sample_stream().bytes;
  const WireUpdate whole = decode_whole(bytes);
  std::mt19937 random(20240611);
  for (int trial = 0; trial < 200; ++trial) {
    WireDecoder decoder;
    WireUpdate joined;
    std::size_t at = 0;
    while (at < bytes.size()) {
      const std::size_t piece = std::uniform_int_distribution<std::size_t>(0, 40)(random);
      joined.append(decoder.feed(std::string_view(bytes).substr(at, piece)));
      at += piece;
    }
    decoder.finish_input();
    ASSERT_EQ(joined, whole) << "trial " << trial;
  }
}

TEST(WireDecoder, SiteAndLabelIdsContinueFromEarlierFeeds) {
  WireEncoder encoder;
  const WireDefinition first_site = encoder.site("a.py", "f", 1);
  const WireDefinition second_site = encoder.site("b.py", "g", 2);
  const WireDefinition label = encoder.label("name");
  WireDecoder decoder;
  decoder.feed(WireEncoder::header() + encoder.hello(1, "r", "p") + first_site.bytes);
  const WireUpdate later = decoder.feed(second_site.bytes + label.bytes +
                                        one_event(record(EventKind::TaskSpawned, 1, 0, 0, second_site.id, 1)));
  ASSERT_EQ(later.new_sites.size(), 1u);
  EXPECT_EQ(later.new_sites[0].file, "b.py");  // id 2: the second site ever decoded
  EXPECT_EQ(decoder.site_count(), 2u);
  EXPECT_EQ(decoder.label_count(), 1u);
  EXPECT_EQ(later.events.size(), 1u);
}

TEST(WireDecoder, EventsBeyondOneFrameAreSplitIntoFramesTheDecoderTakes) {
  std::vector<WireEventRecord> events(kMaxWireEventsPerFrame + 5, record(EventKind::LoopLag, 0, 123));
  const std::string bytes = started_stream() + WireEncoder::events(events);
  const WireUpdate update = decode_whole(bytes);
  EXPECT_EQ(update.events, events);
}

TEST(WireDecoder, AnEventsFrameWithNoRecordsIsAccepted) {
  expect_accepted(started_stream() + WireEncoder::frame(4, u32_bytes(0)));
}

TEST(WireDecoder, AStreamWithoutAnEndFrameIsTheCallersToReport) {
  WireDecoder decoder;
  decoder.feed(started_stream());
  EXPECT_NO_THROW(decoder.finish_input());
  EXPECT_FALSE(decoder.ended());
}

TEST(WireDecoder, AnEmptyStreamIsNotCutShort) {
  WireDecoder decoder;
  EXPECT_TRUE(decoder.feed("").empty());
  EXPECT_NO_THROW(decoder.finish_input());
  EXPECT_FALSE(decoder.hello_seen());
}

// ---- the header ----

TEST(WireDecoder, ANativeTraceFileIsNotTakenForAWireStream) {
  std::string bytes = WireEncoder::header();
  bytes.replace(0, 8, std::string("LSTRACE\0", 8));
  expect_refused(bytes, 2, "not a Loopscope wire stream");
}

TEST(WireDecoder, WrongMagicIsRefusedFromItsFirstBytesWithoutWaitingForTheRest) {
  WireDecoder decoder;
  EXPECT_THROW(decoder.feed("GET / HTTP/1.1"), WireFormatError);
  WireDecoder trickled;
  trickled.feed("L");
  EXPECT_THROW(trickled.feed("X"), WireFormatError);
}

TEST(WireDecoder, AnotherWireVersionIsRefused) {
  std::string bytes = WireEncoder::header();
  bytes.replace(8, 4, u32_bytes(2));
  expect_refused(bytes, 8, "wire version 2 is not the version this build reads (1)");
}

TEST(WireDecoder, AnotherEventRecordSizeIsRefused) {
  std::string bytes = WireEncoder::header();
  bytes.replace(12, 4, u32_bytes(40));
  expect_refused(bytes, 12, "the event record size is 40 bytes, not 32");
}

// ---- frame headers ----

TEST(WireDecoder, AnUnknownFrameTypeIsRefused) {
  const std::string start = started_stream();
  expect_refused(start + WireEncoder::frame(0, ""), start.size(), "unknown frame type 0");
  expect_refused(start + WireEncoder::frame(8, ""), start.size(), "unknown frame type 8");
  expect_refused(WireEncoder::header() + WireEncoder::frame(255, ""), 16, "unknown frame type 255");
}

TEST(WireDecoder, ANonzeroByteInAFrameHeaderIsRefused) {
  const std::string start = started_stream();
  std::string frame = WireEncoder::end(0);
  frame[2] = '\x01';
  expect_refused(start + frame, start.size() + 2, "byte 2 of a frame header must be zero, not 1");
}

TEST(WireDecoder, AHostileFrameLengthIsRefusedBeforeAnyOfItIsBuffered) {
  const std::string start = started_stream();
  const std::string frame_header = std::string("\x04\0\0\0", 4) + u32_bytes(0xFFFFFFFF);
  WireDecoder decoder;
  decoder.feed(start);
  // Refused from the 8 header bytes alone: no payload has arrived, none is waited for.
  EXPECT_THROW(decoder.feed(frame_header), WireFormatError);
  EXPECT_EQ(decoder.buffered_bytes(), kWireFrameHeaderBytes);
  expect_refused(start + frame_header, start.size() + 4, "a frame payload of 4294967295 bytes is more than the limit of 1048576");
  expect_refused(start + std::string("\x02\0\0\0", 4) + u32_bytes(kMaxWireFrameBytes + 1), start.size() + 4,
                 "is more than the limit of 1048576");
}

TEST(WireDecoder, AFrameOfExactlyTheLimitIsWaitedFor) {
  WireDecoder decoder;
  decoder.feed(started_stream());
  EXPECT_NO_THROW(decoder.feed(std::string("\x02\0\0\0", 4) + u32_bytes(kMaxWireFrameBytes)));
  EXPECT_EQ(decoder.buffered_bytes(), kWireFrameHeaderBytes);  // nothing reserved for the payload yet
}

TEST(WireDecoder, TheDecoderBuffersAtMostOneFrame) {
  std::vector<WireEventRecord> events(3 * kMaxWireEventsPerFrame, record(EventKind::HandlerInvoked, 0, 99));
  const std::string bytes = started_stream() + WireEncoder::events(events);
  WireDecoder decoder;
  std::size_t decoded = 0;
  for (std::size_t at = 0; at < bytes.size(); at += 100'000) {
    decoded += decoder.feed(std::string_view(bytes).substr(at, 100'000)).events.size();
    EXPECT_LE(decoder.buffered_bytes(), kWireFrameHeaderBytes + kMaxWireFrameBytes);
  }
  EXPECT_EQ(decoded, events.size());
}

TEST(WireDecoder, AFrameBeforeTheHelloIsRefused) {
  WireEncoder encoder;
  expect_refused(WireEncoder::header() + encoder.site("a.py", "f", 1).bytes, 16,
                 "a site frame comes before the hello frame, which must be first");
}

TEST(WireDecoder, ASecondHelloIsRefused) {
  const std::string start = started_stream();
  expect_refused(start + WireEncoder().hello(1, "r", "p"), start.size(), "a second hello frame");
}

TEST(WireDecoder, AFixedSizeFrameOfAnotherSizeIsRefused) {
  const std::string start = started_stream();
  expect_refused(start + WireEncoder::frame(5, std::string(7, '\0')), start.size() + 4,
                 "a dropped frame's payload is 8 bytes, not 7");
  expect_refused(start + WireEncoder::frame(6, std::string(10, '\0')), start.size() + 4,
                 "a listening frame's payload is 8 bytes, not 10");
  expect_refused(start + WireEncoder::frame(7, ""), start.size() + 4, "an end frame's payload is 4 bytes, not 0");
}

// ---- payloads ----

TEST(WireDecoder, APayloadWithBytesLeftOverIsRefused) {
  const std::string start = started_stream();
  std::string payload = WireEncoder().site("a.py", "f", 1).bytes.substr(kWireFrameHeaderBytes);
  payload += "xyz";
  expect_refused(start + WireEncoder::frame(2, payload), start.size() + kWireFrameHeaderBytes + payload.size() - 3,
                 "the site frame has 3 bytes left over after its fields; a payload must fill its frame exactly");
}

TEST(WireDecoder, AFrameThatEndsInsideAFieldIsRefused) {
  const std::string header = WireEncoder::header();
  expect_refused(header + WireEncoder::frame(1, "\x01\x02"), 16 + kWireFrameHeaderBytes,
                 "the hello frame ends inside its pid (2 bytes left, 4 needed)");
  std::string payload = WireEncoder().site("a.py", "f", 1).bytes.substr(kWireFrameHeaderBytes);
  payload.resize(payload.size() - 1);
  const std::string start = started_stream();
  expect_refused(start + WireEncoder::frame(2, payload), start.size() + kWireFrameHeaderBytes + payload.size() - 3,
                 "the site frame ends inside its line");
}

TEST(WireDecoder, AStringLongerThanTheLimitIsRefusedThoughItFitsTheFrame) {
  std::string payload = u32_bytes(1) + u32_bytes(kMaxWireStringBytes + 1) + std::string(kMaxWireStringBytes + 1, 'r');
  payload += u32_bytes(0);
  expect_refused(WireEncoder::header() + WireEncoder::frame(1, payload), 16 + kWireFrameHeaderBytes + 4,
                 "the runtime is 65537 bytes long, more than the limit of 65536");
  // Exactly the limit is fine.
  expect_accepted(WireEncoder::header() + WireEncoder().hello(1, std::string(kMaxWireStringBytes, 'r'), ""));
}

TEST(WireDecoder, AStringThatRunsPastItsFrameIsRefused) {
  const std::string payload = u32_bytes(1) + u32_bytes(2) + "ok" + u32_bytes(50) + "short";
  expect_refused(WireEncoder::header() + WireEncoder::frame(1, payload), 16 + kWireFrameHeaderBytes + 10,
                 "the program of 50 bytes runs past the end of its hello frame (5 bytes left)");
}

TEST(WireDecoder, SiteIdsThatAreNotDenseAreRefused) {
  const std::string start = started_stream();
  const auto site_frame = [](std::uint32_t id) {
    return WireEncoder::frame(2, u32_bytes(id) + u32_bytes(1) + "a" + u32_bytes(1) + "f" + u32_bytes(3));
  };
  const std::size_t id_offset = kWireFrameHeaderBytes;
  expect_refused(start + site_frame(0), start.size() + id_offset, "site id 0 is out of order: ids are dense from 1, so the next is 1");
  expect_refused(start + site_frame(2), start.size() + id_offset, "site id 2 is out of order");
  const std::string one = start + site_frame(1);
  expect_accepted(one);
  expect_refused(one + site_frame(1), one.size() + id_offset, "site id 1 is out of order: ids are dense from 1, so the next is 2");
}

TEST(WireDecoder, LabelIdsThatAreNotDenseAreRefused) {
  const std::string start = started_stream();
  const auto label_frame = [](std::uint32_t id) { return WireEncoder::frame(3, u32_bytes(id) + u32_bytes(1) + "x"); };
  expect_refused(start + label_frame(0), start.size() + kWireFrameHeaderBytes, "label id 0 is out of order");
  expect_refused(start + label_frame(3), start.size() + kWireFrameHeaderBytes, "label id 3 is out of order");
  const std::string one = start + label_frame(1);
  expect_refused(one + label_frame(1), one.size() + kWireFrameHeaderBytes,
                 "label id 1 is out of order: ids are dense from 1, so the next is 2");
}

TEST(WireDecoder, MoreLabelsThanAnAuxCanNameAreRefused) {
  WireEncoder encoder;
  std::string bytes = WireEncoder::header() + encoder.hello(1, "r", "p");
  for (std::uint32_t index = 0; index < kMaxWireLabels; ++index) bytes += encoder.label("").bytes;
  expect_accepted(bytes);
  EXPECT_THROW(encoder.label(""), std::length_error);
  const std::string past = WireEncoder::frame(3, u32_bytes(kMaxWireLabels + 1) + u32_bytes(0));
  expect_refused(bytes + past, bytes.size() + kWireFrameHeaderBytes, "label id 65536 is past the limit of 65535 labels");
}

TEST(WireDecoder, AnEventCountThatDoesNotFillThePayloadIsRefused) {
  const std::string start = started_stream();
  std::string two_claimed = one_event(record(EventKind::LoopLag));
  two_claimed.replace(kWireFrameHeaderBytes, 4, u32_bytes(2));
  // The frame's length is right for one record, so the header passes and the count is wrong.
  two_claimed.replace(4, 4, u32_bytes(4 + 32));
  expect_refused(start + two_claimed, start.size() + kWireFrameHeaderBytes,
                 "an events frame with 36 payload bytes cannot hold 2 records: its payload must be exactly 4 + 32 * count bytes");
  expect_refused(start + WireEncoder::frame(4, u32_bytes(0) + std::string(32, '\0')), start.size() + kWireFrameHeaderBytes,
                 "cannot hold 0 records");
  expect_refused(start + WireEncoder::frame(4, u32_bytes(1) + std::string(31, '\0')), start.size() + kWireFrameHeaderBytes,
                 "cannot hold 1 records");
  expect_refused(start + WireEncoder::frame(4, "\x01"), start.size() + kWireFrameHeaderBytes,
                 "the events frame ends inside its event count");
}

// ---- event records ----

// A stream where every aux a record may need (label 1, site 1) is defined.
std::string stream_with_definitions() {
  WireEncoder encoder;
  return WireEncoder::header() + encoder.hello(1, "r", "p") + encoder.site("a.py", "f", 1).bytes +
         encoder.label("Error: boom").bytes;
}

TEST(WireDecoder, OnlyKindsAServerRecordsAreAccepted) {
  const std::set<int> server_kinds = {1, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15, 20, 21, 22, 23, 30, 31, 32, 33, 34};
  const std::string start = stream_with_definitions();
  for (int raw = 0; raw < 256; ++raw) {
    SCOPED_TRACE("kind " + std::to_string(raw));
    const std::string bytes = start + one_event(record(static_cast<EventKind>(raw), 1, 0, 0, 1, 1));
    if (server_kinds.count(raw) != 0) {
      expect_accepted(bytes);
    } else {
      expect_refused(bytes, start.size() + kFirstRecordOffset + kRecordKindOffset,
                     "event kind " + std::to_string(raw));
    }
  }
  expect_refused(start + one_event(record(EventKind::ClientStarted)), start.size() + kFirstRecordOffset + kRecordKindOffset,
                 "event kind 50 (client_started) is not one a server sends");
}

TEST(WireDecoder, ADetailOutsideItsKindsEnumIsRefused) {
  struct Case {
    EventKind kind;
    std::uint8_t largest;
    std::string_view enum_name;
  };
  const Case cases[] = {
      {EventKind::TaskSuspended, static_cast<std::uint8_t>(trace::AwaitKind::Other), "AwaitKind"},
      {EventKind::TaskResumed, 11, "AwaitKind"},
      {EventKind::AwaitCancelled, 11, "AwaitKind"},
      {EventKind::AwaitReady, 11, "AwaitKind"},
      {EventKind::TaskExited, static_cast<std::uint8_t>(trace::ExitReason::Cancelled), "ExitReason"},
      {EventKind::BufferLevel, static_cast<std::uint8_t>(trace::BufferKind::KernelReceive), "BufferKind"},
      {EventKind::BufferLimit, 3, "BufferKind"},
      {EventKind::ConnectionClosed, static_cast<std::uint8_t>(trace::CloseReason::Leaked), "CloseReason"},
      {EventKind::StreamError, static_cast<std::uint8_t>(trace::StreamErrorKind::ReceiveFailed), "StreamErrorKind"},
  };
  const std::string start = stream_with_definitions();
  for (const Case& each : cases) {
    SCOPED_TRACE(std::string(trace::event_kind_name(each.kind)));
    expect_accepted(start + one_event(record(each.kind, 1, 0, each.largest)));
    expect_refused(start + one_event(record(each.kind, 1, 0, static_cast<std::uint8_t>(each.largest + 1))),
                   start.size() + kFirstRecordOffset + kRecordDetailOffset,
                   std::string(trace::event_kind_name(each.kind)) + " event's detail " +
                       std::to_string(each.largest + 1) + " is not a");
    expect_refused(start + one_event(record(each.kind, 1, 0, 255)), start.size() + kFirstRecordOffset + kRecordDetailOffset,
                   each.enum_name);
  }
}

TEST(WireDecoder, ABufferLimitWhoseAuxIsNotALimitKindIsRefused) {
  const std::string start = stream_with_definitions();
  expect_accepted(start + one_event(record(EventKind::BufferLimit, 1, 100, 0, 0, 3)));
  expect_refused(start + one_event(record(EventKind::BufferLimit, 1, 100, 0, 0, 4)),
                 start.size() + kFirstRecordOffset + kRecordAuxOffset, "a buffer_limit event's aux 4 is not a LimitKind (0-3)");
}

TEST(WireDecoder, ATaskSpawnedNamedByAnUndefinedLabelIsRefused) {
  const std::string start = stream_with_definitions();  // one label
  expect_refused(start + one_event(record(EventKind::TaskSpawned, 1, 0, 0, 0, 2)),
                 start.size() + kFirstRecordOffset + kRecordAuxOffset, "a task_spawned event's label 2 is used before it is defined");
}

TEST(WireDecoder, ATaskSpawnedWithoutANameIsAccepted) {
  expect_accepted(started_stream() + one_event(record(EventKind::TaskSpawned, 1, 0, 0, 0, 0)));
}

TEST(WireDecoder, ATaskFailedWithoutItsExceptionLabelIsRefused) {
  const std::string start = stream_with_definitions();
  expect_refused(start + one_event(record(EventKind::TaskFailed, 1, 1, 0, 0, 0)),
                 start.size() + kFirstRecordOffset + kRecordAuxOffset, "a task_failed event's aux must be the label of its exception, not 0");
  expect_refused(start + one_event(record(EventKind::TaskFailed, 1, 1, 0, 0, 2)),
                 start.size() + kFirstRecordOffset + kRecordAuxOffset, "a task_failed event's label 2 is used before it is defined");
  expect_accepted(start + one_event(record(EventKind::TaskFailed, 1, 1, 0, 0, 1)));
}

TEST(WireDecoder, AnEventAtAnUndefinedSiteIsRefused) {
  const std::string start = stream_with_definitions();  // one site
  expect_accepted(start + one_event(record(EventKind::TaskSuspended, 1, 0, 1, 1)));
  expect_refused(start + one_event(record(EventKind::TaskSuspended, 1, 0, 1, 2)),
                 start.size() + kFirstRecordOffset + kRecordSiteOffset, "site 2 is used before it is defined");
  // A site sent after the events that use it is too late, even within one read.
  const std::string late = start + one_event(record(EventKind::TaskSuspended, 1, 0, 1, 2));
  WireEncoder encoder;
  encoder.site("a.py", "f", 1);
  expect_refused(late + encoder.site("b.py", "g", 2).bytes, start.size() + kFirstRecordOffset + kRecordSiteOffset,
                 "site 2 is used before it is defined");
}

TEST(WireDecoder, NonzeroReservedBytesOfARecordAreRefused) {
  const std::string start = stream_with_definitions();
  WireEventRecord event = record(EventKind::LoopLag);
  event.reserved = 0x100;
  expect_refused(start + one_event(event), start.size() + kFirstRecordOffset + kRecordReservedOffset,
                 "bytes 28-31 of an event record must be zero, not 256");
}

TEST(WireDecoder, TheOffsetNamesTheRecordThatBrokeTheRule) {
  const std::string start = stream_with_definitions();
  const std::vector<WireEventRecord> events = {record(EventKind::LoopLag), record(EventKind::LoopLag),
                                               record(EventKind::LoopLag, 1, 0, 0, 9)};
  expect_refused(start + WireEncoder::events(events), start.size() + kFirstRecordOffset + 2 * 32 + kRecordSiteOffset,
                 "site 9 is used before it is defined");
}

// ---- the other frames ----

TEST(WireDecoder, NonzeroPaddingOfAListeningFrameIsRefused) {
  const std::string start = started_stream();
  std::string frame = WireEncoder::listening(0x7f000001, 8888);
  frame[frame.size() - 1] = '\x01';
  expect_refused(start + frame, start.size() + kWireFrameHeaderBytes + 6,
                 "the last 2 bytes of a listening frame must be zero, not 256");
}

TEST(WireDecoder, ADroppedCountThatDecreasesIsRefused) {
  const std::string start = started_stream() + WireEncoder::dropped(10) + WireEncoder::dropped(10);
  expect_accepted(start);
  expect_refused(start + WireEncoder::dropped(9), start.size() + kWireFrameHeaderBytes,
                 "the dropped count fell from 10 to 9; it never decreases");
}

TEST(WireDecoder, AnythingAfterTheEndFrameIsRefused) {
  const std::string ended = started_stream() + WireEncoder::end(0);
  expect_accepted(ended);
  expect_refused(ended + "\x04", ended.size(), "a byte follows the end frame, which must be the last");
  expect_refused(ended + WireEncoder::dropped(1), ended.size(), "a byte follows the end frame");
}

// ---- after a refusal, and at the end of the input ----

TEST(WireDecoder, ARefusedStreamStaysRefused) {
  WireDecoder decoder;
  std::string first;
  try {
    decoder.feed(started_stream() + WireEncoder::frame(9, ""));
  } catch (const WireFormatError& error) {
    first = error.what();
  }
  ASSERT_FALSE(first.empty());
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      decoder.feed(WireEncoder::end(0));  // valid on its own: the stream is over all the same
      ADD_FAILURE() << "a refused stream took more bytes";
    } catch (const WireFormatError& error) {
      EXPECT_EQ(error.what(), first);
    }
  }
  try {
    decoder.finish_input();
    ADD_FAILURE() << "finish_input after a refusal did not throw";
  } catch (const WireFormatError& error) {
    EXPECT_EQ(error.what(), first);
  }
}

TEST(WireDecoder, FramesBeforeTheBrokenRuleAreKeptAndTheBrokenFrameIsNot) {
  WireEncoder encoder;
  const WireDefinition site = encoder.site("a.py", "f", 1);
  const std::vector<WireEventRecord> good = {record(EventKind::LoopLag, 0, 5)};
  const std::vector<WireEventRecord> half_bad = {record(EventKind::LoopLag, 0, 6), record(EventKind::LoopLag, 0, 7, 0, 2)};
  WireDecoder decoder;
  EXPECT_THROW(decoder.feed(WireEncoder::header() + encoder.hello(1, "r", "p") + site.bytes + WireEncoder::events(good) +
                            WireEncoder::events(half_bad)),
               WireFormatError);
  const WireUpdate kept = decoder.take_update_before_error();
  EXPECT_TRUE(kept.hello.has_value());
  EXPECT_EQ(kept.new_sites.size(), 1u);
  EXPECT_EQ(kept.events, good);
  EXPECT_TRUE(decoder.take_update_before_error().empty());
}

TEST(WireDecoder, AStreamCutInsideItsHeaderIsReportedAtTheEnd) {
  WireDecoder decoder;
  decoder.feed(WireEncoder::header().substr(0, 11));
  try {
    decoder.finish_input();
    FAIL() << "a cut header was taken";
  } catch (const WireFormatError& error) {
    EXPECT_STREQ(error.what(), "wire stream, byte 0: the stream ended inside the stream header (11 bytes buffered)");
  }
}

TEST(WireDecoder, AStreamCutInsideAFrameIsReportedAtTheEnd) {
  const std::string start = started_stream();
  const std::string frame = WireEncoder::dropped(3);
  for (std::size_t cut : {std::size_t{1}, std::size_t{7}, std::size_t{8}, frame.size() - 1}) {
    SCOPED_TRACE("cut after " + std::to_string(cut) + " bytes of the frame");
    WireDecoder decoder;
    decoder.feed(start + frame.substr(0, cut));
    EXPECT_EQ(decoder.bytes_consumed(), start.size());
    try {
      decoder.finish_input();
      ADD_FAILURE() << "a cut frame was taken";
    } catch (const WireFormatError& error) {
      EXPECT_EQ(std::string(error.what()), "wire stream, byte " + std::to_string(start.size()) +
                                               ": the stream ended inside a frame (" + std::to_string(cut) +
                                               " bytes buffered)");
    }
  }
}

TEST(WireEncoder, AStringTooLongForTheStreamIsNotEncoded) {
  EXPECT_THROW(WireEncoder().hello(1, std::string(kMaxWireStringBytes + 1, 'x'), ""), std::length_error);
  WireEncoder encoder;
  EXPECT_THROW(encoder.site(std::string(kMaxWireStringBytes + 1, 'x'), "f", 1), std::length_error);
  EXPECT_EQ(encoder.site("a.py", "f", 1).id, 1u);  // the refused site took no id
}

}  // namespace
}  // namespace loopscope::wire
