// Loop health named a frozen coroutine by its mangled frame type
// ("..._ZN9loopscope8handlers14blocking_sleep...Frame*"); a learner reads "blocking_sleep()".
#include <gtest/gtest.h>

#include "viz/code/function_name.hpp"

using loopscope::viz::readable_function_name;

TEST(FunctionName, ACoroutineFrameIsNamedByItsFunction) {
  EXPECT_EQ(readable_function_name("void _ZN9loopscope8handlers14blocking_sleepERNS_4loop10ConnectionE.Frame*::operator()"),
            "blocking_sleep()");
}

TEST(FunctionName, APlainSignatureLosesItsReturnTypeNamespacesAndParameters) {
  EXPECT_EQ(readable_function_name("asio::awaitable<void> loopscope::handlers::echo(loopscope::loop::Connection&)"), "echo()");
  EXPECT_EQ(readable_function_name("int main()"), "main()");
}

TEST(FunctionName, NothingStaysNothing) { EXPECT_EQ(readable_function_name(""), ""); }
