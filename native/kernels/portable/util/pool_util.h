// Shared by the 2-D pooling kernels: parameter parsing and ATen's
// pooling_output_shape (ceil_mode drops a last window that would start in
// the right padding), over inputs [N, C, H, W] or [C, H, W].
#pragma once
#include <stdint.h>

#include "runtime/evalue.h"
#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace portable {

struct PoolPlan {
  int64_t n = 1, c = 0, h = 0, w = 0, oh = 0, ow = 0;
  int64_t k[2] = {1, 1}, s[2] = {1, 1}, p[2] = {0, 0}, d[2] = {1, 1};
  int64_t is[4] = {}, os[4] = {};  // strides as [N, C, H, W] (N stride 0 for 3-D)
};

// kernel_size: 1 or 2 values; stride: empty (= kernel_size), 1 or 2;
// padding: 1 or 2, at most half the kernel; dilation: 1 or 2 (null: 1).
Error plan_pool(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size, Span<const int64_t> stride,
                Span<const int64_t> padding, const Span<const int64_t>* dilation, bool ceil_mode, PoolPlan* p);

// The out sizes (rank of self) for a plan.
void pool_out_sizes(const Tensor& self, const PoolPlan& p, int32_t* sizes);

// Strides of t as [N, C, H, W].
void pool_strides(const Tensor& t, int64_t* s);

}  // namespace portable
}  // namespace etb
