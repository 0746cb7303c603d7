#pragma once
// A bounded single-producer / single-consumer ring of RawEvent.
// The producer (the thread that owns the ring) never blocks and never allocates: when the
// ring is full the event is counted in dropped() and discarded. The consumer drains it.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>

#include "raw_event.hpp"

namespace loopscope::trace {

class EventRing {
 public:
  // capacity_events is rounded up to a power of two so the index wraps with a mask.
  explicit EventRing(std::size_t capacity_events);
  EventRing(const EventRing&) = delete;
  EventRing& operator=(const EventRing&) = delete;

  // Producer side. Returns false (and counts a drop) when full.
  bool try_push(const RawEvent& event) noexcept {
    const std::uint64_t head = head_.load(std::memory_order_relaxed);
    if (head - cached_tail_ >= capacity_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head - cached_tail_ >= capacity_) {
        dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        return false;
      }
    }
    slots_[head & mask_] = event;
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer side: hands every available event to sink(const RawEvent&), returns how many.
  template <class Sink>
  std::size_t drain(Sink&& sink) {
    const std::uint64_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint64_t head = head_.load(std::memory_order_acquire);
    for (std::uint64_t index = tail; index != head; ++index) sink(slots_[index & mask_]);
    tail_.store(head, std::memory_order_release);
    return static_cast<std::size_t>(head - tail);
  }

  std::size_t capacity() const { return capacity_; }
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  std::size_t size_approx() const {
    return static_cast<std::size_t>(head_.load(std::memory_order_acquire) -
                                    tail_.load(std::memory_order_acquire));
  }

 private:
  static constexpr std::size_t kCacheLine = 64;
  std::size_t capacity_;
  std::uint64_t mask_;
  // malloc'd, not new[]'d: RawEvent's default constructor would write every slot, making a
  // ring resident in full before it records anything (RawEvent is an implicit-lifetime type,
  // so the slots exist as soon as the storage does).
  struct FreeSlots {
    void operator()(RawEvent* slots) const noexcept;
  };
  std::unique_ptr<RawEvent[], FreeSlots> slots_;
  // Producer-owned line: head and the producer's last view of tail, plus the drop count.
  alignas(kCacheLine) std::atomic<std::uint64_t> head_{0};
  std::uint64_t cached_tail_ = 0;
  std::atomic<std::uint64_t> dropped_{0};
  // Consumer-owned line.
  alignas(kCacheLine) std::atomic<std::uint64_t> tail_{0};
};

}  // namespace loopscope::trace
