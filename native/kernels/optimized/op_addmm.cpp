// aten::addmm.out (optimized): out = beta * self + alpha * (mat1 @ mat2) in
// float32, self broadcast to [M, N] (a bias row, column or scalar) and added
// in the GEMM epilogue while each tile is in L1; beta == 0 ignores self as
// ATen does. A constant mat2 (the weights of a linear layer) is packed once.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/matmul.h"

namespace etb {
namespace optimized {
namespace {

bool plan_addmm(const Tensor& self, const Tensor& mat1, const Tensor& mat2, const Tensor& out, MatmulPlan* p,
                Epilogue* ep) {
  if (self.dtype != ScalarType::Float || mat1.dtype != ScalarType::Float || mat2.dtype != ScalarType::Float ||
      !is_f32_contiguous(out)) {
    return false;
  }
  if (mat1.dim != 2 || mat2.dim != 2 || out.dim != 2 || mat1.sizes[1] != mat2.sizes[0] || self.dim > 2) return false;
  p->M = mat1.sizes[0];
  p->K = mat1.sizes[1];
  p->N = mat2.sizes[1];
  // Broadcast self from the right: a size-1 dim gets stride 0.
  int64_t size[2] = {1, 1}, stride[2] = {0, 0};
  for (int32_t d = 0; d < self.dim; d++) {
    size[2 - self.dim + d] = self.sizes[d];
    stride[2 - self.dim + d] = self.sizes[d] == 1 ? 0 : self.strides[d];
  }
  if ((size[0] != 1 && size[0] != p->M) || (size[1] != 1 && size[1] != p->N)) return false;
  p->a = last2_view(mat1);
  p->b = last2_view(mat2);
  p->out = out.data_as<float>();
  p->ldc = p->N;
  ep->bias = self.data_as<const float>();
  ep->bias_rs = stride[0];
  ep->bias_cs = stride[1];
  return true;
}

}  // namespace

Error opt_addmm_out_prepare(KernelContext& ctx, const Tensor& self, const Tensor& mat1, const Tensor& mat2,
                            const Scalar& beta, const Scalar& alpha, Tensor& out) {
  MatmulPlan p;
  Epilogue ep;
  if (!plan_addmm(self, mat1, mat2, out, &p, &ep)) {
    return ctx.fail(Error::NotSupported, "handles float32 [M, K] @ [K, N] plus a broadcastable self only");
  }
  return matmul_prepare(ctx, p, mat2.is_constant);
}

Error opt_addmm_out(KernelContext& ctx, const Tensor& self, const Tensor& mat1, const Tensor& mat2, const Scalar& beta,
                    const Scalar& alpha, Tensor& out) {
  MatmulPlan p;
  Epilogue ep;
  if (!plan_addmm(self, mat1, mat2, out, &p, &ep)) return ctx.fail(Error::InvalidArgument, "shapes changed since load");
  const int32_t sizes[2] = {int32_t(p.M), int32_t(p.N)};
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, 2));
  ep.alpha = float(alpha.to_double());
  ep.beta = float(beta.to_double());
  ep.lo = ctx.out_lo;  // a fused activation (runtime/passes), else +-infinity
  ep.hi = ctx.out_hi;
  return matmul_run(ctx, p, ep);
}

}  // namespace optimized
}  // namespace etb
