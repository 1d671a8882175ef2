#include "kernels/optimized/util/thread_pool.h"

#if !defined(ETB_NO_THREADS) && defined(__STDC_HOSTED__) && __STDC_HOSTED__
#define ETB_OPT_THREADS 1
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include <sched.h>
#endif

namespace etb {
namespace optimized {

#if ETB_OPT_THREADS
namespace {

thread_local bool t_in_task = false;

// One parallel_for: lives on the caller's stack. `users` counts workers that
// took it (taken under the pool's mutex); the caller returns once every task
// ran and no worker still holds it.
struct Job {
  TaskFn fn;
  void* arg;
  int64_t tasks;
  int64_t batch;  // consecutive tasks taken at once
  std::atomic<int64_t> next{0};
  std::atomic<int> users{0};
};

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// How long a worker keeps polling for the next job, and the caller for its
// workers' last tasks, before sleeping on a condition variable. Waking a
// sleeping thread costs tens of microseconds (more on a VM), as long as the
// small operators of a MobileNet take: with every worker asleep between
// operators, two threads ran those models no faster than one.
constexpr auto kSpin = std::chrono::microseconds(200);

// Polls `done` for up to kSpin; whether it became true. `yield`: between
// polls, offer the core to other runnable threads (a worker waiting for the
// next operator must not slow the caller sharing its core on a loaded
// machine); without it, pause (the caller waiting out a worker's last task).
template <typename F>
bool spin_until(F done, bool yield) {
  const auto until = std::chrono::steady_clock::now() + kSpin;
  for (;;) {
    for (int i = 0; i < 16; i++) {
      if (done()) return true;
      if (yield) {
        sched_yield();
      } else {
        cpu_relax();
      }
    }
    if (std::chrono::steady_clock::now() >= until) return done();
  }
}

// One job at a time. A new job is published by bumping `generation_`;
// workers poll it for a while after their last job, then sleep. When the
// caller has run out of tasks it withdraws the job, so a worker that wakes
// late (on a loaded machine it may not run for milliseconds) finds nothing
// to do and the caller does not wait for it.
class Pool {
 public:
  void run(int threads, int64_t tasks, TaskFn fn, void* arg) {
    std::lock_guard<std::mutex> serial(run_mu_);
    Job job;
    job.fn = fn;
    job.arg = arg;
    job.tasks = tasks;
    // Tasks are taken in batches of consecutive indices, about eight per
    // thread (the last batch to finish leaves the others idle for at most
    // an eighth of a thread's share). One at a time, MobileNetV2's depthwise
    // layers on 7x7 planes (960 tasks of ~50 ns) ran 2.4x slower on two
    // threads than on one: the shared counter and the output lines of
    // neighbouring channels bounced between the cores on every task.
    job.batch = tasks / (8 * int64_t(threads)) > 1 ? tasks / (8 * int64_t(threads)) : 1;
    const int helpers = threads - 1;
    {
      std::lock_guard<std::mutex> lock(mu_);
      while (started_ < helpers) {
        std::thread(&Pool::worker_loop, this, started_).detach();
        started_++;
      }
      job_ = &job;
      wanted_.store(helpers, std::memory_order_relaxed);
      generation_.fetch_add(1, std::memory_order_release);
    }
    work_cv_.notify_all();
    drain(job, threads - 1);  // the caller is the last worker index
    {
      std::lock_guard<std::mutex> lock(mu_);
      job_ = nullptr;
    }
    // Workers still inside the job are finishing their last task.
    if (spin_until([&] { return job.users.load(std::memory_order_acquire) == 0; }, false)) return;
    std::unique_lock<std::mutex> lock(mu_);
    done_cv_.wait(lock, [&] { return job.users.load(std::memory_order_acquire) == 0; });
  }

 private:
  static void drain(Job& job, int worker) {
    t_in_task = true;
    for (int64_t i; (i = job.next.fetch_add(job.batch, std::memory_order_relaxed)) < job.tasks;) {
      const int64_t end = i + job.batch < job.tasks ? i + job.batch : job.tasks;
      for (; i < end; i++) job.fn(job.arg, i, worker);
    }
    t_in_task = false;
  }

  bool wanted(uint64_t seen, int index) const {
    return generation_.load(std::memory_order_acquire) != seen && index < wanted_.load(std::memory_order_relaxed);
  }

  void worker_loop(int index) {
    uint64_t seen = 0;
    for (;;) {
      spin_until([&] { return wanted(seen, index); }, true);
      Job* job;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return wanted(seen, index); });
        seen = generation_.load(std::memory_order_relaxed);
        job = job_;
        if (job == nullptr) continue;
        job->users.fetch_add(1, std::memory_order_relaxed);
      }
      drain(*job, index);
      // After this the caller may return: `job` is not touched again.
      if (job->users.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        std::lock_guard<std::mutex> lock(mu_);
        done_cv_.notify_all();
      }
    }
  }

  std::mutex run_mu_, mu_;
  std::condition_variable work_cv_, done_cv_;
  int started_ = 0;
  std::atomic<int> wanted_{0};
  std::atomic<uint64_t> generation_{0};
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
