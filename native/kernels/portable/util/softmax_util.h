// Shared body of _softmax.out and _log_softmax.out.
#pragma once
#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace portable {

// Checks dtypes (floating self, out of the same dtype, no half_to_float:
// ATen's CPU kernels reject it) and the dim.
Error check_softmax(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, const Tensor& out);

// out = softmax(self) along dim (log-softmax when `log`), computed in
// double: exp(x - max) / sum, or x - max - log(sum); a row holding +inf or
// only -inf gives NaN where ATen's does.
Error softmax_common(KernelContext& ctx, const Tensor& self, int64_t dim, bool half_to_float, Tensor& out, bool log);

}  // namespace portable
}  // namespace etb
