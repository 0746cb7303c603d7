#pragma once
// The event log panel's headless half: each raw event in words (the columns the panel shows)
// and the index of the events a filter lets through. A live log passes a million events in
// minutes, so the index is extended with each frame's new events and rebuilt only when the
// filter changes, and its matcher caches per kind and per call site what a term matched, so
// a rebuild costs a few integer lookups per event, not string formatting. No ImGui.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace/trace_log.hpp"
#include "viz/panels/log_cursor.hpp"

namespace loopscope::viz {

// Who an event is about. A connection and the task serving it share one number; client
// numbers are separate. Task events recorded outside any task (a freeze in a timer, say)
// are about the loop.
enum class EventSubject : std::uint8_t { None, Loop, Task, Connection, Client, Recorder };
EventSubject event_subject(const trace::TraceEvent& event);
// About the task or about its connection (the same number).
bool event_is_about_task(const trace::TraceEvent& event, std::uint32_t task);

// One event as the log shows it, column by column.
struct EventDescription {
  std::string time_ms;    // "1234.567": ms since the trace began, to the microsecond
  std::string_view kind;  // "task_suspended" (event_kind_name)
  std::string subject;    // "task 7", "conn 7", "client 3", "loop", "recorder"; empty for none
  std::string detail;     // "awaits readline", "writer buffer", "closed: peer_reset, peer ...", ...
  std::string value;      // "48 KiB (49152 B)", "512 ms", "errno 32"; empty when the value means nothing
  std::string site;       // "echo.cpp:14"; empty when the event has no call site
};

EventDescription describe_event(const trace::TraceEvent& event, const trace::TraceLog& log);
std::string event_subject_text(const trace::TraceEvent& event);
std::string event_detail_text(const trace::TraceEvent& event, const trace::TraceLog& log);
std::string event_value_text(const trace::TraceEvent& event);
// The whole description on one line, empty columns left out (copying, tests).
std::string event_line(const trace::TraceEvent& event, const trace::TraceLog& log);

struct EventLogQuery {
  // ImGuiTextFilter's syntax, so the box behaves like every other ImGui filter: terms
  // separated by commas, a leading '-' excludes. An event passes when it matches any
  // including term (or there is none) and no excluding term. "task 7" (also "conn 7",
  // "connection 7") matches events about task / connection 7, "client 3" events about client
  // 3; any other term matches part of the kind, the detail or the site, ignoring case.
  std::string text;
  std::optional<std::uint32_t> task;         // only events about this task and its connection
  std::optional<std::uint32_t> task_client;  // ... and its scripted client, when `task` is set

  bool operator==(const EventLogQuery&) const = default;
};

// A parsed query that remembers, per (kind, detail) and per call site, what each term matched.
class EventMatcher {
 public:
  explicit EventMatcher(const EventLogQuery& query = {});

  bool matches(const trace::TraceEvent& event, const trace::TraceLog& log);
  bool accepts_everything() const { return terms_.empty() && !query_.task; }
  // Site ids mean something else in another session's log.
  void forget_sites();

 private:
  struct Term {
    std::string needle;  // lower case; empty for a subject term
    bool exclude = false;
    EventSubject subject = EventSubject::None;  // Task (also matches Connection) or Client
    std::uint32_t subject_id = 0;
    std::vector<std::int8_t> by_code;  // kind << 8 | detail -> 0 / 1, -1 not looked at yet
    std::vector<std::int8_t> by_site;  // site id -> 0 / 1, -1 not looked at yet
  };

  bool term_matches(Term& term, const trace::TraceEvent& event, const trace::TraceLog& log);

  EventLogQuery query_;
  std::vector<Term> terms_;
  bool has_including_term_ = false;
};

// How many of the log's events happened at or before `time_ns`: a replay shows only those,
// while the log holds the whole file. A binary search, the log being in time order.
std::size_t events_up_to(const trace::TraceLog& log, std::uint64_t time_ns);

// The indices of the events that pass a query, in log order, extended as the log grows.
class EventLogIndex {
 public:
  // Enough that a rebuild over a million events takes a few frames, small enough that no one
  // frame stalls while it does.
  static constexpr std::size_t kDefaultScanBudget = 250'000;

  // Starts the index again (on the next update) if the query differs from the current one.
  void set_query(const EventLogQuery& query);
  const EventLogQuery& query() const { return query_; }

  // Looks at up to `max_events` events not looked at yet. Looks again at the newest ones when
  // a drain merged late events among them, and starts over when the log is no longer the one
  // indexed (LiveSession::take_log(), a new session, another loaded trace).
  void update(const trace::TraceLog& log, std::size_t max_events = kDefaultScanBudget);
  // The same over log.events[0, end_index) only: a replay shows the events up to its replay
  // time. When end_index moves back (scrubbing backwards) the matches past it are dropped;
  // the events before it are the same ones, so they are not looked at again.
  void update_up_to(const trace::TraceLog& log, std::size_t end_index, std::size_t max_events = kDefaultScanBudget);

  // Indices into log.events, ascending. 32 bits: four billion events is far past any session.
  const std::vector<std::uint32_t>& matches() const { return matches_; }
  std::size_t scanned_events() const { return cursor_.next_index(); }
  bool caught_up(const trace::TraceLog& log) const { return caught_up(log.events.size()); }
  bool caught_up(std::size_t end_index) const { return cursor_.next_index() >= end_index; }

 private:
  EventLogQuery query_;
  EventMatcher matcher_;
  LogCursor cursor_;
  std::vector<std::uint32_t> matches_;
};

}  // namespace loopscope::viz
