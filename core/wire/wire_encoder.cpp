#include "wire_encoder.hpp"

#include <algorithm>
#include <stdexcept>

namespace loopscope::wire {

namespace {

void append_u16(std::string& out, std::uint16_t value) {
  out += static_cast<char>(value & 0xff);
  out += static_cast<char>(value >> 8);
}

void append_u32(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((value >> shift) & 0xff);
}

void append_u64(std::string& out, std::uint64_t value) {
  for (int shift = 0; shift < 64; shift += 8) out += static_cast<char>((value >> shift) & 0xff);
}

void append_string(std::string& out, std::string_view text, std::string_view what) {
  if (text.size() > kMaxWireStringBytes) {
    throw std::length_error("cannot encode the wire stream: the " + std::string(what) + " is " +
                            std::to_string(text.size()) + " bytes, the stream allows " +
                            std::to_string(kMaxWireStringBytes));
  }
  append_u32(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

std::string typed_frame(WireFrameType type, std::string_view payload) {
  return WireEncoder::frame(static_cast<std::uint8_t>(type), payload);
}

}  // namespace

std::string WireEncoder::header() {
  std::string out(kWireMagic);
  append_u32(out, kWireVersion);
  append_u32(out, kWireEventRecordBytes);
  return out;
}

std::string WireEncoder::frame(std::uint8_t type, std::string_view payload) {
  // Not limited to kMaxWireFrameBytes on purpose: tests write oversized frames with it. A
  // payload over 4 GiB cannot even be described.
  if (payload.size() > UINT32_MAX) throw std::length_error("cannot encode the wire stream: a payload over 4 GiB");
  std::string out;
  out.reserve(kWireFrameHeaderBytes + payload.size());
  out += static_cast<char>(type);
  out.append(3, '\0');
  append_u32(out, static_cast<std::uint32_t>(payload.size()));
  out.append(payload);
  return out;
}

std::string WireEncoder::hello(std::uint32_t pid, std::string_view runtime, std::string_view program) {
  std::string payload;
  append_u32(payload, pid);
  append_string(payload, runtime, "runtime");
  append_string(payload, program, "program");
  return typed_frame(WireFrameType::Hello, payload);
}

WireDefinition WireEncoder::site(std::string_view file, std::string_view function, std::uint32_t line) {
  std::string payload;
  append_u32(payload, site_count_ + 1);
  append_string(payload, file, "site's file");
  append_string(payload, function, "site's function");
  append_u32(payload, line);
  ++site_count_;  // only once the site is known to fit
  return {site_count_, typed_frame(WireFrameType::Site, payload)};
}

WireDefinition WireEncoder::label(std::string_view text) {
  if (label_count_ >= kMaxWireLabels) {
    throw std::length_error("cannot encode the wire stream: more than " + std::to_string(kMaxWireLabels) + " labels");
  }
  std::string payload;
  append_u32(payload, label_count_ + 1);
  append_string(payload, text, "label");
  ++label_count_;
  return {label_count_, typed_frame(WireFrameType::Label, payload)};
}

std::string WireEncoder::events(std::span<const WireEventRecord> records) {
  std::string out;
  while (!records.empty()) {
    const auto batch = records.first(std::min<std::size_t>(records.size(), kMaxWireEventsPerFrame));
    records = records.subspan(batch.size());
    std::string payload;
    payload.reserve(4 + batch.size() * kWireEventRecordBytes);
    append_u32(payload, static_cast<std::uint32_t>(batch.size()));
    for (const WireEventRecord& record : batch) {
      append_u64(payload, record.time_ns);
      append_u64(payload, record.value);
      append_u32(payload, record.subject);
      append_u32(payload, record.site);
      payload += static_cast<char>(record.kind);
      payload += static_cast<char>(record.detail);
      append_u16(payload, record.aux);
      append_u32(payload, record.reserved);
    }
    out += typed_frame(WireFrameType::Events, payload);
  }
  return out;
}

std::string WireEncoder::dropped(std::uint64_t total) {
  std::string payload;
  append_u64(payload, total);
  return typed_frame(WireFrameType::Dropped, payload);
}

std::string WireEncoder::listening(std::uint32_t ipv4, std::uint16_t port) {
  std::string payload;
  append_u32(payload, ipv4);
  append_u16(payload, port);
  append_u16(payload, 0);
  return typed_frame(WireFrameType::Listening, payload);
}

std::string WireEncoder::end(std::int32_t exit_status) {
  std::string payload;
  append_u32(payload, static_cast<std::uint32_t>(exit_status));
  return typed_frame(WireFrameType::End, payload);
}

}  // namespace loopscope::wire
