#include "json_object_reader.hpp"

#include <cmath>

namespace loopscope::scenarios {

std::string describe_json(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 40) text = text.substr(0, 37) + "...";
  switch (value.type()) {
    case nlohmann::json::value_t::string: return "the text " + text;
    case nlohmann::json::value_t::boolean: return "the boolean " + text;
    case nlohmann::json::value_t::null: return "null";
    case nlohmann::json::value_t::array: return "a list " + text;
    case nlohmann::json::value_t::object: return "an object " + text;
    default: return "the number " + text;
  }
}

JsonObjectReader::JsonObjectReader(const nlohmann::json& value, std::string path, const std::string& file)
    : value_(value), path_(std::move(path)), file_(file) {
  if (!value_.is_object()) throw LessonFileError(file_, path_, "expected an object, found " + describe_json(value_));
}

std::string JsonObjectReader::child_path(const std::string& key) const { return path_ + "." + key; }

void JsonObjectReader::fail(const std::string& key, const std::string& problem) const {
  throw LessonFileError(file_, key.empty() ? path_ : child_path(key), problem);
}

bool JsonObjectReader::has(const std::string& key) const {
  read_keys_.insert(key);
  return value_.contains(key);
}

const nlohmann::json& JsonObjectReader::field(const std::string& key) const {
  read_keys_.insert(key);
  const auto found = value_.find(key);
  if (found == value_.end()) fail(key, "missing; this key is required");
  return *found;
}

std::string JsonObjectReader::text(const std::string& key) const {
  const auto& value = field(key);
  if (!value.is_string() || value.get<std::string>().empty()) {
    fail(key, "expected non-empty text, found " + describe_json(value));
  }
  return value.get<std::string>();
}

std::string JsonObjectReader::text_or(const std::string& key, const std::string& fallback) const {
  return has(key) ? text(key) : fallback;
}

double JsonObjectReader::number(const std::string& key, double minimum, double maximum) const {
  const auto& value = field(key);
  if (!value.is_number()) fail(key, "expected a number, found " + describe_json(value));
  const double number = value.get<double>();
  if (!std::isfinite(number) || number < minimum || number > maximum) {
    fail(key, "expected a number from " + nlohmann::json(minimum).dump() + " to " + nlohmann::json(maximum).dump() +
                  ", found " + value.dump());
  }
  return number;
}

double JsonObjectReader::number_or(const std::string& key, double fallback, double minimum, double maximum) const {
  return has(key) ? number(key, minimum, maximum) : fallback;
}

std::optional<double> JsonObjectReader::optional_number(const std::string& key, double minimum, double maximum) const {
  if (!has(key)) return std::nullopt;
  return number(key, minimum, maximum);
}

long long JsonObjectReader::integer_or(const std::string& key, long long fallback, long long minimum,
                                       long long maximum) const {
  if (!has(key)) return fallback;
  const auto& value = field(key);
  if (!value.is_number_integer()) fail(key, "expected a whole number, found " + describe_json(value));
  const long long number = value.get<long long>();
  if (number < minimum || number > maximum) {
    fail(key, "expected a whole number from " + std::to_string(minimum) + " to " + std::to_string(maximum) +
                  ", found " + std::to_string(number));
  }
  return number;
}

bool JsonObjectReader::boolean_or(const std::string& key, bool fallback) const {
  if (!has(key)) return fallback;
  const auto& value = field(key);
  if (!value.is_boolean()) fail(key, "expected true or false, found " + describe_json(value));
  return value.get<bool>();
}

JsonObjectReader JsonObjectReader::object(const std::string& key) const {
  return JsonObjectReader(field(key), child_path(key), file_);
}

std::vector<std::pair<const nlohmann::json*, std::string>> JsonObjectReader::array(const std::string& key) const {
  const auto& value = field(key);
  if (!value.is_array()) fail(key, "expected a list, found " + describe_json(value));
  std::vector<std::pair<const nlohmann::json*, std::string>> elements;
  for (std::size_t index = 0; index < value.size(); ++index) {
    elements.emplace_back(&value[index], child_path(key) + "[" + std::to_string(index) + "]");
  }
  return elements;
}

std::vector<std::string> JsonObjectReader::text_array(const std::string& key) const {
  std::vector<std::string> texts;
  for (const auto& [element, element_path] : array(key)) {
    if (!element->is_string() || element->get<std::string>().empty()) {
      throw LessonFileError(file_, element_path, "expected non-empty text, found " + describe_json(*element));
    }
    texts.push_back(element->get<std::string>());
  }
  return texts;
}

std::vector<std::pair<std::string, JsonObjectReader>> JsonObjectReader::members() const {
  std::vector<std::pair<std::string, JsonObjectReader>> found;
  for (auto member = value_.begin(); member != value_.end(); ++member) {
    read_keys_.insert(member.key());
    found.emplace_back(member.key(), JsonObjectReader(member.value(), child_path(member.key()), file_));
  }
  return found;
}

void JsonObjectReader::reject_unknown_keys() const {
  for (auto member = value_.begin(); member != value_.end(); ++member) {
    if (read_keys_.count(member.key()) == 0) {
      std::string known;
      for (const auto& key : read_keys_) known += (known.empty() ? "" : ", ") + key;
      fail(member.key(), "unknown key (expected one of: " + known + ")");
    }
  }
}

}  // namespace loopscope::scenarios
