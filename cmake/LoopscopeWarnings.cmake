# Project code builds with warnings as errors; third-party headers come in as SYSTEM
# include directories so their warnings do not fail our build.
function(loopscope_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast -Werror)
endfunction()
