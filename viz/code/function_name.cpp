#include "function_name.hpp"

#include <cctype>

namespace loopscope::viz {

namespace {

// The last name of an Itanium-mangled nested name (_ZN <length><name>... E): enough to say which
// function a coroutine frame belongs to, without a demangler.
std::string last_mangled_name(std::string_view mangled) {
  std::size_t at = mangled.find("_ZN");
  if (at == std::string_view::npos) return {};
  at += 3;
  std::string last;
  while (at < mangled.size() && std::isdigit(static_cast<unsigned char>(mangled[at])) != 0) {
    std::size_t length = 0;
    while (at < mangled.size() && std::isdigit(static_cast<unsigned char>(mangled[at])) != 0) {
      length = length * 10 + static_cast<std::size_t>(mangled[at] - '0');
      ++at;
    }
    if (length == 0 || at + length > mangled.size()) break;
    last = std::string(mangled.substr(at, length));
    at += length;
  }
  return last;
}

// "asio::awaitable<void> loopscope::handlers::echo(Connection&)" -> "echo".
std::string plain_name(std::string_view signature) {
  std::size_t end = signature.find('(');
  if (end == std::string_view::npos) end = signature.size();
  std::string_view head = signature.substr(0, end);
  // Template arguments in the return type or the name itself are not what a learner reads.
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t index = 0; index < head.size(); ++index) {
    const char c = head[index];
    if (c == '<') ++depth;
    else if (c == '>') --depth;
    else if (depth == 0 && (c == ' ' || c == ':')) start = index + 1;
  }
  head = head.substr(start);
  if (const std::size_t angle = head.find('<'); angle != std::string_view::npos) head = head.substr(0, angle);
  return std::string(head);
}

}  // namespace

std::string readable_function_name(std::string_view function_name) {
  if (function_name.empty()) return {};
  std::string name = last_mangled_name(function_name);
  if (name.empty()) name = plain_name(function_name);
  if (name.empty()) return std::string(function_name);
  return name + "()";
}

}  // namespace loopscope::viz
