#include "layout_audit.hpp"

#include <imgui_internal.h>

#include <algorithm>
#include <utility>

namespace loopscope::viz {

namespace {

LayoutAudit* g_active_audit = nullptr;

ScreenRect screen_rect(const ImRect& rect) { return {rect.Min.x, rect.Min.y, rect.Max.x, rect.Max.y}; }

bool is_floating(const ImGuiWindow& window) {
  return (window.Flags & (ImGuiWindowFlags_Popup | ImGuiWindowFlags_Tooltip | ImGuiWindowFlags_ChildMenu)) != 0;
}

// ImGui's fallback window ("Debug##Default") exists every frame but holds nothing of ours.
bool is_fallback(const ImGuiWindow& window) { return std::string_view(window.Name).starts_with("Debug##"); }

}  // namespace

void LayoutAudit::begin_frame() {
  texts_.clear();
  must_fit_.clear();
}

void LayoutAudit::note_text(TextBox text) { texts_.push_back(std::move(text)); }

void LayoutAudit::require_whole_content(std::string window_name) { must_fit_.push_back(std::move(window_name)); }

LayoutSnapshot LayoutAudit::finish_frame() const {
  const ImGuiContext& context = *ImGui::GetCurrentContext();
  LayoutSnapshot snapshot;
  snapshot.frame = context.FrameCount;
  snapshot.texts = texts_;
  for (const ImGuiWindow* window : context.Windows) {
    if (!window->Active || window->Hidden || is_fallback(*window)) continue;
    WindowExtent extent;
    extent.name = window->Name;
    extent.rect = screen_rect(window->Rect());
    // Items may use half the padding before the window clips them (ImGui's InnerClipRect),
    // measured on the unclipped inner rectangle so a child scrolled half out of its parent is
    // judged by its own size.
    const ImVec2 half_padding(window->WindowPadding.x * 0.5f, window->WindowPadding.y * 0.5f);
    extent.visible = {window->InnerRect.Min.x + half_padding.x, window->InnerRect.Min.y + half_padding.y,
                      window->InnerRect.Max.x - half_padding.x, window->InnerRect.Max.y - half_padding.y};
    extent.content_right_px = window->DC.CursorMaxPos.x;
    extent.content_bottom_px = window->DC.CursorMaxPos.y;
    extent.scrolls_x = window->ScrollbarX;
    extent.scrolls_y = window->ScrollbarY;
    extent.floating = is_floating(*window);
    extent.child = (window->Flags & ImGuiWindowFlags_ChildWindow) != 0 && !extent.floating;
    if (window->ParentWindow != nullptr) extent.parent = window->ParentWindow->Name;
    extent.must_fit = std::find(must_fit_.begin(), must_fit_.end(), extent.name) != must_fit_.end();
    snapshot.windows.push_back(std::move(extent));
  }
  // Tables persist in a pool; the ones drawn this frame are the ones on screen.
  ImGuiContext& mutable_context = *ImGui::GetCurrentContext();
  for (int index = 0; index < mutable_context.Tables.GetMapSize(); ++index) {
    const ImGuiTable* table = mutable_context.Tables.TryGetMapData(index);
    if (table == nullptr || table->LastFrameActive != context.FrameCount || table->OuterWindow == nullptr) continue;
    if ((table->Flags & ImGuiTableFlags_ScrollX) != 0) continue;  // a scrollbar shows the rest
    for (int column_index = 0; column_index < table->ColumnsCount; ++column_index) {
      const ImGuiTableColumn& column = table->Columns[column_index];
      if (!column.IsEnabled || !column.IsVisibleX) continue;
      ColumnExtent extent;
      extent.window = table->OuterWindow->Name;
      extent.column = column_index;
      extent.content_right_px = std::max(column.ContentMaxXFrozen, column.ContentMaxXUnfrozen);
      extent.clip_right_px = column.ClipRect.Max.x;
      snapshot.columns.push_back(std::move(extent));
    }
  }
  return snapshot;
}

LayoutAudit* active_layout_audit() { return g_active_audit; }
void set_active_layout_audit(LayoutAudit* audit) { g_active_audit = audit; }

void note_drawn_text(std::string_view text, ScreenRect box, ScreenRect bounds) {
  if (g_active_audit == nullptr) return;
  const ImGuiWindow* window = ImGui::GetCurrentWindowRead();
  g_active_audit->note_text(TextBox{std::string(text), window != nullptr ? window->Name : "", box, bounds});
}

void require_whole_window_content() {
  if (g_active_audit == nullptr) return;
  if (const ImGuiWindow* window = ImGui::GetCurrentWindowRead()) g_active_audit->require_whole_content(window->Name);
}

void note_last_item(std::string_view label) {
  if (g_active_audit == nullptr) return;
  const ImVec2 min = ImGui::GetItemRectMin();
  const ImVec2 max = ImGui::GetItemRectMax();
  const ScreenRect box{min.x, min.y, max.x, max.y};
  note_drawn_text(label, box, box);
}

void note_item_overlay_text(std::string_view text, bool centered) {
  if (g_active_audit == nullptr || text.empty()) return;
  const ImVec2 item_min = ImGui::GetItemRectMin();
  const ImVec2 item_max = ImGui::GetItemRectMax();
  const ImVec2 size = ImGui::CalcTextSize(text.data(), text.data() + text.size());
  const float left_px = centered ? (item_min.x + item_max.x - size.x) / 2
                                 : item_min.x + ImGui::GetStyle().ItemInnerSpacing.x;
  const float top_px = item_min.y + ImGui::GetStyle().FramePadding.y;
  note_drawn_text(text, ScreenRect{left_px, top_px, left_px + size.x, top_px + size.y},
                  ScreenRect{item_min.x, item_min.y, item_max.x, item_max.y});
}

}  // namespace loopscope::viz
