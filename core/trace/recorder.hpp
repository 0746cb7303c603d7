#pragma once
// Owns one ring per producing thread and merges them, by time, into a TraceLog.
// Producers: call attach_current_thread() once on the thread, keep the Attachment alive
// while the thread records. Consumer: one thread calls drain_into() regularly (each GUI
// frame, or the headless driver's tick). Events recorded by another process (the asyncio
// probe's, decoded from its wire stream) join as a foreign source that the consumer feeds.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "event_ring.hpp"
#include "site_table.hpp"
#include "trace_log.hpp"

namespace loopscope::trace {

class Recorder {
  struct Source;

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
    Attachment(EventRing* ring, EventRing* previous, Recorder* pool_owner = nullptr, Source* pooled_source = nullptr)
        : ring_(ring), previous_(previous), pool_owner_(pool_owner), pooled_source_(pooled_source) {}
    EventRing* ring_;
    EventRing* previous_;
    Recorder* pool_owner_;   // set for a pooled ring: handed back to the pool when this ends
    Source* pooled_source_;
  };
  [[nodiscard]] Attachment attach_current_thread(std::string_view source_name);
  // For short-lived threads in their thousands (a thread per connection): a small ring taken
  // from a pool and handed back when the Attachment ends, so the sources stay as many as the
  // threads alive at once, not as many as ever ran. Its source is named `pool_name` and a
  // number. A ring is handed over between threads under the recorder's lock, so the next
  // producer sees everything the last one did.
  [[nodiscard]] Attachment attach_pooled_thread(std::string_view pool_name, std::size_t ring_capacity_events);

  // Label ids go into events' aux field (handler names, marks). Not for hooks: takes a lock.
  std::uint16_t intern_label(std::string_view text);

  // A source whose events the consumer hands over itself rather than a thread's ring. Its
  // events are already in trace ns, with sites from intern_site() and labels from
  // intern_label(); the next drain_into() merges them like any ring's. Consumer thread only,
  // as are the two below.
  SourceId add_foreign_source(std::string_view source_name);
  SiteId intern_site(const SiteInfo& site);
  void add_foreign_events(SourceId source, std::span<const TraceEvent> events);
  // How many events the other process has had to drop so far (reported as EventsDropped).
  void set_foreign_dropped_total(SourceId source, std::uint64_t dropped_total);

  // Moves every recorded event into `log`, merged by time; returns how many were moved.
  std::size_t drain_into(TraceLog& log);
  // The events the last drain_into() moved, in time order. Incremental consumers read these
  // rather than the log's tail: a late event (a freeze is stamped when it began) is merged
  // into the log before events it has already seen.
  const std::vector<TraceEvent>& last_batch() const { return batch_; }

  std::uint64_t origin_ticks() const { return origin_ticks_.load(std::memory_order_relaxed); }
  // Moves time 0 to now. Only before the first drain_into(): a session whose server starts in
  // another process (the asyncio probe) starts its clock when that server listens, so its
  // trace lines up with a C++ server's (whose time 0 is its start) in a comparison. Events
  // stamped before are clamped to 0.
  void restart_clock();
  std::uint64_t ticks_to_trace_ns(std::uint64_t ticks) const;
  std::uint64_t now_ns() const;

 private:
  struct Source {
    std::string name;
    std::unique_ptr<EventRing> ring;  // null for a foreign source
    std::uint64_t dropped_reported = 0;
    std::vector<TraceEvent> foreign_pending;  // consumer-only
    std::uint64_t foreign_dropped_total = 0;  // consumer-only
    std::vector<RawEvent> held_back;  // consumer-only: stamped after the last drain began
    std::string pool;        // a pooled ring's pool name (empty: a thread's own ring)
    bool pooled_in_use = false;  // guarded by mutex_
  };
  void release_pooled(Source* source);
  // The pooled rings, by pool name (guarded by mutex_): those handed back and free for the next
  // thread, which takes one without scanning every source, and how many the pool has made.
  struct RingPool {
    std::vector<Source*> free;
    std::size_t made = 0;
  };
  std::map<std::string, RingPool, std::less<>> ring_pools_;

  Source& foreign_source(SourceId source);  // throws std::invalid_argument for a ring's id

  std::size_t ring_capacity_events_;
  std::atomic<std::uint64_t> origin_ticks_;  // atomic: restart_clock() may race a reader's now_ns()
  std::uint64_t start_unix_ns_;
  mutable std::mutex mutex_;  // guards sources_ and labels_ (registration, not recording)
  std::vector<std::unique_ptr<Source>> sources_;
  std::vector<std::string> labels_;
  SiteTable site_table_;      // consumer-only
  std::vector<TraceEvent> batch_;  // consumer-only scratch
};

}  // namespace loopscope::trace
