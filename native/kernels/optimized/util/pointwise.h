// Shared plumbing of the optimized pointwise, softmax and normalization
// kernels: which tensors they handle, resizing, and splitting work over the
// kernel context's threads.
#pragma once
#include <stdint.h>

#include "kernels/optimized/util/thread_pool.h"
#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace optimized {

// float32 with the default dim order (dense, row-major strides).
inline bool dense_f32(const Tensor& t) { return t.dtype == ScalarType::Float && t.is_contiguous(); }

// Resizes `out` to `sizes` (rank n), naming the operator on failure.
[[nodiscard]] Error resize_to(KernelContext& ctx, Tensor& out, const int32_t* sizes, int32_t n);

// Runs fn(begin, end) over [0, n) in chunks of at least `grain` items; more
// than one thread only when n * cost_per_item (in float operations) is
// large enough to pay for waking workers. Chunk boundaries depend on n and
// grain only, so results do not depend on the thread count.
template <typename F>
void for_range(const KernelContext& ctx, int64_t n, int64_t grain, double cost_per_item, F&& fn) {
  const int threads = threads_for(ctx.threads, double(n) * cost_per_item);
  if (threads <= 1 || n <= grain) {
    fn(int64_t(0), n);
    return;
  }
  const int64_t chunks = (n + grain - 1) / grain;
  parallel_for(threads, chunks, [&](int64_t c, int) {
    const int64_t b = c * grain, e = b + grain < n ? b + grain : n;
    fn(b, e);
  });
}

}  // namespace optimized
}  // namespace etb
