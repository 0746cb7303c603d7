#include "wire_trace_feed.hpp"

#include <chrono>

namespace loopscope::scenarios {

namespace {

bool aux_is_label(trace::EventKind kind) {
  return kind == trace::EventKind::TaskSpawned || kind == trace::EventKind::TaskFailed;
}

// trace ns minus CLOCK_MONOTONIC ns, read back to back. Read again for every update: the
// trace clock's tick rate is calibrated once, so a fixed offset would drift from the child's
// clock over a long run, while the drift between two updates is far below a microsecond.
std::int64_t trace_minus_monotonic_ns(const trace::Recorder& recorder) {
  // steady_clock is CLOCK_MONOTONIC on Linux, the clock the probe stamps with.
  const auto monotonic_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
  return static_cast<std::int64_t>(recorder.now_ns()) - static_cast<std::int64_t>(monotonic_ns);
}

}  // namespace

WireTraceFeed::WireTraceFeed(trace::Recorder& recorder, std::string_view source_name)
    : recorder_(recorder), source_(recorder.add_foreign_source(source_name)) {}

void WireTraceFeed::deliver(wire::WireUpdate&& update) {
  if (update.hello && !hello_) hello_ = std::move(update.hello);
  if (!update.listening.empty() && !listening_) listening_ = update.listening.front();
  for (const trace::SiteInfo& site : update.new_sites) site_ids_.push_back(recorder_.intern_site(site));
  for (const std::string& label : update.new_labels) label_ids_.push_back(recorder_.intern_label(label));
  if (update.dropped_total) recorder_.set_foreign_dropped_total(source_, *update.dropped_total);
  if (update.events.empty()) return;

  const std::int64_t offset_ns = trace_minus_monotonic_ns(recorder_);
  scratch_.clear();
  scratch_.reserve(update.events.size());
  for (const wire::WireEventRecord& record : update.events) {
    const std::int64_t time_ns = static_cast<std::int64_t>(record.time_ns) + offset_ns;
    // The decoder has refused any site or label used before its definition; the bounds are
    // checked again so that an update delivered out of order costs a name, not memory.
    const trace::SiteId site = record.site == 0 || record.site > site_ids_.size() ? 0 : site_ids_[record.site - 1];
    std::uint16_t aux = record.aux;
    if (aux_is_label(record.kind)) aux = aux == 0 || aux > label_ids_.size() ? 0 : label_ids_[aux - 1];
    scratch_.push_back(trace::TraceEvent{time_ns < 0 ? 0 : static_cast<std::uint64_t>(time_ns), record.value,
                                         record.subject, site, record.kind, record.detail, aux, source_, 0});
  }
  recorder_.add_foreign_events(source_, scratch_);
}

}  // namespace loopscope::scenarios
