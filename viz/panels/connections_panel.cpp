#include "connections_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <string>

#include "viz/layout/flow_layout.hpp"
#include "viz/panels/panel_widgets.hpp"
#include "viz/theme/state_colors.hpp"
#include "viz/timeline/timeline_builder.hpp"

namespace loopscope::viz {

namespace {

// More closed connections than this and they crowd out the open ones, so they are hidden
// unless the learner says otherwise.
constexpr std::size_t kClosedShownUpTo = 20;

enum Column : int {
  kId,
  kPeer,
  kStatus,
  kTaskState,
  kBytesIn,
  kBytesOut,
  kDrainStalls,
  kWriter,
  kReader,
  kKernelSend,
  kKernelReceive,
  kColumnCount
};

constexpr const char* kTableHelp =
    "One row per connection the server accepted; its handler task has the same number. "
    "Buffers: the writer buffer holds what the handler wrote and the kernel has not taken yet (drain() waits "
    "while it is above high water); the reader buffer holds bytes received and not yet consumed (readline() "
    "fails past the line limit); the kernel queues are the socket's own send and receive queues. "
    "Click a row to select its task everywhere.";

// Text in a row whose height is set by framed widgets (the gauges): centred like theirs.
void cell_text(const std::string& text) {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(text.c_str());
}

std::uint64_t last_level(const model::ConnectionRecord& connection, trace::BufferKind kind) {
  const std::vector<model::CounterSample>& samples = connection.level(kind);
  return samples.empty() ? 0 : samples.back().value;
}

// "48 KiB / 64 KiB high water", the bar filled to that share; past the limit it turns `over_color`.
void level_gauge(std::uint64_t level_bytes, std::uint64_t limit_bytes, const char* limit_name, PackedColor fill_color,
                 PackedColor over_color) {
  std::string overlay = format_bytes(level_bytes);
  float fraction = 0.0f;
  if (limit_bytes > 0) {
    overlay += " / " + format_bytes(limit_bytes) + " " + limit_name;
    fraction = static_cast<float>(std::min(1.0, static_cast<double>(level_bytes) / static_cast<double>(limit_bytes)));
  }
  const bool over = limit_bytes > 0 && level_bytes > limit_bytes;  // drain() waits only above high water
  ImGui::PushStyleColor(ImGuiCol_PlotHistogram, to_imvec4(over ? over_color : fill_color));
  ImGui::ProgressBar(fraction, ImVec2(-FLT_MIN, 0.0f), overlay.c_str());
  ImGui::PopStyleColor();
}

bool closed_abnormally(const model::ConnectionRecord& connection) {
  return connection.close_reason && *connection.close_reason != trace::CloseReason::Closed;
}

}  // namespace

void ConnectionsPanel::learn_socket_buffers(const trace::TraceLog& log, bool live) {
  const std::size_t resume_index = limits_cursor_.resume_index(log);
  // Reading an event of a live log twice (after a merge of late events, or take_log()) only
  // sets the same size again, and sizes already learned stay true for its connections, so
  // nothing is undone. Another log (a new session, another trace loaded, perhaps at the same
  // address) numbers other connections.
  if (&log != log_seen_ || (!live && resume_index < limits_cursor_.next_index())) {
    log_seen_ = &log;
    socket_buffers_.clear();
    limits_cursor_.reset();
  }
  // A loaded log is read whole, past the replay time too: a connection's sizes are recorded
  // when it is accepted, so those of connections not shown yet are simply not looked up.
  for (std::size_t index = limits_cursor_.resume_index(log); index < log.events.size(); ++index) {
    const trace::TraceEvent& event = log.events[index];
    if (event.kind != trace::EventKind::BufferLimit ||
        static_cast<trace::LimitKind>(event.aux) != trace::LimitKind::SocketBuffer) {
      continue;
    }
    SocketBuffers& buffers = socket_buffers_[event.subject_id];
    if (event.detail_as<trace::BufferKind>() == trace::BufferKind::KernelSend) buffers.send_bytes = event.value;
    if (event.detail_as<trace::BufferKind>() == trace::BufferKind::KernelReceive) buffers.receive_bytes = event.value;
  }
  limits_cursor_.advance_to(log, log.events.size());
}

// A slow reader against the kernel's default buffers never makes drain() wait: megabytes sit in
// the kernel's send queue and the writer buffer stays low. Say so, and what to change.
void ConnectionsPanel::draw_kernel_hint(const model::TraceModel& model) {
  constexpr std::uint64_t kKernelHolds_bytes = 512 * 1024;
  const model::ConnectionRecord* hoarding = nullptr;
  for (const auto& [id, connection] : model.connections()) {
    const std::uint64_t kernel_bytes = connection.peak(trace::BufferKind::KernelSend);
    const bool writer_stayed_low = connection.high_water_bytes == 0 ||
                                   connection.peak(trace::BufferKind::Writer) <= connection.high_water_bytes;
    if (kernel_bytes >= kKernelHolds_bytes && writer_stayed_low &&
        (hoarding == nullptr || kernel_bytes > hoarding->peak(trace::BufferKind::KernelSend))) {
      hoarding = &connection;
    }
  }
  if (hoarding == nullptr) return;
  ImGui::PushTextWrapPos(0.0f);
  ImGui::TextColored(to_imvec4(panel_colors::kCaution),
                     "Connection %u: the kernel is holding %s of its replies, so its writer buffer never reached high "
                     "water. Lower SO_SNDBUF (Server panel, socket buffers) to see drain() wait.",
                     static_cast<unsigned>(hoarding->id),
                     format_bytes(hoarding->peak(trace::BufferKind::KernelSend)).c_str());
  ImGui::PopTextWrapPos();
}

void ConnectionsPanel::choose_rows(const model::TraceModel& model) {
  std::size_t closed = 0;
  for (const auto& [id, connection] : model.connections()) {
    if (connection.closed_ns) ++closed;
  }
  // Many closed rows hide the open ones; but once every connection has closed there is nothing
  // else to show, and an empty table would look like no run at all.
  if (!hide_closed_chosen_) hide_closed_ = closed > kClosedShownUpTo && closed < model.connections().size();
  rows_.clear();
  for (const auto& [id, connection] : model.connections()) {
    if (hide_closed_ && connection.closed_ns) continue;
    rows_.push_back(&connection);
  }
}

void ConnectionsPanel::draw(AppState& state) {
  const model::TraceModel* shown_model = state.model();
  const trace::TraceLog* shown_log = state.log();
  if (shown_model == nullptr || shown_log == nullptr) {
    no_session_hint("the connections and their buffers");
    return;
  }
  const model::TraceModel& model = *shown_model;
  const trace::TraceLog& log = *shown_log;
  learn_socket_buffers(log, state.session != nullptr);
  choose_rows(model);

  const std::size_t total = model.connections().size();
  std::size_t open = 0;
  for (const auto& [id, connection] : model.connections()) {
    if (!connection.closed_ns) ++open;
  }
  ImGui::AlignTextToFramePadding();
  ImGui::Text("%zu open, %zu closed", open, total - open);
  help_marker(kTableHelp);
  same_line_if_room(checkbox_width_px("hide closed"));
  if (ImGui::Checkbox("hide closed", &hide_closed_)) {
    hide_closed_chosen_ = true;
    choose_rows(model);
  }
  draw_kernel_hint(model);
  if (total == 0) {
    ImGui::PushTextWrapPos(0.0f);
    if (state.session) {
      ImGui::TextDisabled("No connections yet: start clients, or connect your own with  nc %s %u",
                          state.session->host().c_str(), static_cast<unsigned>(state.session->port()));
    } else {
      ImGui::TextDisabled("No connections yet at this point of the trace.");
    }
    ImGui::PopTextWrapPos();
    return;
  }

  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_ScrollX | ImGuiTableFlags_RowBg |
                                     ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                     ImGuiTableFlags_Hideable | ImGuiTableFlags_SizingFixedFit;
  if (!ImGui::BeginTable("connections", kColumnCount, kFlags, ImVec2(0.0f, ImGui::GetContentRegionAvail().y))) return;
  // Fixed widths from sample text: the clipper submits different rows each frame, and
  // columns fitted to them would jump while scrolling.
  const auto width_of = [](const char* sample) { return ImGui::CalcTextSize(sample).x; };
  const float gauge_px = width_of("000 KiB / 000 KiB high water");
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableSetupColumn("conn", ImGuiTableColumnFlags_WidthFixed, width_of("00000"));
  ImGui::TableSetupColumn("peer port", ImGuiTableColumnFlags_WidthFixed, width_of("peer port"));
  ImGui::TableSetupColumn("status", ImGuiTableColumnFlags_WidthFixed, width_of("closed: peer_reset"));
  ImGui::TableSetupColumn("task state", ImGuiTableColumnFlags_WidthFixed, width_of("MM awaiting_worker"));
  ImGui::TableSetupColumn("in", ImGuiTableColumnFlags_WidthFixed, width_of("000.0 MiB"));
  ImGui::TableSetupColumn("out", ImGuiTableColumnFlags_WidthFixed, width_of("000.0 MiB"));
  ImGui::TableSetupColumn("drain stalls", ImGuiTableColumnFlags_WidthFixed, width_of("000, stalled now 00 ms"));
  ImGui::TableSetupColumn("writer buffer", ImGuiTableColumnFlags_WidthFixed, gauge_px);
  ImGui::TableSetupColumn("reader buffer", ImGuiTableColumnFlags_WidthFixed, gauge_px);
  ImGui::TableSetupColumn("kernel send queue", ImGuiTableColumnFlags_WidthFixed, gauge_px);
  ImGui::TableSetupColumn("kernel receive queue", ImGuiTableColumnFlags_WidthFixed, gauge_px);
  ImGui::TableHeadersRow();

  const std::uint64_t now_ns = state.now_ns();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(rows_.size()));
  while (clipper.Step()) {
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      draw_row(state, model, log, *rows_[static_cast<std::size_t>(row)], now_ns);
    }
  }
  ImGui::EndTable();
}

void ConnectionsPanel::draw_row(AppState& state, const model::TraceModel& model, const trace::TraceLog& log,
                                const model::ConnectionRecord& connection, std::uint64_t now_ns) const {
  ImGui::TableNextRow();
  ImGui::PushID(static_cast<int>(connection.id));

  ImGui::TableSetColumnIndex(kId);
  const bool selected = state.selected_task == connection.id;
  // One row-tall selectable across every column: the click target and the highlight.
  if (ImGui::Selectable(std::to_string(connection.id).c_str(), selected,
                        ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowItemOverlap,
                        ImVec2(0.0f, ImGui::GetFrameHeight()))) {
    state.selected_task = connection.id;
  }

  ImGui::TableSetColumnIndex(kPeer);
  cell_text(std::to_string(connection.peer_port));

  ImGui::TableSetColumnIndex(kStatus);
  ImGui::AlignTextToFramePadding();
  if (!connection.closed_ns) {
    ImGui::TextColored(to_imvec4(panel_colors::kGood), "open");
  } else {
    // "closed" by the handler reads as itself, not "closed: closed".
    const std::string reason =
        connection.close_reason ? std::string(trace::close_reason_name(*connection.close_reason)) : "unknown";
    if (connection.close_reason == trace::CloseReason::Closed) {
      ImGui::TextDisabled("closed");
    } else if (closed_abnormally(connection)) {
      ImGui::TextColored(to_imvec4(panel_colors::kCaution), "closed: %s", reason.c_str());
    } else {
      ImGui::TextDisabled("closed: %s", reason.c_str());
    }
  }

  ImGui::TableSetColumnIndex(kTaskState);
  const model::TaskRecord* task = model.task(connection.id);
  if (task != nullptr && !task->spans.empty()) {
    const model::StateSpan& current = task->spans.back();
    ImGui::AlignTextToFramePadding();
    ImGui::BeginGroup();
    color_swatch(state_color(current.state));
    ImGui::SameLine();
    ImGui::TextUnformatted(std::string(model::task_state_name(current.state)).c_str());
    ImGui::EndGroup();
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::Text("task %u (%s): %s", static_cast<unsigned>(task->id), task->handler.c_str(),
                  std::string(state_legend_text(current.state)).c_str());
      if (const std::string site = log.site_text(current.site); !site.empty()) {
        ImGui::Text("waiting in %s for %s", site.c_str(), format_duration_ns(now_ns - std::min(now_ns, current.begin_ns)).c_str());
      }
      if (task->exit_reason) ImGui::Text("exit: %s", std::string(trace::exit_reason_name(*task->exit_reason)).c_str());
      ImGui::EndTooltip();
    }
  } else {
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("no task seen");
  }

  ImGui::TableSetColumnIndex(kBytesIn);
  cell_text(format_bytes(connection.bytes_received));
  ImGui::TableSetColumnIndex(kBytesOut);
  cell_text(format_bytes(connection.bytes_sent));

  ImGui::TableSetColumnIndex(kDrainStalls);
  ImGui::AlignTextToFramePadding();
  const std::vector<model::DrainStall>& stalls = connection.drain_stalls;
  if (!stalls.empty() && stalls.back().end_ns == model::kOpenEnd) {
    ImGui::TextColored(to_imvec4(panel_colors::kCaution), "%zu, stalled now %s", stalls.size(),
                       format_duration_ns(now_ns - std::min(now_ns, stalls.back().begin_ns)).c_str());
  } else if (stalls.empty()) {
    ImGui::TextDisabled("0");
  } else {
    ImGui::Text("%zu", stalls.size());
  }

  // A closed connection's last levels are history, so its gauges are dimmed.
  ImGui::BeginDisabled(connection.closed_ns.has_value());
  ImGui::TableSetColumnIndex(kWriter);
  level_gauge(last_level(connection, trace::BufferKind::Writer), connection.high_water_bytes, "high water",
              colors::kWriterLevel, colors::kHighWater);
  ImGui::TableSetColumnIndex(kReader);
  level_gauge(last_level(connection, trace::BufferKind::Reader), connection.line_limit_bytes, "line limit",
              colors::kReaderLevel, colors::kHighWater);
  const auto buffers = socket_buffers_.find(connection.id);
  const SocketBuffers sizes = buffers == socket_buffers_.end() ? SocketBuffers{} : buffers->second;
  // A full kernel queue is backpressure at work, not a fault (and Linux counts its queues
  // against the buffer size loosely), so it keeps its colour past the size.
  ImGui::TableSetColumnIndex(kKernelSend);
  level_gauge(last_level(connection, trace::BufferKind::KernelSend), sizes.send_bytes, "SO_SNDBUF",
              colors::kWriterLevel, colors::kWriterLevel);
  ImGui::TableSetColumnIndex(kKernelReceive);
  level_gauge(last_level(connection, trace::BufferKind::KernelReceive), sizes.receive_bytes, "SO_RCVBUF",
              colors::kReaderLevel, colors::kReaderLevel);
  ImGui::EndDisabled();

  ImGui::PopID();
}

}  // namespace loopscope::viz
