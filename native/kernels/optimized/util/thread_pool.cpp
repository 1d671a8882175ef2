#include "kernels/optimized/util/thread_pool.h"

#if !defined(ETB_NO_THREADS) && defined(__STDC_HOSTED__) && __STDC_HOSTED__
#define ETB_OPT_THREADS 1
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#endif

namespace etb {
namespace optimized {

#if ETB_OPT_THREADS
namespace {

thread_local bool t_in_task = false;

// One parallel_for: lives on the caller's stack. `users` counts workers that
// took it (under the pool's mutex); the caller returns once every task ran
// and no worker still holds it.
struct Job {
  TaskFn fn;
  void* arg;
  int64_t tasks;
  std::atomic<int64_t> next{0};
  int users = 0;
};

// One job at a time. Workers sleep until a new generation is published;
// when the caller has run out of tasks it withdraws the job, so a worker
// that wakes late (on a loaded machine it may not run for milliseconds)
// finds nothing to do and the caller does not wait for it.
class Pool {
 public:
  void run(int threads, int64_t tasks, TaskFn fn, void* arg) {
    std::lock_guard<std::mutex> serial(run_mu_);
    Job job;
    job.fn = fn;
    job.arg = arg;
    job.tasks = tasks;
    const int helpers = threads - 1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (started_ < helpers) {
        std::thread(&Pool::worker_loop, this, started_).detach();
        started_++;
      }
      job_ = &job;
      wanted_ = helpers;
      generation_++;
    }
    work_cv_.notify_all();
    drain(job, threads - 1);  // the caller is the last worker index
    std::unique_lock<std::mutex> lock(mu_);
    job_ = nullptr;
    done_cv_.wait(lock, [&] { return job.users == 0; });
  }

 private:
  static void drain(Job& job, int worker) {
    t_in_task = true;
    for (int64_t i; (i = job.next.fetch_add(1, std::memory_order_relaxed)) < job.tasks;) job.fn(job.arg, i, worker);
    t_in_task = false;
  }

  void worker_loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      Job* job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return generation_ != seen && index < wanted_; });
        seen = generation_;
        job = job_;
        if (job == nullptr) continue;
        job->users++;
      }
      drain(*job, index);
      std::lock_guard<std::mutex> lock(mu_);
      if (--job->users == 0) done_cv_.notify_all();
    }
  }

  std::mutex run_mu_, mu_;
  std::condition_variable work_cv_, done_cv_;
  int started_ = 0, wanted_ = 0;
  uint64_t generation_ = 0;
  Job* job_ = nullptr;
};

// Never destroyed: detached workers may still be waiting at exit.
Pool& pool() {
  static Pool* p = new Pool();
  return *p;
}

}  // namespace
#endif

void parallel_for_raw(int threads, int64_t tasks, TaskFn fn, void* arg) {
  if (threads > kMaxThreads) threads = kMaxThreads;
  if (threads > tasks) threads = int(tasks);
#if ETB_OPT_THREADS
  if (threads > 1 && !t_in_task) {
    pool().run(threads, tasks, fn, arg);
    return;
  }
#endif
  for (int64_t i = 0; i < tasks; i++) fn(arg, i, 0);
}

}  // namespace optimized
}  // namespace etb
