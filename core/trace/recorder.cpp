#include "recorder.hpp"

#include <algorithm>
#include <iterator>
#include <chrono>
#include <stdexcept>
#include <string>

#include "hook.hpp"
#include "trace_clock.hpp"

namespace loopscope::trace {

Recorder::Recorder(std::size_t ring_capacity_events)
    : ring_capacity_events_(ring_capacity_events),
      origin_ticks_((TraceClock::calibrated(), TraceClock::now_ticks())),
      start_unix_ns_(static_cast<std::uint64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(
              std::chrono::system_clock::now().time_since_epoch())
              .count())) {
  labels_.emplace_back("");  // label 0 means "none"
}

Recorder::Attachment::Attachment(Attachment&& other) noexcept
    : ring_(other.ring_), previous_(other.previous_), pool_owner_(other.pool_owner_),
      pooled_source_(other.pooled_source_) {
  other.ring_ = nullptr;
  other.pool_owner_ = nullptr;
}

Recorder::Attachment::~Attachment() {
  if (ring_ != nullptr && tls_ring == ring_) tls_ring = previous_;
  if (pool_owner_ != nullptr) pool_owner_->release_pooled(pooled_source_);
}

Recorder::Attachment Recorder::attach_pooled_thread(std::string_view pool_name, std::size_t ring_capacity_events) {
  Source* chosen = nullptr;
  {
    std::lock_guard lock(mutex_);
    RingPool& pool = ring_pools_[std::string(pool_name)];
    // A free ring too small for this thread stays free (for a thread that asks for less).
    for (auto free = pool.free.rbegin(); free != pool.free.rend(); ++free) {
      if ((*free)->ring->capacity() < ring_capacity_events) continue;
      chosen = *free;
      pool.free.erase(std::next(free).base());
      break;
    }
    if (chosen == nullptr) {
      auto source = std::make_unique<Source>();
      source->name = std::string(pool_name) + " " + std::to_string(++pool.made);
      source->pool = std::string(pool_name);
      source->ring = std::make_unique<EventRing>(ring_capacity_events);
      chosen = source.get();
      sources_.push_back(std::move(source));
    }
    chosen->pooled_in_use = true;
  }
  EventRing* previous = tls_ring;
  tls_ring = chosen->ring.get();
  return Attachment(chosen->ring.get(), previous, this, chosen);
}

void Recorder::release_pooled(Source* source) {
  std::lock_guard lock(mutex_);
  source->pooled_in_use = false;
  ring_pools_[source->pool].free.push_back(source);
}

Recorder::Attachment Recorder::attach_current_thread(std::string_view source_name) {
  auto source = std::make_unique<Source>();
  source->name = std::string(source_name);
  source->ring = std::make_unique<EventRing>(ring_capacity_events_);
  EventRing* ring = source->ring.get();
  {
    std::lock_guard lock(mutex_);
    sources_.push_back(std::move(source));
  }
  EventRing* previous = tls_ring;
  tls_ring = ring;
  return Attachment(ring, previous);
}

std::uint16_t Recorder::intern_label(std::string_view text) {
  std::lock_guard lock(mutex_);
  for (std::size_t index = 0; index < labels_.size(); ++index) {
    if (labels_[index] == text) return static_cast<std::uint16_t>(index);
  }
  if (labels_.size() >= UINT16_MAX) return 0;
  labels_.emplace_back(text);
  return static_cast<std::uint16_t>(labels_.size() - 1);
}

std::uint64_t Recorder::ticks_to_trace_ns(std::uint64_t ticks) const {
  const std::uint64_t origin = origin_ticks_.load(std::memory_order_relaxed);
  return ticks <= origin ? 0 : TraceClock::calibrated().ticks_to_ns(ticks - origin);
}

void Recorder::restart_clock() {
  origin_ticks_.store(TraceClock::now_ticks(), std::memory_order_relaxed);
  start_unix_ns_ = static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

std::uint64_t Recorder::now_ns() const { return ticks_to_trace_ns(TraceClock::now_ticks()); }

SourceId Recorder::add_foreign_source(std::string_view source_name) {
  auto source = std::make_unique<Source>();
  source->name = std::string(source_name);
  std::lock_guard lock(mutex_);
  sources_.push_back(std::move(source));
  return static_cast<SourceId>(sources_.size() - 1);
}

Recorder::Source& Recorder::foreign_source(SourceId source) {
  std::lock_guard lock(mutex_);
  if (source >= sources_.size() || sources_[source]->ring != nullptr) {
    throw std::invalid_argument("source " + std::to_string(source) + " is not a foreign source");
  }
  return *sources_[source];
}

SiteId Recorder::intern_site(const SiteInfo& site) { return site_table_.intern(site); }

void Recorder::add_foreign_events(SourceId source, std::span<const TraceEvent> events) {
  Source& foreign = foreign_source(source);
  for (TraceEvent event : events) {
    event.source_id = source;
    foreign.foreign_pending.push_back(event);
  }
}

void Recorder::set_foreign_dropped_total(SourceId source, std::uint64_t dropped_total) {
  Source& foreign = foreign_source(source);
  foreign.foreign_dropped_total = std::max(foreign.foreign_dropped_total, dropped_total);
}

std::size_t Recorder::drain_into(TraceLog& log) {
  std::vector<Source*> sources;
  {
    std::lock_guard lock(mutex_);
    for (auto& source : sources_) sources.push_back(source.get());
    if (log.labels.size() < labels_.size()) {
      log.labels.assign(labels_.begin(), labels_.end());
    }
  }
  log.start_unix_ns = start_unix_ns_;
  batch_.clear();
  // Rings are emptied one after another, so an event recorded on one thread while an earlier
  // ring was being emptied could overtake an earlier event of another thread that will only be
  // read next time (a threaded server's accept thread and a connection's own thread both write
  // a connection's events). Events stamped after this moment wait for the next drain: every
  // batch then holds everything up to one instant, and batches follow each other in time.
  const std::uint64_t horizon_ticks = TraceClock::now_ticks();
  const std::uint64_t drained_at_ns = ticks_to_trace_ns(horizon_ticks);
  const TraceClock& clock = TraceClock::calibrated();
  const auto take = [&](const RawEvent& raw, SourceId source_id) {
    const std::uint64_t value = value_is_duration(raw.kind) ? clock.ticks_to_ns(raw.value) : raw.value;
    batch_.push_back(TraceEvent{ticks_to_trace_ns(raw.time_ticks), value, raw.subject_id,
                                site_table_.intern(raw.site), raw.kind, raw.detail, raw.aux, source_id, 0});
  };
  for (std::size_t index = 0; index < sources.size(); ++index) {
    Source& source = *sources[index];
    const auto source_id = static_cast<SourceId>(index);
    if (log.sources.size() <= index) log.sources.push_back(SourceInfo{source.name, 0});
    if (source.ring == nullptr) {
      batch_.insert(batch_.end(), source.foreign_pending.begin(), source.foreign_pending.end());
      source.foreign_pending.clear();
    } else {
      std::vector<RawEvent> still_recent;
      for (const RawEvent& raw : source.held_back) {
        if (raw.time_ticks <= horizon_ticks) take(raw, source_id);
        else still_recent.push_back(raw);
      }
      source.held_back = std::move(still_recent);
      source.ring->drain([&](const RawEvent& raw) {
        if (raw.time_ticks <= horizon_ticks) take(raw, source_id);
        else source.held_back.push_back(raw);
      });
    }
    // Drops are reported as events too, so a timeline can show where recording had gaps.
    const std::uint64_t dropped = source.ring == nullptr ? source.foreign_dropped_total : source.ring->dropped();
    if (dropped > source.dropped_reported) {
      batch_.push_back(TraceEvent{drained_at_ns, dropped - source.dropped_reported, 0, 0,
                                  EventKind::EventsDropped, 0, source_id, source_id, 0});
      source.dropped_reported = dropped;
      log.sources[index].dropped_events = dropped;
    }
  }
  const auto& sites = site_table_.sites();
  if (log.sites.size() < sites.size()) {
    log.sites.insert(log.sites.end(), sites.begin() + static_cast<std::ptrdiff_t>(log.sites.size()),
                     sites.end());
  }
  if (batch_.empty()) return 0;

  const auto by_time = [](const TraceEvent& a, const TraceEvent& b) { return a.time_ns < b.time_ns; };
  std::stable_sort(batch_.begin(), batch_.end(), by_time);
  // A producer may publish an event stamped slightly before events already merged (it read
  // the clock, then we drained the others); merge the overlap instead of appending blindly.
  const auto old_size = static_cast<std::ptrdiff_t>(log.events.size());
  log.events.insert(log.events.end(), batch_.begin(), batch_.end());
  const auto old_end = log.events.begin() + old_size;
  if (old_size > 0 && batch_.front().time_ns < (old_end - 1)->time_ns) {
    const auto overlap_begin = std::upper_bound(log.events.begin(), old_end, batch_.front(), by_time);
    std::inplace_merge(overlap_begin, old_end, log.events.end(), by_time);
  }
  return batch_.size();
}

}  // namespace loopscope::trace
