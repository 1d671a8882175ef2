// cortex_m::pad.out: int8 constant padding in physical (memory) order
// (CMSIS-NN arm_pad_s8). Sizes and pads are (n, h, w, c) for an NHWC tensor;
// tensors of rank < 4 are right-aligned into four dims.
#include <string.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/quantized/util/check_util.h"

namespace etb {
namespace quantized {
namespace {

// Physical sizes of t, right-aligned into 4 dims (leading dims are 1).
void physical_sizes(const Tensor& t, int64_t sizes[4]) {
  for (int i = 0; i < 4; i++) sizes[i] = 1;
  for (int32_t i = 0; i < t.dim; i++) sizes[4 - t.dim + i] = t.sizes[t.dim_order[i]];
}

}  // namespace

Error pad_out_prepare(KernelContext& ctx, const Tensor& input, Span<const int64_t> pre_pad,
                      Span<const int64_t> post_pad, int64_t pad_value, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_dtype(ctx, input, ScalarType::Char, "input"));
  ETB_RETURN_IF_ERROR(check_dtype(ctx, out, ScalarType::Char, "out"));
  if (input.dim < 1 || input.dim > 4 || out.dim != input.dim) {
    return ctx.fail(Error::NotSupported, "input and out must have the same rank in 1..4, got %d and %d", input.dim,
                    out.dim);
  }
  if (pre_pad.size() != 4 || post_pad.size() != 4) {
    return ctx.fail(Error::InvalidArgument, "pre_pad and post_pad need 4 entries (n, h, w, c), got %zu and %zu",
                    pre_pad.size(), post_pad.size());
  }
  ETB_RETURN_IF_ERROR(check_range(ctx, pad_value, -128, 127, "pad_value"));
  int64_t in_sizes[4], out_sizes[4];
  physical_sizes(input, in_sizes);
  physical_sizes(out, out_sizes);
  for (int i = 0; i < 4; i++) {
    ETB_RETURN_IF_ERROR(check_range(ctx, pre_pad[i], 0, 2147483647, "pre_pad entry"));
    ETB_RETURN_IF_ERROR(check_range(ctx, post_pad[i], 0, 2147483647, "post_pad entry"));
    if (in_sizes[i] + pre_pad[i] + post_pad[i] != out_sizes[i]) {
      return ctx.fail(Error::InvalidArgument, "physical dim %d: input %lld + pads %lld + %lld != out %lld", i,
                      (long long)in_sizes[i], (long long)pre_pad[i], (long long)post_pad[i], (long long)out_sizes[i]);
    }
  }
  return Error::Ok;
}

Error pad_out(KernelContext& ctx, const Tensor& input, Span<const int64_t> pre_pad, Span<const int64_t> post_pad,
              int64_t pad_value, Tensor& out) {
  int64_t in_sizes[4], out_sizes[4];
  physical_sizes(input, in_sizes);
  physical_sizes(out, out_sizes);
  const int8_t* x = input.data_as<const int8_t>();
  int8_t* y = out.data_as<int8_t>();
  const int v = int(pad_value);
  const int64_t c_in = in_sizes[3], c_out = out_sizes[3], c_pre = pre_pad[3];
  for (int64_t n = 0; n < out_sizes[0]; n++) {
    const int64_t in_n = n - pre_pad[0];
    for (int64_t h = 0; h < out_sizes[1]; h++) {
      const int64_t in_h = h - pre_pad[1];
      for (int64_t w = 0; w < out_sizes[2]; w++) {
        const int64_t in_w = w - pre_pad[2];
        int8_t* row = y + ((n * out_sizes[1] + h) * out_sizes[2] + w) * c_out;
        if (in_n < 0 || in_n >= in_sizes[0] || in_h < 0 || in_h >= in_sizes[1] || in_w < 0 || in_w >= in_sizes[2]) {
          memset(row, v, size_t(c_out));
          continue;
        }
        memset(row, v, size_t(c_pre));
        memmove(row + c_pre, x + ((in_n * in_sizes[1] + in_h) * in_sizes[2] + in_w) * c_in, size_t(c_in));
        memset(row + c_pre + c_in, v, size_t(c_out - c_pre - c_in));
      }
    }
  }
  return Error::Ok;
}

}  // namespace quantized
}  // namespace etb
