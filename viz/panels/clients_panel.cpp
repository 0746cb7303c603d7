#include "viz/panels/clients_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/model/model_queries.hpp"
#include "viz/session/app_state.hpp"
#include "viz/panels/panel_widgets.hpp"

namespace loopscope::viz {

namespace {

constexpr int kMinCount = 1;
constexpr int kMaxCount = 200;
constexpr int kMaxLines = 100000;
constexpr int kMaxLineBytes = 1 << 20;
constexpr int kMaxPauseMs = 5000;   // think, chunk interval: beyond this nothing looks different
constexpr int kMaxDelayMs = 60000;  // stall, abort_after
constexpr int kMaxReceiveBufferBytes = 64 << 20;
constexpr int kMinReadBytesPerSecond = 1;
constexpr int kMaxReadBytesPerSecond = 16 << 20;

// Which ClientSpec knobs a behaviour reads (scenarios/clients/*_clients.cpp): only those are
// shown, so a learner is never invited to turn a knob that changes nothing.
enum Knob : unsigned {
  kLines = 1u << 0,
  kLineBytes = 1u << 1,
  kThink = 1u << 2,
  kChunks = 1u << 3,
  kReadRate = 1u << 4,
  kReceiveBuffer = 1u << 5,
  kStall = 1u << 6,
  kAbortAfter = 1u << 7,
  kReadReplies = 1u << 8,
};

unsigned knobs_of(const std::string& behaviour) {
  if (behaviour == "fast") return kLines | kLineBytes | kThink;
  if (behaviour == "trickle") return kLines | kLineBytes | kChunks;
  if (behaviour == "burst") return kLines | kLineBytes;
  if (behaviour == "slow_reader") return kLines | kLineBytes | kReadRate | kReceiveBuffer;
  if (behaviour == "stalled_reader") return kLines | kLineBytes | kStall | kReceiveBuffer;
  if (behaviour == "silent") return 0;
  if (behaviour == "abrupt") return kLineBytes | kAbortAfter;
  if (behaviour == "half_close") return kLines | kLineBytes;
  if (behaviour == "chat_member") return kLines | kLineBytes | kThink | kReadReplies | kReceiveBuffer;
  // A behaviour added later: show everything rather than hide what it might use.
  return ~0u;
}

void clamp_input(int& value, int low, int high) { value = std::clamp(value, low, high); }

// Milliseconds without the unit (the column header has it); one decimal only below 10 ms, where
// it matters, so the narrow column stays narrow.
std::string milliseconds_text(std::optional<std::uint64_t> ns) {
  if (!ns) return "-";
  const double ms = static_cast<double>(*ns) / 1e6;
  char text[32];
  std::snprintf(text, sizeof text, ms < 10.0 ? "%.1f" : "%.0f", ms);
  return text;
}

struct GroupSummary {
  std::set<std::string> behaviours;
  std::vector<const model::ClientRecord*> clients;
  int running = 0;
  int finished = 0;
  std::map<trace::ClientEnd, int> ends;
};

std::string joined(const std::set<std::string>& names) {
  std::string text;
  for (const auto& name : names) {
    if (!text.empty()) text += ", ";
    text += name;
  }
  return text;
}

}  // namespace

ClientsPanel::ClientsPanel() {
  const scenarios::ClientSpec defaults;
  lines_ = defaults.lines;
  line_bytes_ = static_cast<int>(defaults.line_bytes);
  think_ms_ = static_cast<int>(defaults.think.count());
  chunk_bytes_ = static_cast<int>(defaults.chunk_bytes);
  chunk_interval_ms_ = static_cast<int>(defaults.chunk_interval.count());
  read_bytes_per_second_ = static_cast<int>(defaults.read_bytes_per_second);
  set_receive_buffer_ = defaults.receive_buffer_bytes.has_value();
  if (defaults.receive_buffer_bytes) receive_buffer_bytes_ = *defaults.receive_buffer_bytes;
  stall_ms_ = static_cast<int>(defaults.stall.count());
  abort_after_ms_ = static_cast<int>(defaults.abort_after.count());
  read_replies_ = defaults.read_replies;
}

void ClientsPanel::draw(AppState& state) {
  if (!state.session) {
    no_session_hint("the scripted clients");
    return;
  }
  draw_launcher(state);
  ImGui::Separator();
  draw_groups(state);
}

scenarios::ClientSpec ClientsPanel::spec_from_inputs() const {
  const auto& behaviours = scenarios::client_behaviours();
  scenarios::ClientSpec spec;
  spec.behaviour = behaviours[static_cast<std::size_t>(behaviour_index_)].name;
  spec.group = group_[0] != '\0' ? std::string(group_.data()) : spec.behaviour;
  spec.lines = lines_;
  spec.line_bytes = static_cast<std::size_t>(line_bytes_);
  spec.think = std::chrono::milliseconds(think_ms_);
  spec.chunk_bytes = static_cast<std::size_t>(chunk_bytes_);
  spec.chunk_interval = std::chrono::milliseconds(chunk_interval_ms_);
  spec.read_bytes_per_second = static_cast<std::size_t>(read_bytes_per_second_);
  if (set_receive_buffer_) spec.receive_buffer_bytes = receive_buffer_bytes_;
  spec.stall = std::chrono::milliseconds(stall_ms_);
  spec.abort_after = std::chrono::milliseconds(abort_after_ms_);
  spec.read_replies = read_replies_;
  return spec;
}

void ClientsPanel::draw_launcher(AppState& state) {
  const auto& behaviours = scenarios::client_behaviours();
  if (behaviours.empty()) return;
  behaviour_index_ = std::clamp(behaviour_index_, 0, static_cast<int>(behaviours.size()) - 1);
  const auto& chosen = behaviours[static_cast<std::size_t>(behaviour_index_)];

  if (ImGui::BeginCombo("behaviour", chosen.name.c_str())) {
    for (std::size_t index = 0; index < behaviours.size(); ++index) {
      const bool selected = static_cast<int>(index) == behaviour_index_;
      if (ImGui::Selectable(behaviours[index].name.c_str(), selected)) behaviour_index_ = static_cast<int>(index);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", behaviours[index].summary.c_str());
      if (selected) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
  ImGui::TextDisabled("%s", behaviours[static_cast<std::size_t>(behaviour_index_)].summary.c_str());

  const unsigned knobs = knobs_of(behaviours[static_cast<std::size_t>(behaviour_index_)].name);
  if (knobs & kLines) {
    if (ImGui::InputInt("lines", &lines_)) clamp_input(lines_, 0, kMaxLines);
    help_marker("Requests (or chat messages) each client sends. 0 means until stopped for fast, trickle and "
                "chat_member; burst then sends 100, the others 1.");
  }
  if (knobs & kLineBytes) {
    if (ImGui::InputInt("line bytes", &line_bytes_, 16, 1024)) clamp_input(line_bytes_, 1, kMaxLineBytes);
    help_marker("Length of each line, newline included. The server's readline() limit applies.");
  }
  if (knobs & kThink) {
    ImGui::SliderInt("think ms", &think_ms_, 0, kMaxPauseMs, "%d ms", ImGuiSliderFlags_AlwaysClamp);
    help_marker("Pause between one reply (or message) and the next line.");
  }
  if (knobs & kChunks) {
    if (ImGui::InputInt("chunk bytes", &chunk_bytes_)) clamp_input(chunk_bytes_, 1, kMaxLineBytes);
    ImGui::SliderInt("chunk interval ms", &chunk_interval_ms_, 0, kMaxPauseMs, "%d ms", ImGuiSliderFlags_AlwaysClamp);
    help_marker("trickle sends each line this many bytes at a time, pausing between pieces: readline() waits "
                "for the whole line while the loop serves everyone else.");
  }
  if (knobs & kReadRate) {
    ImGui::SliderInt("read bytes/s", &read_bytes_per_second_, kMinReadBytesPerSecond, kMaxReadBytesPerSecond, "%d B/s",
                     ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp);
    help_marker("How fast the client takes its replies. Slower than the server writes, and the server's "
                "buffers fill until drain() makes the handler wait.");
  }
  if (knobs & kStall) {
    ImGui::SliderInt("stall ms", &stall_ms_, 0, kMaxDelayMs, stall_ms_ == 0 ? "until stopped" : "%d ms",
                     ImGuiSliderFlags_AlwaysClamp);
    help_marker("How long the client stops reading before it catches up. 0: it never reads until stopped.");
  }
  if (knobs & kAbortAfter) {
    ImGui::SliderInt("abort after ms", &abort_after_ms_, 0, kMaxDelayMs, "%d ms", ImGuiSliderFlags_AlwaysClamp);
    help_marker("Time connected before the client resets the connection (no orderly close).");
  }
  if (knobs & kReadReplies) {
    ImGui::Checkbox("reads what the room says", &read_replies_);
    help_marker("Off makes a chat member who never reads: the naive broadcast ends up waiting on them.");
  }
  if (knobs & kReceiveBuffer) {
    ImGui::Checkbox("set SO_RCVBUF", &set_receive_buffer_);
    if (set_receive_buffer_) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8.0f);
      if (ImGui::InputInt("bytes##receive_buffer", &receive_buffer_bytes_, 1024, 16384)) {
        clamp_input(receive_buffer_bytes_, 1, kMaxReceiveBufferBytes);
      }
    }
    help_marker("The client's kernel receive buffer. A small one makes backpressure reach the server sooner; "
                "the kernel may round the size (Linux doubles it).");
  }

  ImGui::SliderInt("count", &count_, kMinCount, kMaxCount, "%d", ImGuiSliderFlags_AlwaysClamp);
  ImGui::InputTextWithHint("group", chosen.name.c_str(), group_.data(), group_.size());
  help_marker("Clients are started, stopped and summarised by group. Leave it empty to name the group after "
              "the behaviour.");

  if (ImGui::Button("Start")) {
    try {
      state.session->start_clients(spec_from_inputs(), count_);
      start_error_.clear();
    } catch (const std::exception& error) {
      start_error_ = error.what();
    }
  }
  help_marker("Scripted clients run on their own thread and event loop, never the server's: a frozen server "
              "does not freeze the clients that observe it, so their latencies tell the truth.");
  if (!start_error_.empty()) ImGui::TextColored(to_imvec4(panel_colors::kAlarm), "%s", start_error_.c_str());
}

void ClientsPanel::draw_groups(AppState& state) {
  scenarios::LiveSession& session = *state.session;
  // Groups in the order they first appear (client ids grow with start time).
  std::vector<std::string> order;
  std::map<std::string, GroupSummary> groups;
  for (const auto& [id, client] : session.model().clients()) {
    auto [entry, inserted] = groups.try_emplace(client.group);
    if (inserted) order.push_back(client.group);
    GroupSummary& group = entry->second;
    group.behaviours.insert(client.behaviour);
    group.clients.push_back(&client);
    if (client.finished_ns) {
      ++group.finished;
      if (client.end) ++group.ends[*client.end];
    } else {
      ++group.running;
    }
  }

  const std::size_t running = session.clients().running();
  ImGui::Text("%zu %s running", running, running == 1 ? "client" : "clients");
  ImGui::SameLine();
  if (ImGui::Button("Stop all")) session.clients().stop_all();
  help_marker("run: clients still connected; done: finished (hover the count to see how they ended). "
              "Latency is measured by each client from sending a request line to reading its whole reply; "
              "p50 is the median, and 95% of replies took at most p95. Hover a group for its behaviour.");
  if (order.empty()) {
    ImGui::TextDisabled("No scripted clients yet.");
    return;
  }

  // The panel shares a narrow column with the server controls: the table scrolls sideways with
  // the Stop button and the group name frozen, so neither a long group name nor the latencies
  // push the other out of reach. It fills the rest of the panel, but keeps a few rows visible.
  constexpr ImGuiTableFlags kFlags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                     ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_ScrollX |
                                     ImGuiTableFlags_ScrollY;
  constexpr std::size_t kMinVisibleRows = 4;
  const float row_height = ImGui::GetFrameHeightWithSpacing();
  const float wanted_height = static_cast<float>(std::min(order.size(), kMinVisibleRows) + 1) * row_height +
                              ImGui::GetStyle().ScrollbarSize;
  const float height = std::max(ImGui::GetContentRegionAvail().y, wanted_height);
  if (!ImGui::BeginTable("client_groups", 7, kFlags, ImVec2(0.0f, height))) return;
  ImGui::TableSetupScrollFreeze(2, 1);
  for (const char* column : {"", "group", "run", "done", "replies", "p50 ms", "p95 ms"}) {
    ImGui::TableSetupColumn(column);
  }
  ImGui::TableHeadersRow();
  for (const std::string& name : order) {
    const GroupSummary& group = groups[name];
    std::vector<std::uint64_t> latencies_ns = model::reply_latencies_ns(group.clients, model::TimeRange{});
    const std::size_t replies = latencies_ns.size();
    ImGui::PushID(name.c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::BeginDisabled(group.running == 0);
    if (ImGui::SmallButton("Stop")) session.clients().stop_group(name);
    ImGui::EndDisabled();
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(name.c_str());
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("behaviour: %s", joined(group.behaviours).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%d", group.running);
    ImGui::TableNextColumn();
    ImGui::Text("%d", group.finished);
    if (!group.ends.empty() && ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      for (const auto& [end, count] : group.ends) {
        ImGui::Text("%d %s", count, std::string(trace::client_end_name(end)).c_str());
      }
      ImGui::EndTooltip();
    }
    ImGui::TableNextColumn();
    ImGui::Text("%zu", replies);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(milliseconds_text(model::percentile(latencies_ns, 50.0)).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(milliseconds_text(model::percentile(std::move(latencies_ns), 95.0)).c_str());
    ImGui::PopID();
  }
  ImGui::EndTable();
}

}  // namespace loopscope::viz
