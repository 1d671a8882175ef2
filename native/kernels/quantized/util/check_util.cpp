#include "kernels/quantized/util/check_util.h"

#include <stdio.h>

namespace etb {
namespace quantized {
namespace {

constexpr int64_t kInt32Min = -2147483647 - 1;
constexpr int64_t kInt32Max = 2147483647;

// "[a, b, c]" into buf (truncated to cap).
template <typename T>
const char* format_list(char* buf, size_t cap, const T* v, int32_t n) {
  size_t used = 0;
  buf[0] = '\0';
  for (int32_t i = 0; i <= n && used < cap; i++) {
    int k = i == n ? snprintf(buf + used, cap - used, "]")
                   : snprintf(buf + used, cap - used, "%s%lld", i == 0 ? "[" : ", ", (long long)v[i]);
    if (k < 0) break;
    used += size_t(k);
  }
  if (n == 0) snprintf(buf, cap, "[]");
  return buf;
}

// Strides of the dims that matter (size > 1) equal `want`.
bool strides_match(const Tensor& t, const int64_t* want) {
  for (int32_t d = 0; d < t.dim; d++) {
    if (t.sizes[d] > 1 && t.strides[d] != want[d]) return false;
  }
  return true;
}

Error layout_error(KernelContext& ctx, const Tensor& t, const char* what, const char* want) {
  char sizes[96], order[96];
  return ctx.fail(Error::NotSupported, "%s must be %s in memory; got sizes %s with dim order %s", what, want,
                  format_list(sizes, sizeof(sizes), t.sizes, t.dim), format_list(order, sizeof(order), t.dim_order, t.dim));
}

}  // namespace

Error check_dtype(KernelContext& ctx, const Tensor& t, ScalarType want, const char* what) {
  if (t.dtype == want) return Error::Ok;
  return ctx.fail(Error::InvalidArgument, "%s must be %s, got %s", what, scalar_type_name(want),
                  scalar_type_name(t.dtype));
}

Error check_nhwc(KernelContext& ctx, const Tensor& t, const char* what) {
  if (t.dim != 4) return ctx.fail(Error::InvalidArgument, "%s must be 4-D [N, C, H, W], got rank %d", what, t.dim);
  const int64_t c = t.sizes[1], h = t.sizes[2], w = t.sizes[3];
  const int64_t want[4] = {h * w * c, 1, w * c, c};
  if (!strides_match(t, want)) return layout_error(ctx, t, what, "channels-last (NHWC, dim order [0, 2, 3, 1])");
  return Error::Ok;
}

Error check_row_major(KernelContext& ctx, const Tensor& t, const char* what) {
  int64_t want[kMaxTensorRank];
  int64_t stride = 1;
  for (int32_t d = t.dim - 1; d >= 0; d--) {
    want[d] = stride;
    stride *= t.sizes[d];
  }
  if (!strides_match(t, want)) return layout_error(ctx, t, what, "row-major (contiguous)");
  return Error::Ok;
}

Error check_same_layout(KernelContext& ctx, const Tensor& a, const Tensor& b, const char* what_a, const char* what_b) {
  bool same = a.dim == b.dim;
  for (int32_t d = 0; same && d < a.dim; d++) same = a.sizes[d] == b.sizes[d];
  if (!same) {
    char sa[96], sb[96];
    return ctx.fail(Error::InvalidArgument, "%s has sizes %s but %s has %s", what_a,
                    format_list(sa, sizeof(sa), a.sizes, a.dim), what_b, format_list(sb, sizeof(sb), b.sizes, b.dim));
  }
  if (!strides_match(b, a.strides)) {
    char oa[96], ob[96];
    return ctx.fail(Error::NotSupported, "%s (dim order %s) and %s (dim order %s) must share a memory layout", what_a,
                    format_list(oa, sizeof(oa), a.dim_order, a.dim), what_b,
                    format_list(ob, sizeof(ob), b.dim_order, b.dim));
  }
  return Error::Ok;
}

Error check_pair(KernelContext& ctx, Span<const int64_t> list, int64_t min, const char* what) {
  if (list.size() != 2) return ctx.fail(Error::InvalidArgument, "%s must have 2 entries (h, w), got %zu", what, list.size());
  for (size_t i = 0; i < 2; i++) {
    if (list[i] < min || list[i] > kInt32Max) {
      return ctx.fail(Error::InvalidArgument, "%s[%zu] = %lld is out of range (must be >= %lld)", what, i,
                      (long long)list[i], (long long)min);
    }
  }
  return Error::Ok;
}

Error check_range(KernelContext& ctx, int64_t v, int64_t lo, int64_t hi, const char* what) {
  if (v >= lo && v <= hi) return Error::Ok;
  return ctx.fail(Error::InvalidArgument, "%s = %lld is outside [%lld, %lld]", what, (long long)v, (long long)lo,
                  (long long)hi);
}

Error check_activation(KernelContext& ctx, int64_t act_min, int64_t act_max) {
  ETB_RETURN_IF_ERROR(check_range(ctx, act_min, -128, 127, "activation_min"));
  ETB_RETURN_IF_ERROR(check_range(ctx, act_max, -128, 127, "activation_max"));
  if (act_min > act_max) {
    return ctx.fail(Error::InvalidArgument, "activation_min %lld is greater than activation_max %lld",
                    (long long)act_min, (long long)act_max);
  }
  return Error::Ok;
}

Error check_vector(KernelContext& ctx, const Tensor* t, int64_t n, const char* what) {
  if (t == nullptr) return Error::Ok;
  ETB_RETURN_IF_ERROR(check_dtype(ctx, *t, ScalarType::Int, what));
  if (t->dim != 1 || t->sizes[0] != n) {
    char s[96];
    return ctx.fail(Error::InvalidArgument, "%s must have sizes [%lld], got %s", what, (long long)n,
                    format_list(s, sizeof(s), t->sizes, t->dim));
  }
  return Error::Ok;
}

Error check_requant_tensors(KernelContext& ctx, const Tensor& multipliers, const Tensor& shifts, int64_t n) {
  ETB_RETURN_IF_ERROR(check_vector(ctx, &multipliers, n, "requantize_multipliers"));
  ETB_RETURN_IF_ERROR(check_vector(ctx, &shifts, n, "requantize_shifts"));
  const int32_t* m = multipliers.data_as<const int32_t>();
  const int32_t* s = shifts.data_as<const int32_t>();
  for (int64_t i = 0; i < n; i++) {
    if (m != nullptr && m[i] == kInt32Min) {
      return ctx.fail(Error::InvalidArgument, "requantize_multipliers[%lld] = -2^31 is out of range", (long long)i);
    }
    if (s != nullptr && (s[i] < -31 || s[i] > 30)) {
      return ctx.fail(Error::InvalidArgument, "requantize_shifts[%lld] = %d is outside [-31, 30]", (long long)i, s[i]);
    }
  }
  return Error::Ok;
}

Error check_requant_lists(KernelContext& ctx, Span<const int64_t> multipliers, Span<const int64_t> shifts) {
  if (multipliers.empty() || shifts.empty()) {
    return ctx.fail(Error::InvalidArgument, "requantize_multipliers and requantize_shifts need at least one entry");
  }
  ETB_RETURN_IF_ERROR(check_range(ctx, multipliers[0], kInt32Min + 1, kInt32Max, "requantize_multipliers[0]"));
  return check_range(ctx, shifts[0], -31, 30, "requantize_shifts[0]");
}

int64_t window_out_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad, int64_t dilation, bool ceil_mode) {
  const int64_t span = in + 2 * pad - dilation * (kernel - 1) - 1;
  if (span < 0) return -1;
  int64_t out = (ceil_mode ? span + stride - 1 : span) / stride + 1;
  if (ceil_mode && (out - 1) * stride >= in + pad) out--;
  return out;
}

Error check_window_out(KernelContext& ctx, const Nhwc& in, const Nhwc& out, const Window& w, bool ceil_mode) {
  const int64_t oh = window_out_size(in.h, w.kh, w.sh, w.ph, w.dh, ceil_mode);
  const int64_t ow = window_out_size(in.w, w.kw, w.sw, w.pw, w.dw, ceil_mode);
  if (oh < 0 || ow < 0) {
    return ctx.fail(Error::InvalidArgument, "a %lldx%lld window does not fit the padded %dx%d input",
                    (long long)w.kh, (long long)w.kw, in.h, in.w);
  }
  if (oh != out.h || ow != out.w) {
    return ctx.fail(Error::InvalidArgument, "out is %dx%d (HxW) but the window gives %lldx%lld", out.h, out.w,
                    (long long)oh, (long long)ow);
  }
  return Error::Ok;
}


Error check_conv_args(KernelContext& ctx, const Nhwc& in, const Nhwc& out, int64_t kh, int64_t kw, int64_t cout,
                      const ConvArgs& a) {
  ETB_RETURN_IF_ERROR(check_pair(ctx, a.stride, 1, "stride"));
  ETB_RETURN_IF_ERROR(check_pair(ctx, a.padding, 0, "padding"));
  ETB_RETURN_IF_ERROR(check_pair(ctx, a.dilation, 1, "dilation"));
  ETB_RETURN_IF_ERROR(check_window_out(ctx, in, out, make_window(kh, kw, a.stride, a.padding, a.dilation), false));
  ETB_RETURN_IF_ERROR(check_vector(ctx, a.bias, cout, "bias"));
  ETB_RETURN_IF_ERROR(check_requant_tensors(ctx, *a.multipliers, *a.shifts, cout));
  ETB_RETURN_IF_ERROR(check_range(ctx, a.input_offset, -127, 128, "input_offset"));
  ETB_RETURN_IF_ERROR(check_range(ctx, a.output_offset, -128, 127, "output_offset"));
  return check_activation(ctx, a.activation_min, a.activation_max);
}

}  // namespace quantized
}  // namespace etb
