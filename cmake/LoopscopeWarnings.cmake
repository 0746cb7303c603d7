# Project code builds with warnings as errors; third-party headers come in as SYSTEM
# include directories so their warnings do not fail our build.
function(loopscope_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
    -Wnon-virtual-dtor -Wold-style-cast $<$<BOOL:${LOOPSCOPE_WERROR}>:-Werror>
    # GCC 12 at -O3 reports -Wrestrict inside std::string's own operator+ (GCC bug 105329),
    # a false positive that would fail Release builds of correct code.
    $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
endfunction()
