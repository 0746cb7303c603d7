// libFuzzer: the lesson file parser. Whatever the bytes, it returns a lesson or throws a
// LessonFileError naming the file, the JSON path and what was expected; any other exception,
// crash or sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scenarios/lessons/lesson_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const loopscope::scenarios::Lesson lesson = loopscope::scenarios::parse_lesson(text, "fuzz.json");
    if (lesson.id.empty()) __builtin_trap();  // an accepted lesson always has its id
  } catch (const loopscope::scenarios::LessonFileError& error) {
    if (std::string_view(error.what()).find("fuzz.json") == std::string_view::npos) __builtin_trap();
  }
  return 0;
}
