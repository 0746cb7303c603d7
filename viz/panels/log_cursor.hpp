#pragma once
// How far a reader (a panel, the event log's filter) has got through a live TraceLog, and
// where it must pick up again. The log is not simply append-only:
//  - Recorder::drain_into merges late events (stamped before events already merged) into the
//    newest part of the log, so the last events read may have moved;
//  - LiveSession::take_log() empties the log in place, and a new session puts a new log
//    (possibly at the same address) in front of the same panel.
// Comparing sizes would miss all three, so the cursor remembers a few events it read
// (checkpoints) and where they were; the newest checkpoint still in place says how much of
// what was read is still valid. No ImGui, so it is tested headless.

#include <cstddef>
#include <deque>

#include "core/trace/trace_log.hpp"

namespace loopscope::viz {

class LogCursor {
 public:
  // The first index the reader has to (re)read: next_index() when the log only grew, less
  // when a drain merged late events into what was read (the reader drops what it derived from
  // events at or after this index), 0 when the log is not the one read any more.
  std::size_t resume_index(const trace::TraceLog& log) const {
    if (log_ != &log) return 0;
    for (auto checkpoint = checkpoints_.rbegin(); checkpoint != checkpoints_.rend(); ++checkpoint) {
      // A merge shifts every event after the first one it inserts, so a checkpoint whose event
      // is still at its index has nothing inserted before it.
      if (checkpoint->index < log.events.size() && same_event(log.events[checkpoint->index], checkpoint->event)) {
        return checkpoint->index + 1;
      }
    }
    return 0;
  }

  // The first event not read yet.
  std::size_t next_index() const { return next_index_; }

  // Records that events [0, end_index) of `log` have been read (after a rewind, end_index may
  // be below next_index()).
  void advance_to(const trace::TraceLog& log, std::size_t end_index) {
    if (log_ != &log) checkpoints_.clear();
    log_ = &log;
    while (!checkpoints_.empty() && checkpoints_.back().index >= end_index) checkpoints_.pop_back();
    next_index_ = end_index;
    if (end_index == 0) return;
    const Checkpoint newest{end_index - 1, log.events[end_index - 1]};
    if (!checkpoints_.empty() && checkpoints_.back().index == newest.index) {
      checkpoints_.back() = newest;  // nothing new was read
      return;
    }
    checkpoints_.push_back(newest);
    if (checkpoints_.size() > kCheckpoints) checkpoints_.pop_front();
  }

  void reset() { *this = LogCursor{}; }

 private:
  // One per advance; late events arrive within a drain or two, so the last few frames' worth
  // of checkpoints is plenty, and when none survives the reader simply starts over.
  static constexpr std::size_t kCheckpoints = 32;

  struct Checkpoint {
    std::size_t index = 0;
    trace::TraceEvent event{};
  };

  static bool same_event(const trace::TraceEvent& a, const trace::TraceEvent& b) {
    return a.time_ns == b.time_ns && a.value == b.value && a.subject_id == b.subject_id && a.site_id == b.site_id &&
           a.kind == b.kind && a.detail == b.detail && a.aux == b.aux && a.source_id == b.source_id;
  }

  const trace::TraceLog* log_ = nullptr;
  std::size_t next_index_ = 0;
  std::deque<Checkpoint> checkpoints_;
};

}  // namespace loopscope::viz
