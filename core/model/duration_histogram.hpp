#pragma once
// A histogram of durations in logarithmic buckets (four per doubling, so a percentile read
// from it is within 12% of the true value), with the exact count, sum, minimum and maximum.
// Fixed size whatever it is fed: `serve` keeps one per kind for as long as it runs.

#include <array>
#include <cstdint>
#include <string>

#include "core/model/human_units.hpp"  // format_duration, which callers print the percentiles with

namespace loopscope::model {

class DurationHistogram {
 public:
  static constexpr int kBucketsPerDoubling = 4;
  static constexpr int kBucketCount = 44 * kBucketsPerDoubling;  // 1 ns .. 2^44 ns (about 4.9 hours)

  void add(std::uint64_t ns);
  void merge(const DurationHistogram& other);

  std::uint64_t count() const { return count_; }
  std::uint64_t total_ns() const { return total_ns_; }
  std::uint64_t min_ns() const { return count_ == 0 ? 0 : min_ns_; }
  std::uint64_t max_ns() const { return max_ns_; }
  // The p-th percentile (0..100): the geometric middle of the bucket it falls in, kept within
  // [min, max]; 0 when empty.
  std::uint64_t percentile_ns(double p) const;

  std::uint64_t bucket_count(int bucket) const { return buckets_[static_cast<std::size_t>(bucket)]; }
  static int bucket_of(std::uint64_t ns);
  static std::uint64_t bucket_lower_ns(int bucket);  // the smallest duration in the bucket

 private:
  std::array<std::uint64_t, kBucketCount> buckets_{};
  std::uint64_t count_ = 0;
  std::uint64_t total_ns_ = 0;
  std::uint64_t min_ns_ = UINT64_MAX;
  std::uint64_t max_ns_ = 0;
};

// "n 1200  p50 0.4 ms  p90 1.1 ms  p99 3.0 ms  max 12 ms" (or "none" when empty).
std::string format_histogram_line(const DurationHistogram& histogram);

}  // namespace loopscope::model
