// aten::_adaptive_avg_pool2d.out: out[.., oh, ow] is the mean of input rows
// [floor(oh * H / OH), ceil((oh + 1) * H / OH)) and the same for columns,
// over input [N, C, H, W] or [C, H, W]. Sums in double; any dim order.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/pool_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

Error check_adaptive(KernelContext& ctx, const Tensor& self, Span<const int64_t> output_size, const Tensor& out,
                     int64_t* osz) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, self, "self", false));
  const char* names[] = {"out"};
  const Tensor* ts[] = {&out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, self.dtype, names, ts, 1));
  if (self.dim != 3 && self.dim != 4) return ctx.fail(Error::InvalidArgument, "self has rank %d, expected 3 or 4", self.dim);
  for (int32_t k = 1; k < self.dim; k++) {
    if (self.sizes[k] == 0) return ctx.fail(Error::InvalidArgument, "self has an empty non-batch dim %d", k);
  }
  return expand_param(ctx, output_size, 2, 1, 0, "output_size", osz);
}

}  // namespace

Error _adaptive_avg_pool2d_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> output_size,
                                       Tensor& out) {
  int64_t osz[2];
  return check_adaptive(ctx, self, output_size, out, osz);
}

Error _adaptive_avg_pool2d_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> output_size, Tensor& out) {
  int64_t osz[2];
  ETB_RETURN_IF_ERROR(check_adaptive(ctx, self, output_size, out, osz));
  int32_t sizes[4];
  for (int32_t k = 0; k < self.dim - 2; k++) sizes[k] = self.sizes[k];
  sizes[self.dim - 2] = int32_t(osz[0]);
  sizes[self.dim - 1] = int32_t(osz[1]);
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, self.dim));
  int64_t is[4], os[4];
  pool_strides(self, is);
  pool_strides(out, os);
  const int32_t b = self.dim - 3;
  const int64_t N = b == 1 ? self.sizes[0] : 1, C = self.sizes[b], H = self.sizes[b + 1], W = self.sizes[b + 2];
  for (int64_t n = 0; n < N; n++) {
    for (int64_t c = 0; c < C; c++) {
      for (int64_t oh = 0; oh < osz[0]; oh++) {
        const int64_t h0 = oh * H / osz[0], h1 = ((oh + 1) * H + osz[0] - 1) / osz[0];
        for (int64_t ow = 0; ow < osz[1]; ow++) {
          const int64_t w0 = ow * W / osz[1], w1 = ((ow + 1) * W + osz[1] - 1) / osz[1];
          double sum = 0;
          for (int64_t ih = h0; ih < h1; ih++) {
            for (int64_t iw = w0; iw < w1; iw++) {
              sum += load_as<double>(self.data, self.dtype, n * is[0] + c * is[1] + ih * is[2] + iw * is[3]);
            }
          }
          store_as<double>(out.data, out.dtype, n * os[0] + c * os[1] + oh * os[2] + ow * os[3],
                           sum / double((h1 - h0) * (w1 - w0)));
        }
      }
    }
  }
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
