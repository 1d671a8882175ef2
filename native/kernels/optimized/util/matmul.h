// The shared body of the optimized mm, bmm, addmm and linear kernels: a
// (batched) product out[b] = epilogue(A[b] * B[b]) over strided float32
// views, with B packed once at load when it is a constant (weights).
//
//   MatmulPlan plan;                         // filled from the tensors by the op
//   ETB_RETURN_IF_ERROR(matmul_prepare(ctx, plan, mat2.is_constant));   // in prepare
//   ETB_RETURN_IF_ERROR(matmul_run(ctx, plan, epilogue));              // on every call
//
// prepare keeps a MatmulState in ctx.state (method allocator memory, lives
// as long as the Method): the packed B and scratch for packing A (and B when
// it is not constant) at the shapes seen at load. A call with larger
// (dynamic) shapes takes scratch from the temp allocator instead.
#pragma once
#include <stdint.h>

#include "kernels/optimized/util/sgemm.h"
#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace optimized {

struct MatmulPlan {
  int64_t batches = 1, M = 0, K = 0, N = 0;
  MatView a{nullptr, 0, 0}, b{nullptr, 0, 0};
  int64_t a_bs = 0, b_bs = 0;  // batch strides in elements (0: shared by every batch)
  float* out = nullptr;
  int64_t out_bs = 0, ldc = 0;
};

struct MatmulState {
  const float* b_packed = nullptr;  // packed at load; null when B is not constant
  const float* b_source = nullptr;  // the constant it was packed from
  int64_t packed_k = 0, packed_n = 0, packed_batches = 0;
  float* scratch = nullptr;  // packing space reserved at load
  size_t scratch_floats = 0;
};

// Reserves scratch and, when `b_constant`, packs B. Returns
// MemoryAllocationFailed when the method allocator is too small.
[[nodiscard]] Error matmul_prepare(KernelContext& ctx, const MatmulPlan& plan, bool b_constant);
[[nodiscard]] Error matmul_run(KernelContext& ctx, const MatmulPlan& plan, const Epilogue& ep);

// True if `t` is float32 with a row-major (contiguous) layout.
bool is_f32_contiguous(const Tensor& t);
// A 2-D view of the last two dims of `t` (rank >= 2).
MatView last2_view(const Tensor& t);
// Resizes `out` to `sizes` (rank n) with a message naming the op on failure.
[[nodiscard]] Error resize_out(KernelContext& ctx, Tensor& out, const int32_t* sizes, int n);

}  // namespace optimized
}  // namespace etb
