#pragma once
// The vocabulary of a trace: what happened (EventKind) and the small enums that qualify it.
// Values are stored in trace files, so existing numbers never change; new ones are appended
// and kTraceSchemaVersion is bumped when the meaning of a field changes.

#include <cstdint>
#include <optional>
#include <string_view>

namespace loopscope::trace {

inline constexpr std::uint32_t kTraceSchemaVersion = 1;

enum class EventKind : std::uint8_t {
  None = 0,
  // Tasks (subject = task id).
  TaskSpawned = 1,       // value = parent task id (0 = none), aux = label id of the handler name,
                         // detail = TaskRunner (what runs it: the loop, or a thread)
  TaskSuspended = 2,     // site = the await, detail = AwaitKind
  TaskResumed = 3,       // site = the await it returns from, detail = AwaitKind
  TaskExited = 4,        // detail = ExitReason
  AwaitCancelled = 5,    // site = the await that was cancelled, detail = AwaitKind
  // The handler died of an exception (right before its TaskExited with reason error): aux =
  // label id of "Type: message", site = where it was raised (the await it came out of, or the
  // last one it came back from), value = how many handlers have failed on this server so far.
  TaskFailed = 6,
  // An await that did not suspend because its result was already there (wait_closed() on a
  // connection that is already closed): site = the await, detail = AwaitKind. Without it a
  // task that called wait_closed() and one that never did would look the same.
  AwaitReady = 7,
  // Buffers (subject = connection id).
  BufferLevel = 10,      // detail = BufferKind, value = bytes
  BufferLimit = 11,      // detail = BufferKind, aux = LimitKind, value = bytes
  DrainStallBegin = 12,  // site = the drain() call, value = writer buffer bytes
  DrainStallEnd = 13,    // site = the drain() call, value = writer buffer bytes
  BytesReceived = 14,    // value = bytes read from the socket by one read
  BytesSent = 15,        // value = bytes accepted by the kernel in one write
  // Connections (subject = connection id; task id of its handler is the same number).
  ConnectionAccepted = 20,  // value = peer IPv4 address in host byte order (0 for IPv6), aux = peer port
  ConnectionRefused = 21,   // same as accepted; the connection cap was reached
  ConnectionClosed = 22,    // detail = CloseReason, value / aux = the peer, as for accepted
  StreamError = 23,         // detail = StreamErrorKind, value = errno-style code or bytes
  // The loop.
  HandlerInvoked = 30,   // time = start, value = duration ns (one Asio completion handler)
  LoopLag = 31,          // value = how late the heartbeat timer fired, ns
  FreezeBegin = 32,      // time = when the stuck handler started, subject = task, site = last resume site
  FreezeEnd = 33,        // value = freeze duration ns, subject = task, site = last resume site
  BlockingCall = 34,     // time = start, value = duration ns, site = the blocking call (on the loop)
  // Scripted clients (subject = client id, numbered apart from tasks). They run on their own
  // thread and io_context, so their view of the server sits on the same time axis.
  ClientStarted = 50,    // aux = label id of the behaviour, value = label id of the client's group
  ClientConnected = 51,  // aux = the client's local port: the server's peer port for this client
  ClientSent = 52,       // value = bytes handed to the kernel
  ClientReceived = 53,   // value = bytes read
  ClientReply = 54,      // value = ns from sending a request line to reading its whole reply
  ClientFinished = 55,   // detail = ClientEnd
  // Recording itself.
  EventsDropped = 40,    // value = events a ring could not take, aux = source index
  Mark = 41,             // value = label id: a note placed by a driver (lesson step, user mark)
  // A lesson step fired (subject = step index, 0-based; value = label id of the lesson's id), so a
  // replay of the run can narrate it: the step's text comes from the lesson, its time from here.
  LessonStep = 42,
  // A live lesson waiting for its class (value = label id of the lesson's id in all four). The
  // question comes first, so the order in the trace is: asked, held, answered, resumed, step.
  LessonPredictionAsked = 43,     // subject = prediction index (0-based)
  LessonPredictionAnswered = 44,  // subject = prediction index, aux = choice index, or kRevealedUnanswered
  LessonHeld = 45,                // detail = HoldReason: the scripted clients stand still from here
  LessonResumed = 46,             // the clients carry on from here
  // The whole server process, sampled while it runs (subject = 0, detail = ProcessGauge,
  // value = the reading): what threads cost against coroutines, measured rather than quoted.
  ProcessGauge = 60,
};

// What runs a task: a coroutine on the event loop (every trace before the threaded servers),
// or a thread with blocking I/O, of its own or from a pool.
enum class TaskRunner : std::uint8_t {
  LoopCoroutine = 0,
  OwnThread = 1,   // the thread-per-connection server
  PoolThread = 2,  // the bounded pool: a worker thread, once one is free
};

enum class ProcessGauge : std::uint8_t {
  Threads = 0,              // threads in the process
  ResidentBytes = 1,        // memory in RAM (VmRSS)
  ReservedBytes = 2,        // address space reserved (VmSize): a thread's whole stack counts here
  VoluntarySwitches = 3,    // context switches because a thread blocked (all threads, so far)
  InvoluntarySwitches = 4,  // context switches because the kernel preempted a thread (so far)
  // The kernel's own stacks, one per thread of every process (/proc/meminfo KernelStack): not
  // this process's alone, but on a quiet machine its change is what this process's threads cost.
  KernelStackBytes = 5,
};
inline constexpr int kProcessGaugeCount = 6;

// LessonPredictionAnswered's aux when the presenter revealed the answer before anyone chose.
inline constexpr std::uint16_t kRevealedUnanswered = 0xffff;

enum class HoldReason : std::uint8_t {
  Prediction = 0,  // a step waits for the answers to the predictions it reveals
  Paused = 1,      // the presenter paused
  Breakpoint = 2,  // a lesson breakpoint paused it
};

enum class AwaitKind : std::uint8_t {
  None = 0,
  Readline = 1,
  Read = 2,
  ReadExactly = 3,
  Drain = 4,
  WaitClosed = 5,
  Sleep = 6,
  Offload = 7,
  OtherTask = 8,
  // Added for the CPython asyncio probe, whose learners call these directly.
  ReadUntil = 9,   // reader.readuntil(separator)
  WaitFor = 10,    // asyncio.wait_for(...) when what it waits on is not one of the kinds above
  Other = 11,      // any other awaitable (a future, a queue, an event, ...)
  // Added for the thread-per-connection server, whose threads block in the kernel instead.
  Recv = 12,       // a thread blocked in recv(): no bytes from its client yet
  Send = 13,       // a thread blocked in send(): the kernel's send buffer is full (backpressure)
  PoolQueue = 14,  // a connection waiting in the pool's queue for a free worker thread
};

enum class ExitReason : std::uint8_t {
  Returned = 0,
  PeerEof = 1,
  Error = 2,
  Cancelled = 3,
};

enum class BufferKind : std::uint8_t {
  Reader = 0,        // bytes received but not yet consumed by the handler
  Writer = 1,        // bytes written by the handler but not yet taken by the kernel
  KernelSend = 2,    // SIOCOUTQ: bytes in the kernel's send queue, not yet acknowledged
  KernelReceive = 3, // SIOCINQ: bytes in the kernel's receive queue, not yet read
};

enum class LimitKind : std::uint16_t {
  HighWater = 0,
  LowWater = 1,
  LineLimit = 2,
  SocketBuffer = 3,  // SO_SNDBUF / SO_RCVBUF as the kernel reports it
};

enum class CloseReason : std::uint8_t {
  Closed = 0,      // the handler closed it (writer.close())
  Aborted = 1,     // writer.abort() or server shutdown after the grace period
  PeerReset = 2,   // the peer reset the connection
  Error = 3,       // any other socket error
  Leaked = 4,      // the handler returned without closing; the server closed it for it
};

enum class ClientEnd : std::uint8_t {
  Completed = 0,   // did everything its behaviour asked for
  Stopped = 1,     // stopped from outside (a lesson step, the end of a run)
  Reset = 2,       // reset the connection on purpose (abrupt)
  ServerClosed = 3,  // the server closed the connection first
  Failed = 4,      // could not connect, or an unexpected socket error
};

enum class StreamErrorKind : std::uint8_t {
  LineTooLong = 0,     // value = bytes buffered without a newline
  IncompleteRead = 1,  // value = bytes that did arrive before EOF
  SendFailed = 2,      // value = errno
  ReceiveFailed = 3,   // value = errno
};

// Kinds whose value is a duration. Producers record it in TraceClock ticks (no arithmetic on
// the hot path); Recorder::drain_into converts it to ns, so a TraceLog always holds ns.
constexpr bool value_is_duration(EventKind kind) {
  return kind == EventKind::HandlerInvoked || kind == EventKind::BlockingCall || kind == EventKind::FreezeEnd ||
         kind == EventKind::ClientReply;
}

std::string_view event_kind_name(EventKind kind);
std::string_view await_kind_name(AwaitKind kind);
std::string_view await_kind_call(AwaitKind kind);  // the call as a learner writes it
std::string_view exit_reason_name(ExitReason reason);
std::string_view buffer_kind_name(BufferKind kind);
std::string_view limit_kind_name(LimitKind kind);
std::string_view close_reason_name(CloseReason reason);
std::string_view stream_error_name(StreamErrorKind kind);
std::string_view client_end_name(ClientEnd end);
std::string_view hold_reason_name(HoldReason reason);
std::string_view process_gauge_name(ProcessGauge gauge);  // "threads", "resident_bytes", ...

bool is_known_event_kind(std::uint8_t raw);
// The kind event_kind_name() calls `name`, if any.
std::optional<EventKind> event_kind_from_name(std::string_view name);

}  // namespace loopscope::trace
