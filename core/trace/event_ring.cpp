#include "event_ring.hpp"

#include <bit>
#include <cstdlib>
#include <new>
#include <stdexcept>

namespace loopscope::trace {

EventRing::EventRing(std::size_t capacity_events)
    : capacity_(std::bit_ceil(capacity_events < 2 ? std::size_t{2} : capacity_events)),
      mask_(capacity_ - 1),
      slots_(static_cast<RawEvent*>(std::malloc(capacity_ * sizeof(RawEvent)))) {
  if (!slots_) throw std::bad_alloc();
}

void EventRing::FreeSlots::operator()(RawEvent* slots) const noexcept { std::free(slots); }

}  // namespace loopscope::trace
