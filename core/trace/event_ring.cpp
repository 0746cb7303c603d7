#include "event_ring.hpp"

#include <bit>
#include <stdexcept>

namespace loopscope::trace {

EventRing::EventRing(std::size_t capacity_events)
    : capacity_(std::bit_ceil(capacity_events < 2 ? std::size_t{2} : capacity_events)),
      mask_(capacity_ - 1),
      slots_(new RawEvent[capacity_]) {}

}  // namespace loopscope::trace
