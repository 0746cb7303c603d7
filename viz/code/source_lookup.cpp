#include "viz/code/source_lookup.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <sstream>

#include "core/handlers/handler_catalog.hpp"

namespace loopscope::viz {

namespace {

// A call spread over more lines than this is labelled by its first lines only: a marker label
// has to stay short anyway.
constexpr std::size_t kMaxContinuationLines = 4;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

bool is_identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Walks C++ text outside string and character literals, so a "//" or "=" inside a literal
// is never taken for code.
template <class Visit>
void for_each_code_char(std::string_view text, Visit visit) {
  char quote = 0;
  for (std::size_t index = 0; index < text.size(); ++index) {
    const char c = text[index];
    if (quote != 0) {
      if (c == '\\') {
        ++index;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
      continue;
    }
    if (!visit(index)) return;
  }
}

// A C++ `//` comment or a Python `#` one (a C++ line that awaits never holds a `#`).
std::string_view without_comment(std::string_view line) {
  std::size_t cut = line.size();
  for_each_code_char(line, [&](std::size_t index) {
    if (line.compare(index, 2, "//") == 0 || line[index] == '#') {
      cut = index;
      return false;
    }
    return true;
  });
  return line.substr(0, cut);
}

int open_parentheses(std::string_view code) {
  int depth = 0;
  for_each_code_char(code, [&](std::size_t index) {
    if (code[index] == '(') ++depth;
    if (code[index] == ')') --depth;
    return true;
  });
  return depth;
}

// Position just after the first `co_await` keyword, or npos.
// Just past the first `co_await` (C++) or `await` (Python) keyword, or npos.
std::size_t after_co_await(std::string_view code) {
  std::size_t found = std::string_view::npos;
  for_each_code_char(code, [&](std::size_t index) {
    for (const std::string_view keyword : {std::string_view("co_await"), std::string_view("await")}) {
      if (code.compare(index, keyword.size(), keyword) != 0) continue;
      const bool starts_word = index == 0 || !is_identifier_char(code[index - 1]);
      const std::size_t end = index + keyword.size();
      const bool ends_word = end == code.size() || !is_identifier_char(code[end]);
      if (!starts_word || !ends_word) continue;
      found = end;
      return false;
    }
    return true;
  });
  return found;
}

// Position just after the `=` of an assignment or initialisation at the top level, or npos.
// Comparisons (==, !=, <=, >=) and the `=` inside brackets (lambda captures, arguments) are not.
std::size_t after_assignment(std::string_view code) {
  std::size_t found = std::string_view::npos;
  int depth = 0;
  for_each_code_char(code, [&](std::size_t index) {
    const char c = code[index];
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c != '=' || depth != 0) return true;
    const char before = index > 0 ? code[index - 1] : ' ';
    const char after = index + 1 < code.size() ? code[index + 1] : ' ';
    if (after == '=' || before == '=' || before == '!' || before == '<' || before == '>') return true;
    found = index + 1;
    return false;
  });
  return found;
}

std::string_view strip_leading_word(std::string_view code, std::string_view word) {
  if (code.size() > word.size() && code.substr(0, word.size()) == word && !is_identifier_char(code[word.size()])) {
    return trim(code.substr(word.size()));
  }
  return code;
}

std::string file_and_line(std::string_view file, std::uint32_t line) {
  return std::string(path_basename(file)) + ":" + std::to_string(line);
}

}  // namespace

std::string asyncio_path_for(std::string_view handler_name) {
  return "assets/asyncio/" + std::string(handler_name) + ".py";
}

HandlerSources handler_sources(std::string_view handler_name) {
  HandlerSources sources;
  for (const auto& description : handlers::handler_descriptions()) {
    if (description.name != handler_name) continue;
    sources.cpp = find_embedded_source(description.source_file);
    sources.asyncio = find_embedded_source(asyncio_path_for(handler_name));
    break;
  }
  return sources;
}

const EmbeddedFile* embedded_file_for(std::string_view site_file) {
  const EmbeddedFile* best = nullptr;
  for (const EmbeddedFile& file : embedded_sources()) {
    if (site_file.size() < file.path.size()) continue;
    if (site_file.substr(site_file.size() - file.path.size()) != file.path) continue;
    // A whole-component match only: "my_echo.cpp" is not "echo.cpp".
    const bool whole = site_file.size() == file.path.size() || site_file[site_file.size() - file.path.size() - 1] == '/';
    if (!whole) continue;
    if (best == nullptr || file.path.size() > best->path.size()) best = &file;
  }
  return best;
}

std::optional<std::uint32_t> handler_definition_line(std::string_view cpp_text, std::string_view handler_name) {
  if (handler_name.empty()) return std::nullopt;
  const std::string signature = "awaitable<void> " + std::string(handler_name) + "(";
  const auto lines = split_lines(cpp_text);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    if (lines[index].find(signature) != std::string_view::npos) return static_cast<std::uint32_t>(index + 1);
  }
  return std::nullopt;
}

std::optional<std::uint32_t> thread_handler_definition_line(std::string_view cpp_text, std::string_view handler_name) {
  if (handler_name.empty()) return std::nullopt;
  const std::string signature = "void " + std::string(handler_name) + "(BlockingStream";
  const auto lines = split_lines(cpp_text);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    if (lines[index].find(signature) != std::string_view::npos) return static_cast<std::uint32_t>(index + 1);
  }
  return std::nullopt;
}

std::optional<EmbeddedLine> embedded_line_for(const trace::SiteInfo& site) {
  const EmbeddedFile* file = embedded_file_for(site.file);
  if (file == nullptr || site.line == 0) return std::nullopt;
  if (site.line > split_lines(file->text).size()) return std::nullopt;
  return EmbeddedLine{file, site.line};
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t begin = 0;
  while (begin < text.size()) {
    auto end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(begin, end - begin);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    begin = end + 1;
  }
  return lines;
}

std::string_view line_of(std::string_view text, std::uint32_t line) {
  if (line == 0) return {};
  const auto lines = split_lines(text);
  return line <= lines.size() ? lines[line - 1] : std::string_view();
}

std::string call_text_of(std::string_view source_line, const std::vector<std::string_view>& following_lines) {
  std::string code(trim(without_comment(source_line)));
  for (std::size_t next = 0; next < following_lines.size() && next < kMaxContinuationLines; ++next) {
    if (open_parentheses(code) <= 0) break;
    code += ' ';
    code += trim(without_comment(following_lines[next]));
  }
  std::string_view call = trim(code);
  while (!call.empty() && call.back() == ';') call = trim(call.substr(0, call.size() - 1));
  if (const auto after = after_co_await(call); after != std::string_view::npos) {
    call = trim(call.substr(after));
  } else {
    call = strip_leading_word(call, "return");
    if (const auto assigned = after_assignment(call); assigned != std::string_view::npos) {
      call = trim(call.substr(assigned));
    }
  }
  return std::string(call);
}

std::string short_function_name(std::string_view function) {
  // Up to the parameter list: the first '(' outside template arguments.
  std::size_t end = function.size();
  int angle_depth = 0;
  for (std::size_t index = 0; index < function.size(); ++index) {
    const char c = function[index];
    if (c == '<') ++angle_depth;
    if (c == '>') --angle_depth;
    if (c == '(' && angle_depth == 0) {
      end = index;
      break;
    }
  }
  std::string_view name = function.substr(0, end);
  // Drop the return type, then the namespaces and classes, both outside template arguments.
  angle_depth = 0;
  std::size_t start = 0;
  for (std::size_t index = 0; index < name.size(); ++index) {
    const char c = name[index];
    if (c == '<') ++angle_depth;
    if (c == '>') --angle_depth;
    if (angle_depth != 0) continue;
    if (c == ' ') start = index + 1;
    if (c == ':' && index + 1 < name.size() && name[index + 1] == ':') start = index + 2;
  }
  name = name.substr(start);
  // "to_thread<Fn>" reads better as "to_thread".
  if (const auto angle = name.find('<'); angle != std::string_view::npos && angle > 0) name = name.substr(0, angle);
  name = trim(name);
  return name.empty() ? std::string(trim(function)) : std::string(name);
}

const EmbeddedFile* learner_python_file(const std::string& path) {
  struct DiskFile {
    std::string path;
    std::string text;
  };
  // Asked for every frame (labels, the code panel), so a file that cannot be read is
  // remembered too. Node-based, so the views handed out stay valid as files are added.
  static std::map<std::string, std::pair<DiskFile, EmbeddedFile>, std::less<>> files;
  auto found = files.find(path);
  if (found == files.end()) {
    DiskFile file{path, {}};
    std::ifstream in(path, std::ios::binary);
    if (in) {
      std::ostringstream text;
      text << in.rdbuf();
      file.text = text.str();
    }
    found = files.emplace(path, std::pair{std::move(file), EmbeddedFile{}}).first;
    found->second.second = EmbeddedFile{found->second.first.path, found->second.first.text};
  }
  return found->second.first.text.empty() ? nullptr : &found->second.second;
}

std::string site_call_label(const trace::SiteInfo& site) {
  if (site.file.empty() && site.line == 0) return {};
  const EmbeddedFile* file = embedded_file_for(site.file);
  if (file == nullptr && site.file.ends_with(".py") && site.file.starts_with("/")) file = learner_python_file(site.file);
  const auto lines = file != nullptr ? split_lines(file->text) : std::vector<std::string_view>{};
  if (site.line >= 1 && site.line <= lines.size()) {
    const std::size_t index = site.line - 1;
    const auto following_end = std::min(lines.size(), index + 1 + kMaxContinuationLines);
    const std::vector<std::string_view> following(lines.begin() + static_cast<std::ptrdiff_t>(index + 1),
                                                  lines.begin() + static_cast<std::ptrdiff_t>(following_end));
    const std::string call = call_text_of(lines[index], following);
    if (!call.empty()) return call + " at " + file_and_line(file->path, site.line);
  }
  const std::string function = short_function_name(site.function);
  if (function.empty()) return file_and_line(site.file, site.line);
  return function + " at " + file_and_line(site.file, site.line);
}

std::string site_call_label(const trace::TraceLog& log, trace::SiteId site) {
  const trace::SiteInfo* info = log.site(site);
  return info == nullptr ? std::string() : site_call_label(*info);
}

std::optional<std::uint32_t> asyncio_line_for_call(std::string_view python_text, std::string_view call_text) {
  if (call_text.empty()) return std::nullopt;
  const std::string awaited = "await " + std::string(call_text);
  std::optional<std::uint32_t> found;
  const auto lines = split_lines(python_text);
  for (std::size_t index = 0; index < lines.size(); ++index) {
    if (lines[index].find(awaited) == std::string_view::npos) continue;
    if (found) return std::nullopt;  // two candidates: no guessing
    found = static_cast<std::uint32_t>(index + 1);
  }
  return found;
}

}  // namespace loopscope::viz
