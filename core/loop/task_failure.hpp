#pragma once
// What killed a handler, in words a learner reads in the event log: the exception's type
// without its namespaces, its message, and where it was raised. asyncio logs the same
// ("Unhandled exception in client_connected_cb") before it closes the transport.

#include <exception>
#include <source_location>
#include <string>

namespace loopscope::loop {

struct TaskFailure {
  std::string type;          // "LineTooLongError", "runtime_error"
  std::string message;       // what()
  std::source_location site; // where a stream error was raised; empty when it does not say
  std::string text() const;  // "LineTooLongError: line longer than the limit of 1024 bytes"
};

// Only for an exception in flight (inside a catch block): `error` is what it caught.
TaskFailure describe_failure(const std::exception& error);

}  // namespace loopscope::loop
