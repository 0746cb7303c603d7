#pragma once
// Threads for off-loop blocking work, like asyncio.to_thread's default executor.
// Workers never touch stream objects: they get a plain function and return a plain value,
// and the awaiting task resumes back on the loop.

#include <asio/thread_pool.hpp>
#include <cstddef>

namespace loopscope::loop {

class WorkerPool {
 public:
  explicit WorkerPool(std::size_t threads = 2) : pool_(threads) {}
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool() { pool_.join(); }

  asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

 private:
  asio::thread_pool pool_;
};

}  // namespace loopscope::loop
