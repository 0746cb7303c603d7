#pragma once
// Reads a lesson file (docs/lessons.md). Every problem is a LessonFileError naming the file,
// the JSON path and what was expected.

#include <filesystem>
#include <string>
#include <string_view>

#include "scenarios/lessons/json_object_reader.hpp"
#include "scenarios/lessons/lesson.hpp"

namespace loopscope::scenarios {

Lesson parse_lesson(std::string_view json_text, const std::string& file_name);
Lesson load_lesson_file(const std::filesystem::path& path);

// The measures a check may use, for validation and documentation.
const std::vector<std::string>& check_measures();

}  // namespace loopscope::scenarios
