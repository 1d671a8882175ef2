// Shared by the 2-D upsampling kernels: ATen's output size (output_size, or
// floor(in * scale_factor) when scale_factors is given instead) and its
// source-index rules.
#pragma once
#include <stdint.h>

#include "runtime/evalue.h"
#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace portable {

struct UpsamplePlan {
  int64_t n, c, h, w, oh, ow;
  bool has_scale;
  double scale[2];  // the scale_factors, when given
  int64_t is[4], os[4];
};

// input [N, C, H, W] floating, out of its dtype; exactly one of output_size
// (2 values) and scale_factors (2 positive values).
Error plan_upsample(KernelContext& ctx, const Tensor& input, const Optional<Span<const int64_t>>& output_size,
                    const Optional<Span<const double>>& scale_factors, const Tensor& out, UpsamplePlan* p);

// Resizes out and fills in its strides.
Error bind_upsample_out(KernelContext& ctx, Tensor& out, UpsamplePlan* p);

}  // namespace portable
}  // namespace etb
