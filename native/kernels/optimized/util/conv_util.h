// Geometry and inner loops of the optimized float32 convolution
// (op_convolution.cpp): im2col written straight into the packed-B layout of
// the SGEMM, and the depthwise row kernels.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/span.h"
#include "runtime/tensor.h"

namespace etb {
namespace optimized {

// A 2-D convolution; a 1-D one is the same with H = KH = OH = 1.
struct ConvGeom {
  int64_t N, C, H, W;        // input
  int64_t Cout, KH, KW;      // weight [Cout, C / groups, KH, KW]
  int64_t OH, OW;            // output
  int64_t sh, sw, ph, pw, dh, dw, groups;
  int64_t cg() const { return C / groups; }          // input channels per group
  int64_t mg() const { return Cout / groups; }       // output channels per group
  int64_t kg() const { return cg() * KH * KW; }      // GEMM depth per group
  int64_t P() const { return OH * OW; }              // output pixels
  bool pointwise() const { return KH == 1 && KW == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0; }
  bool depthwise() const { return cg() == 1 && groups == C && groups > 1; }
};

// Fills `g` from the convolution's arguments when this kernel handles them:
// float32, contiguous NCHW (or NCL), not transposed, valid sizes. False otherwise.
bool conv_geometry(const Tensor& input, const Tensor& weight, const Tensor* bias, Span<const int64_t> stride,
                   Span<const int64_t> padding, Span<const int64_t> dilation, bool transposed, int64_t groups,
                   const Tensor& out, ConvGeom* g);

// Rows [k0, k1) and columns [p0, p1) of the Kg x P im2col matrix of one
// image's channel group `in` (cg() planes of H x W), written into `dst` as the
// packed B operand of a Kg x (p1 - p0) product (sgemm.h layout, so `dst`
// holds packed_b_floats(kg(), p1 - p0)). `row` is scratch of p1 - p0 floats.
void im2col_packed_cols(const float* in, const ConvGeom& g, int64_t k0, int64_t k1, int64_t p0, int64_t p1,
                        float* dst, float* row);

// Rows [k0, k1) of the Kg x P im2col matrix, row-major, into dst (row k at dst + k * P).
void im2col_rows(const float* in, const ConvGeom& g, int64_t k0, int64_t k1, float* dst);

// At most kSmallM output pixels, groups 1 (conv_util_small_p.cpp): the
// transposed product out^T[P, Cout] = col^T x W^T on the small-M kernel. The
// weights are packed as the B operand (packed_b_floats(kg, Cout)).
bool conv_small_p(const ConvGeom& g);
size_t conv_small_p_scratch_floats(const ConvGeom& g);
void conv_small_p_pack_weights(const ConvGeom& g, const float* w, float* dst, int threads);
void conv_small_p_run(int threads, const ConvGeom& g, const float* x, const float* w_packed_t, const float* bias,
                      float* y, float* scratch, float lo, float hi);

// 1x1, stride 1, no padding, groups 1, on AVX-512 (conv_rows.cpp): the input
// read in place as the GEMM's B rows. Whether `g` takes that path, its scratch
// (after the packed weights, 64-byte aligned: the row table) and the run. The
// weights are packed as for the GEMM path (pack_a of W[Cout, K]).
bool conv_rows_ok(const ConvGeom& g);
size_t conv_rows_scratch_floats(const ConvGeom& g);
void conv_rows_run(int threads, const ConvGeom& g, const float* x, const float* w_packed, const float* bias, float* y,
                   float* scratch, float lo, float hi);

// The direct and lanes paths copy the whole bordered image into their
// scratch; past this many floats (32 MiB) a layer stays on the GEMM path,
// whose im2col chunks stay small (and offsets stay within int32).
constexpr double kMaxBorderedImageFloats = double(1 << 23);

// Few taps per output (Kg <= 160: image stems), groups 1, stride 1 or 2 along
// W, rows of 16+ pixels, on AVX-512 (conv_lanes.cpp): 8 channels x 48
// pixels of a row per tile, pixels in the lanes, read from a zero-bordered,
// even/odd-split copy of the image. Bitwise equal to the SGEMM path. Weights
// packed [Kg][Cout rounded up to 8]; the scratch holds the copy and the tap
// offsets.
bool conv_lanes_ok(const ConvGeom& g);
size_t conv_lanes_weight_floats(const ConvGeom& g);
void conv_lanes_pack_weights(const ConvGeom& g, const float* w, float* dst, int threads);
size_t conv_lanes_scratch_floats(const ConvGeom& g);
void conv_lanes_run(int threads, const ConvGeom& g, const float* x, const float* w_packed, const float* bias,
                    float* y, float* scratch, float lo, float hi);

// k x k convolutions (and 1x1 ones on maps of at most 64 pixels), groups 1,
// at least 64 output channels, on AVX-512 (conv_direct.cpp): tiles of 6
// output pixels x 64 output channels summed straight from a zero-bordered
// copy of the image, no im2col. Bitwise equal to the im2col + SGEMM path.
// The weights are packed in their own layout (conv_direct_weight_floats);
// the scratch (64-byte aligned) holds the bordered image, the tap offsets
// and one transpose buffer per thread.
bool conv_direct_ok(const ConvGeom& g);
size_t conv_direct_weight_floats(const ConvGeom& g);
void conv_direct_pack_weights(const ConvGeom& g, const float* w, float* dst, int threads);
size_t conv_direct_scratch_floats(const ConvGeom& g, int threads);
void conv_direct_run(int threads, const ConvGeom& g, const float* x, const float* w_packed, const float* bias,
                     float* y, float* scratch, float lo, float hi);

// Even-indexed floats of src[0, 2n) to even[0, n), odd-indexed to odd[0, n).
void deinterleave2(const float* src, int64_t n, float* even, float* odd);

// Depthwise: floats of the zero-padded, stride-phase-split copy of one input plane.
size_t depthwise_plane_floats(const ConvGeom& g);
// All Cout / C output planes of input channel `c` of one image: `in` is that
// H x W plane, `w` its [mult, KH, KW] weights, `bias` its mult biases (or null),
// `out` the first of its output planes, `plane` scratch of depthwise_plane_floats
// that the caller zeroed once (for the same geometry, reusable across channels).
// Outputs are clamped to [lo, hi] (a fused activation; +-inf for none).
// KxK (K 3 or 5), stride 1 or 2 in both dimensions, dilation 1 run
// specialized kernels (weights in registers, several output rows per pass):
// on AVX-512 straight from `in` with masked loads, on AVX2 and NEON from the plane;
// other shapes the row kernels. A non-null `flat` (depthwise_flat_plan's plan
// for this geometry and clamp) runs the flat small-plane kernel instead.
struct DwFlatPlan;
void depthwise_channel(const float* in, const float* w, const float* bias, float* out, const ConvGeom& g,
                       float* plane, float lo, float hi, const DwFlatPlan* flat);

// Whether depthwise_channel reads the input directly (AVX-512 specialized
// kernels), leaving `plane` untouched: it then need not be zeroed.
bool depthwise_direct(const ConvGeom& g);

// Depthwise on small planes (conv_dw_flat.cpp; AVX-512): 3x3 or 5x5, stride
// 1, dilation 1, output as large as the input (so padding K / 2), narrower
// than a vector and at most kDwFlatVectors * 16 output pixels (7x7 and 14x14
// maps, 25x5). The plane runs as one flat run of `vectors` vectors; `out`
// masks the lanes of the plane, `col[kw]` the outputs whose tap kw reads
// inside their row. depthwise_flat_plan fills the plan (false: another path);
// fn(plan, in, w, bias, lo, hi, out) then computes one output plane from one
// input plane, its K x K weights and bias, clamped to [lo, hi] when the plan
// was made with `clamp` (depthwise_channel calls it).
constexpr int kDwFlatVectors = 16;
using DwFlatFn = void (*)(const DwFlatPlan& plan, const float* in, const float* w, float bias, float lo, float hi,
                          float* out);
struct DwFlatPlan {
  uint16_t out[kDwFlatVectors], col[5][kDwFlatVectors];
  int vectors;
  DwFlatFn fn;
};
bool depthwise_flat_plan(const ConvGeom& g, bool clamp, DwFlatPlan* plan);

// Largest KH * KW the depthwise path takes (its row kernel keeps a pointer per tap).
constexpr int64_t kMaxDepthwiseTaps = 64;

}  // namespace optimized
}  // namespace etb
