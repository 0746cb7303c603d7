#include "event_log_filter.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "viz/timeline/timeline_builder.hpp"

namespace loopscope::viz {

namespace {

using trace::EventKind;

// Kinds whose detail text is a function of (kind, detail byte) alone. These are the frequent
// ones, so the matcher can cache per code; the rest (labels, peers, ports) are rare and are
// matched by formatting their text each time.
bool detail_depends_on_code_only(EventKind kind) {
  switch (kind) {
    case EventKind::TaskSpawned:
    case EventKind::BufferLimit:
    case EventKind::ConnectionAccepted:
    case EventKind::ConnectionRefused:
    case EventKind::ConnectionClosed:
    case EventKind::ClientStarted:
    case EventKind::ClientConnected:
    case EventKind::EventsDropped:
    case EventKind::Mark:
    case EventKind::LessonStep:
    case EventKind::LessonPredictionAsked:
    case EventKind::LessonPredictionAnswered:
    case EventKind::LessonHeld:
    case EventKind::LessonResumed:
      return false;
    default:
      return true;
  }
}

std::string bytes_text(std::uint64_t bytes) {
  std::string text = format_bytes(bytes);
  // The rounded size reads at a glance; the exact count is what a raw log is for.
  if (bytes >= 1024) text += " (" + std::to_string(bytes) + " B)";
  return text;
}

// "127.0.0.1:5000"; an IPv6 peer is recorded as address 0, so only its port is known.
std::string peer_text(const trace::TraceEvent& event) {
  const auto address = static_cast<std::uint32_t>(event.value);
  if (address == 0) return "peer port " + std::to_string(event.aux);
  char text[32];
  std::snprintf(text, sizeof text, "peer %u.%u.%u.%u:%u", address >> 24 & 0xffu, address >> 16 & 0xffu,
                address >> 8 & 0xffu, address & 0xffu, static_cast<unsigned>(event.aux));
  return text;
}

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string lowered(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool contains_ignoring_case(std::string_view haystack, std::string_view lower_needle) {
  if (lower_needle.empty()) return true;
  const auto found = std::search(haystack.begin(), haystack.end(), lower_needle.begin(), lower_needle.end(),
                                 [](char a, char b) { return lower(a) == b; });
  return found != haystack.end();
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// "task 7", "task7", "conn #7", "client 3": a subject word then a number, nothing else.
bool parse_subject_term(std::string_view term, EventSubject& subject, std::uint32_t& id) {
  std::size_t word_end = 0;
  while (word_end < term.size() && std::isalpha(static_cast<unsigned char>(term[word_end]))) ++word_end;
  const std::string_view word = term.substr(0, word_end);
  std::string_view rest = trimmed(term.substr(word_end));
  if (!rest.empty() && rest.front() == '#') rest.remove_prefix(1);
  if (rest.empty() || rest.size() > 9) return false;  // 9 digits always fit in 32 bits
  std::uint32_t number = 0;
  for (const char c : rest) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    number = number * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (word == "task" || word == "conn" || word == "connection") subject = EventSubject::Task;
  else if (word == "client") subject = EventSubject::Client;
  else return false;
  id = number;
  return true;
}

}  // namespace

bool event_is_about_task(const trace::TraceEvent& event, std::uint32_t task) {
  const EventSubject subject = event_subject(event);
  return (subject == EventSubject::Task || subject == EventSubject::Connection) && event.subject_id == task;
}

EventSubject event_subject(const trace::TraceEvent& event) {
  switch (event.kind) {
    case EventKind::TaskSpawned:
    case EventKind::TaskSuspended:
    case EventKind::TaskResumed:
    case EventKind::TaskExited:
    case EventKind::AwaitCancelled:
    case EventKind::AwaitReady:
    case EventKind::TaskFailed:
      return EventSubject::Task;
    case EventKind::FreezeBegin:
    case EventKind::FreezeEnd:
    case EventKind::BlockingCall:
      // Recorded with whatever task was current, which is none in a plain timer or post.
      return event.subject_id == 0 ? EventSubject::Loop : EventSubject::Task;
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
      return EventSubject::Connection;
    case EventKind::HandlerInvoked:
    case EventKind::LoopLag:
    case EventKind::ProcessGauge:
      return EventSubject::Loop;
    case EventKind::ClientStarted:
    case EventKind::ClientConnected:
    case EventKind::ClientSent:
    case EventKind::ClientReceived:
    case EventKind::ClientReply:
    case EventKind::ClientFinished:
      return EventSubject::Client;
    case EventKind::EventsDropped:
      return EventSubject::Recorder;
    case EventKind::Mark:
    case EventKind::LessonStep:
    case EventKind::LessonPredictionAsked:
    case EventKind::LessonPredictionAnswered:
    case EventKind::LessonHeld:
    case EventKind::LessonResumed:
    case EventKind::None:
      return EventSubject::None;
  }
  return EventSubject::None;
}

std::string event_subject_text(const trace::TraceEvent& event) {
  const std::string id = std::to_string(event.subject_id);
  switch (event_subject(event)) {
    case EventSubject::Task: return "task " + id;
    case EventSubject::Connection: return "conn " + id;
    case EventSubject::Client: return "client " + id;
    case EventSubject::Loop: return "loop";
    case EventSubject::Recorder: return "recorder";
    case EventSubject::None: return {};
  }
  return {};
}

std::string event_detail_text(const trace::TraceEvent& event, const trace::TraceLog& log) {
  using trace::AwaitKind;
  using trace::BufferKind;
  const auto await_name = [&] { return std::string(trace::await_kind_name(event.detail_as<AwaitKind>())); };
  switch (event.kind) {
    case EventKind::TaskSpawned: {
      std::string text = "handler " + std::string(log.label(event.aux));
      if (event.value != 0) text += ", parent task " + std::to_string(event.value);
      return text;
    }
    case EventKind::TaskSuspended: return "awaits " + await_name();
    case EventKind::TaskResumed: return "back from " + await_name();
    case EventKind::AwaitCancelled: return await_name() + " cancelled";
    case EventKind::AwaitReady: return await_name() + "() returned at once (nothing to wait for)";
    case EventKind::TaskFailed: return "died of " + std::string(log.label(event.aux));
    case EventKind::TaskExited: return "exit: " + std::string(trace::exit_reason_name(event.detail_as<trace::ExitReason>()));
    case EventKind::BufferLevel:
      return std::string(trace::buffer_kind_name(event.detail_as<BufferKind>())) + " buffer";
    case EventKind::DrainStallBegin: return "drain() waits, writer buffer";
    case EventKind::DrainStallEnd: return "drain() resumes, writer buffer";
    case EventKind::BufferLimit:
      return std::string(trace::buffer_kind_name(event.detail_as<BufferKind>())) + " " +
             std::string(trace::limit_kind_name(static_cast<trace::LimitKind>(event.aux)));
    case EventKind::ConnectionAccepted: return peer_text(event);
    case EventKind::ConnectionRefused: return "over the connection cap, " + peer_text(event);
    case EventKind::ConnectionClosed:
      return std::string(trace::close_reason_name(event.detail_as<trace::CloseReason>())) + ", " + peer_text(event);
    case EventKind::StreamError: return std::string(trace::stream_error_name(event.detail_as<trace::StreamErrorKind>()));
    case EventKind::FreezeBegin: return "loop stuck past the threshold";
    case EventKind::FreezeEnd: return "loop free again";
    case EventKind::BlockingCall: return "blocking call on the loop";
    case EventKind::LoopLag: return "heartbeat late by";
    case EventKind::ProcessGauge:
      return "process " + std::string(trace::process_gauge_name(static_cast<trace::ProcessGauge>(event.detail)));
    case EventKind::ClientStarted:
      return "behaviour " + std::string(log.label(event.aux)) + ", group " +
             std::string(log.label(static_cast<std::uint32_t>(event.value)));
    case EventKind::ClientConnected: return "local port " + std::to_string(event.aux);
    case EventKind::ClientReply: return "request to whole reply";
    case EventKind::ClientFinished: return "end: " + std::string(trace::client_end_name(event.detail_as<trace::ClientEnd>()));
    case EventKind::EventsDropped: {
      const std::string source = event.aux < log.sources.size() ? log.sources[event.aux].name : std::to_string(event.aux);
      return "ring full: " + source;
    }
    case EventKind::Mark: return std::string(log.label(static_cast<std::uint32_t>(event.value)));
    case EventKind::LessonStep:
      return std::string(log.label(static_cast<std::uint32_t>(event.value))) + ": step " +
             std::to_string(event.subject_id + 1);
    case EventKind::LessonPredictionAsked:
      return std::string(log.label(static_cast<std::uint32_t>(event.value))) + ": prediction " +
             std::to_string(event.subject_id + 1) + " asked";
    case EventKind::LessonPredictionAnswered:
      return std::string(log.label(static_cast<std::uint32_t>(event.value))) + ": prediction " +
             std::to_string(event.subject_id + 1) +
             (event.aux == trace::kRevealedUnanswered ? " revealed unanswered"
                                                      : " answered " + std::string(1, static_cast<char>('a' + event.aux)));
    case EventKind::LessonHeld:
      return "clients held (" + std::string(trace::hold_reason_name(event.detail_as<trace::HoldReason>())) + ")";
    case EventKind::LessonResumed: return "clients carry on";
    case EventKind::BytesReceived:
    case EventKind::BytesSent:
    case EventKind::HandlerInvoked:
    case EventKind::ClientSent:
    case EventKind::ClientReceived:
    case EventKind::None:
      return {};
  }
  return {};
}

std::string event_value_text(const trace::TraceEvent& event) {
  switch (event.kind) {
    case EventKind::BufferLevel:
    case EventKind::BufferLimit:
    case EventKind::DrainStallBegin:
    case EventKind::DrainStallEnd:
    case EventKind::BytesReceived:
    case EventKind::BytesSent:
    case EventKind::ClientSent:
    case EventKind::ClientReceived:
      return bytes_text(event.value);
    case EventKind::HandlerInvoked:
    case EventKind::LoopLag:
    case EventKind::FreezeEnd:
    case EventKind::BlockingCall:
    case EventKind::ClientReply:
      return format_duration_ns(event.value);
    case EventKind::StreamError: {
      const auto error = event.detail_as<trace::StreamErrorKind>();
      if (error == trace::StreamErrorKind::SendFailed || error == trace::StreamErrorKind::ReceiveFailed) {
        return "errno " + std::to_string(event.value);
      }
      return bytes_text(event.value);
    }
    case EventKind::EventsDropped: return std::to_string(event.value) + " events";
    case EventKind::ProcessGauge: {
      const auto gauge = static_cast<trace::ProcessGauge>(event.detail);
      if (gauge == trace::ProcessGauge::ResidentBytes || gauge == trace::ProcessGauge::ReservedBytes ||
          gauge == trace::ProcessGauge::KernelStackBytes) {
        return bytes_text(event.value);
      }
      return std::to_string(event.value);
    }
    default: return {};
  }
}

EventDescription describe_event(const trace::TraceEvent& event, const trace::TraceLog& log) {
  char time_text[32];
  std::snprintf(time_text, sizeof time_text, "%.3f", static_cast<double>(event.time_ns) / 1e6);
  return EventDescription{time_text,
                          trace::event_kind_name(event.kind),
                          event_subject_text(event),
                          event_detail_text(event, log),
                          event_value_text(event),
                          log.site_text(event.site_id)};
}

std::string event_line(const trace::TraceEvent& event, const trace::TraceLog& log) {
  const EventDescription description = describe_event(event, log);
  std::string line = description.time_ms + " ms";
  for (const std::string_view column :
       {description.kind, std::string_view(description.subject), std::string_view(description.detail),
        std::string_view(description.value), std::string_view(description.site)}) {
    if (column.empty()) continue;
    line += "  ";
    line += column;
  }
  return line;
}

EventMatcher::EventMatcher(const EventLogQuery& query) : query_(query) {
  std::string_view rest = query.text;
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    std::string_view piece = trimmed(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    Term term;
    if (!piece.empty() && piece.front() == '-') {
      term.exclude = true;
      piece = trimmed(piece.substr(1));
    }
    if (piece.empty()) continue;
    const std::string lower_piece = lowered(piece);
    if (!parse_subject_term(lower_piece, term.subject, term.subject_id)) {
      term.needle = lower_piece;
      term.by_code.assign(256 * 256, -1);
    }
    if (!term.exclude) has_including_term_ = true;
    terms_.push_back(std::move(term));
  }
}

void EventMatcher::forget_sites() {
  for (Term& term : terms_) term.by_site.clear();
}

bool EventMatcher::term_matches(Term& term, const trace::TraceEvent& event, const trace::TraceLog& log) {
  if (term.subject == EventSubject::Task) return event_is_about_task(event, term.subject_id);
  if (term.subject == EventSubject::Client) {
    return event_subject(event) == EventSubject::Client && event.subject_id == term.subject_id;
  }

  const std::size_t code = static_cast<std::size_t>(event.kind) << 8 | event.detail;
  std::int8_t& by_code = term.by_code[code];
  if (by_code < 0) {
    // What only the code decides: the kind's name, and the detail when nothing else shapes it.
    bool found = contains_ignoring_case(trace::event_kind_name(event.kind), term.needle);
    if (!found && detail_depends_on_code_only(event.kind)) {
      found = contains_ignoring_case(event_detail_text(event, log), term.needle);
    }
    by_code = found ? 1 : 0;
  }
  if (by_code == 1) return true;
  if (!detail_depends_on_code_only(event.kind) && contains_ignoring_case(event_detail_text(event, log), term.needle)) {
    return true;
  }

  if (event.site_id == 0) return false;
  if (term.by_site.size() <= event.site_id) term.by_site.resize(std::max<std::size_t>(event.site_id + 1, log.sites.size() + 1), -1);
  std::int8_t& by_site = term.by_site[event.site_id];
  if (by_site < 0) by_site = contains_ignoring_case(log.site_text(event.site_id), term.needle) ? 1 : 0;
  return by_site == 1;
}

bool EventMatcher::matches(const trace::TraceEvent& event, const trace::TraceLog& log) {
  if (query_.task) {
    const bool about_its_client = query_.task_client && event_subject(event) == EventSubject::Client &&
                                  event.subject_id == *query_.task_client;
    if (!about_its_client && !event_is_about_task(event, *query_.task)) return false;
  }
  bool included = !has_including_term_;
  for (Term& term : terms_) {
    if (term.exclude) {
      if (term_matches(term, event, log)) return false;
    } else if (!included && term_matches(term, event, log)) {
      included = true;
    }
  }
  return included;
}

void EventLogIndex::set_query(const EventLogQuery& query) {
  if (query == query_) return;
  query_ = query;
  matcher_ = EventMatcher(query_);
  matches_.clear();
  cursor_.reset();
}

std::size_t events_up_to(const trace::TraceLog& log, std::uint64_t time_ns) {
  const auto before = [](std::uint64_t time, const trace::TraceEvent& event) { return time < event.time_ns; };
  const auto end = std::upper_bound(log.events.begin(), log.events.end(), time_ns, before);
  return static_cast<std::size_t>(end - log.events.begin());
}

void EventLogIndex::update(const trace::TraceLog& log, std::size_t max_events) {
  update_up_to(log, log.events.size(), max_events);
}

void EventLogIndex::update_up_to(const trace::TraceLog& log, std::size_t end_index, std::size_t max_events) {
  end_index = std::min(end_index, log.events.size());
  // Late events merged into what was indexed, or another log: what was derived from the
  // events from resume_index() on no longer holds. Events past end_index are no longer shown.
  const std::size_t begin = std::min(cursor_.resume_index(log), end_index);
  if (begin < cursor_.next_index()) {
    matches_.erase(std::lower_bound(matches_.begin(), matches_.end(), begin), matches_.end());
  }
  if (begin == 0) matcher_.forget_sites();
  const std::size_t end = std::min(end_index, begin + max_events);
  if (matcher_.accepts_everything()) {
    for (std::size_t index = begin; index < end; ++index) matches_.push_back(static_cast<std::uint32_t>(index));
  } else {
    for (std::size_t index = begin; index < end; ++index) {
      if (matcher_.matches(log.events[index], log)) matches_.push_back(static_cast<std::uint32_t>(index));
    }
  }
  cursor_.advance_to(log, end);
}

}  // namespace loopscope::viz
