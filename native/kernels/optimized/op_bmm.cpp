// aten::bmm.out (optimized): out[B, M, N] = self[B, M, K] @ mat2[B, K, N] in
// float32, one packed SGEMM per batch; a constant mat2 is packed at load.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/matmul.h"

namespace etb {
namespace optimized {
namespace {

bool plan_bmm(const Tensor& self, const Tensor& mat2, const Tensor& out, MatmulPlan* p) {
  if (self.dtype != ScalarType::Float || mat2.dtype != ScalarType::Float || !is_f32_contiguous(out)) return false;
  if (self.dim != 3 || mat2.dim != 3 || out.dim != 3) return false;
  if (self.sizes[0] != mat2.sizes[0] || self.sizes[2] != mat2.sizes[1]) return false;
  p->batches = self.sizes[0];
  p->M = self.sizes[1];
  p->K = self.sizes[2];
  p->N = mat2.sizes[2];
  p->a = last2_view(self);
  p->b = last2_view(mat2);
  p->a_bs = self.strides[0];
  p->b_bs = mat2.strides[0];
  p->out = out.data_as<float>();
  p->out_bs = p->M * p->N;
  p->ldc = p->N;
  return true;
}

}  // namespace

Error opt_bmm_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& mat2, Tensor& out) {
  MatmulPlan p;
  if (!plan_bmm(self, mat2, out, &p)) {
    return ctx.fail(Error::NotSupported, "handles float32 [B, M, K] @ [B, K, N] into a contiguous out only");
  }
  return matmul_prepare(ctx, p, mat2.is_constant);
}

Error opt_bmm_out(KernelContext& ctx, const Tensor& self, const Tensor& mat2, Tensor& out) {
  MatmulPlan p;
  if (!plan_bmm(self, mat2, out, &p)) return ctx.fail(Error::InvalidArgument, "shapes changed since load");
  const int32_t sizes[3] = {int32_t(p.batches), int32_t(p.M), int32_t(p.N)};
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, 3));
  return matmul_run(ctx, p, Epilogue{});
}

}  // namespace optimized
}  // namespace etb
