// The optimized kernels' thread pool: every task runs exactly once, on a
// worker index below the thread count, whatever the batch the workers take
// (task counts below, at and past eight batches per thread, with remainders),
// and a parallel_for inside a task runs inline.
#include <atomic>
#include <vector>

#include "kernels/optimized/util/thread_pool.h"
#include "testing/minitest.h"

using etb::optimized::parallel_for;

TEST(ThreadPool, EveryTaskRunsOnceOnAValidWorker) {
  for (int threads : {1, 2, 3}) {
    for (int64_t tasks : {0, 1, 2, 7, 15, 16, 17, 33, 48, 49, 100, 999, 4096, 4099}) {
      std::vector<std::atomic<int>> runs(size_t(tasks > 0 ? tasks : 1));
      for (auto& r : runs) r.store(0);
      std::atomic<int> bad_worker{0};
      parallel_for(threads, tasks, [&](int64_t t, int worker) {
        if (worker < 0 || worker >= threads) bad_worker.fetch_add(1);
        runs[size_t(t)].fetch_add(1);
      });
      int wrong = 0;
      for (int64_t t = 0; t < tasks; t++) wrong += runs[size_t(t)].load() != 1;
      if (wrong != 0 || bad_worker.load() != 0) {
        printf("  %d threads, %lld tasks: %d tasks did not run exactly once, %d calls had a bad worker\n", threads,
               (long long)tasks, wrong, bad_worker.load());
      }
      EXPECT_EQ(wrong, 0);
      EXPECT_EQ(bad_worker.load(), 0);
    }
  }
}

TEST(ThreadPool, NestedCallsRunInline) {
  std::vector<std::atomic<int>> runs(64 * 16);
  for (auto& r : runs) r.store(0);
  parallel_for(2, 64, [&](int64_t outer, int) {
    parallel_for(2, 16, [&](int64_t inner, int) { runs[size_t(outer * 16 + inner)].fetch_add(1); });
  });
  int wrong = 0;
  for (auto& r : runs) wrong += r.load() != 1;
  EXPECT_EQ(wrong, 0);
}
