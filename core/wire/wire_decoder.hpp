#pragma once
// Decodes the probe's wire stream (docs/wire-format.md) as it arrives from a pipe. Every byte is
// validated, and the first rule broken ends the stream with a WireFormatError naming the rule
// and the byte offset. Memory stays bounded whatever the producer sends: a frame's length is
// checked against kMaxWireFrameBytes before any of it is buffered, and the decoder holds at
// most one frame.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/trace_log.hpp"
#include "core/wire/wire_format.hpp"

namespace loopscope::wire {

// "wire stream, byte 1234: site 7 is used before it is defined".
class WireFormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WireHello {
  std::uint32_t pid = 0;
  std::string runtime;  // "CPython 3.11.7"
  std::string program;  // the script's path
  bool operator==(const WireHello&) const = default;
};

struct WireListening {
  std::uint32_t ipv4 = 0;  // host byte order
  std::uint16_t port = 0;
  bool operator==(const WireListening&) const = default;
};

// What one feed() decoded, in stream order within each table.
struct WireUpdate {
  std::optional<WireHello> hello;
  // Ids continue from earlier updates: the k-th site ever decoded has id k (1-based).
  std::vector<trace::SiteInfo> new_sites;
  // The same for labels: the first label ever decoded has id 1.
  std::vector<std::string> new_labels;
  std::vector<WireEventRecord> events;
  std::optional<std::uint64_t> dropped_total;  // the latest dropped frame's count
  std::vector<WireListening> listening;
  std::optional<std::int32_t> end_status;

  bool empty() const;
  // Adds what a later update decoded, as if both had come from one feed.
  void append(WireUpdate&& later);
};

bool operator==(const WireUpdate& left, const WireUpdate& right);

class WireDecoder {
 public:
  // Decodes every complete frame in what has arrived so far; `bytes` may be split anywhere,
  // even inside the header. Throws WireFormatError at the first broken rule; once it has
  // thrown, every later feed() and finish_input() throws the same error.
  WireUpdate feed(std::string_view bytes);
  // At the end of the input: throws WireFormatError if it stopped inside the header or a frame;
  // does nothing otherwise (a stream without an end frame is the caller's to report).
  void finish_input();
  // What the feed() that threw had decoded before the broken rule, so a session can keep
  // everything received before it (empty after a feed that did not throw).
  WireUpdate take_update_before_error();

  bool ended() const { return ended_; }  // the end frame was seen
  bool hello_seen() const { return hello_seen_; }
  // Bytes of the header and the complete frames decoded; buffered_bytes() more have arrived.
  std::uint64_t bytes_consumed() const { return consumed_bytes_; }
  std::size_t buffered_bytes() const { return head_have_ + payload_.size(); }
  std::size_t site_count() const { return site_count_; }
  std::size_t label_count() const { return label_count_; }

 private:
  class PayloadReader;  // reads one payload's fields, refusing any that runs past its end
  struct FrameHeader {
    WireFrameType type;
    std::uint32_t payload_bytes;
  };

  void decode_some(std::string_view& input, WireUpdate& update);
  void take_stream_header(std::string_view& input);
  void check_stream_header() const;
  void check_frame_header();
  void decode_payload(std::string_view payload, WireUpdate& update);
  void decode_hello(PayloadReader& reader, WireUpdate& update);
  void decode_site(PayloadReader& reader, WireUpdate& update);
  void decode_label(PayloadReader& reader, WireUpdate& update);
  void decode_events(PayloadReader& reader, WireUpdate& update);
  void decode_dropped(PayloadReader& reader, WireUpdate& update);
  void check_event(const WireEventRecord& event, std::uint64_t record_offset) const;

  // The stream header, then each frame header, gathers here until it is whole.
  std::array<char, kWireHeaderBytes> head_{};
  std::size_t head_have_ = 0;
  bool header_done_ = false;
  std::optional<FrameHeader> frame_;  // the frame whose payload is arriving
  std::string payload_;               // its payload so far, when it came in pieces
  std::uint64_t consumed_bytes_ = 0;  // stream offset of the next frame
  bool hello_seen_ = false;
  bool ended_ = false;
  std::size_t site_count_ = 0;
  std::size_t label_count_ = 0;
  std::uint64_t dropped_total_ = 0;
  std::optional<WireFormatError> error_;
  WireUpdate update_before_error_;
};

}  // namespace loopscope::wire
