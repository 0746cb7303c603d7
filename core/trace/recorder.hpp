#pragma once
// Owns one ring per producing thread and merges them, by time, into a TraceLog.
// Producers: call attach_current_thread() once on the thread, keep the Attachment alive
// while the thread records. Consumer: one thread calls drain_into() regularly (each GUI
// frame, or the headless driver's tick).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "event_ring.hpp"
#include "site_table.hpp"
#include "trace_log.hpp"

namespace loopscope::trace {

class Recorder {
 public:
  static constexpr std::size_t kDefaultRingCapacityEvents = 1 << 16;

  explicit Recorder(std::size_t ring_capacity_events = kDefaultRingCapacityEvents);
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;

  // While alive, the hooks on this thread write into the ring named `source_name`.
  class Attachment {
   public:
    Attachment(const Attachment&) = delete;
    Attachment& operator=(const Attachment&) = delete;
    Attachment(Attachment&& other) noexcept;
    Attachment& operator=(Attachment&&) = delete;
    ~Attachment();

   private:
    friend class Recorder;
    Attachment(EventRing* ring, EventRing* previous) : ring_(ring), previous_(previous) {}
    EventRing* ring_;
    EventRing* previous_;
  };
  [[nodiscard]] Attachment attach_current_thread(std::string_view source_name);

  // Label ids go into events' aux field (handler names, marks). Not for hooks: takes a lock.
  std::uint16_t intern_label(std::string_view text);

  // Moves every recorded event into `log`, merged by time; returns how many were moved.
  std::size_t drain_into(TraceLog& log);
  // The events the last drain_into() moved, in time order. Incremental consumers read these
  // rather than the log's tail: a late event (a freeze is stamped when it began) is merged
  // into the log before events it has already seen.
  const std::vector<TraceEvent>& last_batch() const { return batch_; }

  std::uint64_t origin_ticks() const { return origin_ticks_; }
  std::uint64_t ticks_to_trace_ns(std::uint64_t ticks) const;
  std::uint64_t now_ns() const;

 private:
  struct Source {
    std::string name;
    std::unique_ptr<EventRing> ring;
    std::uint64_t dropped_reported = 0;
  };

  std::size_t ring_capacity_events_;
  std::uint64_t origin_ticks_;
  std::uint64_t start_unix_ns_;
  mutable std::mutex mutex_;  // guards sources_ and labels_ (registration, not recording)
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<std::string> labels_;
  SiteTable site_table_;      // consumer-only
  std::vector<TraceEvent> batch_;  // consumer-only scratch
};

}  // namespace loopscope::trace
