// Depthwise convolution on small, narrow planes (conv_util.h:
// depthwise_flat_plan): the MobileNets' 7x7 and 14x14 maps, DS-CNN's 25x5.
// The row kernels (conv_util.cpp) put one output row in a vector, so a 7-wide
// row fills 7 of 16 lanes and a 3x3 channel costs 63 FMAs. Here the whole
// output plane is one flat run of at most 16 vectors: with a 3x3 window, stride
// 1 and padding 1 (output as large as the input), tap (kh, kw) of output o
// reads input o + (kh - 1) * W + (kw - 1), a fixed offset. A 7x7 channel then
// costs 36 FMAs (4 vectors x 9 taps).
//
// Each tap's vector is made in registers from three planes: the input as it
// is (kw = 1), with its last column zeroed (kw = 0: output column 0 reaching
// left lands on the row above's last column) and with its first column
// zeroed (kw = 2), and zeros before and after. For output vector v these are
// vectors v - 1, v and v + 1 of each plane (W < 16, so no tap reaches
// further), and the tap's offset, fixed by W, is one `valignd` of two of
// them. An unaligned load per (tap, vector) instead, from a bordered copy or
// the input with masks for the borders, split cache lines and cost DS-CNN's
// 25x5 layers 3-4x their FMAs. 3x3 only (see depthwise_flat_plan).
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

// valignd: floats I.. of lo followed by hi's first ones.
template <int I>
ETB_FLAT_AVX512 inline __m512 align(__m512 hi, __m512 lo) {
  // The zero-masked form: gcc 12 flags the plain one's undefined source (bug 105593).
  return _mm512_castsi512_ps(_mm512_maskz_alignr_epi32(0xFFFF, _mm512_castps_si512(hi), _mm512_castps_si512(lo), I));
}

// Vector v of a plane shifted by O floats (|O| <= 16), from its vectors v - 1, v, v + 1.
template <int O>
ETB_FLAT_AVX512 inline __m512 shifted(__m512 prev, __m512 cur, __m512 next) {
  if constexpr (O == 0) return cur;
  else if constexpr (O == 16) return next;
  else if constexpr (O == -16) return prev;
  else if constexpr (O > 0) return align<O>(next, cur);
  else return align<16 + O>(cur, prev);
}

// The three planes' vectors v - 1, v, v + 1.
struct Window {
  __m512 left[3], mid[3], right[3];
};

// Window slot `slot` from vector v of the input (zeros past the plane).
ETB_FLAT_AVX512 inline void fill(Window& s, int slot, const DwFlatPlan& p, const float* in, int v) {
  const __m512 zero = _mm512_setzero_ps();
  const __m512 x = v < p.vectors ? _mm512_maskz_loadu_ps(__mmask16(p.out[v]), in + 16 * v) : zero;
  s.mid[slot] = x;
  s.left[slot] = v < p.vectors ? _mm512_maskz_mov_ps(__mmask16(p.left[v]), x) : zero;
  s.right[slot] = v < p.vectors ? _mm512_maskz_mov_ps(__mmask16(p.right[v]), x) : zero;
}

// One output plane of W-wide rows, vector by vector. Each vector sums its
// taps into two accumulators (even and odd taps). Bias first, clamp last (NaN
// stays NaN: max/min return their second operand then).
template <int W, bool CLAMP>
ETB_FLAT_AVX512 void flat_channel(const DwFlatPlan& p, const float* in, const float* w, float bias, float lo,
                                  float hi, float* out) {
  __m512 wt[9];
#pragma GCC unroll 9
  for (int t = 0; t < 9; t++) wt[t] = _mm512_set1_ps(w[t]);
  const __m512 zero = _mm512_setzero_ps(), lov = _mm512_set1_ps(lo), hiv = _mm512_set1_ps(hi);
  const int V = p.vectors;
  Window s;
  s.left[0] = s.mid[0] = s.right[0] = zero;
  fill(s, 1, p, in, 0);
  for (int v = 0; v < V; v++) {
    fill(s, 2, p, in, v + 1);
    __m512 acc[2] = {_mm512_set1_ps(bias), zero};
#define ETB_TAP(kh, kw, plane)                                                                               \
  acc[((kh) * 3 + (kw)) & 1] = _mm512_fmadd_ps(                                                             \
      wt[(kh) * 3 + (kw)], shifted<((kh) - 1) * W + (kw) - 1>(s.plane[0], s.plane[1], s.plane[2]),          \
      acc[((kh) * 3 + (kw)) & 1])
    ETB_TAP(0, 0, left);
    ETB_TAP(0, 1, mid);
    ETB_TAP(0, 2, right);
    ETB_TAP(1, 0, left);
    ETB_TAP(1, 1, mid);
    ETB_TAP(1, 2, right);
    ETB_TAP(2, 0, left);
    ETB_TAP(2, 1, mid);
    ETB_TAP(2, 2, right);
#undef ETB_TAP
    __m512 a = _mm512_add_ps(acc[0], acc[1]);
    // The zero-masked forms: gcc 12 flags the plain ones' undefined source (bug 105593).
    if (CLAMP) a = _mm512_maskz_min_ps(0xFFFF, hiv, _mm512_maskz_max_ps(0xFFFF, lov, a));
    _mm512_mask_storeu_ps(out + 16 * v, __mmask16(p.out[v]), a);
#pragma GCC unroll 3
    for (int i = 0; i < 2; i++) s.left[i] = s.left[i + 1], s.mid[i] = s.mid[i + 1], s.right[i] = s.right[i + 1];
  }
}

template <bool CLAMP, int... Ws>
DwFlatFn pick_width(int64_t width, std::integer_sequence<int, Ws...>) {
  static const DwFlatFn kFns[] = {&flat_channel<Ws + 1, CLAMP>...};
  return kFns[width - 1];
}

#undef ETB_FLAT_AVX512

}  // namespace
#endif

bool depthwise_flat_plan(const ConvGeom& g, bool clamp, DwFlatPlan* p) {
#if defined(__x86_64__)
  // 3x3, stride 1, dilation 1 and an output as large as the input: padding 1 both ways.
  // (5x5 would need vectors v - 2 .. v + 2 in the window; it stays on the row kernels.)
  const bool shape = g.depthwise() && g.KH == 3 && g.KW == 3 && g.sh == 1 && g.sw == 1 &&
                     g.dh == 1 && g.dw == 1 && g.OH == g.H && g.OW == g.W && g.OW < 16 &&
                     g.P() <= 16 * kDwFlatVectors;
  if (active_isa() != Isa::Avx512 || !shape) return false;
  *p = DwFlatPlan{};
  p->W = g.W;
  for (int64_t o = 0; o < g.P(); o++) {
    const int64_t v = o / 16, bit = int64_t(1) << (o % 16), c = o % g.OW;
    p->out[v] |= uint16_t(bit);
    if (c != g.W - 1) p->left[v] |= uint16_t(bit);
    if (c != 0) p->right[v] |= uint16_t(bit);
  }
  p->vectors = int((g.P() + 15) / 16);
  const auto widths = std::make_integer_sequence<int, 15>{};
  p->fn = clamp ? pick_width<true>(g.W, widths) : pick_width<false>(g.W, widths);
  return true;
#else
  (void)g, (void)clamp, (void)p;
  return false;
#endif
}

}  // namespace optimized
}  // namespace etb
