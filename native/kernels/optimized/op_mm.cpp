// aten::mm.out (optimized): out[M, N] = self[M, K] @ mat2[K, N] in float32
// with the packed SGEMM; a constant mat2 is packed once at load. Other dtypes
// and shapes report NotSupported so the runtime uses the portable kernel.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/matmul.h"

namespace etb {
namespace optimized {
namespace {

bool plan_mm(const Tensor& self, const Tensor& mat2, const Tensor& out, MatmulPlan* p) {
  if (self.dtype != ScalarType::Float || mat2.dtype != ScalarType::Float || !is_f32_contiguous(out)) return false;
  if (self.dim != 2 || mat2.dim != 2 || out.dim != 2 || self.sizes[1] != mat2.sizes[0]) return false;
  p->M = self.sizes[0];
  p->K = self.sizes[1];
  p->N = mat2.sizes[1];
  p->a = last2_view(self);
  p->b = last2_view(mat2);
  p->out = out.data_as<float>();
  p->ldc = p->N;
  return true;
}

}  // namespace

Error opt_mm_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& mat2, Tensor& out) {
  MatmulPlan p;
  if (!plan_mm(self, mat2, out, &p)) {
    return ctx.fail(Error::NotSupported, "handles float32 [M, K] @ [K, N] into a contiguous out only");
  }
  return matmul_prepare(ctx, p, mat2.is_constant);
}

Error opt_mm_out(KernelContext& ctx, const Tensor& self, const Tensor& mat2, Tensor& out) {
  MatmulPlan p;
  if (!plan_mm(self, mat2, out, &p)) return ctx.fail(Error::InvalidArgument, "shapes changed since load");
  const int32_t sizes[2] = {int32_t(p.M), int32_t(p.N)};
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, 2));
  Epilogue ep;
  ep.lo = ctx.out_lo;  // a fused activation (runtime/passes), else +-infinity
  ep.hi = ctx.out_hi;
  return matmul_run(ctx, p, ep);
}

}  // namespace optimized
}  // namespace etb
