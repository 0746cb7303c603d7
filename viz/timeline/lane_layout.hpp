#pragma once
// The rows of the timeline: the loop lane on top, then one group per client behaviour with a
// lane per task, each task optionally followed by a counter lane for its connection's buffers.
// Pure layout (heights and offsets in pixels from the top of the canvas), no ImGui.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/model/trace_model.hpp"

namespace loopscope::viz {

// Process: the server process's own gauges (threads, resident memory), when the trace has them.
enum class LaneKind : std::uint8_t { Loop, GroupHeader, Task, Buffers, Process };

struct Lane {
  LaneKind kind = LaneKind::Task;
  std::string label;          // "task 7 · slow_reader", "slow (slow_reader) · 3 tasks"
  std::string group;          // the group key this lane belongs to
  std::uint32_t task_id = 0;  // Task and Buffers lanes (the connection id is the same number)
  float top_px = 0;
  float height_px = 0;
  float bottom_px() const { return top_px + height_px; }
};

struct LaneOptions {
  float loop_height_px = 26;
  float header_height_px = 20;
  float task_height_px = 20;
  float buffers_height_px = 42;
  float gap_px = 2;
  // A connection gets a buffer lane once either buffer has held at least this much, so quiet
  // connections stay one row high and the lanes that matter stand out.
  std::uint64_t buffers_shown_from_bytes = 1024;
  std::set<std::string> collapsed_groups;
  std::optional<std::uint32_t> selected_task;  // its buffer lane is shown even when quiet
};

// "slow (slow_reader)" for a scripted client's task, "your connections" for anything else
// (a learner's own nc, a browser...).
std::string group_key_of(const model::TraceModel& model, const model::TaskRecord& task);

// Inside a group with more exited tasks than this, the running tasks' lanes come first.
inline constexpr std::size_t kExitedKeptInPlace = 8;

std::vector<Lane> build_lanes(const model::TraceModel& model, const LaneOptions& options);

// The lanes' total height, for the scroll area.
float lanes_height_px(const std::vector<Lane>& lanes);

}  // namespace loopscope::viz
