#pragma once
// The probe's wire stream, version 1 (docs/wire-format.md is the contract): the constants and the
// 32-byte event record that the decoder and the encoder share. All integers are little-endian.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "core/trace/event_kind.hpp"

namespace loopscope::wire {

inline constexpr std::string_view kWireMagic{"LSWIRE\0\0", 8};
inline constexpr std::uint32_t kWireVersion = 1;
inline constexpr std::size_t kWireHeaderBytes = 16;       // magic, u32 version, u32 record size
inline constexpr std::size_t kWireFrameHeaderBytes = 8;   // u8 type, 3 zero bytes, u32 payload length
inline constexpr std::uint32_t kWireEventRecordBytes = 32;
// Bounds that make a hostile stream cheap to refuse: the decoder never holds more than one frame.
inline constexpr std::uint32_t kMaxWireFrameBytes = 1u << 20;   // payload length, 1 MiB
inline constexpr std::uint32_t kMaxWireStringBytes = 1u << 16;  // one string, 64 KiB
// Event records carry a label id in a u16 aux, so no more labels than that can be referred to.
inline constexpr std::uint32_t kMaxWireLabels = 65535;
// The most records one events frame can hold within kMaxWireFrameBytes.
inline constexpr std::uint32_t kMaxWireEventsPerFrame = (kMaxWireFrameBytes - 4) / kWireEventRecordBytes;

enum class WireFrameType : std::uint8_t {
  Hello = 1,
  Site = 2,
  Label = 3,
  Events = 4,
  Dropped = 5,
  Listening = 6,
  End = 7,
};

// One event as the stream carries it (byte offsets in docs/wire-format.md). Unlike
// trace::TraceEvent it has no source: the session that decodes the stream is the source.
struct WireEventRecord {
  std::uint64_t time_ns;  // CLOCK_MONOTONIC of the probed process
  std::uint64_t value;
  std::uint32_t subject;
  std::uint32_t site;     // 0 or a site id defined earlier in the stream
  trace::EventKind kind;
  std::uint8_t detail;
  std::uint16_t aux;
  std::uint32_t reserved;  // zero on the wire

  bool operator==(const WireEventRecord&) const = default;
};

static_assert(sizeof(WireEventRecord) == kWireEventRecordBytes, "the wire stream's event record is 32 bytes");
static_assert(std::is_trivially_copyable_v<WireEventRecord>);

}  // namespace loopscope::wire
