#include "trace_histograms.hpp"

#include <set>

namespace loopscope::model {

TraceHistograms histograms_of(const TraceModel& model, std::string_view group) {
  TraceHistograms histograms;
  for (const BusySpan& busy : model.loop().busy) {
    if (busy.end_ns >= busy.begin_ns) histograms.callbacks.add(busy.end_ns - busy.begin_ns);
  }
  std::vector<const TaskRecord*> tasks;
  std::vector<const ClientRecord*> clients;
  if (group.empty()) {
    for (const auto& [id, task] : model.tasks()) tasks.push_back(&task);
    for (const auto& [id, client] : model.clients()) clients.push_back(&client);
  } else {
    tasks = model.tasks_of_group(group);
    clients = model.clients_in_group(group);
  }
  const auto end_of = [&](std::uint64_t end_ns) { return end_ns == kOpenEnd ? model.end_ns() : end_ns; };
  for (const TaskRecord* task : tasks) {
    for (const StateSpan& span : task->spans) {
      if (span.state == TaskState::AwaitingRead && end_of(span.end_ns) >= span.begin_ns) {
        histograms.read_waits.add(end_of(span.end_ns) - span.begin_ns);
      }
    }
    if (const ConnectionRecord* connection = model.connection(task->id)) {
      for (const DrainStall& stall : connection->drain_stalls) {
        if (end_of(stall.end_ns) >= stall.begin_ns) histograms.drain_stalls.add(end_of(stall.end_ns) - stall.begin_ns);
      }
    }
  }
  for (const ClientRecord* client : clients) {
    for (const LatencySample& reply : client->replies) histograms.round_trips.add(reply.latency_ns);
  }
  return histograms;
}

std::vector<std::string> client_groups(const TraceModel& model) {
  std::set<std::string> groups;
  for (const auto& [id, client] : model.clients()) {
    if (!client.group.empty()) groups.insert(client.group);
  }
  return {groups.begin(), groups.end()};
}

}  // namespace loopscope::model
