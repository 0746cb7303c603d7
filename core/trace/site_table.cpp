#include "site_table.hpp"

#include <functional>

namespace loopscope::trace {

std::size_t SiteTable::KeyHash::operator()(const Key& key) const noexcept {
  std::size_t hash = std::hash<const void*>{}(key.file);
  hash = hash * 31 + std::hash<const void*>{}(key.function);
  hash = hash * 31 + key.line;
  return hash * 31 + key.column;
}

SiteId SiteTable::intern(const std::source_location& site) {
  if (site.line() == 0) return 0;
  const Key key{site.file_name(), site.function_name(), site.line(), site.column()};
  if (const auto found = ids_.find(key); found != ids_.end()) return found->second;
  // The same source line can reach us through different string pointers (inline code
  // compiled into several objects); fold those into one site.
  for (std::size_t index = 0; index < sites_.size(); ++index) {
    const SiteInfo& known = sites_[index];
    if (known.line == key.line && known.column == key.column && known.file == key.file &&
        known.function == key.function) {
      const auto id = static_cast<SiteId>(index + 1);
      ids_.emplace(key, id);
      return id;
    }
  }
  sites_.push_back(SiteInfo{key.file, key.function, key.line, key.column});
  const auto id = static_cast<SiteId>(sites_.size());
  ids_.emplace(key, id);
  return id;
}

}  // namespace loopscope::trace
