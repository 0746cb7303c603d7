#include "event_kind.hpp"

namespace loopscope::trace {

std::string_view event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::None: return "none";
    case EventKind::TaskSpawned: return "task_spawned";
    case EventKind::TaskSuspended: return "task_suspended";
    case EventKind::TaskResumed: return "task_resumed";
    case EventKind::TaskExited: return "task_exited";
    case EventKind::AwaitCancelled: return "await_cancelled";
    case EventKind::TaskFailed: return "task_failed";
    case EventKind::AwaitReady: return "await_ready";
    case EventKind::BufferLevel: return "buffer_level";
    case EventKind::BufferLimit: return "buffer_limit";
    case EventKind::DrainStallBegin: return "drain_stall_begin";
    case EventKind::DrainStallEnd: return "drain_stall_end";
    case EventKind::BytesReceived: return "bytes_received";
    case EventKind::BytesSent: return "bytes_sent";
    case EventKind::ConnectionAccepted: return "connection_accepted";
    case EventKind::ConnectionRefused: return "connection_refused";
    case EventKind::ConnectionClosed: return "connection_closed";
    case EventKind::StreamError: return "stream_error";
    case EventKind::HandlerInvoked: return "handler_invoked";
    case EventKind::LoopLag: return "loop_lag";
    case EventKind::FreezeBegin: return "freeze_begin";
    case EventKind::FreezeEnd: return "freeze_end";
    case EventKind::BlockingCall: return "blocking_call";
    case EventKind::ClientStarted: return "client_started";
    case EventKind::ClientConnected: return "client_connected";
    case EventKind::ClientSent: return "client_sent";
    case EventKind::ClientReceived: return "client_received";
    case EventKind::ClientReply: return "client_reply";
    case EventKind::ClientFinished: return "client_finished";
    case EventKind::EventsDropped: return "events_dropped";
    case EventKind::Mark: return "mark";
    case EventKind::LessonStep: return "lesson_step";
    case EventKind::LessonPredictionAsked: return "lesson_prediction_asked";
    case EventKind::LessonPredictionAnswered: return "lesson_prediction_answered";
    case EventKind::LessonHeld: return "lesson_held";
    case EventKind::LessonResumed: return "lesson_resumed";
    case EventKind::ProcessGauge: return "process_gauge";
  }
  return "unknown";
}

bool is_known_event_kind(std::uint8_t raw) {
  return raw != 0 && event_kind_name(static_cast<EventKind>(raw)) != "unknown";
}

std::string_view await_kind_name(AwaitKind kind) {
  switch (kind) {
    case AwaitKind::None: return "none";
    case AwaitKind::Readline: return "readline";
    case AwaitKind::Read: return "read";
    case AwaitKind::ReadExactly: return "readexactly";
    case AwaitKind::Drain: return "drain";
    case AwaitKind::WaitClosed: return "wait_closed";
    case AwaitKind::Sleep: return "sleep";
    case AwaitKind::Offload: return "offload";
    case AwaitKind::OtherTask: return "other_task";
    case AwaitKind::ReadUntil: return "readuntil";
    case AwaitKind::WaitFor: return "wait_for";
    case AwaitKind::Other: return "other";
    case AwaitKind::Recv: return "recv";
    case AwaitKind::Send: return "send";
    case AwaitKind::PoolQueue: return "pool_queue";
  }
  return "unknown";
}

std::string_view await_kind_call(AwaitKind kind) {
  switch (kind) {
    case AwaitKind::None: return "";
    case AwaitKind::Readline: return "reader.readline()";
    case AwaitKind::Read: return "reader.read(n)";
    case AwaitKind::ReadExactly: return "reader.readexactly(n)";
    case AwaitKind::Drain: return "writer.drain()";
    case AwaitKind::WaitClosed: return "writer.wait_closed()";
    case AwaitKind::Sleep: return "sleep()";
    case AwaitKind::Offload: return "to_thread()";
    case AwaitKind::OtherTask: return "another task";
    case AwaitKind::ReadUntil: return "reader.readuntil(sep)";
    case AwaitKind::WaitFor: return "asyncio.wait_for()";
    case AwaitKind::Other: return "an awaitable";
    case AwaitKind::Recv: return "recv()";
    case AwaitKind::Send: return "send()";
    case AwaitKind::PoolQueue: return "the pool's queue";
  }
  return "unknown";
}

std::string_view exit_reason_name(ExitReason reason) {
  switch (reason) {
    case ExitReason::Returned: return "returned";
    case ExitReason::PeerEof: return "peer_eof";
    case ExitReason::Error: return "error";
    case ExitReason::Cancelled: return "cancelled";
  }
  return "unknown";
}

std::string_view buffer_kind_name(BufferKind kind) {
  switch (kind) {
    case BufferKind::Reader: return "reader";
    case BufferKind::Writer: return "writer";
    case BufferKind::KernelSend: return "kernel_send";
    case BufferKind::KernelReceive: return "kernel_receive";
  }
  return "unknown";
}

std::string_view limit_kind_name(LimitKind kind) {
  switch (kind) {
    case LimitKind::HighWater: return "high_water";
    case LimitKind::LowWater: return "low_water";
    case LimitKind::LineLimit: return "line_limit";
    case LimitKind::SocketBuffer: return "socket_buffer";
  }
  return "unknown";
}

std::string_view close_reason_name(CloseReason reason) {
  switch (reason) {
    case CloseReason::Closed: return "closed";
    case CloseReason::Aborted: return "aborted";
    case CloseReason::PeerReset: return "peer_reset";
    case CloseReason::Error: return "error";
    case CloseReason::Leaked: return "leaked";
  }
  return "unknown";
}

std::string_view client_end_name(ClientEnd end) {
  switch (end) {
    case ClientEnd::Completed: return "completed";
    case ClientEnd::Stopped: return "stopped";
    case ClientEnd::Reset: return "reset";
    case ClientEnd::ServerClosed: return "server_closed";
    case ClientEnd::Failed: return "failed";
  }
  return "unknown";
}

std::string_view process_gauge_name(ProcessGauge gauge) {
  switch (gauge) {
    case ProcessGauge::Threads: return "threads";
    case ProcessGauge::ResidentBytes: return "resident_bytes";
    case ProcessGauge::ReservedBytes: return "reserved_bytes";
    case ProcessGauge::VoluntarySwitches: return "voluntary_switches";
    case ProcessGauge::InvoluntarySwitches: return "involuntary_switches";
    case ProcessGauge::KernelStackBytes: return "kernel_stack_bytes";
  }
  return "unknown";
}

std::string_view stream_error_name(StreamErrorKind kind) {
  switch (kind) {
    case StreamErrorKind::LineTooLong: return "line_too_long";
    case StreamErrorKind::IncompleteRead: return "incomplete_read";
    case StreamErrorKind::SendFailed: return "send_failed";
    case StreamErrorKind::ReceiveFailed: return "receive_failed";
  }
  return "unknown";
}

}  // namespace loopscope::trace

namespace loopscope::trace {

std::optional<EventKind> event_kind_from_name(std::string_view name) {
  for (int raw = 1; raw <= 255; ++raw) {
    const auto kind = static_cast<EventKind>(raw);
    if (is_known_event_kind(static_cast<std::uint8_t>(raw)) && event_kind_name(kind) == name) return kind;
  }
  return std::nullopt;
}

std::string_view hold_reason_name(HoldReason reason) {
  switch (reason) {
    case HoldReason::Prediction: return "prediction";
    case HoldReason::Paused: return "paused";
    case HoldReason::Breakpoint: return "breakpoint";
  }
  return "unknown";
}

}  // namespace loopscope::trace
