#pragma once
// Asio completion tokens used by the stream code: errors come back as values (as_tuple), so
// each await decides what an error means for the learner-facing API.

#include <asio/awaitable.hpp>
#include <asio/experimental/as_tuple.hpp>
#include <asio/use_awaitable.hpp>

namespace loopscope::loop {

inline constexpr auto use_nothrow_awaitable = asio::experimental::as_tuple(asio::use_awaitable);

}  // namespace loopscope::loop
