#include "wire_decoder.hpp"

#include <algorithm>
#include <cstring>
#include <utility>

namespace loopscope::wire {

namespace {

using trace::EventKind;

[[noreturn]] void refuse(std::uint64_t offset, const std::string& rule) {
  throw WireFormatError("wire stream, byte " + std::to_string(offset) + ": " + rule);
}

std::uint32_t load_u32(const char* bytes) {
  std::uint32_t value = 0;
  for (int index = 3; index >= 0; --index) value = (value << 8) | static_cast<unsigned char>(bytes[index]);
  return value;
}

std::uint64_t load_u64(const char* bytes) {
  return std::uint64_t{load_u32(bytes)} | (std::uint64_t{load_u32(bytes + 4)} << 32);
}

std::uint16_t load_u16(const char* bytes) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[0]) |
                                    (static_cast<unsigned char>(bytes[1]) << 8));
}

std::string_view frame_name(WireFrameType type) {
  switch (type) {
    case WireFrameType::Hello: return "hello";
    case WireFrameType::Site: return "site";
    case WireFrameType::Label: return "label";
    case WireFrameType::Events: return "events";
    case WireFrameType::Dropped: return "dropped";
    case WireFrameType::Listening: return "listening";
    case WireFrameType::End: return "end";
  }
  return "unknown";
}

bool is_frame_type(std::uint8_t raw) {
  return raw >= static_cast<std::uint8_t>(WireFrameType::Hello) && raw <= static_cast<std::uint8_t>(WireFrameType::End);
}

// Frames whose payload has one size only; checked from the frame header, before any payload.
std::optional<std::uint32_t> fixed_payload_bytes(WireFrameType type) {
  switch (type) {
    case WireFrameType::Dropped: return 8;    // u64 total
    case WireFrameType::Listening: return 8;  // u32 address, u16 port, u16 zero
    case WireFrameType::End: return 4;        // i32 status
    default: return std::nullopt;
  }
}

// Listed kind by kind rather than as ranges, so a kind added to core/trace later is refused
// until someone decides a server may send it.
bool is_server_kind(EventKind kind) {
  switch (kind) {
    case EventKind::TaskSpawned:
    case EventKind::TaskSuspended:
    case EventKind::TaskResumed:
    case EventKind::TaskExited:
    case EventKind::AwaitCancelled:
    case EventKind::TaskFailed:
    case EventKind::AwaitReady:
    case EventKind::BufferLevel:
    case EventKind::BufferLimit:
    case EventKind::DrainStallBegin:
    case EventKind::DrainStallEnd:
    case EventKind::BytesReceived:
    case EventKind::BytesSent:
    case EventKind::ConnectionAccepted:
    case EventKind::ConnectionRefused:
    case EventKind::ConnectionClosed:
    case EventKind::StreamError:
    case EventKind::HandlerInvoked:
    case EventKind::LoopLag:
    case EventKind::FreezeBegin:
    case EventKind::FreezeEnd:
    case EventKind::BlockingCall:
      return true;
    default:
      return false;
  }
}

// The enum a kind's detail byte holds, for the kinds where it holds one.
struct DetailEnum {
  std::string_view name;
  std::uint8_t largest;
};

std::optional<DetailEnum> detail_enum(EventKind kind) {
  switch (kind) {
    case EventKind::TaskSuspended:
    case EventKind::TaskResumed:
    case EventKind::AwaitCancelled:
    case EventKind::AwaitReady:
      return DetailEnum{"an AwaitKind", static_cast<std::uint8_t>(trace::AwaitKind::Other)};
    case EventKind::TaskExited:
      return DetailEnum{"an ExitReason", static_cast<std::uint8_t>(trace::ExitReason::Cancelled)};
    case EventKind::BufferLevel:
    case EventKind::BufferLimit:
      return DetailEnum{"a BufferKind", static_cast<std::uint8_t>(trace::BufferKind::KernelReceive)};
    case EventKind::ConnectionClosed:
      return DetailEnum{"a CloseReason", static_cast<std::uint8_t>(trace::CloseReason::Leaked)};
    case EventKind::StreamError:
      return DetailEnum{"a StreamErrorKind", static_cast<std::uint8_t>(trace::StreamErrorKind::ReceiveFailed)};
    default:
      return std::nullopt;
  }
}

// "a site frame", "an end frame": messages read as sentences.
std::string with_article(std::string_view noun) {
  const bool vowel = !noun.empty() && std::string_view("aeiou").find(noun.front()) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

std::string kind_text(std::uint8_t raw) {
  if (!trace::is_known_event_kind(raw)) return std::to_string(raw);
  return std::to_string(raw) + " (" + std::string(trace::event_kind_name(static_cast<EventKind>(raw))) + ")";
}

std::string event_text(EventKind kind) {
  return with_article(trace::event_kind_name(kind)) + " event";
}

// Byte offsets inside an event record (docs/wire-format.md).
constexpr std::uint64_t kSiteField = 20;
constexpr std::uint64_t kKindField = 24;
constexpr std::uint64_t kDetailField = 25;
constexpr std::uint64_t kAuxField = 26;
constexpr std::uint64_t kReservedField = 28;

}  // namespace

// Reads one frame's payload front to back. Each field is checked against the bytes left, so a
// length or count inside the payload can never read past it.
class WireDecoder::PayloadReader {
 public:
  PayloadReader(std::string_view payload, std::uint64_t payload_offset, WireFrameType type)
      : payload_(payload), payload_offset_(payload_offset), type_(type) {}

  std::uint64_t offset() const { return payload_offset_ + position_; }
  std::size_t remaining_bytes() const { return payload_.size() - position_; }

  std::uint16_t u16(std::string_view what) { return load_u16(take(2, what)); }
  std::uint32_t u32(std::string_view what) { return load_u32(take(4, what)); }
  std::uint64_t u64(std::string_view what) { return load_u64(take(8, what)); }

  std::string string(std::string_view what) {
    const std::uint64_t length_offset = offset();
    const std::uint32_t length_bytes = u32(what);
    if (length_bytes > kMaxWireStringBytes) {
      refuse(length_offset, "the " + std::string(what) + " is " + std::to_string(length_bytes) +
                                " bytes long, more than the limit of " + std::to_string(kMaxWireStringBytes));
    }
    if (length_bytes > remaining_bytes()) {
      refuse(length_offset, "the " + std::string(what) + " of " + std::to_string(length_bytes) +
                                " bytes runs past the end of its " + std::string(frame_name(type_)) + " frame (" +
                                std::to_string(remaining_bytes()) + " bytes left)");
    }
    return std::string(take(length_bytes, what), length_bytes);
  }

  void expect_end() const {
    if (remaining_bytes() != 0) {
      refuse(offset(), "the " + std::string(frame_name(type_)) + " frame has " + std::to_string(remaining_bytes()) +
                           " bytes left over after its fields; a payload must fill its frame exactly");
    }
  }

  const char* take(std::size_t count_bytes, std::string_view what) {
    if (count_bytes > remaining_bytes()) {
      refuse(offset(), "the " + std::string(frame_name(type_)) + " frame ends inside its " + std::string(what) +
                           " (" + std::to_string(remaining_bytes()) + " bytes left, " + std::to_string(count_bytes) +
                           " needed)");
    }
    const char* bytes = payload_.data() + position_;
    position_ += count_bytes;
    return bytes;
  }

 private:
  std::string_view payload_;
  std::uint64_t payload_offset_;
  WireFrameType type_;
  std::size_t position_ = 0;
};

// ---- WireUpdate ----

bool WireUpdate::empty() const {
  return !hello && new_sites.empty() && new_labels.empty() && events.empty() && !dropped_total && listening.empty() &&
         !end_status;
}

void WireUpdate::append(WireUpdate&& later) {
  if (later.hello) hello = std::move(later.hello);
  new_sites.insert(new_sites.end(), std::make_move_iterator(later.new_sites.begin()),
                   std::make_move_iterator(later.new_sites.end()));
  new_labels.insert(new_labels.end(), std::make_move_iterator(later.new_labels.begin()),
                    std::make_move_iterator(later.new_labels.end()));
  events.insert(events.end(), later.events.begin(), later.events.end());
  if (later.dropped_total) dropped_total = later.dropped_total;
  listening.insert(listening.end(), later.listening.begin(), later.listening.end());
  if (later.end_status) end_status = later.end_status;
}

bool operator==(const WireUpdate& left, const WireUpdate& right) {
  const auto same_site = [](const trace::SiteInfo& a, const trace::SiteInfo& b) {
    return a.file == b.file && a.function == b.function && a.line == b.line && a.column == b.column;
  };
  return left.hello == right.hello &&
         std::equal(left.new_sites.begin(), left.new_sites.end(), right.new_sites.begin(), right.new_sites.end(),
                    same_site) &&
         left.new_labels == right.new_labels && left.events == right.events &&
         left.dropped_total == right.dropped_total && left.listening == right.listening &&
         left.end_status == right.end_status;
}

// ---- WireDecoder ----

WireUpdate WireDecoder::feed(std::string_view bytes) {
  if (error_) throw *error_;
  update_before_error_ = {};
  WireUpdate update;
  try {
    while (!bytes.empty()) decode_some(bytes, update);
  } catch (const WireFormatError& error) {
    error_ = error;
    update_before_error_ = std::move(update);
    throw;
  }
  return update;
}

void WireDecoder::finish_input() {
  if (error_) throw *error_;
  if (buffered_bytes() == 0) return;
  const std::string where = header_done_ ? "a frame" : "the stream header";
  error_ = WireFormatError("wire stream, byte " + std::to_string(consumed_bytes_) + ": the stream ended inside " +
                           where + " (" + std::to_string(buffered_bytes()) + " bytes buffered)");
  throw *error_;
}

WireUpdate WireDecoder::take_update_before_error() { return std::exchange(update_before_error_, {}); }

// Takes one step: part or all of the stream header, a frame header, or a payload.
void WireDecoder::decode_some(std::string_view& input, WireUpdate& update) {
  if (ended_) refuse(consumed_bytes_, "a byte follows the end frame, which must be the last");
  if (!header_done_) {
    take_stream_header(input);
    return;
  }
  if (!frame_) {
    const std::size_t take = std::min(kWireFrameHeaderBytes - head_have_, input.size());
    std::memcpy(head_.data() + head_have_, input.data(), take);
    head_have_ += take;
    input.remove_prefix(take);
    if (head_have_ < kWireFrameHeaderBytes) return;
    check_frame_header();  // the length is known good from here: at most kMaxWireFrameBytes
  }
  const std::uint32_t payload_bytes = frame_->payload_bytes;
  std::string_view payload;
  if (payload_.empty() && input.size() >= payload_bytes) {
    // The usual case, a whole frame in one read: decoded where it lies, without a copy.
    payload = input.substr(0, payload_bytes);
    input.remove_prefix(payload_bytes);
  } else {
    const std::size_t take = std::min<std::size_t>(payload_bytes - payload_.size(), input.size());
    payload_.append(input.data(), take);
    input.remove_prefix(take);
    if (payload_.size() < payload_bytes) return;
    payload = payload_;
  }
  decode_payload(payload, update);
  consumed_bytes_ += kWireFrameHeaderBytes + payload_bytes;
  frame_.reset();
  head_have_ = 0;
  payload_.clear();
}

void WireDecoder::take_stream_header(std::string_view& input) {
  const std::size_t take = std::min(kWireHeaderBytes - head_have_, input.size());
  std::memcpy(head_.data() + head_have_, input.data(), take);
  head_have_ += take;
  input.remove_prefix(take);
  // Checked on every piece, so a stream that is not ours is refused from its first wrong byte
  // rather than reported as cut short.
  check_stream_header();
  if (head_have_ < kWireHeaderBytes) return;
  header_done_ = true;
  consumed_bytes_ = kWireHeaderBytes;
  head_have_ = 0;
}

void WireDecoder::check_stream_header() const {
  for (std::size_t index = 0; index < std::min(head_have_, kWireMagic.size()); ++index) {
    if (head_[index] != kWireMagic[index]) {
      refuse(index, "not a Loopscope wire stream: its first 8 bytes must be \"LSWIRE\\0\\0\"");
    }
  }
  if (head_have_ < kWireHeaderBytes) return;
  const std::uint32_t version = load_u32(head_.data() + 8);
  if (version != kWireVersion) {
    refuse(8, "wire version " + std::to_string(version) + " is not the version this build reads (" +
                  std::to_string(kWireVersion) + ")");
  }
  const std::uint32_t record_bytes = load_u32(head_.data() + 12);
  if (record_bytes != kWireEventRecordBytes) {
    refuse(12, "the event record size is " + std::to_string(record_bytes) + " bytes, not " +
                   std::to_string(kWireEventRecordBytes));
  }
}

void WireDecoder::check_frame_header() {
  const std::uint64_t offset = consumed_bytes_;
  const auto raw_type = static_cast<std::uint8_t>(head_[0]);
  if (!is_frame_type(raw_type)) refuse(offset, "unknown frame type " + std::to_string(raw_type));
  const auto type = static_cast<WireFrameType>(raw_type);
  for (std::size_t index = 1; index < 4; ++index) {
    const auto raw = static_cast<std::uint8_t>(head_[index]);
    if (raw != 0) {
      refuse(offset + index, "byte " + std::to_string(index) + " of a frame header must be zero, not " +
                                 std::to_string(raw));
    }
  }
  // Before a byte of the payload is buffered: a hostile length costs nothing.
  const std::uint32_t payload_bytes = load_u32(head_.data() + 4);
  if (payload_bytes > kMaxWireFrameBytes) {
    refuse(offset + 4, "a frame payload of " + std::to_string(payload_bytes) + " bytes is more than the limit of " +
                           std::to_string(kMaxWireFrameBytes));
  }
  if (!hello_seen_ && type != WireFrameType::Hello) {
    refuse(offset, with_article(frame_name(type)) + " frame comes before the hello frame, which must be first");
  }
  if (hello_seen_ && type == WireFrameType::Hello) refuse(offset, "a second hello frame; hello is sent exactly once");
  if (const auto expected = fixed_payload_bytes(type); expected && payload_bytes != *expected) {
    refuse(offset + 4, with_article(frame_name(type)) + " frame's payload is " + std::to_string(*expected) +
                           " bytes, not " + std::to_string(payload_bytes));
  }
  frame_ = FrameHeader{type, payload_bytes};
}

// Each frame is checked whole (its fields, and that they fill the payload exactly; fixed sizes
// were checked from the frame header) before it changes the update or the decoder, so a
// refused frame leaves no trace in what take_update_before_error() returns.
void WireDecoder::decode_payload(std::string_view payload, WireUpdate& update) {
  PayloadReader reader(payload, consumed_bytes_ + kWireFrameHeaderBytes, frame_->type);
  switch (frame_->type) {
    case WireFrameType::Hello: decode_hello(reader, update); break;
    case WireFrameType::Site: decode_site(reader, update); break;
    case WireFrameType::Label: decode_label(reader, update); break;
    case WireFrameType::Events: decode_events(reader, update); break;
    case WireFrameType::Dropped: decode_dropped(reader, update); break;
    case WireFrameType::Listening: {
      WireListening listening;
      listening.ipv4 = reader.u32("address");
      listening.port = reader.u16("port");
      const std::uint64_t padding_offset = reader.offset();
      if (const std::uint16_t padding = reader.u16("padding"); padding != 0) {
        refuse(padding_offset, "the last 2 bytes of a listening frame must be zero, not " + std::to_string(padding));
      }
      update.listening.push_back(listening);
      break;
    }
    case WireFrameType::End:
      update.end_status = static_cast<std::int32_t>(reader.u32("exit status"));
      ended_ = true;
      break;
  }
}

void WireDecoder::decode_hello(PayloadReader& reader, WireUpdate& update) {
  WireHello hello;
  hello.pid = reader.u32("pid");
  hello.runtime = reader.string("runtime");
  hello.program = reader.string("program");
  reader.expect_end();
  update.hello = std::move(hello);
  hello_seen_ = true;
}

void WireDecoder::decode_site(PayloadReader& reader, WireUpdate& update) {
  const std::uint64_t id_offset = reader.offset();
  const std::uint32_t id = reader.u32("site id");
  if (id != site_count_ + 1) {
    refuse(id_offset, "site id " + std::to_string(id) + " is out of order: ids are dense from 1, so the next is " +
                          std::to_string(site_count_ + 1));
  }
  trace::SiteInfo site;
  site.file = reader.string("file");
  site.function = reader.string("function");
  site.line = reader.u32("line");
  reader.expect_end();
  update.new_sites.push_back(std::move(site));
  ++site_count_;
}

void WireDecoder::decode_label(PayloadReader& reader, WireUpdate& update) {
  const std::uint64_t id_offset = reader.offset();
  const std::uint32_t id = reader.u32("label id");
  if (id > kMaxWireLabels) {
    refuse(id_offset, "label id " + std::to_string(id) + " is past the limit of " + std::to_string(kMaxWireLabels) +
                          " labels (an event's aux holds 16 bits)");
  }
  if (id != label_count_ + 1) {
    refuse(id_offset, "label id " + std::to_string(id) + " is out of order: ids are dense from 1, so the next is " +
                          std::to_string(label_count_ + 1));
  }
  std::string text = reader.string("label text");
  reader.expect_end();
  update.new_labels.push_back(std::move(text));
  ++label_count_;
}

void WireDecoder::decode_events(PayloadReader& reader, WireUpdate& update) {
  const std::uint64_t count_offset = reader.offset();
  const std::uint32_t count = reader.u32("event count");
  if (reader.remaining_bytes() != std::uint64_t{count} * kWireEventRecordBytes) {
    refuse(count_offset, "an events frame with " + std::to_string(reader.remaining_bytes() + 4) +
                             " payload bytes cannot hold " + std::to_string(count) +
                             " records: its payload must be exactly 4 + 32 * count bytes");
  }
  // A frame is taken whole or not at all, so what a failed feed keeps ends at a frame boundary.
  const std::size_t first_new = update.events.size();
  try {
    update.events.reserve(first_new + count);  // bounded: the count fits in the payload
    for (std::uint32_t index = 0; index < count; ++index) {
      const std::uint64_t record_offset = reader.offset();
      const char* bytes = reader.take(kWireEventRecordBytes, "event record");
      WireEventRecord event{};
      event.time_ns = load_u64(bytes);
      event.value = load_u64(bytes + 8);
      event.subject = load_u32(bytes + 16);
      event.site = load_u32(bytes + kSiteField);
      event.kind = static_cast<EventKind>(bytes[kKindField]);
      event.detail = static_cast<std::uint8_t>(bytes[kDetailField]);
      event.aux = load_u16(bytes + kAuxField);
      event.reserved = load_u32(bytes + kReservedField);
      check_event(event, record_offset);
      update.events.push_back(event);
    }
  } catch (const WireFormatError&) {
    update.events.resize(first_new);
    throw;
  }
}

void WireDecoder::decode_dropped(PayloadReader& reader, WireUpdate& update) {
  const std::uint64_t total_offset = reader.offset();
  const std::uint64_t total = reader.u64("dropped total");
  if (total < dropped_total_) {
    refuse(total_offset, "the dropped count fell from " + std::to_string(dropped_total_) + " to " +
                             std::to_string(total) + "; it never decreases");
  }
  dropped_total_ = total;
  update.dropped_total = total;
}

void WireDecoder::check_event(const WireEventRecord& event, std::uint64_t record_offset) const {
  const auto raw_kind = static_cast<std::uint8_t>(event.kind);
  if (!is_server_kind(event.kind)) {
    refuse(record_offset + kKindField,
           "event kind " + kind_text(raw_kind) +
               " is not one a server sends: only task (1-7), buffer (10-15), connection (20-23) and loop (30-34) kinds");
  }
  if (const auto detail = detail_enum(event.kind); detail && event.detail > detail->largest) {
    refuse(record_offset + kDetailField, event_text(event.kind) + "'s detail " + std::to_string(event.detail) +
                                             " is not " + std::string(detail->name) + " (0-" +
                                             std::to_string(detail->largest) + ")");
  }
  if (event.kind == EventKind::BufferLimit && event.aux > static_cast<std::uint16_t>(trace::LimitKind::SocketBuffer)) {
    refuse(record_offset + kAuxField, event_text(event.kind) + "'s aux " + std::to_string(event.aux) +
                                          " is not a LimitKind (0-" +
                                          std::to_string(static_cast<std::uint16_t>(trace::LimitKind::SocketBuffer)) +
                                          ")");
  }
  if (event.kind == EventKind::TaskSpawned || event.kind == EventKind::TaskFailed) {
    // A task may have no name (0), but a failure always says what it was.
    if (event.aux == 0 && event.kind == EventKind::TaskFailed) {
      refuse(record_offset + kAuxField, event_text(event.kind) + "'s aux must be the label of its exception, not 0");
    }
    if (event.aux > label_count_) {
      refuse(record_offset + kAuxField, event_text(event.kind) + "'s label " + std::to_string(event.aux) +
                                            " is used before it is defined");
    }
  }
  if (event.site > site_count_) {
    refuse(record_offset + kSiteField, "site " + std::to_string(event.site) + " is used before it is defined");
  }
  if (event.reserved != 0) {
    refuse(record_offset + kReservedField,
           "bytes 28-31 of an event record must be zero, not " + std::to_string(event.reserved));
  }
}

}  // namespace loopscope::wire
