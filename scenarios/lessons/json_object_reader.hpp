#pragma once
// Reads one JSON object field by field, remembering where it is, so every complaint names the
// file, the JSON path and what was expected. Keys nobody asked for are errors, not ignored:
// a typo in a lesson must not silently change what it does.

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace loopscope::scenarios {

struct LessonFileError : std::runtime_error {
  LessonFileError(const std::string& file, const std::string& path, const std::string& problem)
      : std::runtime_error(file + ": at " + path + ": " + problem), file_name(file), json_path(path) {}
  std::string file_name;
  std::string json_path;
};

class JsonObjectReader {
 public:
  JsonObjectReader(const nlohmann::json& value, std::string path, const std::string& file);

  const std::string& path() const { return path_; }
  [[noreturn]] void fail(const std::string& key, const std::string& problem) const;

  bool has(const std::string& key) const;
  std::string text(const std::string& key) const;  // required, non-empty
  std::string text_or(const std::string& key, const std::string& fallback) const;
  double number(const std::string& key, double minimum, double maximum) const;  // required
  double number_or(const std::string& key, double fallback, double minimum, double maximum) const;
  std::optional<double> optional_number(const std::string& key, double minimum, double maximum) const;
  long long integer_or(const std::string& key, long long fallback, long long minimum, long long maximum) const;
  bool boolean_or(const std::string& key, bool fallback) const;
  JsonObjectReader object(const std::string& key) const;
  // Each element with its path ("$.steps[2]").
  std::vector<std::pair<const nlohmann::json*, std::string>> array(const std::string& key) const;
  std::vector<std::string> text_array(const std::string& key) const;
  // Every member, for objects used as maps (client groups).
  std::vector<std::pair<std::string, JsonObjectReader>> members() const;

  // Throws for the first key that was never read.
  void reject_unknown_keys() const;

 private:
  const nlohmann::json& field(const std::string& key) const;
  std::string child_path(const std::string& key) const;

  const nlohmann::json& value_;
  std::string path_;
  const std::string& file_;
  mutable std::set<std::string> read_keys_;
};

std::string describe_json(const nlohmann::json& value);  // for "found ..." in messages

}  // namespace loopscope::scenarios
