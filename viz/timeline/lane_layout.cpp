#include "lane_layout.hpp"

#include <algorithm>
#include <map>

#include "core/model/model_queries.hpp"

namespace loopscope::viz {

namespace {

constexpr const char* kUnscriptedGroup = "your connections";

bool buffers_worth_showing(const model::TraceModel& model, std::uint32_t task_id, const LaneOptions& options) {
  if (options.selected_task == task_id) return true;
  const model::ConnectionRecord* connection = model.connection(task_id);
  if (connection == nullptr) return false;
  return connection->peak(trace::BufferKind::Writer) >= options.buffers_shown_from_bytes ||
         connection->peak(trace::BufferKind::Reader) >= options.buffers_shown_from_bytes;
}

}  // namespace

std::string group_key_of(const model::TraceModel& model, const model::TaskRecord& task) {
  if (!task.client) return kUnscriptedGroup;
  const auto found = model.clients().find(*task.client);
  if (found == model.clients().end()) return kUnscriptedGroup;
  const model::ClientRecord& client = found->second;
  if (client.group == client.behaviour || client.behaviour.empty()) return client.group;
  return client.group + " (" + client.behaviour + ")";
}

std::vector<Lane> build_lanes(const model::TraceModel& model, const LaneOptions& options) {
  std::vector<Lane> lanes;
  float top_px = 0;
  auto add = [&](Lane lane, float height_px) {
    lane.top_px = top_px;
    lane.height_px = height_px;
    top_px += height_px + options.gap_px;
    lanes.push_back(std::move(lane));
  };
  add(Lane{LaneKind::Loop, "event loop", "", 0, 0, 0}, options.loop_height_px);
  // Threads against the loop is a question of what the process costs: once a threaded server
  // has served, the process's gauges get a lane. (A loop-only run keeps its lanes where they
  // were; its gauges are in the server panel and in the trace.)
  const bool threaded = std::any_of(model.tasks().begin(), model.tasks().end(), [](const auto& entry) {
    return entry.second.runner != trace::TaskRunner::LoopCoroutine;
  });
  if (threaded && !model.process().gauge(trace::ProcessGauge::Threads).empty()) {
    add(Lane{LaneKind::Process, "process: threads, memory", "", 0, 0, 0}, options.loop_height_px);
  }

  // Groups in the order their first task appeared, tasks in id (spawn) order within a group.
  std::vector<std::string> group_order;
  std::map<std::string, std::vector<const model::TaskRecord*>> tasks_by_group;
  for (const auto& [id, task] : model.tasks()) {
    const std::string key = group_key_of(model, task);
    auto& members = tasks_by_group[key];
    if (members.empty()) group_order.push_back(key);
    members.push_back(&task);
  }
  // A group still running goes above groups whose tasks have all exited, and inside a group
  // with many exited tasks the running ones come first: a learner's new `nc` must not land
  // below fifty finished lanes. Small groups keep spawn order, so lanes do not jump in a lesson.
  const auto running = [](const model::TaskRecord* task) { return !task->exited_ns.has_value(); };
  std::stable_partition(group_order.begin(), group_order.end(), [&](const std::string& key) {
    return std::any_of(tasks_by_group[key].begin(), tasks_by_group[key].end(), running);
  });
  for (auto& [key, members] : tasks_by_group) {
    const auto exited = static_cast<std::size_t>(std::count_if(members.begin(), members.end(), [&](const auto* task) {
      return !running(task);
    }));
    if (exited > kExitedKeptInPlace) std::stable_partition(members.begin(), members.end(), running);
  }
  for (const std::string& key : group_order) {
    const auto& members = tasks_by_group[key];
    const bool collapsed = options.collapsed_groups.count(key) > 0;
    std::string header = key + " · " + std::to_string(members.size()) + (members.size() == 1 ? " task" : " tasks");
    if (collapsed) header += " (collapsed)";
    add(Lane{LaneKind::GroupHeader, header, key, 0, 0, 0}, options.header_height_px);
    if (collapsed) continue;
    for (const model::TaskRecord* task : members) {
      // A thread of a threaded server is named so: its lane is that thread (or, in a pool, the
      // connection that a worker thread serves once one is free).
      const char* noun = task->runner == trace::TaskRunner::OwnThread    ? "thread "
                         : task->runner == trace::TaskRunner::PoolThread ? "pooled "
                                                                         : "task ";
      add(Lane{LaneKind::Task, noun + std::to_string(task->id) + " · " + task->handler, key, task->id, 0, 0},
          options.task_height_px);
      if (buffers_worth_showing(model, task->id, options)) {
        add(Lane{LaneKind::Buffers, "buffers of task " + std::to_string(task->id), key, task->id, 0, 0},
            options.buffers_height_px);
      }
    }
  }
  return lanes;
}

float lanes_height_px(const std::vector<Lane>& lanes) { return lanes.empty() ? 0 : lanes.back().bottom_px(); }

}  // namespace loopscope::viz
