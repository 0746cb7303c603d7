#include "chrome_export.hpp"

#include <charconv>
#include <map>
#include <set>
#include <string_view>
#include <vector>

#include "native_format.hpp"

namespace loopscope::trace {

namespace {

// ---- JSON text ----

void append_uint(std::string& out, std::uint64_t value) {
  char digits[24];
  const auto result = std::to_chars(digits, digits + sizeof(digits), value);
  out.append(digits, result.ptr);
}

// ns as a decimal with `fraction_digits` digits after the point, computed in integers so no
// nanosecond is lost to floating point.
void append_scaled(std::string& out, std::uint64_t ns, std::uint64_t ns_per_unit, int fraction_digits) {
  append_uint(out, ns / ns_per_unit);
  out += '.';
  std::uint64_t fraction = ns % ns_per_unit;
  std::string padded(static_cast<std::size_t>(fraction_digits), '0');
  for (int index = fraction_digits - 1; index >= 0; --index) {
    padded[static_cast<std::size_t>(index)] = static_cast<char>('0' + fraction % 10);
    fraction /= 10;
  }
  out += padded;
}

void append_micros(std::string& out, std::uint64_t ns) { append_scaled(out, ns, 1000, 3); }
void append_millis(std::string& out, std::uint64_t ns) { append_scaled(out, ns, 1000000, 6); }

// Length of the valid UTF-8 sequence starting at text[index], or 0 if it is not valid
// (stray continuation byte, overlong form, surrogate, beyond U+10FFFF, cut short).
std::size_t utf8_sequence_length(std::string_view text, std::size_t index) {
  const auto byte = [&](std::size_t at) { return static_cast<unsigned char>(text[at]); };
  const unsigned char lead = byte(index);
  std::size_t length = 0;
  unsigned char min_second = 0x80;
  unsigned char max_second = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) min_second = 0xA0;  // overlong
    if (lead == 0xED) max_second = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) min_second = 0x90;  // overlong
    if (lead == 0xF4) max_second = 0x8F;  // beyond U+10FFFF
  } else {
    return 0;
  }
  if (index + length > text.size()) return 0;
  if (byte(index + 1) < min_second || byte(index + 1) > max_second) return 0;
  for (std::size_t offset = 2; offset < length; ++offset) {
    if ((byte(index + offset) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// Labels and file names come from users and the file system, so they may hold quotes,
// control characters or bytes that are not UTF-8; JSON parsers reject all of those raw.
// Invalid bytes become U+FFFD rather than failing the whole export.
void append_json_string(std::string& out, std::string_view text) {
  constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t index = 0; index < text.size();) {
    const auto byte = static_cast<unsigned char>(text[index]);
    if (byte == '"' || byte == '\\') {
      out += '\\';
      out += static_cast<char>(byte);
      ++index;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
      ++index;
    } else if (byte < 0x80) {
      out += static_cast<char>(byte);
      ++index;
    } else if (const std::size_t length = utf8_sequence_length(text, index); length > 0) {
      out.append(text.substr(index, length));
      index += length;
    } else {
      out += "\\ufffd";
      ++index;
    }
  }
  out += '"';
}

// The "args" object of one trace event, built up field by field.
class JsonArgs {
 public:
  JsonArgs& text(std::string_view key, std::string_view value) {
    begin_field(key);
    append_json_string(body_, value);
    return *this;
  }
  JsonArgs& number(std::string_view key, std::uint64_t value) {
    begin_field(key);
    append_uint(body_, value);
    return *this;
  }
  JsonArgs& millis(std::string_view key, std::uint64_t ns) {
    begin_field(key);
    append_millis(body_, ns);
    return *this;
  }
  JsonArgs& flag(std::string_view key, bool value) {
    begin_field(key);
    body_ += value ? "true" : "false";
    return *this;
  }
  bool empty() const { return body_.empty(); }
  const std::string& body() const { return body_; }

 private:
  void begin_field(std::string_view key) {
    if (!body_.empty()) body_ += ',';
    append_json_string(body_, key);
    body_ += ':';
  }
  std::string body_;
};

// Appends complete trace events, one per line so exported files diff and grep well.
class TraceEventWriter {
 public:
  void slice(std::string_view name, std::uint64_t tid, std::uint64_t start_ns, std::uint64_t end_ns,
             const JsonArgs& args) {
    begin(name, "X", tid, start_ns);
    out_ += ",\"dur\":";
    append_micros(out_, end_ns > start_ns ? end_ns - start_ns : 0);
    finish(args);
  }
  // scope: 't' = this track, 'g' = across the whole timeline.
  void instant(std::string_view name, std::uint64_t tid, std::uint64_t time_ns, char scope,
               const JsonArgs& args) {
    begin(name, "i", tid, time_ns);
    out_ += ",\"s\":\"";
    out_ += scope;
    out_ += '"';
    finish(args);
  }
  void counter(std::string_view name, std::uint64_t time_ns, const JsonArgs& args) {
    begin(name, "C", 0, time_ns);
    finish(args);
  }
  void metadata(std::string_view name, std::uint64_t tid, const JsonArgs& args) {
    separate();
    out_ += "{\"name\":";
    append_json_string(out_, name);
    out_ += ",\"ph\":\"M\",\"pid\":1,\"tid\":";
    append_uint(out_, tid);
    finish(args);
  }
  std::string& text() { return out_; }

 private:
  void separate() {
    if (!out_.empty()) out_ += ",\n";
  }
  void begin(std::string_view name, std::string_view phase, std::uint64_t tid, std::uint64_t time_ns) {
    separate();
    out_ += "{\"name\":";
    append_json_string(out_, name);
    out_ += ",\"ph\":\"";
    out_ += phase;
    out_ += "\",\"pid\":1,\"tid\":";
    append_uint(out_, tid);
    out_ += ",\"ts\":";
    append_micros(out_, time_ns);
  }
  void finish(const JsonArgs& args) {
    if (!args.empty()) {
      out_ += ",\"args\":{";
      out_ += args.body();
      out_ += '}';
    }
    out_ += '}';
  }
  std::string out_;
};

std::string peer_text(std::uint64_t address, std::uint16_t port) {
  std::string text;
  if (address == 0) {
    text = "[IPv6]";  // the hooks record only IPv4 addresses; 0 stands for any IPv6 peer
  } else {
    for (int shift = 24; shift >= 0; shift -= 8) {
      append_uint(text, (address >> shift) & 0xff);
      if (shift > 0) text += '.';
    }
  }
  text += ':';
  append_uint(text, port);
  return text;
}

struct OpenSlice {
  std::string name;
  std::uint64_t start_ns = 0;
  JsonArgs args;
};

struct TaskTrack {
  std::string handler_label;
  bool has_open_slice = false;
  OpenSlice open;
};

struct OpenStall {
  std::uint64_t start_ns = 0;
  std::uint64_t start_level_bytes = 0;
  SiteId site = 0;
};

struct OpenFreeze {
  std::uint64_t start_ns = 0;
  SiteId site = 0;
};

// Walks the time-ordered events once, turning state changes into slices.
class ChromeExporter {
 public:
  explicit ChromeExporter(const TraceLog& log) : log_(log) {}

  std::string run() {
    for (const TraceEvent& event : log_.events) on_event(event);
    close_everything_at(log_.end_ns());
    return assemble();
  }

 private:
  static std::uint64_t stall_tid(std::uint32_t task) { return task + kChromeDrainStallTidOffset; }
  static std::uint64_t client_tid(std::uint32_t client) { return client + kChromeClientTidOffset; }

  TaskTrack& task_track(std::uint32_t task) { return tasks_[task]; }

  void on_event(const TraceEvent& event) {
    const std::uint64_t time_ns = event.time_ns;
    const std::uint32_t subject = event.subject_id;
    switch (event.kind) {
      case EventKind::TaskSpawned: {
        TaskTrack& track = task_track(subject);
        track.handler_label = std::string(log_.label(event.aux));
        switch_state(subject, time_ns, "running", JsonArgs{});
        break;
      }
      case EventKind::TaskSuspended: {
        const auto await_kind = event.detail_as<AwaitKind>();
        switch_state(subject, time_ns, "awaiting " + std::string(await_kind_name(await_kind)),
                     await_args(event));
        break;
      }
      case EventKind::TaskResumed:
        switch_state(subject, time_ns, "running", JsonArgs{});
        break;
      case EventKind::TaskExited:
        end_state(subject, time_ns);
        writer_.instant("exited", subject, time_ns, 't',
                        JsonArgs{}.text("reason", exit_reason_name(event.detail_as<ExitReason>())));
        break;
      case EventKind::AwaitCancelled:
        task_track(subject);
        writer_.instant("cancelled", subject, time_ns, 't', await_args(event));
        break;
      case EventKind::AwaitReady:
        task_track(subject);
        writer_.instant("ready at once", subject, time_ns, 't', await_args(event));
        break;
      case EventKind::TaskFailed:
        task_track(subject);
        writer_.instant("failed", subject, time_ns, 't',
                        JsonArgs{}.text("exception", std::string(log_.label(event.aux))).text("site", log_.site_text(event.site_id)));
        break;
      case EventKind::BufferLevel:
        writer_.counter("conn " + std::to_string(subject) + " " +
                            std::string(buffer_kind_name(event.detail_as<BufferKind>())) + " buffer",
                        time_ns, JsonArgs{}.number("bytes", event.value));
        break;
      case EventKind::BufferLimit:
        writer_.counter("conn " + std::to_string(subject) + " " +
                            std::string(buffer_kind_name(event.detail_as<BufferKind>())) + " " +
                            std::string(limit_kind_name(static_cast<LimitKind>(event.aux))),
                        time_ns, JsonArgs{}.number("bytes", event.value));
        break;
      case EventKind::DrainStallBegin:
        task_track(subject);
        stalls_[subject].push_back(OpenStall{time_ns, event.value, event.site_id});
        break;
      case EventKind::DrainStallEnd:
        on_drain_stall_end(event);
        break;
      case EventKind::ConnectionAccepted:
        task_track(subject);
        writer_.instant("connection accepted", subject, time_ns, 't',
                        JsonArgs{}.text("peer", peer_text(event.value, event.aux)));
        break;
      case EventKind::ConnectionRefused:
        writer_.instant("connection refused", 0, time_ns, 't',
                        JsonArgs{}.number("connection", subject).text("peer", peer_text(event.value, event.aux)));
        break;
      case EventKind::ConnectionClosed:
        task_track(subject);
        writer_.instant("connection closed", subject, time_ns, 't',
                        JsonArgs{}
                            .text("reason", close_reason_name(event.detail_as<CloseReason>()))
                            .text("peer", peer_text(event.value, event.aux)));
        break;
      case EventKind::StreamError:
        task_track(subject);
        writer_.instant("stream error", subject, time_ns, 't',
                        JsonArgs{}
                            .text("kind", stream_error_name(event.detail_as<StreamErrorKind>()))
                            .number("value", event.value));
        break;
      case EventKind::HandlerInvoked:
        writer_.slice("handler", 0, time_ns, time_ns + event.value, JsonArgs{});
        break;
      case EventKind::ProcessGauge:
        // One counter track per gauge ("process threads", "process resident_bytes", ...).
        writer_.counter("process " + std::string(process_gauge_name(static_cast<ProcessGauge>(event.detail))), time_ns,
                        JsonArgs{}.number("value", event.value));
        break;
      case EventKind::BlockingCall:
        writer_.slice("blocking call", 0, time_ns, time_ns + event.value,
                      JsonArgs{}.text("site", log_.site_text(event.site_id)));
        break;
      case EventKind::LoopLag:
        writer_.counter("loop lag", time_ns, JsonArgs{}.millis("lag_ms", event.value));
        break;
      case EventKind::FreezeBegin:
        freezes_[subject] = OpenFreeze{time_ns, event.site_id};
        break;
      case EventKind::FreezeEnd:
        on_freeze_end(event);
        break;
      case EventKind::EventsDropped: {
        const std::string_view source =
            event.aux < log_.sources.size() ? std::string_view(log_.sources[event.aux].name) : "";
        writer_.instant("events dropped", 0, time_ns, 'g',
                        JsonArgs{}.number("count", event.value).text("source", source));
        break;
      }
      case EventKind::Mark: {
        const std::string_view label =
            event.value <= UINT32_MAX ? log_.label(static_cast<std::uint32_t>(event.value)) : "";
        writer_.instant(label.empty() ? "mark" : label, 0, time_ns, 'g', JsonArgs{});
        break;
      }
      case EventKind::LessonStep: {
        const std::string_view lesson =
            event.value <= UINT32_MAX ? log_.label(static_cast<std::uint32_t>(event.value)) : "";
        writer_.instant("lesson step " + std::to_string(event.subject_id + 1), 0, time_ns, 'g',
                        JsonArgs{}.text("lesson", lesson).number("step_index", event.subject_id));
        break;
      }
      case EventKind::LessonPredictionAsked:
      case EventKind::LessonPredictionAnswered:
      case EventKind::LessonHeld:
      case EventKind::LessonResumed:
        on_lesson_wait(event, time_ns);
        break;
      case EventKind::ClientStarted:
        client_names_[subject] = "client " + std::to_string(subject) + " (" + std::string(log_.label(event.aux)) +
                                 ", group " + std::string(log_.label(static_cast<std::uint32_t>(event.value))) + ")";
        writer_.instant("client started", client_tid(subject), time_ns, 't', JsonArgs{});
        break;
      case EventKind::ClientConnected:
        client_names_.try_emplace(subject, "client " + std::to_string(subject));
        writer_.instant("client connected", client_tid(subject), time_ns, 't',
                        JsonArgs{}.number("local_port", event.aux));
        break;
      case EventKind::ClientReply: {
        // The slice spans the request: from the line being sent to its reply being complete.
        const std::uint64_t start_ns = time_ns > event.value ? time_ns - event.value : 0;
        client_names_.try_emplace(subject, "client " + std::to_string(subject));
        writer_.slice("request", client_tid(subject), start_ns, time_ns,
                         JsonArgs{}.millis("latency_ms", event.value));
        break;
      }
      case EventKind::ClientFinished:
        client_names_.try_emplace(subject, "client " + std::to_string(subject));
        writer_.instant("client finished", client_tid(subject), time_ns, 't',
                        JsonArgs{}.text("end", client_end_name(event.detail_as<ClientEnd>())));
        break;
      case EventKind::None:
      case EventKind::BytesReceived:
      case EventKind::BytesSent:
      case EventKind::ClientSent:
      case EventKind::ClientReceived:
        break;
    }
  }

  JsonArgs await_args(const TraceEvent& event) const {
    return JsonArgs{}
        .text("site", log_.site_text(event.site_id))
        .text("call", await_kind_call(event.detail_as<AwaitKind>()));
  }

  void switch_state(std::uint32_t task, std::uint64_t time_ns, std::string name, JsonArgs args) {
    end_state(task, time_ns);
    TaskTrack& track = task_track(task);
    track.has_open_slice = true;
    track.open = OpenSlice{std::move(name), time_ns, std::move(args)};
  }

  void end_state(std::uint32_t task, std::uint64_t time_ns) {
    TaskTrack& track = task_track(task);
    if (!track.has_open_slice) return;
    writer_.slice(track.open.name, task, track.open.start_ns, time_ns, track.open.args);
    track.has_open_slice = false;
  }

  void on_drain_stall_end(const TraceEvent& event) {
    // Several tasks can wait on one connection's drain() (a chat broadcast); they resume
    // together, and matching the latest begin first keeps their slices properly nested.
    const auto found = stalls_.find(event.subject_id);
    used_stall_tracks_.insert(event.subject_id);
    if (found == stalls_.end() || found->second.empty()) {
      // The begin was dropped or happened before recording started; show the end honestly.
      writer_.instant("drain stall end (begin not recorded)", stall_tid(event.subject_id), event.time_ns,
                      't', JsonArgs{}.number("end_level_bytes", event.value));
      return;
    }
    const OpenStall stall = found->second.back();
    found->second.pop_back();
    writer_.slice("drain stall", stall_tid(event.subject_id), stall.start_ns, event.time_ns,
                  JsonArgs{}
                      .text("site", log_.site_text(stall.site))
                      .number("start_level_bytes", stall.start_level_bytes)
                      .number("end_level_bytes", event.value));
  }

  // Instants like lesson steps, so Perfetto shows when the class was asked, answered, and how
  // long the clients were held.
  void on_lesson_wait(const TraceEvent& event, std::uint64_t time_ns) {
    const std::string_view lesson =
        event.value <= UINT32_MAX ? log_.label(static_cast<std::uint32_t>(event.value)) : "";
    JsonArgs args;
    args.text("lesson", lesson);
    std::string name;
    switch (event.kind) {
      case EventKind::LessonPredictionAsked:
        name = "prediction " + std::to_string(event.subject_id + 1) + " asked";
        args.number("prediction_index", event.subject_id);
        break;
      case EventKind::LessonPredictionAnswered:
        name = "prediction " + std::to_string(event.subject_id + 1) +
               (event.aux == kRevealedUnanswered ? " revealed" : " answered");
        args.number("prediction_index", event.subject_id);
        if (event.aux != kRevealedUnanswered) args.number("choice_index", event.aux);
        break;
      case EventKind::LessonHeld:
        name = "lesson held";
        args.text("reason", hold_reason_name(event.detail_as<HoldReason>()));
        break;
      default:
        name = "lesson resumed";
        break;
    }
    writer_.instant(name, 0, time_ns, 'g', args);
  }

  void on_freeze_end(const TraceEvent& event) {
    const auto found = freezes_.find(event.subject_id);
    if (found == freezes_.end()) {
      // No begin recorded: the end still says how long the loop was stuck.
      const std::uint64_t start_ns = event.time_ns > event.value ? event.time_ns - event.value : 0;
      write_freeze(event.subject_id, event.site_id, start_ns, event.time_ns, event.value, false);
      return;
    }
    write_freeze(event.subject_id, found->second.site, found->second.start_ns, event.time_ns,
                 event.value, false);
    freezes_.erase(found);
  }

  void write_freeze(std::uint32_t task, SiteId site, std::uint64_t start_ns, std::uint64_t end_ns,
                    std::uint64_t duration_ns, bool unfinished) {
    JsonArgs args;
    args.number("task", task).text("site", log_.site_text(site)).millis("duration_ms", duration_ns);
    if (unfinished) args.flag("unfinished", true);
    writer_.slice("freeze", 0, start_ns, end_ns, args);
  }

  void close_everything_at(std::uint64_t end_ns) {
    for (auto& [task, track] : tasks_) {
      if (!track.has_open_slice) continue;
      track.open.args.flag("unfinished", true);
      end_state(task, end_ns);
    }
    for (const auto& [connection, open_stalls] : stalls_) {
      for (const OpenStall& stall : open_stalls) {
        used_stall_tracks_.insert(connection);
        writer_.slice("drain stall", stall_tid(connection), stall.start_ns, end_ns,
                      JsonArgs{}
                          .text("site", log_.site_text(stall.site))
                          .number("start_level_bytes", stall.start_level_bytes)
                          .flag("unfinished", true));
      }
    }
    stalls_.clear();
    for (const auto& [task, freeze] : freezes_) {
      const std::uint64_t duration_ns = end_ns > freeze.start_ns ? end_ns - freeze.start_ns : 0;
      write_freeze(task, freeze.site, freeze.start_ns, end_ns, duration_ns, true);
    }
    freezes_.clear();
  }

  // Names every track once, with the labels learned anywhere in the trace; sort indices keep
  // the loop first and each task's drain-stall track right under the task.
  std::string metadata() const {
    TraceEventWriter meta;
    meta.metadata("process_name", 0, JsonArgs{}.text("name", "loopscope server"));
    meta.metadata("thread_name", 0, JsonArgs{}.text("name", "event loop"));
    meta.metadata("thread_sort_index", 0, JsonArgs{}.number("sort_index", 0));
    for (const auto& [task, track] : tasks_) {
      if (task == 0) continue;  // task ids start at 1; never rename the loop's track
      std::string name = "task " + std::to_string(task);
      if (!track.handler_label.empty()) name += " (" + track.handler_label + ")";
      meta.metadata("thread_name", task, JsonArgs{}.text("name", name));
      meta.metadata("thread_sort_index", task, JsonArgs{}.number("sort_index", 2 * std::uint64_t{task}));
    }
    for (const std::uint32_t connection : used_stall_tracks_) {
      meta.metadata("thread_name", stall_tid(connection),
                    JsonArgs{}.text("name", "task " + std::to_string(connection) + " drain stalls"));
      meta.metadata("thread_sort_index", stall_tid(connection),
                    JsonArgs{}.number("sort_index", 2 * std::uint64_t{connection} + 1));
    }
    for (const auto& [client, name] : client_names_) {
      meta.metadata("thread_name", client_tid(client), JsonArgs{}.text("name", name));
      meta.metadata("thread_sort_index", client_tid(client), JsonArgs{}.number("sort_index", client_tid(client)));
    }
    return std::move(meta.text());
  }

  std::string other_data() const {
    std::string out = "{\"schema_version\":";
    append_uint(out, kTraceSchemaVersion);
    out += ",\"start_unix_ns\":";
    append_uint(out, log_.start_unix_ns);
    out += ",\"dropped_events_total\":";
    append_uint(out, log_.dropped_events_total());
    out += ",\"sources\":[";
    for (std::size_t index = 0; index < log_.sources.size(); ++index) {
      if (index > 0) out += ',';
      out += "{\"name\":";
      append_json_string(out, log_.sources[index].name);
      out += ",\"dropped_events\":";
      append_uint(out, log_.sources[index].dropped_events);
      out += '}';
    }
    out += "]}";
    return out;
  }

  std::string assemble() {
    std::string& events = writer_.text();
    const std::string names = metadata();
    std::string out;
    out.reserve(events.size() + names.size() + 256);
    out += "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n";
    out += names;
    if (!events.empty()) {
      out += ",\n";
      out += events;
    }
    out += "\n],\n\"otherData\":";
    out += other_data();
    out += "}\n";
    return out;
  }

  const TraceLog& log_;
  TraceEventWriter writer_;
  std::map<std::uint32_t, TaskTrack> tasks_;
  std::map<std::uint32_t, std::string> client_names_;
  std::map<std::uint32_t, std::vector<OpenStall>> stalls_;  // per connection, latest last
  std::set<std::uint32_t> used_stall_tracks_;
  std::map<std::uint32_t, OpenFreeze> freezes_;
};

}  // namespace

std::string export_chrome_trace_json(const TraceLog& log) { return ChromeExporter(log).run(); }

void save_chrome_trace(const TraceLog& log, const std::filesystem::path& path) {
  replace_file_contents(path, export_chrome_trace_json(log));
}

}  // namespace loopscope::trace
