// aten::max_pool2d_with_indices.out: the max of each (dilated) window of
// input [N, C, H, W] or [C, H, W]; indices (int64) are h * W + w within the
// input plane. As ATen: a NaN wins (the last NaN of the window), ties keep
// the first, and a window of -inf (or of the integer minimum) reports its
// first in-bounds tap; a window with no in-bounds tap gives -inf (or the
// integer minimum) at its first tap's index. Integer inputs compare exactly in int64.
#include <limits>
#include <type_traits>

#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/pool_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {
namespace {

// ATen's starting value for a max: -inf for floating types, else the type's lowest value.
template <typename T, typename A>
A lowest() {
  if constexpr (std::is_floating_point<A>::value) {
    return A(-__builtin_inf());
  } else {
    return A(std::numeric_limits<T>::lowest());
  }
}

Error check_max_pool(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                     Span<const int64_t> stride, Span<const int64_t> padding, Span<const int64_t> dilation,
                     bool ceil_mode, const Tensor& out, const Tensor& indices, PoolPlan* p) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, self, "self", true));
  const char* names[] = {"out"};
  const Tensor* ts[] = {&out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, self.dtype, names, ts, 1));
  if (indices.dtype != ScalarType::Long) {
    return ctx.fail(Error::NotSupported, "indices must be int64, got %s", scalar_type_name(indices.dtype));
  }
  return plan_pool(ctx, self, kernel_size, stride, padding, &dilation, ceil_mode, p);
}

}  // namespace

Error max_pool2d_with_indices_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                                          Span<const int64_t> stride, Span<const int64_t> padding,
                                          Span<const int64_t> dilation, bool ceil_mode, Tensor& out, Tensor& indices) {
  PoolPlan p;
  return check_max_pool(ctx, self, kernel_size, stride, padding, dilation, ceil_mode, out, indices, &p);
}

Error max_pool2d_with_indices_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                                  Span<const int64_t> stride, Span<const int64_t> padding, Span<const int64_t> dilation,
                                  bool ceil_mode, Tensor& out, Tensor& indices) {
  PoolPlan p;
  ETB_RETURN_IF_ERROR(check_max_pool(ctx, self, kernel_size, stride, padding, dilation, ceil_mode, out, indices, &p));
  int32_t sizes[4];
  pool_out_sizes(self, p, sizes);
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, self.dim));
  ETB_RETURN_IF_ERROR(resize_out(ctx, indices, sizes, self.dim));
  pool_strides(out, p.os);
  int64_t xs[4];
  pool_strides(indices, xs);
  int64_t* ind = indices.data_as<int64_t>();
  return dispatch_storage(ctx, self.dtype, true, [&](auto tag) {
    using T = decltype(tag);
    using A = typename Acc<T>::type;
    const T* x = self.data_as<const T>();
    T* y = out.data_as<T>();
    for (int64_t n = 0; n < p.n; n++) {
      for (int64_t c = 0; c < p.c; c++) {
        const T* plane = x + n * p.is[0] + c * p.is[1];
        for (int64_t oh = 0; oh < p.oh; oh++) {
          for (int64_t ow = 0; ow < p.ow; ow++) {
            int64_t h0 = oh * p.s[0] - p.p[0], w0 = ow * p.s[1] - p.p[1];
            const int64_t h1 = h0 + (p.k[0] - 1) * p.d[0] + 1 < p.h ? h0 + (p.k[0] - 1) * p.d[0] + 1 : p.h;
            const int64_t w1 = w0 + (p.k[1] - 1) * p.d[1] + 1 < p.w ? w0 + (p.k[1] - 1) * p.d[1] + 1 : p.w;
            while (h0 < 0) h0 += p.d[0];
            while (w0 < 0) w0 += p.d[1];
            // Starting from the first tap is ATen's start (-inf or lowest, index of the first tap) in effect.
            // A window with no tap inside the input (a large dilation next to the padding) keeps
            // ATen's start: -inf (or the lowest value), at the index its first tap would have.
            int64_t at = h0 * p.w + w0;
            A best;
            if (h0 >= h1 || w0 >= w1) {
              best = lowest<T, A>();
            } else {
              best = ld(plane, h0 * p.is[2] + w0 * p.is[3]);
            }
            for (int64_t ih = h0; ih < h1; ih += p.d[0]) {
              for (int64_t iw = w0; iw < w1; iw += p.d[1]) {
                const A v = ld(plane, ih * p.is[2] + iw * p.is[3]);
                if (v > best || v != v) {
                  best = v;
                  at = ih * p.w + iw;
                }
              }
            }
            st(y, n * p.os[0] + c * p.os[1] + oh * p.os[2] + ow * p.os[3], best);
            ind[n * xs[0] + c * xs[1] + oh * xs[2] + ow * xs[3]] = at;
          }
        }
      }
    }
  });
}

}  // namespace portable
}  // namespace etb
