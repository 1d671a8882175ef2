// aten::linear.out (optimized): out[..., N] = input[..., K] @ weight[N, K]^T
// + bias[N] in float32; the weight is read transposed through strides and,
// when constant, packed once at load.
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/matmul.h"

namespace etb {
namespace optimized {
namespace {

bool plan_linear(const Tensor& input, const Tensor& weight, const Tensor* bias, const Tensor& out, MatmulPlan* p,
                 Epilogue* ep) {
  if (!is_f32_contiguous(input) || weight.dtype != ScalarType::Float || !is_f32_contiguous(out)) return false;
  if (input.dim < 1 || weight.dim != 2 || out.dim != input.dim || input.sizes[input.dim - 1] != weight.sizes[1]) {
    return false;
  }
  if (bias != nullptr && (bias->dtype != ScalarType::Float || bias->dim != 1 || bias->sizes[0] != weight.sizes[0])) {
    return false;
  }
  p->M = 1;
  for (int32_t d = 0; d + 1 < input.dim; d++) p->M *= input.sizes[d];
  p->K = weight.sizes[1];
  p->N = weight.sizes[0];
  p->a = MatView{input.data_as<const float>(), p->K, 1};
  p->b = MatView{weight.data_as<const float>(), weight.strides[1], weight.strides[0]};
  p->out = out.data_as<float>();
  p->ldc = p->N;
  if (bias != nullptr) {
    ep->bias = bias->data_as<const float>();
    ep->beta = 1.0f;
    ep->bias_cs = bias->strides[0];
  }
  return true;
}

}  // namespace

Error opt_linear_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                             Tensor& out) {
  MatmulPlan p;
  Epilogue ep;
  if (!plan_linear(input, weight, bias, out, &p, &ep)) {
    return ctx.fail(Error::NotSupported, "handles float32 contiguous [..., K] x [N, K] (+ [N]) only");
  }
  return matmul_prepare(ctx, p, weight.is_constant);
}

Error opt_linear_out(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias, Tensor& out) {
  MatmulPlan p;
  Epilogue ep;
  if (!plan_linear(input, weight, bias, out, &p, &ep)) return ctx.fail(Error::InvalidArgument, "shapes changed since load");
  int32_t sizes[kMaxTensorRank];
  for (int32_t d = 0; d + 1 < input.dim; d++) sizes[d] = input.sizes[d];
  sizes[input.dim - 1] = int32_t(p.N);
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, input.dim));
  ep.lo = ctx.out_lo;  // a fused activation (runtime/passes), else +-infinity
  ep.hi = ctx.out_hi;
  return matmul_run(ctx, p, ep);
}

}  // namespace optimized
}  // namespace etb
