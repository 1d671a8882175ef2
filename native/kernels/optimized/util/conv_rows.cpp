// 1x1 convolutions (stride 1, no padding, groups 1) without packing the
// input, AVX-512 (conv_util.h): the input image is already the GEMM's B
// operand row-major (row k = input plane k, P columns), so the SGEMM reads
// it in place through one row pointer per plane (sgemm_rows) and writes the
// output planes directly. Same sums in the same order as the packed path,
// so bitwise equal to it; what goes away is the copy of C x P floats per
// image (MobileNetV2's expansions and projections: 13% of its run).
//
// Tried and dropped: k x k convolutions through the same kernel, reading
// zero-padded (and, for strides, phase-split) copies of the planes at one
// shifted row per (channel, tap), the output computed over the padded width
// and the valid columns copied out. No faster than im2col at stride 1
// (ResNet-18 3x3 64->64 @56: 1.97 vs 1.95 ms), slower at stride 2 (0.98 ->
// 1.80 ms): the shifted rows are unaligned, so every B load splits across
// cache lines.
#include "kernels/optimized/util/conv_util.h"
#include "kernels/optimized/util/sgemm.h"

namespace etb {
namespace optimized {

bool conv_rows_ok(const ConvGeom& g) { return sgemm_rows_available() && g.groups == 1 && g.pointwise(); }

size_t conv_rows_scratch_floats(const ConvGeom& g) {
  return (size_t(g.C) * sizeof(float*) + sizeof(float) - 1) / sizeof(float);
}

void conv_rows_run(int threads, const ConvGeom& g, const float* x, const float* w_packed, const float* bias, float* y,
                   float* scratch, float lo, float hi) {
  // The row table (pointer-aligned: scratch is 64-byte aligned).
  auto** rows = reinterpret_cast<const float**>(scratch);
  Epilogue ep;
  if (bias != nullptr) {
    ep.bias = bias;
    ep.beta = 1.0f;
    ep.bias_rs = 1;
  }
  ep.lo = lo;
  ep.hi = hi;
  const int64_t P = g.P();
  for (int64_t n = 0; n < g.N; n++) {
    const float* xn = x + n * g.C * P;
    for (int64_t k = 0; k < g.C; k++) rows[k] = xn + k * P;
    sgemm_rows(threads, g.Cout, P, g.C, w_packed, rows, 0, y + n * g.Cout * P, P, ep);
  }
}

}  // namespace optimized
}  // namespace etb
