#include "task_failure.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <memory>
#include <typeinfo>

#include "core/loop/stream_errors.hpp"

namespace loopscope::loop {

namespace {

// "loopscope::loop::LineTooLongError" -> "LineTooLongError": the namespaces say nothing to a
// learner, the name does.
std::string readable_type_name(const std::type_info& type) {
  int status = 0;
  const std::unique_ptr<char, void (*)(void*)> demangled(abi::__cxa_demangle(type.name(), nullptr, nullptr, &status),
                                                        std::free);
  std::string name = status == 0 && demangled ? demangled.get() : type.name();
  if (const auto colons = name.rfind("::"); colons != std::string::npos) name.erase(0, colons + 2);
  return name;
}

}  // namespace

std::string TaskFailure::text() const { return message.empty() ? type : type + ": " + message; }

TaskFailure describe_failure(const std::exception& error) {
  TaskFailure failure{readable_type_name(typeid(error)), error.what(), {}};
  if (const auto* stream_error = dynamic_cast<const StreamError*>(&error)) failure.site = stream_error->site;
  return failure;
}

}  // namespace loopscope::loop
