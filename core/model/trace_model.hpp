#pragma once
// The headless model of a trace: what the timeline draws and what lesson checks measure, so
// what is asserted is what is shown. Built incrementally from a growing TraceLog (live) or at
// once from a loaded one (replay).

#include <cstdint>
#include <map>
#include <string_view>
#include <vector>

#include "core/model/trace_records.hpp"
#include "core/trace/trace_log.hpp"

namespace loopscope::model {

class TraceModel {
 public:
  static TraceModel from_log(const trace::TraceLog& log);

  // Takes in log.events[first_index, end): call with the previous size after each drain.
  void append(const trace::TraceLog& log, std::size_t first_index);
  // Takes in log.events[first_index, end_index) only: a replay stops part-way through a log.
  void append(const trace::TraceLog& log, std::size_t first_index, std::size_t end_index);
  // Takes in newly drained events (Recorder::last_batch()); `log` supplies labels.
  void append(const std::vector<trace::TraceEvent>& events, const trace::TraceLog& log);

  const std::map<std::uint32_t, TaskRecord>& tasks() const { return tasks_; }
  const std::map<std::uint32_t, ConnectionRecord>& connections() const { return connections_; }
  const std::map<std::uint32_t, ClientRecord>& clients() const { return clients_; }
  const LoopRecord& loop() const { return loop_; }
  const ProcessRecord& process() const { return process_; }
  const std::vector<MarkRecord>& marks() const { return marks_; }
  const std::vector<LessonStepRecord>& lesson_steps() const { return lesson_steps_; }
  const std::vector<LessonHoldRecord>& lesson_holds() const { return lesson_holds_; }
  const std::vector<LessonPredictionRecord>& lesson_predictions() const { return lesson_predictions_; }
  std::uint64_t end_ns() const { return end_ns_; }
  std::uint64_t dropped_events() const { return dropped_events_; }
  std::uint64_t cancelled_awaits() const { return cancelled_awaits_; }

  const TaskRecord* task(std::uint32_t id) const;
  const ConnectionRecord* connection(std::uint32_t id) const;
  std::vector<const ClientRecord*> clients_in_group(std::string_view group) const;
  // Tasks serving the clients of a group.
  std::vector<const TaskRecord*> tasks_of_group(std::string_view group) const;

 private:
  void on_event(const trace::TraceEvent& event, const trace::TraceLog& log);
  void set_task_state(std::uint32_t task, std::uint64_t time_ns, TaskState state, trace::SiteId site);
  void link_client_and_task(std::uint16_t port);

  std::map<std::uint32_t, TaskRecord> tasks_;
  std::map<std::uint32_t, ConnectionRecord> connections_;
  std::map<std::uint32_t, ClientRecord> clients_;
  std::map<std::uint16_t, std::uint32_t> open_connection_by_port_;
  std::map<std::uint16_t, std::uint32_t> client_by_port_;
  LoopRecord loop_;
  ProcessRecord process_;
  std::vector<MarkRecord> marks_;
  std::vector<LessonStepRecord> lesson_steps_;
  std::vector<LessonHoldRecord> lesson_holds_;
  std::vector<LessonPredictionRecord> lesson_predictions_;
  std::uint64_t end_ns_ = 0;
  std::uint64_t dropped_events_ = 0;
  std::uint64_t cancelled_awaits_ = 0;
};

}  // namespace loopscope::model
