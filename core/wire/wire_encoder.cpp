#include "wire_encoder.hpp"

#include "core/trace/little_endian.hpp"

#include <algorithm>
#include <stdexcept>

namespace loopscope::wire {

namespace {


void append_string(std::string& out, std::string_view text, std::string_view what) {
  if (text.size() > kMaxWireStringBytes) {
    throw std::length_error("cannot encode the wire stream: the " + std::string(what) + " is " +
                            std::to_string(text.size()) + " bytes, the stream allows " +
                            std::to_string(kMaxWireStringBytes));
  }
  trace::append_u32_le(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

std::string typed_frame(WireFrameType type, std::string_view payload) {
  return WireEncoder::frame(static_cast<std::uint8_t>(type), payload);
}

}  // namespace

std::string WireEncoder::header() {
  std::string out(kWireMagic);
  trace::append_u32_le(out, kWireVersion);
  trace::append_u32_le(out, kWireEventRecordBytes);
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
  trace::append_u32_le(out, static_cast<std::uint32_t>(payload.size()));
  out.append(payload);
  return out;
}

std::string WireEncoder::hello(std::uint32_t pid, std::string_view runtime, std::string_view program) {
  std::string payload;
  trace::append_u32_le(payload, pid);
  append_string(payload, runtime, "runtime");
  append_string(payload, program, "program");
  return typed_frame(WireFrameType::Hello, payload);
}

WireDefinition WireEncoder::site(std::string_view file, std::string_view function, std::uint32_t line) {
  std::string payload;
  trace::append_u32_le(payload, site_count_ + 1);
  append_string(payload, file, "site's file");
  append_string(payload, function, "site's function");
  trace::append_u32_le(payload, line);
  ++site_count_;  // only once the site is known to fit
  return {site_count_, typed_frame(WireFrameType::Site, payload)};
}

WireDefinition WireEncoder::label(std::string_view text) {
  if (label_count_ >= kMaxWireLabels) {
    throw std::length_error("cannot encode the wire stream: more than " + std::to_string(kMaxWireLabels) + " labels");
  }
  std::string payload;
  trace::append_u32_le(payload, label_count_ + 1);
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
    trace::append_u32_le(payload, static_cast<std::uint32_t>(batch.size()));
    for (const WireEventRecord& record : batch) {
      trace::append_u64_le(payload, record.time_ns);
      trace::append_u64_le(payload, record.value);
      trace::append_u32_le(payload, record.subject);
      trace::append_u32_le(payload, record.site);
      payload += static_cast<char>(record.kind);
      payload += static_cast<char>(record.detail);
      trace::append_u16_le(payload, record.aux);
      trace::append_u32_le(payload, record.reserved);
    }
    out += typed_frame(WireFrameType::Events, payload);
  }
  return out;
}

std::string WireEncoder::dropped(std::uint64_t total) {
  std::string payload;
  trace::append_u64_le(payload, total);
  return typed_frame(WireFrameType::Dropped, payload);
}

std::string WireEncoder::listening(std::uint32_t ipv4, std::uint16_t port) {
  std::string payload;
  trace::append_u32_le(payload, ipv4);
  trace::append_u16_le(payload, port);
  trace::append_u16_le(payload, 0);
  return typed_frame(WireFrameType::Listening, payload);
}

std::string WireEncoder::end(std::int32_t exit_status) {
  std::string payload;
  trace::append_u32_le(payload, static_cast<std::uint32_t>(exit_status));
  return typed_frame(WireFrameType::End, payload);
}

}  // namespace loopscope::wire
