// Depthwise convolution on small, narrow planes (conv_util.h:
// depthwise_flat_plan): the MobileNets' 7x7 and 14x14 maps, DS-CNN's 25x5.
// The row kernels (conv_util.cpp) put one output row in a vector, so a 7-wide
// row fills 7 of 16 lanes and a 3x3 channel costs 63 FMAs. Here the whole
// output plane is one flat run of at most 16 vectors: with a K x K window
// (3 or 5), stride 1 and padding K / 2 (output as large as the input), tap
// (kh, kw) of output o reads input o + (kh - K / 2) * W + (kw - K / 2), a
// fixed offset. A 7x7 channel then costs 36 FMAs (4 vectors x 9 taps).
//
// The input's vectors v - K / 2 .. v + K / 2 stay in registers while output
// vector v sums its taps (W < 16, so no tap reaches further), with zeros
// outside the plane; each tap's vector is one `valignd` of two of them, its
// offset being fixed by W (one instance per width). A tap whose column falls
// outside the row lands on the row above or below: a mask per kw drops those
// lanes from its FMA. An unaligned load per (tap, vector) instead, from a
// bordered copy or from the input with masks, split cache lines and cost
// DS-CNN's 25x5 layers 3-4x their FMAs; 5x5 had been left on the row kernels.
#include "kernels/optimized/util/conv_util.h"
#include "kernels/optimized/util/cpu_features.h"

#include <utility>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace etb {
namespace optimized {

#if defined(__x86_64__)
namespace {

#define ETB_FLAT_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))
// The tap helpers must inline into the channel loop: a call per vector spills the window.
#define ETB_FLAT_INLINE ETB_FLAT_AVX512 inline __attribute__((always_inline))

// valignd: floats I.. of lo followed by hi's first ones.
template <int I>
ETB_FLAT_INLINE __m512 align(__m512 hi, __m512 lo) {
  // The zero-masked form: gcc 12 flags the plain one's undefined source (bug 105593).
  return _mm512_castsi512_ps(_mm512_maskz_alignr_epi32(0xFFFF, _mm512_castps_si512(hi), _mm512_castps_si512(lo), I));
}

// Vector v of a plane shifted by O floats, from its vectors v - R .. v + R
// in slot[0 .. 2R] (|O| <= 16 R).
template <int R, int O>
ETB_FLAT_INLINE __m512 shifted(const __m512* slot) {
  constexpr int q = O >= 0 ? O / 16 : -((15 - O) / 16), r = O - 16 * q;
  if constexpr (r == 0) return slot[R + q];
  else return align<r>(slot[R + q + 1], slot[R + q]);
}

// Tap T (kh * K + kw) of one output vector, into accumulator T % 2, from the
// input's vectors v - R .. v + R in x. Lanes whose output column reads
// padding for kw (outside mask col[kw]) keep their sum, as the portable
// kernel skips padded taps (an infinite weight there adds no NaN); rows
// above and below the plane read zero vectors, as the kernel did before.
template <int K, int W, int... T>
ETB_FLAT_INLINE void taps(__m512* acc, const __m512* x, const __mmask16* col, const float* w,
                          std::integer_sequence<int, T...>) {
  constexpr int R = K / 2;
  ((acc[T & 1] = _mm512_mask3_fmadd_ps(_mm512_set1_ps(w[T]), shifted<R, (T / K - R) * W + T % K - R>(x),
                                       acc[T & 1], col[T % K])),
   ...);
}

// One output plane of W-wide rows, vector by vector. Each vector sums its
// taps into two accumulators (even and odd taps). Bias first, clamp last (NaN
// stays NaN: max/min return their second operand then).
template <int K, int W, bool CLAMP>
ETB_FLAT_AVX512 void flat_channel(const DwFlatPlan& p, const float* in, const float* w, float bias, float lo,
                                  float hi, float* out) {
  constexpr int R = K / 2;
  const __m512 lov = _mm512_set1_ps(lo), hiv = _mm512_set1_ps(hi);
  const int V = p.vectors;
  // The input's vectors v - R .. v + R (zeros outside the plane; the last one's lanes past it are zero).
  __m512 x[K];
#pragma GCC unroll 5
  for (int i = 0; i < K; i++) {
    const int v = i - R;
    x[i] = v >= 0 && v < V ? _mm512_maskz_loadu_ps(__mmask16(p.out[v]), in + 16 * v) : _mm512_setzero_ps();
  }
  for (int v = 0; v < V; v++) {
    __mmask16 col[K];
#pragma GCC unroll 5
    for (int kw = 0; kw < K; kw++) col[kw] = __mmask16(p.col[kw][v]);
    __m512 acc[2] = {_mm512_set1_ps(bias), _mm512_setzero_ps()};
    taps<K, W>(acc, x, col, w, std::make_integer_sequence<int, K * K>{});
    __m512 a = _mm512_add_ps(acc[0], acc[1]);
    // The zero-masked forms: gcc 12 flags the plain ones' undefined source (bug 105593).
    if (CLAMP) a = _mm512_maskz_min_ps(0xFFFF, hiv, _mm512_maskz_max_ps(0xFFFF, lov, a));
    _mm512_mask_storeu_ps(out + 16 * v, __mmask16(p.out[v]), a);
#pragma GCC unroll 4
    for (int i = 0; i + 1 < K; i++) x[i] = x[i + 1];
    const int next = v + R + 1;
    x[K - 1] = next < V ? _mm512_maskz_loadu_ps(__mmask16(p.out[next]), in + 16 * next) : _mm512_setzero_ps();
  }
}

template <int K, bool CLAMP, int... Ws>
DwFlatFn pick_width(int64_t width, std::integer_sequence<int, Ws...>) {
  static const DwFlatFn kFns[] = {&flat_channel<K, Ws + 1, CLAMP>...};
  return kFns[width - 1];
}

#undef ETB_FLAT_INLINE
#undef ETB_FLAT_AVX512

}  // namespace
#endif

bool depthwise_flat_plan(const ConvGeom& g, bool clamp, DwFlatPlan* p) {
#if defined(__x86_64__)
  // 3x3 or 5x5, stride 1, dilation 1 and an output as large as the input: padding K / 2 both ways.
  const int64_t K = g.KH;
  const bool shape = g.depthwise() && (K == 3 || K == 5) && g.KW == K && g.sh == 1 && g.sw == 1 && g.dh == 1 &&
                     g.dw == 1 && g.ph == K / 2 && g.pw == K / 2 && g.OH == g.H && g.OW == g.W && g.OW < 16 &&
                     g.P() <= 16 * kDwFlatVectors;
  if (active_isa() != Isa::Avx512 || !shape) return false;
  *p = DwFlatPlan{};
  for (int64_t o = 0; o < g.P(); o++) {
    const int64_t v = o / 16, bit = int64_t(1) << (o % 16), c = o % g.OW;
    p->out[v] |= uint16_t(bit);
    // Tap kw of output column c reads input column c + kw - K / 2: inside the row, or padding.
    for (int64_t kw = 0; kw < K; kw++) {
      const int64_t read = c + kw - K / 2;
      if (read >= 0 && read < g.W) p->col[kw][v] |= uint16_t(bit);
    }
  }
  p->vectors = int((g.P() + 15) / 16);
  const auto widths = std::make_integer_sequence<int, 15>{};
  if (K == 3) p->fn = clamp ? pick_width<3, true>(g.W, widths) : pick_width<3, false>(g.W, widths);
  else p->fn = clamp ? pick_width<5, true>(g.W, widths) : pick_width<5, false>(g.W, widths);
  return true;
#else
  (void)g, (void)clamp, (void)p;
  return false;
#endif
}

}  // namespace optimized
}  // namespace etb
