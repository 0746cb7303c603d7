#pragma once
// Interns std::source_location call sites into small ids, on the consumer side only.
// Keyed by the location's static strings (stable for the life of the process), so the hook
// never hashes anything.

#include <cstdint>
#include <source_location>
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
  std::unordered_map<Key, SiteId, KeyHash> ids_;
  std::vector<SiteInfo> sites_;
};

}  // namespace loopscope::trace
