#include "trace_model.hpp"

#include <algorithm>

namespace loopscope::model {

using trace::EventKind;

TraceModel TraceModel::from_log(const trace::TraceLog& log) {
  TraceModel model;
  model.append(log, 0);
  return model;
}

void TraceModel::append(const trace::TraceLog& log, std::size_t first_index) {
  append(log, first_index, log.events.size());
}

void TraceModel::append(const trace::TraceLog& log, std::size_t first_index, std::size_t end_index) {
  const std::size_t end = std::min(end_index, log.events.size());
  for (std::size_t index = first_index; index < end; ++index) on_event(log.events[index], log);
}

void TraceModel::append(const std::vector<trace::TraceEvent>& events, const trace::TraceLog& log) {
  for (const auto& event : events) on_event(event, log);
}

const TaskRecord* TraceModel::task(std::uint32_t id) const {
  const auto found = tasks_.find(id);
  return found == tasks_.end() ? nullptr : &found->second;
}

const ConnectionRecord* TraceModel::connection(std::uint32_t id) const {
  const auto found = connections_.find(id);
  return found == connections_.end() ? nullptr : &found->second;
}

std::vector<const ClientRecord*> TraceModel::clients_in_group(std::string_view group) const {
  std::vector<const ClientRecord*> found;
  for (const auto& [id, client] : clients_) {
    if (client.group == group) found.push_back(&client);
  }
  return found;
}

std::vector<const TaskRecord*> TraceModel::tasks_of_group(std::string_view group) const {
  std::vector<const TaskRecord*> found;
  for (const ClientRecord* client : clients_in_group(group)) {
    if (client->task) {
      if (const TaskRecord* record = task(*client->task)) found.push_back(record);
    }
  }
  return found;
}

void TraceModel::set_task_state(std::uint32_t task_id, std::uint64_t time_ns, TaskState state, trace::SiteId site) {
  TaskRecord& record = tasks_[task_id];
  record.id = task_id;
  if (!record.spans.empty()) {
    StateSpan& open = record.spans.back();
    if (open.end_ns == kOpenEnd) open.end_ns = time_ns;
  }
  record.spans.push_back(StateSpan{time_ns, kOpenEnd, state, site});
}

// A client and the task serving it meet on one port number: the client's local port is the
// server's peer port. Either side may be seen first.
void TraceModel::link_client_and_task(std::uint16_t port) {
  const auto connection = open_connection_by_port_.find(port);
  const auto client = client_by_port_.find(port);
  if (connection == open_connection_by_port_.end() || client == client_by_port_.end()) return;
  clients_[client->second].task = connection->second;
  tasks_[connection->second].client = client->second;
}

void TraceModel::on_event(const trace::TraceEvent& event, const trace::TraceLog& log) {
  const std::uint64_t time_ns = event.time_ns;
  const std::uint32_t subject = event.subject_id;
  if (time_ns > end_ns_) end_ns_ = time_ns;
  switch (event.kind) {
    case EventKind::TaskSpawned: {
      TaskRecord& record = tasks_[subject];
      record.id = subject;
      record.handler = std::string(log.label(event.aux));
      record.runner = event.detail_as<trace::TaskRunner>();
      record.spawned_ns = time_ns;
      set_task_state(subject, time_ns, TaskState::Running, 0);
      break;
    }
    case EventKind::TaskSuspended:
      set_task_state(subject, time_ns, state_for_await(event.detail_as<trace::AwaitKind>()), event.site_id);
      // set_task_state just made or found the record, so this indexes an existing task.
      if (event.detail_as<trace::AwaitKind>() == trace::AwaitKind::WaitClosed) tasks_[subject].awaited_wait_closed = true;
      break;
    case EventKind::TaskResumed: set_task_state(subject, time_ns, TaskState::Running, 0); break;
    case EventKind::TaskFailed: {
      TaskRecord& record = tasks_[subject];
      record.failure = std::string(log.label(event.aux));
      record.failure_site = event.site_id;
      break;
    }
    case EventKind::TaskExited: {
      set_task_state(subject, time_ns, TaskState::Exited, 0);
      TaskRecord& record = tasks_[subject];
      record.exited_ns = time_ns;
      record.exit_reason = event.detail_as<trace::ExitReason>();
      break;
    }
    case EventKind::ConnectionAccepted: {
      ConnectionRecord& record = connections_[subject];
      record.id = subject;
      record.peer_port = event.aux;
      record.accepted_ns = time_ns;
      open_connection_by_port_[event.aux] = subject;
      link_client_and_task(event.aux);
      break;
    }
    case EventKind::ConnectionClosed: {
      ConnectionRecord& record = connections_[subject];
      record.closed_ns = time_ns;
      record.close_reason = event.detail_as<trace::CloseReason>();
      const auto port = open_connection_by_port_.find(record.peer_port);
      if (port != open_connection_by_port_.end() && port->second == subject) open_connection_by_port_.erase(port);
      break;
    }
    case EventKind::BufferLevel: {
      const auto kind = static_cast<std::size_t>(event.detail);
      if (kind < 4) {
        ConnectionRecord& record = connections_[subject];
        record.levels[kind].push_back(CounterSample{time_ns, event.value});
        record.peak_bytes[kind] = std::max(record.peak_bytes[kind], event.value);
      }
      break;
    }
    case EventKind::BufferLimit: {
      ConnectionRecord& record = connections_[subject];
      const auto limit = static_cast<trace::LimitKind>(event.aux);
      const auto buffer = event.detail_as<trace::BufferKind>();
      if (buffer == trace::BufferKind::Writer && limit == trace::LimitKind::HighWater) record.high_water_bytes = event.value;
      if (buffer == trace::BufferKind::Writer && limit == trace::LimitKind::LowWater) record.low_water_bytes = event.value;
      if (limit == trace::LimitKind::LineLimit) record.line_limit_bytes = event.value;
      break;
    }
    case EventKind::DrainStallBegin:
      connections_[subject].drain_stalls.push_back(DrainStall{time_ns, kOpenEnd, event.value, 0});
      break;
    case EventKind::DrainStallEnd: {
      // Several tasks can wait on one connection's drain() at once (a chat broadcast); the
      // end closes the latest stall still open, as the Chrome export does.
      auto& stalls = connections_[subject].drain_stalls;
      for (auto stall = stalls.rbegin(); stall != stalls.rend(); ++stall) {
        if (stall->end_ns == kOpenEnd) {
          stall->end_ns = time_ns;
          stall->end_level_bytes = event.value;
          break;
        }
      }
      break;
    }
    case EventKind::BytesReceived:
      connections_[subject].bytes_received += event.value;
      ++connections_[subject].reads;
      break;
    case EventKind::BytesSent: connections_[subject].bytes_sent += event.value; break;
    case EventKind::StreamError: connections_[subject].errors.push_back(event.detail_as<trace::StreamErrorKind>()); break;
    case EventKind::HandlerInvoked: loop_.busy.push_back(BusySpan{time_ns, time_ns + event.value}); break;
    case EventKind::BlockingCall:
      loop_.blocking_calls.push_back(BlockingCallSpan{time_ns, time_ns + event.value, subject, event.site_id});
      break;
    case EventKind::ProcessGauge:
      if (event.detail < trace::kProcessGaugeCount) {
        process_.gauges[event.detail].push_back(CounterSample{time_ns, event.value});
      }
      break;
    case EventKind::LoopLag: loop_.lag.push_back(CounterSample{time_ns, event.value}); break;
    case EventKind::FreezeBegin: loop_.freezes.push_back(Freeze{time_ns, kOpenEnd, subject, event.site_id}); break;
    case EventKind::FreezeEnd:
      if (!loop_.freezes.empty() && loop_.freezes.back().end_ns == kOpenEnd) {
        loop_.freezes.back().end_ns = time_ns;
      } else {
        loop_.freezes.push_back(Freeze{time_ns > event.value ? time_ns - event.value : 0, time_ns, subject, event.site_id});
      }
      break;
    case EventKind::ClientStarted: {
      ClientRecord& record = clients_[subject];
      record.id = subject;
      record.behaviour = std::string(log.label(event.aux));
      record.group = std::string(log.label(static_cast<std::uint32_t>(event.value)));
      record.started_ns = time_ns;
      break;
    }
    case EventKind::ClientConnected:
      clients_[subject].local_port = event.aux;
      client_by_port_[event.aux] = subject;
      link_client_and_task(event.aux);
      break;
    case EventKind::ClientSent: {
      ClientRecord& client = clients_[subject];
      client.bytes_sent += event.value;
      // A send is stamped before its write completes, so it can arrive a batch late: keep order.
      auto& sends = client.send_times_ns;
      sends.insert(std::upper_bound(sends.begin(), sends.end(), time_ns), time_ns);
      break;
    }
    case EventKind::ClientReceived: clients_[subject].bytes_received += event.value; break;
    case EventKind::ClientReply: clients_[subject].replies.push_back(LatencySample{time_ns, event.value}); break;
    case EventKind::ClientFinished: {
      ClientRecord& record = clients_[subject];
      record.finished_ns = time_ns;
      record.end = event.detail_as<trace::ClientEnd>();
      const auto port = client_by_port_.find(record.local_port);
      if (port != client_by_port_.end() && port->second == subject) client_by_port_.erase(port);
      break;
    }
    case EventKind::EventsDropped:
      dropped_events_ += event.value;
      loop_.drops.push_back(CounterSample{time_ns, event.value});
      break;
    case EventKind::Mark: marks_.push_back(MarkRecord{time_ns, std::string(log.label(static_cast<std::uint32_t>(event.value)))}); break;
    case EventKind::LessonStep:
      lesson_steps_.push_back(
          LessonStepRecord{time_ns, event.subject_id, std::string(log.label(static_cast<std::uint32_t>(event.value)))});
      break;
    case EventKind::LessonHeld:
      if (lesson_holds_.empty() || lesson_holds_.back().end_ns) {
        lesson_holds_.push_back(LessonHoldRecord{time_ns, std::nullopt, event.detail_as<trace::HoldReason>()});
      }
      break;
    case EventKind::LessonResumed:
      if (!lesson_holds_.empty() && !lesson_holds_.back().end_ns) lesson_holds_.back().end_ns = time_ns;
      break;
    case EventKind::LessonPredictionAsked:
      lesson_predictions_.push_back(LessonPredictionRecord{event.subject_id, time_ns, std::nullopt, std::nullopt});
      break;
    case EventKind::LessonPredictionAnswered:
      for (auto asked = lesson_predictions_.rbegin(); asked != lesson_predictions_.rend(); ++asked) {
        if (asked->prediction_index != event.subject_id || asked->answered_ns) continue;
        asked->answered_ns = time_ns;
        if (event.aux != trace::kRevealedUnanswered) asked->choice = event.aux;
        break;
      }
      break;
    case EventKind::AwaitCancelled:
      ++cancelled_awaits_;
      if (const auto task = tasks_.find(subject); task != tasks_.end()) task->second.had_cancelled_await = true;
      break;
    case EventKind::AwaitReady:
      if (const auto task = tasks_.find(subject);
          task != tasks_.end() && event.detail_as<trace::AwaitKind>() == trace::AwaitKind::WaitClosed) {
        task->second.awaited_wait_closed = true;
      }
      break;
    case EventKind::None:
    case EventKind::ConnectionRefused:
      break;
  }
}

}  // namespace loopscope::model
