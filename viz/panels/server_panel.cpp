#include "viz/panels/server_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <chrono>
#include <exception>
#include <optional>

#include "core/handlers/handler_catalog.hpp"
#include "core/model/human_units.hpp"
#include "viz/session/app_state.hpp"
#include "viz/layout/layout_audit.hpp"
#include "viz/panels/panel_widgets.hpp"

namespace loopscope::viz {

namespace {

constexpr int kMinBlockingMs = 10;
constexpr int kMaxBlockingMs = 3000;
constexpr int kMaxSocketBufferBytes = 64 << 20;
constexpr std::uint64_t kWaterStepBytes = 1024;
constexpr std::uint64_t kWaterFastStepBytes = 16 * 1024;

double kib(std::uint64_t bytes) { return static_cast<double>(bytes) / 1024.0; }

int handler_index_of(const std::string& name) {
  const auto& descriptions = handlers::handler_descriptions();
  for (std::size_t index = 0; index < descriptions.size(); ++index) {
    if (descriptions[index].name == name) return static_cast<int>(index);
  }
  return 0;
}

// A server bound to every interface is still reached through loopback from this machine.
std::string connect_host(const std::string& host) {
  return host.empty() || host == "0.0.0.0" || host == "::" ? "127.0.0.1" : host;
}

}  // namespace

void ServerPanel::follow_settings(const scenarios::LiveSession& session) {
  const scenarios::ServerConfig& config = session.server_config();
  const bool new_session = seen_session_ != &session;
  seen_session_ = &session;
  if (new_session || config.handler != seen_.handler) {
    seen_.handler = config.handler;
    handler_index_ = handler_index_of(config.handler);
    handler_error_.clear();
  }
  if (new_session || config.high_water_bytes != seen_.high_water_bytes ||
      config.effective_low_water_bytes() != seen_.low_water_bytes) {
    seen_.high_water_bytes = config.high_water_bytes;
    seen_.low_water_bytes = config.effective_low_water_bytes();
    high_water_bytes_ = seen_.high_water_bytes;
    low_water_bytes_ = seen_.low_water_bytes;
  }
  if (new_session || config.send_buffer_bytes != seen_.send_buffer_bytes ||
      config.receive_buffer_bytes != seen_.receive_buffer_bytes) {
    seen_.send_buffer_bytes = config.send_buffer_bytes;
    seen_.receive_buffer_bytes = config.receive_buffer_bytes;
    send_buffer_kernel_default_ = !config.send_buffer_bytes.has_value();
    if (config.send_buffer_bytes) send_buffer_bytes_ = *config.send_buffer_bytes;
    receive_buffer_kernel_default_ = !config.receive_buffer_bytes.has_value();
    if (config.receive_buffer_bytes) receive_buffer_bytes_ = *config.receive_buffer_bytes;
  }
}

void ServerPanel::draw(AppState& state) {
  if (!state.session) {
    no_session_hint("the server's controls");
    return;
  }
  scenarios::LiveSession& session = *state.session;
  follow_settings(session);

  draw_address(session);
  if (session.backend() != scenarios::ServerBackend::Loopscope) {
    ImGui::Separator();
    draw_asyncio_server(session);
    // The learner's own program is theirs: Loopscope watches it and changes nothing.
    if (!session.takes_server_commands()) return;
  }
  if (session.backend() == scenarios::ServerBackend::Loopscope) {
    ImGui::Separator();
    draw_model(session);
  }
  ImGui::Separator();
  draw_handler(session);
  if (session.has_loop()) {
    ImGui::Separator();
    draw_write_limits(session);
  }
  ImGui::Separator();
  draw_socket_buffers(session);
  if (session.has_loop()) {
    ImGui::Separator();
    draw_blocking(session);
    ImGui::Separator();
    draw_command_queue(session);
  }
  if (session.backend() == scenarios::ServerBackend::Loopscope) {
    ImGui::Separator();
    draw_process(session);
  }
}

void ServerPanel::draw_model(scenarios::LiveSession& session) {
  using scenarios::ServerModel;
  ImGui::TextUnformatted("serve connections with");
  help_marker("The event loop: one thread, a coroutine per connection. A thread per connection: blocking "
              "reads and writes, and the kernel switches between threads. A pool: a fixed number of threads; "
              "connections beyond it wait for one to be free. Switching closes every open connection and "
              "starts the other server on the same port.");
  const ServerModel current = session.server_config().model;
  const std::string pool_title = "a pool of " + std::to_string(session.server_config().pool_threads) + " threads";
  for (const auto& [model, title] : {std::pair{ServerModel::Loop, std::string("the event loop")},
                                     std::pair{ServerModel::Threads, std::string("a thread per connection")},
                                     std::pair{ServerModel::Pool, pool_title}}) {
    const bool clicked = ImGui::RadioButton(title.c_str(), current == model);
    note_last_item(title);  // where a GUI test clicks
    if (clicked && current != model) {
      try {
        session.set_model(model);
        model_error_.clear();
      } catch (const std::exception& error) {
        model_error_ = error.what();
      }
    }
  }
  if (!session.has_loop()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextDisabled("Threads write straight to the kernel: no writer buffer and no drain(). When the kernel's "
                        "buffer is full, the thread blocks in send() (its lane shows awaiting_drain).");
    ImGui::PopTextWrapPos();
  }
  if (!model_error_.empty()) {
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(to_imvec4(panel_colors::kAlarm), "%s", model_error_.c_str());
    ImGui::PopTextWrapPos();
  }
}

void ServerPanel::draw_process(const scenarios::LiveSession& session) {
  const model::ProcessRecord& process = session.model().process();
  const auto last = [&process](trace::ProcessGauge gauge) {
    const auto& samples = process.gauge(gauge);
    return samples.empty() ? std::uint64_t{0} : samples.back().value;
  };
  if (process.gauge(trace::ProcessGauge::Threads).empty()) return;
  ImGui::Text("this process: %llu threads", static_cast<unsigned long long>(last(trace::ProcessGauge::Threads)));
  help_marker("Read from the kernel ten times a second: the whole process (server, scripted clients and this "
              "app). Reserved is address space (each thread's whole stack counts); resident is memory in use.");
  ImGui::Text("resident %s, reserved %s", model::format_bytes(last(trace::ProcessGauge::ResidentBytes)).c_str(),
              model::format_bytes(last(trace::ProcessGauge::ReservedBytes)).c_str());
  ImGui::Text("context switches: %llu voluntary, %llu involuntary",
              static_cast<unsigned long long>(last(trace::ProcessGauge::VoluntarySwitches)),
              static_cast<unsigned long long>(last(trace::ProcessGauge::InvoluntarySwitches)));
}

void ServerPanel::draw_address(const scenarios::LiveSession& session) {
  ImGui::Text("listening on %s:%u", session.host().c_str(), static_cast<unsigned>(session.port()));
  const std::string command = "nc " + connect_host(session.host()) + " " + std::to_string(session.port());
  ImGui::TextDisabled("connect with: %s", command.c_str());
  ImGui::SameLine();
  if (ImGui::SmallButton("copy")) ImGui::SetClipboardText(command.c_str());
  help_marker("Type lines into nc and your connection appears on the timeline as a lane of its own, served "
              "by the same loop as the scripted clients.");
}

void ServerPanel::draw_asyncio_server(const scenarios::LiveSession& session) {
  ImGui::PushTextWrapPos(0.0f);
  if (session.backend() == scenarios::ServerBackend::AsyncioProgram) {
    ImGui::Text("your asyncio server: %s", session.program_path().c_str());
  } else {
    ImGui::TextUnformatted("the handlers' asyncio twins (assets/asyncio)");
  }
  ImGui::TextDisabled("on %s, traced by Loopscope's probe", session.runtime().c_str());
  help_marker("A real CPython process runs the server, unchanged; the probe records its tasks, buffers, drain stalls "
              "and freezes and streams them to this app. The lines named on the timeline are the Python ones.");
  if (session.server_ended()) {
    ImGui::TextColored(to_imvec4(panel_colors::kAlarm), "the server has stopped: %s", session.server_ended()->c_str());
  }
  ImGui::PopTextWrapPos();
}

void ServerPanel::draw_handler(scenarios::LiveSession& session) {
  const auto& descriptions = handlers::handler_descriptions();
  if (descriptions.empty()) return;
  handler_index_ = std::clamp(handler_index_, 0, static_cast<int>(descriptions.size()) - 1);
  const auto& chosen = descriptions[static_cast<std::size_t>(handler_index_)];
  if (ImGui::BeginCombo("handler", chosen.name.c_str())) {
    for (std::size_t index = 0; index < descriptions.size(); ++index) {
      const bool selected = static_cast<int>(index) == handler_index_;
      if (ImGui::Selectable(descriptions[index].name.c_str(), selected)) handler_index_ = static_cast<int>(index);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", descriptions[index].summary.c_str());
      if (selected) ImGui::SetItemDefaultFocus();
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  if (ImGui::Button("Apply##handler")) {
    try {
      session.set_handler(descriptions[static_cast<std::size_t>(handler_index_)].name);
      handler_error_.clear();
    } catch (const std::exception& error) {
      handler_error_ = error.what();
    }
  }
  ImGui::TextDisabled("%s", descriptions[static_cast<std::size_t>(handler_index_)].summary.c_str());
  ImGui::Text("new connections get: %s", session.server_config().handler.c_str());
  help_marker("A handler is chosen when a connection is accepted, so a change applies to connections "
              "accepted from now on. Open connections keep running the coroutine they started with.");
  if (!handler_error_.empty()) ImGui::TextColored(to_imvec4(panel_colors::kAlarm), "%s", handler_error_.c_str());
}

void ServerPanel::draw_write_limits(scenarios::LiveSession& session) {
  ImGui::TextUnformatted("writer buffer limits");
  help_marker("drain() returns at once while a writer's buffer is at or below the high-water mark. Above it, "
              "drain() suspends the task until the transport has flushed the buffer down to the low-water "
              "mark. asyncio's defaults: 64 KiB high, 16 KiB low (a quarter of high).");
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10.0f);
  ImGui::InputScalar("high-water bytes", ImGuiDataType_U64, &high_water_bytes_, &kWaterStepBytes, &kWaterFastStepBytes);
  ImGui::SameLine();
  ImGui::TextDisabled("%.1f KiB", kib(high_water_bytes_));
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 10.0f);
  ImGui::InputScalar("low-water bytes", ImGuiDataType_U64, &low_water_bytes_, &kWaterStepBytes, &kWaterFastStepBytes);
  ImGui::SameLine();
  ImGui::TextDisabled("%.1f KiB", kib(low_water_bytes_));

  const bool valid = low_water_bytes_ <= high_water_bytes_;
  ImGui::BeginDisabled(!valid);
  if (ImGui::Button("Apply##write_limits")) {
    session.set_write_buffer_limits(static_cast<std::size_t>(high_water_bytes_),
                                    static_cast<std::size_t>(low_water_bytes_));
  }
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (valid) {
    ImGui::TextDisabled("applies to open connections too");
  } else {
    ImGui::TextColored(to_imvec4(panel_colors::kAlarm), "low-water must not be above high-water");
  }
  const scenarios::ServerConfig& config = session.server_config();
  ImGui::Text("now: high %.1f KiB, low %.1f KiB", kib(config.high_water_bytes), kib(config.effective_low_water_bytes()));
}

void ServerPanel::draw_socket_buffers(scenarios::LiveSession& session) {
  ImGui::TextUnformatted("socket buffers");
  help_marker("SO_SNDBUF and SO_RCVBUF: how much the kernel itself queues for each connection, beneath the "
              "writer's own buffer. Small ones make backpressure show sooner. Linux doubles the value you "
              "set and enforces a minimum. Applies to connections accepted from now on.");
  // One row each: the name, "kernel default", and the size only when it is not the default.
  auto buffer_row = [](const char* name, const char* id, bool& kernel_default, int& bytes) {
    ImGui::PushID(id);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(name);
    ImGui::SameLine(ImGui::GetFontSize() * 6.0f);
    ImGui::Checkbox("kernel default", &kernel_default);
    if (!kernel_default) {
      ImGui::SameLine();
      ImGui::SetNextItemWidth(-FLT_MIN);
      if (ImGui::InputInt("##bytes", &bytes, 1024, 16384)) bytes = std::clamp(bytes, 1, kMaxSocketBufferBytes);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s in bytes", name);
    }
    ImGui::PopID();
  };
  buffer_row("SO_SNDBUF", "send_buffer", send_buffer_kernel_default_, send_buffer_bytes_);
  buffer_row("SO_RCVBUF", "receive_buffer", receive_buffer_kernel_default_, receive_buffer_bytes_);
  if (ImGui::Button("Apply##socket_buffers")) {
    session.set_socket_buffers(send_buffer_kernel_default_ ? std::nullopt : std::optional<int>(send_buffer_bytes_),
                               receive_buffer_kernel_default_ ? std::nullopt
                                                              : std::optional<int>(receive_buffer_bytes_));
  }
  ImGui::SameLine();
  ImGui::TextDisabled("new connections only");
}

void ServerPanel::draw_blocking(scenarios::LiveSession& session) {
  ImGui::TextUnformatted("inject a blocking call");
  help_marker("Runs the equivalent of time.sleep() on the loop thread. Until it returns, no handler runs: "
              "every connection waits, even those whose bytes have already arrived. The timeline shows it "
              "as a freeze.");
  ImGui::SliderInt("duration", &blocking_ms_, kMinBlockingMs, kMaxBlockingMs, "%d ms", ImGuiSliderFlags_AlwaysClamp);
  const std::string label = "Block the loop for " + std::to_string(blocking_ms_) + " ms###block_loop";
  if (ImGui::Button(label.c_str())) session.inject_blocking(std::chrono::milliseconds(blocking_ms_));
}

void ServerPanel::draw_command_queue(const scenarios::LiveSession& session) {
  const std::size_t pending = session.pending_commands();
  ImGui::Text("commands queued to the loop: %zu", pending);
  help_marker("Each control above is posted to the loop thread, which runs it between handlers, like "
              "loop.call_soon_threadsafe(). While the loop is frozen, commands wait their turn like "
              "everything else.");
  if (pending > 0 && session.freeze().frozen) {
    ImGui::TextColored(to_imvec4(panel_colors::kAlarm), "the loop is frozen (%.0f ms): they run once it is free",
                       static_cast<double>(session.freeze().frozen_for_ns) / 1e6);
  }
}

}  // namespace loopscope::viz
