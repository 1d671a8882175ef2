// Depthwise convolution on small, narrow planes (conv_util.h:
// depthwise_flat_plan): the MobileNets' 7x7 maps, DS-CNN's 25x5. The row
// kernels (conv_util.cpp) put one output row in a vector, so a 7-wide row
// fills 7 of 16 lanes and a 3x3 channel costs 63 FMAs. Here the whole output
// plane is one flat run of at most eight vectors: with a 3x3 window, stride
// 1 and padding 1 (output as large as the input), tap (kh, kw) of output o
// reads input o + (kh - 1) * W + (kw - 1), a fixed offset, with lanes whose
// input row or column falls outside the plane masked to zero. A 7x7 channel
// then costs 36 FMAs (4 vectors x 9 taps). 3x3 only (see depthwise_flat_plan).
// The masks depend on the geometry alone and are built once per call.
#include "kernels/optimized/util/conv_util.h"
#include "kernels/optimized/util/cpu_features.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace etb {
namespace optimized {

#if defined(__x86_64__)
namespace {

#define ETB_FLAT_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))

// V vectors of outputs; each sums its taps into two accumulators (even and
// odd taps) so 2 V chains cover the FMA latency. Bias first, clamp last (NaN
// stays NaN: max/min return their second operand then).
template <int V, bool CLAMP>
ETB_FLAT_AVX512 void flat_channel(const DwFlatPlan& p, const float* in, const float* w, float bias, float lo,
                                  float hi, float* out) {
  constexpr int K = 3;
  __m512 acc[V][2];
#pragma GCC unroll 8
  for (int v = 0; v < V; v++) acc[v][0] = _mm512_set1_ps(bias), acc[v][1] = _mm512_setzero_ps();
#pragma GCC unroll 3
  for (int kh = 0; kh < K; kh++) {
#pragma GCC unroll 3
    for (int kw = 0; kw < K; kw++) {
      const __m512 wt = _mm512_set1_ps(w[kh * K + kw]);
      // Padding 1 (the output is as large as the input). May point before
      // the plane: only lanes inside it are read.
      const float* src = in + (kh - 1) * p.W + (kw - 1);
#pragma GCC unroll 8
      for (int v = 0; v < V; v++) {
        const __mmask16 m = __mmask16(p.tap[kh * K + kw][v]);
        __m512& a = acc[v][(kh * K + kw) & 1];
        a = _mm512_fmadd_ps(wt, _mm512_maskz_loadu_ps(m, src + 16 * v), a);
      }
    }
  }
  const __m512 lov = _mm512_set1_ps(lo), hiv = _mm512_set1_ps(hi);
#pragma GCC unroll 8
  for (int v = 0; v < V; v++) {
    __m512 a = _mm512_add_ps(acc[v][0], acc[v][1]);
    // The zero-masked forms: gcc 12 flags the plain ones' undefined source (bug 105593).
    if (CLAMP) a = _mm512_maskz_min_ps(0xFFFF, hiv, _mm512_maskz_max_ps(0xFFFF, lov, a));
    _mm512_mask_storeu_ps(out + 16 * v, __mmask16(p.out[v]), a);
  }
}

template <bool CLAMP>
DwFlatFn pick_vectors(int64_t vectors) {
  static const DwFlatFn kFns[kDwFlatVectors] = {
      &flat_channel<1, CLAMP>, &flat_channel<2, CLAMP>, &flat_channel<3, CLAMP>, &flat_channel<4, CLAMP>,
      &flat_channel<5, CLAMP>, &flat_channel<6, CLAMP>, &flat_channel<7, CLAMP>, &flat_channel<8, CLAMP>};
  return kFns[vectors - 1];
}

#undef ETB_FLAT_AVX512

}  // namespace
#endif

bool depthwise_flat_plan(const ConvGeom& g, bool clamp, DwFlatPlan* p) {
#if defined(__x86_64__)
  // 5x5 stays on the row kernels: its 100 (tap, vector) masks, each moved
  // into a mask register, cost more than the row kernels' unused lanes (MobileNetV3's
  // 576-channel 5x5 @7: 28 us on those, 30.6 here; 3x3 960 @7: 29.4 -> 21.1).
  // 3x3, stride 1, dilation 1 and an output as large as the input: padding 1 both ways.
  const bool shape = g.depthwise() && g.KH == 3 && g.KW == 3 && g.sh == 1 && g.sw == 1 &&
                     g.dh == 1 && g.dw == 1 && g.OH == g.H && g.OW == g.W && g.OW < 16 &&
                     g.P() <= 16 * kDwFlatVectors;
  if (active_isa() != Isa::Avx512 || !shape) return false;
  *p = DwFlatPlan{};
  p->W = g.W;
  for (int64_t o = 0; o < g.P(); o++) {
    const int64_t v = o / 16, bit = int64_t(1) << (o % 16), r = o / g.OW, c = o % g.OW;
    p->out[v] |= uint16_t(bit);
    for (int64_t kh = 0; kh < 3; kh++) {
      for (int64_t kw = 0; kw < 3; kw++) {
        const bool inside = r + kh - 1 >= 0 && r + kh - 1 < g.H && c + kw - 1 >= 0 && c + kw - 1 < g.W;
        if (inside) p->tap[kh * 3 + kw][v] |= uint16_t(bit);
      }
    }
  }
  const int64_t vectors = (g.P() + 15) / 16;
  p->fn = clamp ? pick_vectors<true>(vectors) : pick_vectors<false>(vectors);
  return true;
#else
  (void)g, (void)clamp, (void)p;
  return false;
#endif
}

}  // namespace optimized
}  // namespace etb
