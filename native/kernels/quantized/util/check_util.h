// Prepare-time checks shared by the cortex_m kernels: dtypes, layouts, list
// arguments and requantization parameters. Each check names the offending
// argument through ctx.fail and returns its error; Error::Ok otherwise.
#pragma once
#include <stdint.h>

#include "runtime/evalue.h"
#include "runtime/kernel.h"

namespace etb {
namespace quantized {

// Logical NCHW sizes of a 4-D activation whose memory is NHWC.
struct Nhwc {
  int32_t n, h, w, c;
};
inline Nhwc nhwc_of(const Tensor& t) { return {t.sizes[0], t.sizes[2], t.sizes[3], t.sizes[1]}; }

// Element offset of (n, y, x, c) in an NHWC activation.
inline int64_t nhwc_index(const Nhwc& s, int64_t n, int64_t y, int64_t x, int64_t c) {
  return ((n * s.h + y) * s.w + x) * s.c + c;
}

Error check_dtype(KernelContext& ctx, const Tensor& t, ScalarType want, const char* what);

// `t` is a 4-D tensor whose bytes are laid out NHWC: dim order [0,2,3,1], or
// any order that addresses memory identically (C == 1, H == W == 1, ...).
Error check_nhwc(KernelContext& ctx, const Tensor& t, const char* what);

// `t` addresses memory like a row-major (contiguous) tensor.
Error check_row_major(KernelContext& ctx, const Tensor& t, const char* what);

// a and b have the same sizes and address memory the same way.
Error check_same_layout(KernelContext& ctx, const Tensor& a, const Tensor& b, const char* what_a, const char* what_b);

// An int[] of exactly two entries (h, w), each in [min, 2^31).
Error check_pair(KernelContext& ctx, Span<const int64_t> list, int64_t min, const char* what);

// lo <= v <= hi.
Error check_range(KernelContext& ctx, int64_t v, int64_t lo, int64_t hi, const char* what);

// -128 <= min <= max <= 127.
Error check_activation(KernelContext& ctx, int64_t act_min, int64_t act_max);

// An optional int32 vector of `n` entries (bias, kernel_sum).
Error check_vector(KernelContext& ctx, const Tensor* t, int64_t n, const char* what);

// Per-channel requantization: int32 multipliers and shifts of `n` entries;
// when their data is already known (constants), each multiplier lies in
// (-2^31, 2^31) and each shift in [-31, 30].
Error check_requant_tensors(KernelContext& ctx, const Tensor& multipliers, const Tensor& shifts, int64_t n);

// Per-tensor requantization from int[] lists: element 0 is used.
Error check_requant_lists(KernelContext& ctx, Span<const int64_t> multipliers, Span<const int64_t> shifts);

// A 2-D sliding window; every field is an (h, w) pair from the arguments.
struct Window {
  int64_t kh, kw, sh, sw, ph, pw, dh, dw;
};

// Window from kernel sizes and the stride/padding/dilation lists (already
// checked with check_pair); an empty dilation means 1.
inline Window make_window(int64_t kh, int64_t kw, Span<const int64_t> stride, Span<const int64_t> padding,
                          Span<const int64_t> dilation) {
  bool dil = dilation.size() == 2;
  return {kh, kw, stride[0], stride[1], padding[0], padding[1], dil ? dilation[0] : 1, dil ? dilation[1] : 1};
}

// Output length of a window over `in` positions (PyTorch's rule, including the
// ceil_mode adjustment); -1 when not even one window fits.
int64_t window_out_size(int64_t in, int64_t kernel, int64_t stride, int64_t pad, int64_t dilation, bool ceil_mode);

// out's H and W are the window's output sizes over in's H and W.
Error check_window_out(KernelContext& ctx, const Nhwc& in, const Nhwc& out, const Window& w, bool ceil_mode);


// The arguments convolution and depthwise convolution share.
struct ConvArgs {
  Span<const int64_t> stride, padding, dilation;
  const Tensor* bias;  // may be null
  const Tensor* multipliers;
  const Tensor* shifts;
  int64_t input_offset, output_offset, activation_min, activation_max;
};

// Checks what convolution and depthwise convolution share: window lists and the output size,
// per-channel bias and requantization tensors, offsets and the activation range.
Error check_conv_args(KernelContext& ctx, const Nhwc& in, const Nhwc& out, int64_t kh, int64_t kw, int64_t cout,
                      const ConvArgs& a);

}  // namespace quantized
}  // namespace etb
