#pragma once
// A function as a learner writes it, from what std::source_location::function_name() says.
// GCC names a coroutine's code by its frame's mangled type
// ("..._ZN9loopscope8handlers14blocking_sleepEv.Frame*") and a plain function with its return
// type, namespaces and parameters; both read "blocking_sleep()".

#include <string>
#include <string_view>

namespace loopscope::viz {

std::string readable_function_name(std::string_view function_name);

}  // namespace loopscope::viz
