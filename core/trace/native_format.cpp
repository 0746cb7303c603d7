#include "native_format.hpp"

#include "little_endian.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <fstream>
#include <functional>
#include <system_error>
#include <thread>

#include "core/trace/trace_checksum.hpp"

namespace loopscope::trace {

// Events are copied to and from the file as they sit in memory, which is the documented
// little-endian layout only on a little-endian machine. Every platform Loopscope targets is
// one; a big-endian port would have to byte-swap each record field here.
static_assert(std::endian::native == std::endian::little,
              "the native trace format stores TraceEvent records in little-endian memory order");
// The file layout documented in docs/trace-format.md, locked here so a reordered field
// fails to compile instead of silently producing unreadable files.
static_assert(offsetof(TraceEvent, time_ns) == 0);
static_assert(offsetof(TraceEvent, value) == 8);
static_assert(offsetof(TraceEvent, subject_id) == 16);
static_assert(offsetof(TraceEvent, site_id) == 20);
static_assert(offsetof(TraceEvent, kind) == 24);
static_assert(offsetof(TraceEvent, detail) == 25);
static_assert(offsetof(TraceEvent, aux) == 26);
static_assert(offsetof(TraceEvent, source_id) == 28);
static_assert(offsetof(TraceEvent, reserved) == 30);

namespace {

constexpr std::string_view kMagic{"LSTRACE\0", 8};
constexpr std::uint32_t kEventRecordBytes = sizeof(TraceEvent);
constexpr std::size_t kChecksumBytes = 8;
// The smallest encoding of one table entry: what a count is checked against before reserving.
constexpr std::size_t kMinSourceBytes = 4 + 8;       // empty name, dropped count
constexpr std::size_t kMinLabelBytes = 4;            // empty text
constexpr std::size_t kMinSiteBytes = 4 + 4 + 4 + 4; // empty file and function, line, column


std::string hex(std::uint64_t value) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string text = "0x";
  for (int shift = 60; shift >= 0; shift -= 4) text += kDigits[(value >> shift) & 0xf];
  return text;
}

// ---- writing ----


void append_string(std::string& out, std::string_view text, std::string_view what) {
  if (text.size() > kMaxNativeStringBytes) {
    throw std::runtime_error("cannot encode trace: " + std::string(what) + " is " +
                             std::to_string(text.size()) + " bytes, the native format allows " +
                             std::to_string(kMaxNativeStringBytes));
  }
  append_u32_le(out, static_cast<std::uint32_t>(text.size()));
  out.append(text);
}

std::uint32_t table_count(std::size_t size, std::string_view table) {
  if (size > UINT32_MAX) {
    throw std::runtime_error("cannot encode trace: the " + std::string(table) + " table has " +
                             std::to_string(size) + " entries, more than the format can count");
  }
  return static_cast<std::uint32_t>(size);
}

// ---- reading ----

// Reads fields in order; every read is bounds-checked and failures name the field.
class ByteReader {
 public:
  ByteReader(std::string_view bytes, std::string_view origin) : bytes_(bytes), origin_(origin) {}

  [[noreturn]] void fail(const std::string& problem) const {
    throw TraceFormatError(std::string(origin_) + ": " + problem);
  }

  std::size_t offset() const { return offset_; }
  std::size_t remaining() const { return bytes_.size() - offset_; }

  std::string_view take(std::size_t count, std::string_view what) {
    if (count > remaining()) {
      fail("truncated at byte offset " + std::to_string(bytes_.size()) + " while reading " +
           std::string(what) + " (" + std::to_string(count) + " bytes needed from offset " +
           std::to_string(offset_) + ")");
    }
    const std::string_view field = bytes_.substr(offset_, count);
    offset_ += count;
    return field;
  }

  std::uint32_t u32(std::string_view what) {
    const std::string_view field = take(4, what);
    std::uint32_t value = 0;
    for (int index = 3; index >= 0; --index) {
      value = (value << 8) | static_cast<unsigned char>(field[static_cast<std::size_t>(index)]);
    }
    return value;
  }

  std::uint64_t u64(std::string_view what) {
    const std::string_view field = take(8, what);
    std::uint64_t value = 0;
    for (int index = 7; index >= 0; --index) {
      value = (value << 8) | static_cast<unsigned char>(field[static_cast<std::size_t>(index)]);
    }
    return value;
  }

  std::string string(const std::string& what) {
    const std::uint32_t length = u32("the length of " + what);
    if (length > kMaxNativeStringBytes) {
      fail("string length too large: " + what + " claims " + std::to_string(length) +
           " bytes at offset " + std::to_string(offset_ - 4) + ", the limit is " +
           std::to_string(kMaxNativeStringBytes));
    }
    return std::string(take(length, what));
  }

  // A count read from the file must fit in what remains before anything is reserved for it.
  void check_count(std::uint64_t count, std::size_t min_entry_bytes, std::size_t reserved_tail_bytes,
                   std::string_view what) const {
    const std::size_t usable = remaining() > reserved_tail_bytes ? remaining() - reserved_tail_bytes : 0;
    if (count > usable / min_entry_bytes) {
      fail(std::string(what) + " count " + std::to_string(count) +
           " is larger than the file could hold (" + std::to_string(remaining()) +
           " bytes remain after offset " + std::to_string(offset_) + ")");
    }
  }

 private:
  std::string_view bytes_;
  std::string_view origin_;
  std::size_t offset_ = 0;
};

void read_header(ByteReader& reader, std::string_view bytes, TraceLog& log) {
  const std::size_t magic_bytes = std::min(bytes.size(), kMagic.size());
  if (bytes.substr(0, magic_bytes) != kMagic.substr(0, magic_bytes)) {
    reader.fail("not a Loopscope trace (the file does not start with \"LSTRACE\\0\")");
  }
  reader.take(kMagic.size(), "the magic bytes");
  const std::uint32_t version = reader.u32("the schema version");
  if (version != kTraceSchemaVersion) {
    reader.fail("unsupported version " + std::to_string(version) + " (this build reads " +
                std::to_string(kTraceSchemaVersion) + ")");
  }
  const std::uint32_t record_bytes = reader.u32("the event record size");
  if (record_bytes != kEventRecordBytes) {
    reader.fail("wrong event record size: the file says " + std::to_string(record_bytes) +
                " bytes, this build reads " + std::to_string(kEventRecordBytes));
  }
  log.start_unix_ns = reader.u64("the start time");
}

void read_tables(ByteReader& reader, TraceLog& log) {
  const std::uint32_t source_count = reader.u32("the source count");
  reader.check_count(source_count, kMinSourceBytes, 0, "source");
  log.sources.reserve(source_count);
  for (std::uint32_t index = 0; index < source_count; ++index) {
    const std::string number = std::to_string(index);
    SourceInfo source;
    source.name = reader.string("the name of source " + number);
    source.dropped_events = reader.u64("the dropped count of source " + number);
    log.sources.push_back(std::move(source));
  }

  const std::uint32_t label_count = reader.u32("the label count");
  reader.check_count(label_count, kMinLabelBytes, 0, "label");
  log.labels.reserve(label_count);
  for (std::uint32_t index = 0; index < label_count; ++index) {
    log.labels.push_back(reader.string("label " + std::to_string(index)));
  }

  const std::uint32_t site_count = reader.u32("the site count");
  reader.check_count(site_count, kMinSiteBytes, 0, "site");
  log.sites.reserve(site_count);
  for (std::uint32_t index = 0; index < site_count; ++index) {
    const std::string number = std::to_string(index + 1);  // as a SiteId, which is what users see
    SiteInfo site;
    site.file = reader.string("the file of site " + number);
    site.function = reader.string("the function of site " + number);
    site.line = reader.u32("the line of site " + number);
    site.column = reader.u32("the column of site " + number);
    log.sites.push_back(std::move(site));
  }
}

void read_events(ByteReader& reader, TraceLog& log) {
  const std::uint64_t event_count = reader.u64("the event count");
  reader.check_count(event_count, kEventRecordBytes, kChecksumBytes, "event");
  const auto count = static_cast<std::size_t>(event_count);
  const std::string_view records = reader.take(count * kEventRecordBytes, "the events");
  log.events.resize(count);
  if (count > 0) std::memcpy(log.events.data(), records.data(), records.size());
}

void read_checksum(ByteReader& reader, std::string_view bytes) {
  const std::size_t covered_bytes = reader.offset();
  const std::uint64_t stored = reader.u64("the checksum");
  if (reader.remaining() != 0) {
    reader.fail(std::to_string(reader.remaining()) + " unexpected bytes after the checksum at offset " +
                std::to_string(reader.offset()));
  }
  const std::uint64_t computed = fnv1a_64(bytes.substr(0, covered_bytes));
  if (stored != computed) {
    reader.fail("checksum mismatch: the file stores " + hex(stored) + " but its contents hash to " +
                hex(computed) + "; the file is damaged");
  }
}

// The checksum proves the bytes are what some writer wrote; this proves they make sense, so
// the model and the exporters can index tables without checking again.
void validate_events(const ByteReader& reader, const TraceLog& log) {
  for (std::size_t index = 0; index < log.events.size(); ++index) {
    const TraceEvent& event = log.events[index];
    const auto raw_kind = static_cast<std::uint8_t>(event.kind);
    const std::string number = std::to_string(index);
    if (!is_known_event_kind(raw_kind)) {
      reader.fail("event " + number + " has unknown kind " + std::to_string(raw_kind));
    }
    if (event.site_id > log.sites.size()) {
      reader.fail("event " + number + " refers to site " + std::to_string(event.site_id) +
                  " but the trace has only " + std::to_string(log.sites.size()) + " sites");
    }
    if (event.source_id >= log.sources.size()) {
      reader.fail("event " + number + " has source id " + std::to_string(event.source_id) +
                  ", out of range: the trace has only " + std::to_string(log.sources.size()) +
                  " sources");
    }
    if (index > 0 && event.time_ns < log.events[index - 1].time_ns) {
      reader.fail("events not ordered by time at index " + number + " (" +
                  std::to_string(event.time_ns) + " ns follows " +
                  std::to_string(log.events[index - 1].time_ns) + " ns)");
    }
  }
}

std::string describe_errno(int error_number) {
  return std::generic_category().message(error_number);
}

std::string temporary_name_suffix() {
  // Unique enough that two saves racing on the same target never share a temp file.
  static std::atomic<std::uint64_t> counter{0};
  const auto now = static_cast<std::uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  const std::uint64_t mixed = now ^ (std::hash<std::thread::id>{}(std::this_thread::get_id()) << 1) ^
                              (counter.fetch_add(1) * 0x9e3779b97f4a7c15ull);
  return ".tmp-" + hex(mixed).substr(2);
}

}  // namespace

std::string encode_native_trace(const TraceLog& log) {
  std::string out;
  out.reserve(64 + log.events.size() * kEventRecordBytes);
  out.append(kMagic);
  append_u32_le(out, kTraceSchemaVersion);
  append_u32_le(out, kEventRecordBytes);
  append_u64_le(out, log.start_unix_ns);

  append_u32_le(out, table_count(log.sources.size(), "source"));
  for (std::size_t index = 0; index < log.sources.size(); ++index) {
    append_string(out, log.sources[index].name, "the name of source " + std::to_string(index));
    append_u64_le(out, log.sources[index].dropped_events);
  }
  append_u32_le(out, table_count(log.labels.size(), "label"));
  for (std::size_t index = 0; index < log.labels.size(); ++index) {
    append_string(out, log.labels[index], "label " + std::to_string(index));
  }
  append_u32_le(out, table_count(log.sites.size(), "site"));
  for (std::size_t index = 0; index < log.sites.size(); ++index) {
    const SiteInfo& site = log.sites[index];
    append_string(out, site.file, "the file of site " + std::to_string(index + 1));
    append_string(out, site.function, "the function of site " + std::to_string(index + 1));
    append_u32_le(out, site.line);
    append_u32_le(out, site.column);
  }

  append_u64_le(out, log.events.size());
  const std::size_t records_offset = out.size();
  out.resize(records_offset + log.events.size() * kEventRecordBytes);
  if (!log.events.empty()) {
    std::memcpy(out.data() + records_offset, log.events.data(), log.events.size() * kEventRecordBytes);
  }
  append_u64_le(out, fnv1a_64(out));
  return out;
}

TraceLog decode_native_trace(std::string_view bytes, std::string_view origin_name) {
  ByteReader reader(bytes, origin_name);
  TraceLog log;
  read_header(reader, bytes, log);
  read_tables(reader, log);
  read_events(reader, log);
  read_checksum(reader, bytes);
  validate_events(reader, log);
  return log;
}

void replace_file_contents(const std::filesystem::path& path, std::string_view bytes) {
  std::filesystem::path temporary = path;
  temporary += temporary_name_suffix();
  const auto give_up = [&](const std::string& problem) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw std::runtime_error("cannot write " + path.string() + ": " + problem);
  };

  errno = 0;
  std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
  if (!out) {
    give_up("cannot create the temporary file " + temporary.string() + " (" +
            describe_errno(errno != 0 ? errno : EIO) + ")");
  }
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) give_up("writing " + temporary.string() + " failed (" + describe_errno(errno != 0 ? errno : EIO) + ")");

  // rename() replaces the target in one step, so readers see the old file or the new one.
  std::error_code error;
  std::filesystem::rename(temporary, path, error);
  if (error) give_up("cannot rename " + temporary.string() + " into place (" + error.message() + ")");
}

void save_native_trace(const TraceLog& log, const std::filesystem::path& path) {
  replace_file_contents(path, encode_native_trace(log));
}

TraceLog load_native_trace(const std::filesystem::path& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw std::runtime_error("cannot read trace file " + path.string() + ": it is a directory");
  }
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read trace file " + path.string() + ": " +
                             describe_errno(errno != 0 ? errno : ENOENT));
  }
  // Read in chunks rather than trusting a size query, so pipes and growing files work too;
  // the memory used is bounded by the file's actual length.
  std::string bytes;
  constexpr std::size_t kChunkBytes = 1 << 16;
  std::string chunk(kChunkBytes, '\0');
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    bytes.append(chunk.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    throw std::runtime_error("cannot read trace file " + path.string() + ": read error");
  }
  return decode_native_trace(bytes, path.string());
}

}  // namespace loopscope::trace
