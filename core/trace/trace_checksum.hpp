#pragma once
// The native trace file's checksum (docs/trace-format.md): 64-bit FNV-1a of every byte before
// it. Shared by the format and by the fuzz target, which fixes it so the decoder reads on.

#include <cstdint>
#include <string_view>

namespace loopscope::trace {

inline std::uint64_t fnv1a_64(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char byte : bytes) {
    hash ^= static_cast<unsigned char>(byte);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace loopscope::trace
