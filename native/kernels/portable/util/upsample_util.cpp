#include "kernels/portable/util/upsample_util.h"

#include "kernels/portable/util/math_util.h"
#include "kernels/portable/util/shape_util.h"

namespace etb {
namespace portable {

Error plan_upsample(KernelContext& ctx, const Tensor& input, const Optional<Span<const int64_t>>& output_size,
                    const Optional<Span<const double>>& scale_factors, const Tensor& out, UpsamplePlan* p) {
  ETB_RETURN_IF_ERROR(check_math_dtype(ctx, input, "input", false));
  const char* names[] = {"out"};
  const Tensor* ts[] = {&out};
  ETB_RETURN_IF_ERROR(check_all_dtype(ctx, input.dtype, names, ts, 1));
  if (input.dim != 4) return ctx.fail(Error::InvalidArgument, "input has rank %d, expected 4", input.dim);
  if (output_size.has_value == scale_factors.has_value) {
    return ctx.fail(Error::InvalidArgument, "give exactly one of output_size and scale_factors");
  }
  p->n = input.sizes[0], p->c = input.sizes[1], p->h = input.sizes[2], p->w = input.sizes[3];
  p->has_scale = scale_factors.has_value;
  if (output_size.has_value) {
    if (output_size.value.size() != 2) return ctx.fail(Error::InvalidArgument, "output_size must have 2 values");
    p->oh = output_size.value[0], p->ow = output_size.value[1];
  } else {
    if (scale_factors.value.size() != 2) return ctx.fail(Error::InvalidArgument, "scale_factors must have 2 values");
    for (int i = 0; i < 2; i++) {
      p->scale[i] = scale_factors.value[size_t(i)];
      if (!(p->scale[i] > 0) || p->scale[i] > 1e6) return ctx.fail(Error::InvalidArgument, "scale_factors[%d] is invalid", i);
    }
    p->oh = int64_t(double(p->h) * p->scale[0]);
    p->ow = int64_t(double(p->w) * p->scale[1]);
  }
  if (p->oh < 1 || p->ow < 1 || p->oh > INT32_MAX || p->ow > INT32_MAX || p->h < 1 || p->w < 1) {
    return ctx.fail(Error::InvalidArgument, "input %lldx%lld and output %lldx%lld must be non-empty",
                    static_cast<long long>(p->h), static_cast<long long>(p->w), static_cast<long long>(p->oh),
                    static_cast<long long>(p->ow));
  }
  for (int k = 0; k < 4; k++) p->is[k] = input.strides[k];
  return Error::Ok;
}

Error bind_upsample_out(KernelContext& ctx, Tensor& out, UpsamplePlan* p) {
  const int32_t sizes[4] = {int32_t(p->n), int32_t(p->c), int32_t(p->oh), int32_t(p->ow)};
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, 4));
  for (int k = 0; k < 4; k++) p->os[k] = out.strides[k];
  return Error::Ok;
}

}  // namespace portable
}  // namespace etb
