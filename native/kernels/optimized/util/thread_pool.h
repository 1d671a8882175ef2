// A small process-wide thread pool for the optimized kernels.
//
//   optimized::parallel_for(ctx.threads, n_tiles, [&](int64_t tile, int worker) { ... });
//
// `threads` comes from the KernelContext (etrun --threads N, the Node addon's
// `threads` option). Tasks are handed out by index; a kernel must make each
// task's result independent of which worker runs it (and of how many there
// are), so outputs are bitwise identical for every thread count. `worker` is
// in [0, threads) and selects per-worker scratch. Calls are serialized; a
// call made from inside a task runs inline on that worker. The workers are
// started on first use and live until the process exits. Builds without
// threads (ETB_NO_THREADS, bare metal) run every task on the caller.
#pragma once
#include <stdint.h>

#include <type_traits>

namespace etb {
namespace optimized {

using TaskFn = void (*)(void* arg, int64_t task, int worker);

// Runs fn(arg, i, worker) for every i in [0, tasks) on up to `threads` threads
// (the caller included) and returns when all are done.
void parallel_for_raw(int threads, int64_t tasks, TaskFn fn, void* arg);

template <typename F>
void parallel_for(int threads, int64_t tasks, F&& f) {
  using Fn = typename std::remove_reference<F>::type;
  parallel_for_raw(threads, tasks, [](void* a, int64_t i, int w) { (*static_cast<Fn*>(a))(i, w); },
                   const_cast<void*>(static_cast<const void*>(&f)));
}

// Upper bound on `threads` the pool honours (more are clamped).
constexpr int kMaxThreads = 64;

// `threads`, or 1 when the work (in multiply-adds or bytes moved) is too
// small to pay for waking workers (tens of microseconds).
inline int threads_for(int threads, double work) { return work < 262144.0 ? 1 : threads; }

}  // namespace optimized
}  // namespace etb
