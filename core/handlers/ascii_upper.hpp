#pragma once
// Upper-cases the ASCII letters of a byte string and leaves every other byte alone, which is
// what Python's bytes.upper() does (the seeds' `data.upper()`). std::toupper would follow the
// C locale instead, and costs a library call per byte: on the echo benchmark with 64-byte lines
// it was the loop's hottest user-space function (docs/benchmarks.md).

#include <string>

namespace loopscope::handlers {

inline void upper_case_ascii(std::string& bytes) {
  for (char& byte : bytes) {
    if (byte >= 'a' && byte <= 'z') byte = static_cast<char>(byte - ('a' - 'A'));
  }
}

}  // namespace loopscope::handlers
