#include "duration_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>

namespace loopscope::model {

int DurationHistogram::bucket_of(std::uint64_t ns) {
  if (ns <= 1) return 0;
  // The doubling is the position of the top bit; the quarter within it comes from the next
  // two bits below it.
  const int doubling = 63 - std::countl_zero(ns);
  const int quarter = doubling >= 2 ? static_cast<int>((ns >> (doubling - 2)) & 3) : 0;
  return std::min(doubling * kBucketsPerDoubling + quarter, kBucketCount - 1);
}

std::uint64_t DurationHistogram::bucket_lower_ns(int bucket) {
  const int doubling = bucket / kBucketsPerDoubling;
  const int quarter = bucket % kBucketsPerDoubling;
  const std::uint64_t base = std::uint64_t{1} << doubling;
  // Below 4 ns a doubling has no room for quarters: only its first bucket is used, and the
  // others are empty and start where the next doubling does.
  if (doubling < 2) return quarter == 0 ? base : base << 1;
  return base + (base >> 2) * static_cast<std::uint64_t>(quarter);
}

void DurationHistogram::add(std::uint64_t ns) {
  ++buckets_[static_cast<std::size_t>(bucket_of(ns))];
  ++count_;
  total_ns_ += ns;
  min_ns_ = std::min(min_ns_, ns);
  max_ns_ = std::max(max_ns_, ns);
}

void DurationHistogram::merge(const DurationHistogram& other) {
  for (std::size_t bucket = 0; bucket < buckets_.size(); ++bucket) buckets_[bucket] += other.buckets_[bucket];
  count_ += other.count_;
  total_ns_ += other.total_ns_;
  min_ns_ = std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
}

std::uint64_t DurationHistogram::percentile_ns(double p) const {
  if (count_ == 0) return 0;
  // Nearest rank, as model::percentile: the smallest value with at least p% at or below it.
  const double clamped = std::clamp(p, 0.0, 100.0);
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(clamped / 100.0 * static_cast<double>(count_))));
  if (rank >= count_) return max_ns_;  // the top rank is the largest value, known exactly
  std::uint64_t seen = 0;
  for (int bucket = 0; bucket < kBucketCount; ++bucket) {
    seen += buckets_[static_cast<std::size_t>(bucket)];
    if (seen >= rank) {
      const double lower = static_cast<double>(bucket_lower_ns(bucket));
      const double upper = bucket + 1 < kBucketCount ? static_cast<double>(bucket_lower_ns(bucket + 1)) : lower * 1.19;
      const auto middle = static_cast<std::uint64_t>(std::sqrt(lower * upper));
      return std::clamp(middle, min_ns(), max_ns_);
    }
  }
  return max_ns_;
}

std::string format_histogram_line(const DurationHistogram& histogram) {
  if (histogram.count() == 0) return "none";
  return "n " + std::to_string(histogram.count()) + "  p50 " + format_duration(histogram.percentile_ns(50)) + "  p90 " +
         format_duration(histogram.percentile_ns(90)) + "  p99 " + format_duration(histogram.percentile_ns(99)) +
         "  max " + format_duration(histogram.max_ns());
}

}  // namespace loopscope::model
