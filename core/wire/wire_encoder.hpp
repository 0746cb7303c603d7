#pragma once
// Writes the probe's wire stream (docs/wire-format.md), for tests, the fuzz corpus and the
// benchmarks; the real producer is the Python probe in core/asyncio_probe/. Each call returns
// the bytes of what it encodes; concatenated in call order they are a stream WireDecoder takes,
// as long as the calls follow the stream's rules (hello first, nothing after end, ...), which
// the encoder leaves to its caller so tests can also write streams that break them. What no
// frame can hold (a string over kMaxWireStringBytes) throws std::length_error.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "core/wire/wire_format.hpp"

namespace loopscope::wire {

// A site or label frame and the id it gave the definition, for the events that refer to it.
struct WireDefinition {
  std::uint32_t id = 0;
  std::string bytes;
};

class WireEncoder {
 public:
  static std::string header();
  // Any frame, with a payload given as is: for tests that need a frame the typed calls refuse.
  static std::string frame(std::uint8_t type, std::string_view payload);

  std::string hello(std::uint32_t pid, std::string_view runtime, std::string_view program);
  // Assigns the next site id: 1, 2, ...
  WireDefinition site(std::string_view file, std::string_view function, std::uint32_t line);
  // Assigns the next label id: 1, 2, ...; throws std::length_error past kMaxWireLabels.
  WireDefinition label(std::string_view text);
  // One or more events frames (at most kMaxWireEventsPerFrame records each); none for no events.
  static std::string events(std::span<const WireEventRecord> records);
  static std::string dropped(std::uint64_t total);
  static std::string listening(std::uint32_t ipv4, std::uint16_t port);
  static std::string end(std::int32_t exit_status);

  std::uint32_t site_count() const { return site_count_; }
  std::uint32_t label_count() const { return label_count_; }

 private:
  std::uint32_t site_count_ = 0;
  std::uint32_t label_count_ = 0;
};

}  // namespace loopscope::wire
