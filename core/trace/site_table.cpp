#include "site_table.hpp"

#include <functional>

namespace loopscope::trace {

namespace {

std::string text_key(const SiteInfo& site) {
  std::string key;
  key.reserve(site.file.size() + site.function.size() + 24);
  key.append(site.file).push_back('\0');
  key.append(site.function).push_back('\0');
  key.append(std::to_string(site.line)).push_back(':');
  key.append(std::to_string(site.column));
  return key;
}

}  // namespace

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
  // compiled into several objects); the text key folds those into one site.
  const SiteId id = find_or_add(SiteInfo{key.file, key.function, key.line, key.column});
  ids_.emplace(key, id);
  return id;
}

SiteId SiteTable::intern(const SiteInfo& site) {
  if (site.line == 0) return 0;
  return find_or_add(site);
}

SiteId SiteTable::find_or_add(const SiteInfo& site) {
  auto [slot, added] = ids_by_text_.try_emplace(text_key(site), 0);
  if (added) {
    sites_.push_back(site);
    slot->second = static_cast<SiteId>(sites_.size());
  }
  return slot->second;
}

}  // namespace loopscope::trace
