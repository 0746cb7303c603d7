#pragma once
// The client behaviours lessons combine. Each runs one connection to the end and says how it
// ended; errors other than the server closing the connection propagate to the pool.

#include <asio/awaitable.hpp>

#include "core/trace/event_kind.hpp"
#include "scenarios/clients/client_session.hpp"

namespace loopscope::scenarios {

// Request, reply, think; `lines` times (or until stopped when lines is 0).
asio::awaitable<trace::ClientEnd> run_fast(ClientSession& session);
// Sends each line a few bytes at a time with pauses between the pieces, then reads the reply.
asio::awaitable<trace::ClientEnd> run_trickle(ClientSession& session);
// Pipelines all its lines at once, then reads the replies.
asio::awaitable<trace::ClientEnd> run_burst(ClientSession& session);
// Sends its lines, then reads replies at read_bytes_per_second until the server closes.
asio::awaitable<trace::ClientEnd> run_slow_reader(ClientSession& session);
// Sends its lines and stops reading (for `stall`, or until stopped), then reads the rest.
asio::awaitable<trace::ClientEnd> run_stalled_reader(ClientSession& session);
// Connects and sends nothing; waits until the server closes the connection or it is stopped.
asio::awaitable<trace::ClientEnd> run_silent(ClientSession& session);
// Sends a line, waits `abort_after`, then resets the connection.
asio::awaitable<trace::ClientEnd> run_abrupt(ClientSession& session);
// Sends its lines, shuts down its sending side, then reads until the server closes.
asio::awaitable<trace::ClientEnd> run_half_close(ClientSession& session);
// Chats: sends a line every `think`, reading everything the room sends (unless read_replies is off).
asio::awaitable<trace::ClientEnd> run_chat_member(ClientSession& session);

}  // namespace loopscope::scenarios
