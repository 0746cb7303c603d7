#include "warnings.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "core/model/human_units.hpp"
#include "core/model/model_queries.hpp"

namespace loopscope::model {

namespace {

struct KindText {
  WarningKind kind;
  std::string_view id;
  std::string_view title;
  std::string_view why;
  std::string_view fix;
};

constexpr std::array<KindText, kWarningKindCount> kKindTexts{{
    {WarningKind::SlowCallback, "slow_callback", "Blocking call on the loop",
     "While one callback runs, the loop runs nothing else: every other client waits, however little it asked for.",
     "Await the asyncio form (await asyncio.sleep(), an async client library), or move the call off the loop with "
     "await asyncio.to_thread(...)."},
    {WarningKind::NoAwait, "no_await", "Task ran without yielding",
     "A coroutine gives the loop back only at an await; CPU-heavy work between two awaits freezes every other "
     "connection for as long as it takes.",
     "Run the heavy part in a worker (await asyncio.to_thread(work, ...) or a process pool), or split it and "
     "await asyncio.sleep(0) between the pieces."},
    {WarningKind::WriteWithoutDrain, "write_without_drain", "write() without drain()",
     "write() never waits: a client that reads slowly makes the writer buffer grow without bound, in this "
     "process's memory.",
     "Follow each write() with await writer.drain(): it waits only while the buffer is above its high-water mark."},
    {WarningKind::ConnectionLeaked, "connection_leaked", "Connection never closed",
     "A handler that returns without close() leaves its socket open: the client never sees the end of the stream "
     "and the server keeps a descriptor per forgotten connection.",
     "End every handler with writer.close() then await writer.wait_closed(), in a finally: block so errors close "
     "it too."},
    {WarningKind::CloseNotAwaited, "close_not_awaited", "close() not awaited",
     "close() only starts closing: buffered bytes may still be on their way, and errors while flushing them are "
     "lost if nobody awaits wait_closed().",
     "Follow writer.close() with await writer.wait_closed()."},
    {WarningKind::ReadWithoutDeadline, "read_without_deadline", "Read with no deadline",
     "A readline() with no deadline waits as long as the client likes: an idle or stalled client holds its "
     "connection, its task and its memory forever.",
     "Put a deadline on reads a client controls: await asyncio.wait_for(reader.readline(), timeout) (or "
     "async with asyncio.timeout(...) on 3.11), and close the connection when it expires."},
    {WarningKind::EventsDropped, "events_dropped", "Events dropped",
     "The recorder's rings were full, so some events are missing: the timeline has gaps and counts may be low.",
     "Record fewer connections at once, or raise --ring-capacity-events."},
}};

const KindText& text_of(WarningKind kind) { return kKindTexts[static_cast<std::size_t>(kind)]; }

std::string task_text(const TraceModel& model, std::uint32_t id) {
  const TaskRecord* task = model.task(id);
  if (task == nullptr) return "task " + std::to_string(id);
  return "task " + std::to_string(id) + (task->handler.empty() ? "" : " (" + task->handler + ")");
}

// "the read at upper.cpp:12": what a task waits in, as a learner would point at it.
std::string await_text(const trace::TraceLog& log, const StateSpan& span) {
  std::string what;
  switch (span.state) {
    case TaskState::AwaitingRead: what = "the read"; break;
    case TaskState::AwaitingDrain: what = "writer.drain()"; break;
    case TaskState::AwaitingTimer: what = "the sleep"; break;
    case TaskState::AwaitingWorker: what = "the worker"; break;
    case TaskState::AwaitingClose: what = "writer.wait_closed()"; break;
    default: what = "the await"; break;
  }
  const std::string site = log.site_text(span.site);
  return site.empty() ? what : what + " at " + site;
}


// The running span of some task that overlaps [begin, end) the most, if any.
struct RunningSpan {
  const TaskRecord* task = nullptr;
  std::size_t index = 0;  // into task->spans
};

RunningSpan running_during(const TraceModel& model, std::uint64_t begin_ns, std::uint64_t end_ns) {
  RunningSpan best;
  std::uint64_t best_overlap = 0;
  for (const auto& [id, task] : model.tasks()) {
    if (task.spawned_ns > end_ns || (task.exited_ns && *task.exited_ns < begin_ns)) continue;
    // Spans are in time order: find the first that ends after begin_ns.
    const auto first = std::partition_point(task.spans.begin(), task.spans.end(),
                                            [&](const StateSpan& span) { return span.end_ns <= begin_ns; });
    for (auto span = first; span != task.spans.end() && span->begin_ns < end_ns; ++span) {
      if (span->state != TaskState::Running) continue;
      const std::uint64_t overlap = TimeRange{span->begin_ns, span->end_ns}.overlap_ns(begin_ns, end_ns);
      if (overlap > best_overlap) {
        best_overlap = overlap;
        best = {&task, static_cast<std::size_t>(span - task.spans.begin())};
      }
    }
  }
  return best;
}

class WarningFinder {
 public:
  WarningFinder(const TraceModel& model, const trace::TraceLog& log, const WarningThresholds& thresholds,
                std::uint64_t now_ns)
      : model_(model), log_(log), thresholds_(thresholds), now_ns_(std::max(now_ns, model.end_ns())) {}

  std::vector<Warning> find() {
    find_loop_holders();
    find_writes_without_drain();
    find_close_mistakes();
    find_reads_without_deadline();
    find_drops();
    std::stable_sort(found_.begin(), found_.end(),
                     [](const Warning& a, const Warning& b) { return a.time_ns < b.time_ns; });
    return std::move(found_);
  }

 private:
  void add(WarningKind kind, std::uint64_t time_ns, std::uint64_t duration_ns, std::uint32_t task,
           trace::SiteId site, std::uint64_t value, std::string message) {
    found_.push_back(Warning{kind, time_ns, duration_ns, task, site, value, std::move(message)});
  }

  // A callback that held the loop: a blocking call inside it names the line; otherwise the
  // task that was running then ran without reaching an await. A freeze still in progress
  // (live, before the callback has ended and been recorded) is reported from the watchdog's
  // record, so the warning appears while the loop is stuck.
  void find_loop_holders() {
    const LoopRecord& loop = model_.loop();
    std::uint64_t covered_until_ns = 0;
    for (const BusySpan& busy : loop.busy) {
      const std::uint64_t duration_ns = busy.end_ns - busy.begin_ns;
      if (busy.end_ns <= busy.begin_ns || duration_ns < thresholds_.slow_callback_ns) continue;
      covered_until_ns = std::max(covered_until_ns, busy.end_ns);
      report_loop_holder(busy.begin_ns, busy.end_ns);
    }
    for (const Freeze& freeze : loop.freezes) {
      if (freeze.end_ns != kOpenEnd || freeze.begin_ns < covered_until_ns) continue;
      const std::uint64_t now_ns = now_ns_;
      if (now_ns < freeze.begin_ns + thresholds_.slow_callback_ns) continue;
      std::string message = "the loop has been held for " + format_duration(now_ns - freeze.begin_ns) + " by " +
                            task_text(model_, freeze.task);
      const std::string site = log_.site_text(freeze.site);
      if (!site.empty()) message += ", last seen at " + site;
      add(WarningKind::SlowCallback, freeze.begin_ns, now_ns - freeze.begin_ns, freeze.task, freeze.site, 0,
          message + " (still stuck)");
    }
  }

  void report_loop_holder(std::uint64_t begin_ns, std::uint64_t end_ns) {
    const std::uint64_t duration_ns = end_ns - begin_ns;
    const BlockingCallSpan* call = nullptr;
    std::uint64_t call_overlap = 0;
    for (const BlockingCallSpan& candidate : model_.loop().blocking_calls) {
      if (candidate.begin_ns >= end_ns) break;
      const std::uint64_t overlap = TimeRange{candidate.begin_ns, candidate.end_ns}.overlap_ns(begin_ns, end_ns);
      if (overlap > call_overlap) {
        call_overlap = overlap;
        call = &candidate;
      }
    }
    const RunningSpan running = running_during(model_, begin_ns, end_ns);
    const std::uint32_t task = call != nullptr && call->task != 0 ? call->task
                               : running.task != nullptr     ? running.task->id
                                                             : 0;
    // A blocking call that took most of the callback is what held it.
    if (call != nullptr && call_overlap * 2 >= duration_ns) {
      std::string message = "a blocking call";
      const std::string site = log_.site_text(call->site);
      if (!site.empty()) message += " at " + site;
      message += " held the loop for " + format_duration(call->end_ns - call->begin_ns);
      if (task != 0) message += ", in " + task_text(model_, task);
      add(WarningKind::SlowCallback, begin_ns, duration_ns, task, call->site, 0, message);
      return;
    }
    if (running.task != nullptr) {
      const std::vector<StateSpan>& spans = running.task->spans;
      const StateSpan& span = spans[running.index];
      const std::uint64_t ran_ns = end_or_now(span.end_ns) - span.begin_ns;
      std::string message = task_text(model_, running.task->id) + " ran " + format_duration(std::max(ran_ns, duration_ns)) +
                            " without reaching an await";
      // Between the await it came back from and the one it reached next: the work is there.
      const StateSpan* before = running.index > 0 ? &spans[running.index - 1] : nullptr;
      const StateSpan* after = running.index + 1 < spans.size() && spans[running.index + 1].state != TaskState::Exited
                                   ? &spans[running.index + 1]
                                   : nullptr;
      if (before != nullptr && after != nullptr && after->site != before->site) {
        message += ", between " + await_text(log_, *before) + " and " + await_text(log_, *after);
      } else if (before != nullptr) {
        message += ", after " + await_text(log_, *before);
      } else if (after != nullptr) {
        message += ", before " + await_text(log_, *after);
      }
      const trace::SiteId site = before != nullptr ? before->site : after != nullptr ? after->site : 0;
      add(WarningKind::NoAwait, begin_ns, duration_ns, running.task->id, site, 0, message);
      return;
    }
    add(WarningKind::SlowCallback, begin_ns, duration_ns, 0, 0, 0,
        "one callback held the loop for " + format_duration(duration_ns));
  }

  // The writer buffer passed high water and then grew further, with no drain() stall by its
  // task in between: write() called again and again with nothing to wait for the client.
  void find_writes_without_drain() {
    for (const auto& [id, connection] : model_.connections()) {
      if (connection.high_water_bytes == 0) continue;
      const auto& levels = connection.level(trace::BufferKind::Writer);
      for (std::size_t cross = 0; cross < levels.size(); ++cross) {
        if (levels[cross].value <= connection.high_water_bytes) continue;
        if (cross > 0 && levels[cross - 1].value > connection.high_water_bytes) continue;  // not a crossing
        // Growth counts only while the connection's own task runs: it is that task's write()
        // calls with no drain(). Other tasks writing into it (a chat broadcast) are another
        // pattern, and chat_fair bounds it on purpose.
        const TaskRecord* own_task = model_.task(id);
        const CounterSample* peak = nullptr;
        for (std::size_t later = cross + 1; later < levels.size(); ++later) {
          if (levels[later].value <= connection.high_water_bytes) break;
          if (stall_began_between(connection, levels[cross].time_ns, levels[later].time_ns)) break;
          if (own_task == nullptr || !running_at(*own_task, levels[later].time_ns)) continue;
          if (levels[later].value > levels[cross].value && (peak == nullptr || levels[later].value > peak->value)) {
            peak = &levels[later];
          }
        }
        if (peak == nullptr ||
            static_cast<double>(peak->value) < thresholds_.write_growth_factor * static_cast<double>(connection.high_water_bytes)) {
          continue;
        }
        const TaskRecord* task = model_.task(id);
        trace::SiteId site = 0;
        std::string message = "connection " + std::to_string(id) + "'s writer buffer passed its high-water mark (" +
                              format_bytes(connection.high_water_bytes) + ") and grew to " + format_bytes(peak->value) +
                              " with no drain(): " + task_text(model_, id) + " kept writing";
        if (task != nullptr) {
          const StateSpan* next_wait = first_wait_after(*task, levels[cross].time_ns);
          if (next_wait != nullptr) {
            message += " and went back to " + await_text(log_, *next_wait);
            site = next_wait->site;
          }
        }
        add(WarningKind::WriteWithoutDrain, levels[cross].time_ns, peak->time_ns - levels[cross].time_ns,
            task != nullptr ? id : 0, site, peak->value, message);
        break;  // one per connection is enough to name the mistake
      }
    }
  }

  static bool running_at(const TaskRecord& task, std::uint64_t time_ns) {
    const auto span = std::partition_point(task.spans.begin(), task.spans.end(),
                                           [&](const StateSpan& candidate) { return candidate.end_ns < time_ns; });
    // A level recorded at the very instant the task suspends still belongs to its run.
    for (auto at = span; at != task.spans.end() && at->begin_ns <= time_ns; ++at) {
      if (at->state == TaskState::Running) return true;
    }
    return false;
  }

  static bool stall_began_between(const ConnectionRecord& connection, std::uint64_t from_ns, std::uint64_t to_ns) {
    return std::any_of(connection.drain_stalls.begin(), connection.drain_stalls.end(),
                       [&](const DrainStall& stall) { return stall.begin_ns >= from_ns && stall.begin_ns <= to_ns; });
  }

  static const StateSpan* first_wait_after(const TaskRecord& task, std::uint64_t time_ns) {
    for (const StateSpan& span : task.spans) {
      if (span.begin_ns >= time_ns && span.state != TaskState::Running && span.state != TaskState::Exited) return &span;
    }
    return nullptr;
  }

  void find_close_mistakes() {
    for (const auto& [id, connection] : model_.connections()) {
      if (!connection.close_reason || !connection.closed_ns) continue;
      const TaskRecord* task = model_.task(id);
      if (*connection.close_reason == trace::CloseReason::Leaked) {
        std::string message = task_text(model_, id) + " returned without writer.close()";
        if (task != nullptr && task->exit_reason == trace::ExitReason::PeerEof) message += " after its client had closed";
        add(WarningKind::ConnectionLeaked, *connection.closed_ns, 0, task != nullptr ? id : 0, last_site(task), 0,
            message + "; the server closed connection " + std::to_string(id) + " for it");
        continue;
      }
      // The handler closed it; did it wait for the close before it ended? A task that died or
      // was cancelled never got the chance, which is another story.
      if (*connection.close_reason != trace::CloseReason::Closed || task == nullptr || !task->exited_ns) continue;
      if (task->awaited_wait_closed) continue;
      // A thread's close() on a blocking socket is done when it returns: nothing to await.
      if (task->runner != trace::TaskRunner::LoopCoroutine) continue;
      if (task->exit_reason == trace::ExitReason::Error || task->exit_reason == trace::ExitReason::Cancelled) continue;
      add(WarningKind::CloseNotAwaited, *task->exited_ns, 0, id, last_site(task), 0,
          task_text(model_, id) + " called writer.close() and ended without await writer.wait_closed()");
    }
  }

  static trace::SiteId last_site(const TaskRecord* task) {
    if (task == nullptr) return 0;
    for (auto span = task->spans.rbegin(); span != task->spans.rend(); ++span) {
      if (span->site != 0) return span->site;
    }
    return 0;
  }

  // A task whose longest read wait is far longer than the longest waits of the other tasks of
  // the same handler, and that never had an await cancelled (a handler with a deadline
  // cancels its reads). Longest against longest, so a chat room's quiet listeners, who all
  // wait long, are peers of each other and nobody stands out.
  void find_reads_without_deadline() {
    std::map<std::string, std::vector<const TaskRecord*>> by_handler;
    for (const auto& [id, task] : model_.tasks()) by_handler[task.handler].push_back(&task);
    for (const auto& [handler, tasks] : by_handler) {
      if (tasks.size() < 3) continue;  // too few peers to say what is usual
      std::map<std::uint32_t, const StateSpan*> longest_by_task;
      for (const TaskRecord* task : tasks) {
        for (const StateSpan& span : task->spans) {
          if (span.state != TaskState::AwaitingRead) continue;
          const StateSpan*& longest = longest_by_task[task->id];
          if (longest == nullptr || wait_ns(span) > wait_ns(*longest)) longest = &span;
        }
      }
      for (const TaskRecord* task : tasks) {
        const auto mine = longest_by_task.find(task->id);
        if (task->had_cancelled_await || mine == longest_by_task.end()) continue;
        std::vector<std::uint64_t> peer_longest;
        for (const auto& [other, span] : longest_by_task) {
          if (other != task->id) peer_longest.push_back(wait_ns(*span));
        }
        // The upper quartile, not the median: it stands out only if it waited far longer than
        // three in four of its peers' longest waits (half a chat room may be quiet listeners).
        const auto usual = percentile(peer_longest, 75);
        if (!usual || peer_longest.size() < 2) continue;
        const StateSpan& longest = *mine->second;
        const std::uint64_t waited_ns = wait_ns(longest);
        if (waited_ns < thresholds_.read_wait_min_ns ||
            static_cast<double>(waited_ns) < thresholds_.read_wait_peer_factor * static_cast<double>(*usual)) {
          continue;
        }
        add(WarningKind::ReadWithoutDeadline, longest.begin_ns, waited_ns, task->id, longest.site, *usual,
            task_text(model_, task->id) + " waited " + format_duration(waited_ns) +
                (longest.end_ns == kOpenEnd ? " (and still waits)" : "") + " in " + await_text(log_, longest) +
                ", with no deadline; three in four of the other " + handler + " tasks' longest reads took at most " +
                format_duration(*usual));
      }
    }
  }

  // An open span lasts, so far, until now.
  std::uint64_t end_or_now(std::uint64_t end_ns) const { return end_ns == kOpenEnd ? now_ns_ : end_ns; }
  std::uint64_t wait_ns(const StateSpan& span) const { return end_or_now(span.end_ns) - span.begin_ns; }

  void find_drops() {
    const auto& drops = model_.loop().drops;
    if (drops.empty()) return;
    add(WarningKind::EventsDropped, drops.front().time_ns, 0, 0, 0, model_.dropped_events(),
        std::to_string(model_.dropped_events()) + " events were dropped: the trace has gaps from here on");
  }

  const TraceModel& model_;
  const trace::TraceLog& log_;
  const WarningThresholds& thresholds_;
  const std::uint64_t now_ns_;  // where open spans end
  std::vector<Warning> found_;
};

}  // namespace

std::string_view warning_kind_id(WarningKind kind) { return text_of(kind).id; }
std::string_view warning_title(WarningKind kind) { return text_of(kind).title; }
std::string_view warning_why(WarningKind kind) { return text_of(kind).why; }
std::string_view warning_fix(WarningKind kind) { return text_of(kind).fix; }

std::optional<WarningKind> warning_kind_from_id(std::string_view id) {
  for (const KindText& text : kKindTexts) {
    if (text.id == id) return text.kind;
  }
  return std::nullopt;
}

std::vector<Warning> find_warnings(const TraceModel& model, const trace::TraceLog& log,
                                   const WarningThresholds& thresholds, std::uint64_t now_ns) {
  return WarningFinder(model, log, thresholds, now_ns).find();
}

std::size_t count_warnings(const std::vector<Warning>& warnings, WarningKind kind,
                           const std::vector<const TaskRecord*>* tasks) {
  return static_cast<std::size_t>(std::count_if(warnings.begin(), warnings.end(), [&](const Warning& warning) {
    if (warning.kind != kind) return false;
    if (tasks == nullptr) return true;
    return std::any_of(tasks->begin(), tasks->end(), [&](const TaskRecord* task) { return task->id == warning.task; });
  }));
}

}  // namespace loopscope::model
