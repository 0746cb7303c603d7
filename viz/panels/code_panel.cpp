#include "viz/panels/code_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <string>

#include "core/handlers/handler_catalog.hpp"
#include "core/model/task_state.hpp"
#include "viz/session/app_state.hpp"
#include "viz/code/source_lookup.hpp"
#include "viz/panels/panel_widgets.hpp"

namespace loopscope::viz {

namespace {

// The band sits behind the code, so it is translucent enough to keep the text readable; a
// solid edge at the left says "this line" even to someone who cannot tell the tint apart.
constexpr std::uint8_t kBandAlpha = 80;
constexpr float kBandEdgeWidth = 3.0f;
constexpr int kScrollFrames = 2;

// The app loads DejaVu Sans Mono second; code is unreadable in a proportional font.
ImFont* monospace_font() {
  ImFontAtlas* atlas = ImGui::GetIO().Fonts;
  return atlas != nullptr && atlas->Fonts.Size >= 2 ? atlas->Fonts[1] : nullptr;
}

PackedColor with_alpha(PackedColor color, std::uint8_t alpha) {
  return (color & 0x00ffffffu) | static_cast<PackedColor>(alpha) << 24;
}

std::string_view handler_summary(std::string_view handler) {
  for (const auto& description : handlers::handler_descriptions()) {
    if (description.name == handler) return description.summary;
  }
  return {};
}

// What the selected task is doing, as the header says it, and where (a site to highlight).
struct TaskStatus {
  std::string sentence;
  PackedColor color = 0;
  bool dim = false;          // exited or unknown: nothing to look at in the code
  trace::SiteInfo site;      // empty when there is no line to point at
};

TaskStatus describe_task(const model::TraceModel& model, const trace::TraceLog& log, std::uint64_t now_ns,
                         const model::TaskRecord& task) {
  TaskStatus status;
  // A threaded server's connection is its thread: it blocks, where a coroutine awaits.
  const bool threaded = task.runner != trace::TaskRunner::LoopCoroutine;
  const std::string name = (threaded ? "thread " : "task ") + std::to_string(task.id);
  if (task.spans.empty()) {
    status.sentence = name + " has started; no state recorded yet";
    status.dim = true;
    return status;
  }
  const model::StateSpan& last = task.spans.back();
  status.color = state_color(last.state);
  if (last.state == model::TaskState::Exited || task.exited_ns) {
    status.sentence = name + " exited";
    if (task.exit_reason) status.sentence += " (" + std::string(trace::exit_reason_name(*task.exit_reason)) + ")";
    status.dim = true;
    return status;
  }
  if (last.state == model::TaskState::Running) {
    status.sentence = name + " is running";
    // A running task that holds the loop is the freeze lesson's whole point: say where. The
    // model's open freeze carries the marked blocking call, or else where the task resumed.
    const auto& freezes = model.loop().freezes;
    if (!freezes.empty() && freezes.back().end_ns == model::kOpenEnd && freezes.back().task == task.id) {
      if (const trace::SiteInfo* site = log.site(freezes.back().site)) status.site = *site;
      const std::uint64_t held_ns = now_ns - std::min(now_ns, freezes.back().begin_ns);
      status.sentence += " and has held the loop for " + std::to_string(held_ns / 1'000'000) + " ms";
      if (!status.site.file.empty()) status.sentence += " (last seen at " + site_call_label(status.site) + ")";
    }
    return status;
  }
  if (const trace::SiteInfo* site = log.site(last.site)) status.site = *site;
  const std::string label = site_call_label(status.site);
  status.sentence = label.empty() ? name + " is " + std::string(state_legend_text(last.state))
                                  : name + (threaded ? " is blocked in " : " is awaiting ") + label;
  return status;
}

}  // namespace

bool CodePanel::scroll_for(const ScrollKey& key) {
  if (!scrolled_for_ || !(*scrolled_for_ == key)) {
    scrolled_for_ = key;
    scroll_frames_left_ = kScrollFrames;
  }
  if (scroll_frames_left_ == 0) return false;
  --scroll_frames_left_;
  return true;
}

const std::vector<std::string_view>& CodePanel::lines_of(const EmbeddedFile& file) {
  auto found = lines_by_path_.find(file.path);
  if (found == lines_by_path_.end()) found = lines_by_path_.emplace(file.path, split_lines(file.text)).first;
  return found->second;
}

void CodePanel::draw(AppState& state) {
  const model::TraceModel* model = state.model();
  const trace::TraceLog* log = state.log();
  if (model == nullptr || log == nullptr) {
    no_session_hint("the code the server runs");
    return;
  }
  const model::TaskRecord* task = state.selected_task ? model->task(*state.selected_task) : nullptr;
  // A live server says which handler new connections get; a recorded trace only knows the
  // handler of each task it saw, so a replay needs a task to show code for.
  std::string handler;
  if (task != nullptr && !task->handler.empty()) {
    handler = task->handler;
  } else if (state.session) {
    handler = state.session->server_config().handler;
  }

  TaskStatus status;
  ImGui::PushTextWrapPos(0.0f);  // a side panel on a projector is narrow; these sentences wrap
  if (task != nullptr) {
    status = describe_task(*model, *log, state.now_ns(), *task);
    if (status.dim) {
      ImGui::TextDisabled("%s", status.sentence.c_str());
    } else {
      ImGui::TextColored(to_imvec4(status.color), "%s", status.sentence.c_str());
    }
  } else if (state.selected_task && state.session) {
    ImGui::TextDisabled("task %u is not in the trace yet; showing the handler new connections get",
                        static_cast<unsigned>(*state.selected_task));
  } else if (state.session) {
    ImGui::TextDisabled("No task selected: showing the handler new connections get. Click a lane to follow a task.");
  } else if (state.selected_task) {
    ImGui::TextDisabled("task %u has not started by this point of the trace: play on, or select another task.",
                        static_cast<unsigned>(*state.selected_task));
  } else {
    ImGui::TextDisabled("No task selected: click a lane or a connection to see the code its handler runs.");
  }
  // The learner's own asyncio server: their file, not a handler's, and only that.
  std::string python_path;
  if (status.site.file.ends_with(".py") && embedded_file_for(status.site.file) == nullptr) {
    python_path = status.site.file;
  } else if (task == nullptr && state.session && state.session->backend() == scenarios::ServerBackend::AsyncioProgram) {
    python_path = state.session->program_path();
  }
  if (!python_path.empty()) {
    ImGui::PopTextWrapPos();
    help_marker("Your own server's code, as Python runs it. The highlighted line is where the selected task is "
                "waiting (the await in your code, not inside asyncio), or the line it is stuck on while it holds the "
                "loop, in the colour of its state on the timeline.");
    SourceView python{"python_source", learner_python_file(python_path),
                      "Cannot read " + python_path + " (moved, or empty?).", 0, 0};
    if (python.file != nullptr && !status.site.file.empty() && status.site.file == python_path) {
      python.highlight_line = status.site.line;
      python.band_color = status.color;
    }
    draw_views({&python}, scroll_for(ScrollKey{state.selected_task, python_path, python.highlight_line}));
    return;
  }
  if (handler.empty()) {
    // A replay with no task to follow, or a task recorded without its handler's name.
    if (task != nullptr) ImGui::TextDisabled("The trace does not name this task's handler.");
    ImGui::PopTextWrapPos();
    return;
  }
  const std::string_view summary = handler_summary(handler);
  if (summary.empty()) {
    ImGui::Text("handler %s", handler.c_str());
  } else {
    ImGui::Text("handler %s: %s", handler.c_str(), std::string(summary).c_str());
  }
  ImGui::PopTextWrapPos();
  help_marker(
      "Left: the C++ coroutine the server really runs for this connection. Right: the same handler "
      "written with Python's asyncio streams. Each co_await on the left is an await on the right.\n\n"
      "The highlighted line is where the selected task is suspended, in the colour of its state on "
      "the timeline. The asyncio line is highlighted only when it awaits exactly the same call.");

  HandlerSources sources = handler_sources(handler);
  // A threaded server's connection runs the blocking twin of the handler (core/threads).
  const bool threaded = task != nullptr && task->runner != trace::TaskRunner::LoopCoroutine;
  if (threaded) sources.cpp = find_embedded_source(kThreadHandlersSource);
  SourceView cpp{"cpp_source", sources.cpp, "No C++ source embedded for handler '" + handler + "'.", 0, 0};
  SourceView asyncio{"asyncio_source", sources.asyncio, "No asyncio version embedded for handler '" + handler + "'.",
                     0, 0};
  if (!status.site.file.empty()) {
    const auto where = embedded_line_for(status.site);
    if (where && where->file == sources.asyncio && sources.asyncio != nullptr) {
      // A task of the twins under the probe: its own Python line is the one to band.
      asyncio.highlight_line = where->line;
      asyncio.band_color = status.color;
    } else if (where && where->file == sources.cpp && sources.cpp != nullptr) {
      cpp.highlight_line = where->line;
      cpp.band_color = status.color;
      const auto& lines = lines_of(*sources.cpp);
      const std::vector<std::string_view> following(lines.begin() + where->line, lines.end());
      if (sources.asyncio != nullptr) {
        const std::string call = call_text_of(lines[where->line - 1], following);
        if (const auto line = asyncio_line_for_call(sources.asyncio->text, call)) {
          asyncio.highlight_line = *line;
          asyncio.band_color = status.color;
        }
      }
    }
  }

  // With nothing to highlight, open the file at the handler itself: cpu_parse.cpp also holds
  // offload_parse, write_without_drain.cpp also holds write_with_drain.
  if (sources.cpp != nullptr) {
    cpp.scroll_line = threaded ? thread_handler_definition_line(sources.cpp->text, handler).value_or(0)
                               : handler_definition_line(sources.cpp->text, handler).value_or(0);
  }

  draw_views({&cpp, &asyncio}, scroll_for(ScrollKey{state.selected_task, handler, cpp.highlight_line}));
}

void CodePanel::draw_views(const std::vector<const SourceView*>& views, bool scroll) {
  const ImVec2 available = ImGui::GetContentRegionAvail();
  const ImGuiStyle& style = ImGui::GetStyle();
  // Side by side while each half holds a line of code; one above the other in a narrow panel
  // (a projector's side column), where halves would show a dozen characters each.
  ImFont* mono = monospace_font();
  const float code_char_px = mono != nullptr ? mono->CalcTextSizeA(ImGui::GetFontSize(), FLT_MAX, 0, "M").x
                                             : ImGui::CalcTextSize("M").x;
  constexpr float kReadableLineChars = 56;  // the handlers' lines, with their line numbers
  const bool stacked = views.size() < 2 || available.x < 2 * kReadableLineChars * code_char_px;
  const float title_px = ImGui::GetTextLineHeightWithSpacing();
  const float width = stacked ? available.x : (available.x - style.ItemSpacing.x) * 0.5f;
  const float share = views.size() < 2 ? 1.0f : 0.5f;  // of the height, stacked
  const float height = stacked ? (available.y - style.ItemSpacing.y) * share - title_px : available.y - title_px;
  for (const SourceView* view : views) {
    if (view != views.front() && !stacked) ImGui::SameLine();
    ImGui::BeginGroup();
    const std::string title = view->file != nullptr ? std::string(view->file->path) : "(missing)";
    ImGui::TextDisabled("%s", elided_to_width(title, width).c_str());
    draw_source(*view, width, height, scroll);
    ImGui::EndGroup();
  }
}

void CodePanel::draw_source(const SourceView& view, float width, float height, bool scroll_now) {
  ImGui::BeginChild(view.child_id, ImVec2(width, height), true, ImGuiWindowFlags_HorizontalScrollbar);
  if (view.file == nullptr) {
    ImGui::TextWrapped("%s", view.missing_text.c_str());
    ImGui::EndChild();
    return;
  }
  ImFont* font = monospace_font();
  if (font != nullptr) ImGui::PushFont(font);

  const auto& lines = lines_of(*view.file);
  const int line_count = static_cast<int>(lines.size());
  const int highlight_index = static_cast<int>(view.highlight_line) - 1;  // -1: none
  const float line_height = ImGui::GetTextLineHeightWithSpacing();
  ImDrawList* draw_list = ImGui::GetWindowDrawList();
  const float band_left = ImGui::GetWindowPos().x;
  const float band_right = band_left + ImGui::GetWindowWidth();

  // Scrolled once per change (see ScrollKey): to the highlighted line, centred, else to the
  // handler's definition, near the top so its body is in view.
  const int scroll_index = highlight_index >= 0 ? highlight_index : static_cast<int>(view.scroll_line) - 1;
  const float scroll_ratio = highlight_index >= 0 ? 0.5f : 0.1f;
  const bool scrolling = scroll_now && scroll_index >= 0 && scroll_index < line_count;

  ImGuiListClipper clipper;
  clipper.Begin(line_count, line_height);
  if (scrolling) clipper.ForceDisplayRangeByIndices(scroll_index, scroll_index + 1);
  while (clipper.Step()) {
    for (int index = clipper.DisplayStart; index < clipper.DisplayEnd; ++index) {
      const bool highlighted = index == highlight_index;
      if (highlighted) {
        const ImVec2 top = ImGui::GetCursorScreenPos();
        draw_list->AddRectFilled(ImVec2(band_left, top.y), ImVec2(band_right, top.y + line_height),
                                 with_alpha(view.band_color, kBandAlpha));
        draw_list->AddRectFilled(ImVec2(band_left, top.y), ImVec2(band_left + kBandEdgeWidth, top.y + line_height),
                                 view.band_color);
        ImGui::TextColored(to_imvec4(view.band_color), "%4d", index + 1);
      } else {
        ImGui::TextDisabled("%4d", index + 1);
      }
      ImGui::SameLine();
      const std::string_view line = lines[static_cast<std::size_t>(index)];
      ImGui::TextUnformatted(line.data(), line.data() + line.size());
      if (scrolling && index == scroll_index) ImGui::SetScrollHereY(scroll_ratio);
    }
  }

  if (font != nullptr) ImGui::PopFont();
  ImGui::EndChild();
}

}  // namespace loopscope::viz
