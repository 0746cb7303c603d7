#pragma once
// The code the selected task runs: its handler's C++ source on the left, the asyncio version
// on the right, with the await it is suspended in highlighted in its state's colour. With no
// task selected it shows the handler new connections get (live), or asks for a task (a
// replay: a recorded trace only knows each task's handler). A task of the learner's own asyncio
// server shows their Python file, read from disk, at the line it waits on.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "viz/code/embedded_sources.hpp"
#include "viz/theme/state_colors.hpp"

namespace loopscope::viz {

struct AppState;

class CodePanel {
 public:
  void draw(AppState& state);

 private:
  // One side of the panel: a file with a line banded in `band_color` (0 for none).
  struct SourceView {
    const char* child_id = "";
    const EmbeddedFile* file = nullptr;
    std::string missing_text;  // shown instead when file is null
    std::uint32_t highlight_line = 0;
    PackedColor band_color = 0;
    std::uint32_t scroll_line = 0;  // where to scroll when nothing is highlighted (0: the top)
  };

  void draw_source(const SourceView& view, float width, float height, bool scroll_now);
  void draw_views(const std::vector<const SourceView*>& views, bool scroll);
  const std::vector<std::string_view>& lines_of(const EmbeddedFile& file);

  // Split once per file: the embedded text never changes while the app runs.
  std::map<std::string_view, std::vector<std::string_view>> lines_by_path_;

  // What the highlight showed when it was last scrolled into view: it is scrolled once per
  // change, so a learner can scroll elsewhere while the task stays put.
  struct ScrollKey {
    std::optional<std::uint32_t> task;
    std::string handler;
    std::uint32_t highlight_line = 0;
    bool operator==(const ScrollKey&) const = default;
  };
  std::optional<ScrollKey> scrolled_for_;
  // Whether this frame scrolls the highlight into view: for a few frames after `key` changes.
  bool scroll_for(const ScrollKey& key);
  // Frames left in which to (re)issue that scroll: ImGui applies a scroll request on the next
  // frame, clamped to the content it measured, so a child drawn for the first time needs two.
  int scroll_frames_left_ = 0;
};

}  // namespace loopscope::viz
