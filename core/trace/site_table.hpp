#pragma once
// Interns call sites into small ids, on the consumer side only. The process's own sites are
// std::source_locations keyed by their static strings (stable for the life of the process), so
// the hook never hashes anything; sites named by another process (the asyncio probe's Python
// lines) arrive as text and are keyed by it.

#include <cstdint>
#include <source_location>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "trace_event.hpp"
#include "trace_log.hpp"

namespace loopscope::trace {

class SiteTable {
 public:
  // 0 for a default-constructed (empty) location.
  SiteId intern(const std::source_location& site);
  // The same, for a site known only by its text; 0 for line 0. A site already interned either
  // way gets its old id.
  SiteId intern(const SiteInfo& site);
  const std::vector<SiteInfo>& sites() const { return sites_; }

 private:
  struct Key {
    const char* file;
    const char* function;
    std::uint32_t line;
    std::uint32_t column;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& key) const noexcept;
  };
  SiteId find_or_add(const SiteInfo& site);

  std::unordered_map<Key, SiteId, KeyHash> ids_;
  std::unordered_map<std::string, SiteId> ids_by_text_;  // file, function, line, column
  std::vector<SiteInfo> sites_;
};

}  // namespace loopscope::trace
