#include "kernels/portable/util/pool_util.h"

#include "kernels/portable/util/math_util.h"

namespace etb {
namespace portable {
namespace {

int64_t output_size(int64_t in, int64_t k, int64_t pad, int64_t s, int64_t d, bool ceil_mode) {
  const int64_t num = in + 2 * pad - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0);
  int64_t o = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;
  if (ceil_mode && (o - 1) * s >= in + pad) o--;
  return o;
}

}  // namespace

void pool_strides(const Tensor& t, int64_t* s) {
  if (t.dim == 3) {
    s[0] = 0, s[1] = t.strides[0], s[2] = t.strides[1], s[3] = t.strides[2];
  } else {
    for (int k = 0; k < 4; k++) s[k] = t.strides[k];
  }
}

Error plan_pool(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size, Span<const int64_t> stride,
                Span<const int64_t> padding, const Span<const int64_t>* dilation, bool ceil_mode, PoolPlan* p) {
  if (self.dim != 3 && self.dim != 4) return ctx.fail(Error::InvalidArgument, "self has rank %d, expected 3 or 4", self.dim);
  if (kernel_size.size() == 0) return ctx.fail(Error::InvalidArgument, "kernel_size is empty");
  ETB_RETURN_IF_ERROR(expand_param(ctx, kernel_size, 2, 1, 1, "kernel_size", p->k));
  ETB_RETURN_IF_ERROR(stride.size() == 0 ? expand_param(ctx, kernel_size, 2, 1, 1, "kernel_size", p->s)
                                         : expand_param(ctx, stride, 2, 1, 1, "stride", p->s));
  ETB_RETURN_IF_ERROR(expand_param(ctx, padding, 2, 0, 0, "padding", p->p));
  if (dilation != nullptr) ETB_RETURN_IF_ERROR(expand_param(ctx, *dilation, 2, 1, 1, "dilation", p->d));
  for (int i = 0; i < 2; i++) {
    if (p->p[i] * 2 > p->k[i]) {
      return ctx.fail(Error::InvalidArgument, "padding %lld is more than half the kernel size %lld",
                      static_cast<long long>(p->p[i]), static_cast<long long>(p->k[i]));
    }
  }
  const int32_t b = self.dim - 3;
  p->n = b == 1 ? self.sizes[0] : 1;
  p->c = self.sizes[b];
  p->h = self.sizes[b + 1];
  p->w = self.sizes[b + 2];
  p->oh = output_size(p->h, p->k[0], p->p[0], p->s[0], p->d[0], ceil_mode);
  p->ow = output_size(p->w, p->k[1], p->p[1], p->s[1], p->d[1], ceil_mode);
  if (p->oh < 1 || p->ow < 1) {
    return ctx.fail(Error::InvalidArgument, "output size %lldx%lld is too small", static_cast<long long>(p->oh),
                    static_cast<long long>(p->ow));
  }
  pool_strides(self, p->is);
  return Error::Ok;
}

void pool_out_sizes(const Tensor& self, const PoolPlan& p, int32_t* sizes) {
  for (int32_t k = 0; k < self.dim - 2; k++) sizes[k] = self.sizes[k];
  sizes[self.dim - 2] = int32_t(p.oh);
  sizes[self.dim - 1] = int32_t(p.ow);
}

}  // namespace portable
}  // namespace etb
