#pragma once
// The lessons that ship inside the binary (scenarios/lessons/builtin/*.json, embedded at build time).

#include <string>
#include <string_view>
#include <vector>

namespace loopscope::scenarios {

struct BuiltinLesson {
  std::string_view name;       // the file name without .json, e.g. "drain-backpressure"
  std::string_view json_text;
};

const std::vector<BuiltinLesson>& builtin_lessons();

}  // namespace loopscope::scenarios
