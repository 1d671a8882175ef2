// aten::linear.out: out[..., N] = input[..., K] @ weight[N, K]^T + bias[N]
// (bias optional). One dtype for all; mm's accumulation. Any dim order.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_linear(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                   const Tensor& out) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, input, "input", true));
  const char* names[] = {"weight", "bias", "out"};
  const Tensor* ts[] = {&weight, bias, &out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, input.dtype, names, ts, 3));
  if (input.dim < 1 || weight.dim != 2) {
    return ctx.fail(Error::InvalidArgument, "input must have rank >= 1 and weight rank 2, got %d and %d", input.dim,
                    weight.dim);
  }
  if (input.sizes[input.dim - 1] != weight.sizes[1]) {
    return ctx.fail(Error::InvalidArgument, "input's last dim %d does not match weight [%d, %d]",
                    input.sizes[input.dim - 1], weight.sizes[0], weight.sizes[1]);
  }
  if (bias != nullptr && !(bias->dim == 1 && (bias->sizes[0] == weight.sizes[0] || bias->sizes[0] == 1)) &&
      !(bias->dim == 0)) {
    return ctx.fail(Error::InvalidArgument, "bias must be [%d] (or broadcast to it)", weight.sizes[0]);
  }
  return Error::Ok;
}

}  // namespace

Error linear_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                         Tensor& out) {
  return check_linear(ctx, input, weight, bias, out);
}

Error linear_out(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_linear(ctx, input, weight, bias, out));
  int32_t sizes[kMaxTensorRank];
  for (int32_t k = 0; k < input.dim; k++) sizes[k] = input.sizes[k];
  sizes[input.dim - 1] = weight.sizes[0];
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, input.dim));
  const int32_t rows_dim = input.dim - 1;
  const int64_t N = weight.sizes[0], K = weight.sizes[1];
  const int64_t bias_stride = bias != nullptr && bias->dim == 1 && bias->sizes[0] != 1 ? bias->strides[0] : 0;
  return dispatch_storage(ctx, out.dtype, true, [&](auto tag) {
    using T = decltype(tag);
    using A = typename Acc<T>::type;
    const T* bp = bias != nullptr ? bias->data_as<const T>() : nullptr;
    Mat<T> w{weight.data_as<const T>(), weight.strides[1], weight.strides[0]};  // weight^T: [K, N]
    int64_t idx[kMaxTensorRank] = {};
    if (out.numel() == 0) return;
    do {  // one row of the leading dims at a time
      int64_t in_off = 0, out_off = 0;
      for (int32_t k = 0; k < rows_dim; k++) {
        in_off += idx[k] * input.strides[k];
        out_off += idx[k] * out.strides[k];
      }
      Mat<T> x{input.data_as<const T>() + in_off, 0, input.strides[rows_dim]};
      T* o = out.data_as<T>() + out_off;
      matmul_loop(x, w, 1, K, N, [&](int64_t, int64_t j, A s) {
        st(o, j * out.strides[rows_dim], bp != nullptr ? mac(s, A(1), ld(bp, j * bias_stride)) : s);
      });
    } while (next_index(idx, input.sizes, rows_dim));
  });
}

}  // namespace portable
}  // namespace etb
