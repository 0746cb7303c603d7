#include "viz/code/embedded_sources.hpp"

namespace loopscope::viz {

std::string_view path_basename(std::string_view path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

const EmbeddedFile* find_embedded_source(std::string_view path) {
  for (const EmbeddedFile& file : embedded_sources()) {
    if (file.path == path) return &file;
  }
  return nullptr;
}

const EmbeddedFile* find_embedded_source_by_basename(std::string_view file_name) {
  const EmbeddedFile* found = nullptr;
  for (const EmbeddedFile& file : embedded_sources()) {
    if (path_basename(file.path) != file_name) continue;
    if (found != nullptr) return nullptr;
    found = &file;
  }
  return found;
}

}  // namespace loopscope::viz
