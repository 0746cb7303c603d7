#pragma once
// Little-endian integer writers shared by Loopscope's binary formats (the native trace file,
// the wire stream), so both spell an integer the same way on any host.

#include <cstdint>
#include <string>

namespace loopscope::trace {

inline void append_u16_le(std::string& out, std::uint16_t value) {
  for (int shift = 0; shift < 16; shift += 8) out += static_cast<char>((value >> shift) & 0xff);
}

inline void append_u32_le(std::string& out, std::uint32_t value) {
  for (int shift = 0; shift < 32; shift += 8) out += static_cast<char>((value >> shift) & 0xff);
}

inline void append_u64_le(std::string& out, std::uint64_t value) {
  for (int shift = 0; shift < 64; shift += 8) out += static_cast<char>((value >> shift) & 0xff);
}

}  // namespace loopscope::trace
