// aten::max_pool2d_with_indices.out (optimized): float32 [N, C, H, W] or
// [C, H, W] in the default dim order, any kernel, stride, padding, dilation
// and ceil_mode (the portable kernel's plan), with ATen's rules as the
// portable kernel applies them: start from the first in-bounds tap, a larger
// value or any NaN replaces the best (so the last NaN wins, ties keep the
// first), and the index is h * W + w. Planes are split over threads.
//
// Vector paths (AVX-512: 16 output columns a vector, AVX2+FMA: 8): each
// output row is done in groups of adjacent output columns. Rows of the window
// outside the input are skipped; within a row the taps are visited in kw
// order, and a lane takes a tap's value when it is in bounds and the lane has
// no best yet (its first in-bounds tap), or the value is larger, or it is NaN;
// the candidate index h * W + w is kept in int32 lanes and widened at the
// store. Groups of whole columns away from the edges (on AVX2; every group on
// AVX-512) fold each window row on its own and then the rows in order: the
// rule is associative (the result is the last NaN, else the first maximum),
// so this is the same result with shorter dependency chains; other AVX2
// groups fold all taps in the scalar order (kh, then kw). Column taps come from a
// plain load (stride 1), two loads and a deinterleave (stride 2; for a 3-wide
// window with dilation 1, one pair of loads gives all three taps, the left
// padding column included), or a gather (other strides, and on AVX2 taps in
// the padding; AVX-512 picks those out of masked loads at strides 1 and 2);
// partial groups use masked loads and stores. AVX-512 prefetches the rows the
// next output row adds. So the vector paths give the scalar path's values
// and indices bit for bit (ResNet-18's 3x3 / 2 pool of 64x112x112, 1 thread:
// 5.2 ms scalar, AVX-512 about 0.3 ms with the input in cache and 0.5 ms in
// the model, AVX2 about 0.5 ms with the input in cache).
// The scalar path (branch-free selects) runs on CPUs without AVX2, for planes
// of 2^30 elements or more (int32 lanes), and for plans where some window has
// no in-bounds tap (dilation larger than the input; the portable kernel reads
// past the window there, and this keeps its behaviour). Other dtypes and
// layouts use the portable kernel. When the load-time passes find that no
// instruction reads the indices and the caller does not see them (ResNet's
// stem pool), the kernel leaves them unwritten (KernelContext::unread_outs).
#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>
// gcc 12 flags the AVX-512 intrinsics' deliberately undefined sources (gcc bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/portable/util/pool_util.h"

namespace etb {
namespace optimized {
namespace {

// KernelContext::unread_outs bit of the indices (the second out).
constexpr uint32_t kUnreadIndices = 1u << 1;

bool handles(const Tensor& self, const Tensor& out, const Tensor& indices) {
  return (self.dim == 3 || self.dim == 4) && dense_f32(self) && dense_f32(out) &&
         indices.dtype == ScalarType::Long && indices.is_contiguous();
}

// The first in-bounds tap of a window along one axis (start o * s - pad) and
// the end of its taps (exclusive, clipped to the input's size n).
inline void window(int64_t o, int64_t s, int64_t pad, int64_t k, int64_t d, int64_t n, int64_t* first, int64_t* end) {
  int64_t a = o * s - pad;
  const int64_t b = a + (k - 1) * d + 1 < n ? a + (k - 1) * d + 1 : n;
  while (a < 0) a += d;
  *first = a, *end = b;
}

void pool_plane(const portable::PoolPlan& p, const float* plane, float* y, int64_t* ind) {
  for (int64_t oh = 0; oh < p.oh; oh++) {
    int64_t h0, h1;
    window(oh, p.s[0], p.p[0], p.k[0], p.d[0], p.h, &h0, &h1);
    for (int64_t ow = 0; ow < p.ow; ow++) {
      int64_t w0, w1;
      window(ow, p.s[1], p.p[1], p.k[1], p.d[1], p.w, &w0, &w1);
      // A window with no tap inside the input: -inf at its first tap's index (ATen's start).
      float best = h0 < h1 && w0 < w1 ? plane[h0 * p.w + w0] : -__builtin_inff();
      int64_t at = h0 * p.w + w0;
      for (int64_t ih = h0; ih < h1; ih += p.d[0]) {
        const float* row = plane + ih * p.w;
        for (int64_t iw = w0; iw < w1; iw += p.d[1]) {
          // Branch-free (selects): which tap wins is data-dependent and mispredicts.
          const float v = row[iw];
          const bool take = (v > best) | (v != v);
          best = take ? v : best;
          at = take ? ih * p.w + iw : at;
        }
      }
      y[oh * p.ow + ow] = best;
      if (ind != nullptr) ind[oh * p.ow + ow] = at;
    }
  }
}

#if defined(__x86_64__)
// Whether the vector path applies: every window has an in-bounds tap in both
// axes, and indices and column positions fit int32 lanes.
bool vector_ok(const portable::PoolPlan& p) {
  if (p.h * p.w >= (int64_t(1) << 30) || p.s[1] > 4096 || p.k[1] * p.d[1] > 4096 || p.p[1] > 4096) return false;
  for (int64_t o = 0; o < p.oh; o++) {
    int64_t a, b;
    window(o, p.s[0], p.p[0], p.k[0], p.d[0], p.h, &a, &b);
    if (a >= b) return false;
  }
  for (int64_t o = 0; o < p.ow; o++) {
    int64_t a, b;
    window(o, p.s[1], p.p[1], p.k[1], p.d[1], p.w, &a, &b);
    if (a >= b) return false;
  }
  return true;
}
#endif

#if defined(__x86_64__)
#define ETB_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))
#define ETB_AVX2 __attribute__((target("avx2,fma")))

// A later tap v replaces (best, at) where it is larger or NaN (the scalar
// rule); its index is base + off (one masked add).
ETB_AVX512 inline void take512(__m512& best, __m512i& at, __m512 v, __m512i base, __m512i off) {
  const __mmask16 t = _kor_mask16(_mm512_cmp_ps_mask(v, best, _CMP_GT_OQ), _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q));
  best = _mm512_mask_mov_ps(best, t, v);
  at = _mm512_mask_add_epi32(at, t, base, off);
}

struct Lanes512 {
  __m512i lane_s, even;
  int32_t s1, n;
  __mmask16 all, lo, hi;  // lo, hi: elements 0 .. 2 n - 2 of a stride-2 pair of loads
};

// Columns c, c + s1, ... of `row` in the group's lanes, all in bounds.
ETB_AVX512 inline __m512 load512(const Lanes512& g, const float* row, int32_t c) {
  if (g.s1 == 1) return g.n == 16 ? _mm512_loadu_ps(row + c) : _mm512_maskz_loadu_ps(g.all, row + c);
  if (g.s1 == 2) {
    const __m512 a = _mm512_maskz_loadu_ps(g.lo, row + c);
    const __m512 b = g.hi == 0 ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(g.hi, row + c + 16);
    return _mm512_permutex2var_ps(a, g.even, b);
  }
  return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), g.all, _mm512_add_epi32(_mm512_set1_epi32(c), g.lane_s), row, 4);
}

// One window row for a group of output columns starting at column c (the
// first tap's), folded in kw order. Edge: some lanes' taps fall outside
// [0, W); a lane starts from its first in-bounds tap.
template <bool Edge>
ETB_AVX512 inline void row512(const Lanes512& g, const float* row, int32_t hw, int32_t c, int32_t d1, int64_t k1,
                              int32_t W, __m512* best, __m512i* at) {
  const __m512i cols0 = _mm512_add_epi32(_mm512_set1_epi32(c), g.lane_s);
  if (!Edge) {
    const __m512i base = _mm512_add_epi32(_mm512_set1_epi32(hw), cols0);
    __m512 b = load512(g, row, c);
    __m512i a = base;
    for (int64_t kw = 1; kw < k1; kw++) {
      const int32_t off = int32_t(kw) * d1;
      take512(b, a, load512(g, row, c + off), base, _mm512_set1_epi32(off));
    }
    *best = b, *at = a;
    return;
  }
  const __m512i zero_i = _mm512_setzero_si512(), w_v = _mm512_set1_epi32(W);
  __m512 b = _mm512_setzero_ps();
  __m512i a = zero_i;
  __mmask16 started = 0;
  for (int64_t kw = 0; kw < k1; kw++) {
    const int32_t off = int32_t(kw) * d1;
    const __m512i cols = _mm512_add_epi32(cols0, _mm512_set1_epi32(off));
    __mmask16 valid = g.all;
    __m512 v;
    if (c + off >= 0 && c + off + (g.n - 1) * g.s1 < W) {
      v = load512(g, row, c + off);
    } else {
      valid = _kand_mask16(g.all, _kand_mask16(_mm512_cmpge_epi32_mask(cols, zero_i), _mm512_cmplt_epi32_mask(cols, w_v)));
      if (g.s1 <= 2) {
        // The in-bounds part of the 32 floats from max(c + off, 0), then each valid
        // lane's column picked out (at most 30 past the first).
        const int32_t base = c + off > 0 ? c + off : 0, lim = W - base;
        const __mmask16 m0 = __mmask16(lim >= 16 ? 0xffffu : lim > 0 ? (1u << lim) - 1 : 0u);
        const __mmask16 m1 = __mmask16(lim >= 32 ? 0xffffu : lim > 16 ? (1u << (lim - 16)) - 1 : 0u);
        const __m512 lo = m0 == 0 ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(m0, row + base);
        const __m512 hi = m1 == 0 ? _mm512_setzero_ps() : _mm512_maskz_loadu_ps(m1, row + base + 16);
        v = _mm512_maskz_permutex2var_ps(valid, lo, _mm512_sub_epi32(cols, _mm512_set1_epi32(base)), hi);
      } else {
        v = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), valid, cols, row, 4);
      }
    }
    const __mmask16 pre = _kor_mask16(_mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q), _kandn_mask16(started, valid));
    const __mmask16 t = _kor_mask16(_mm512_mask_cmp_ps_mask(valid, v, b, _CMP_GT_OQ), pre);
    started = _kor_mask16(started, valid);
    b = _mm512_mask_mov_ps(b, t, v);
    a = _mm512_mask_mov_epi32(a, t, _mm512_add_epi32(_mm512_set1_epi32(hw), cols));
  }
  *best = b, *at = a;
}

// 16 whole columns at stride S from p; `end` bounds the plane. At stride 2
// the 32nd float (not needed) is read unmasked when it is inside the plane
// (a masked load costs more).
template <int S>
ETB_AVX512 inline __m512 load512_full(const Lanes512& g, const float* p, const float* end) {
  if (S == 1) return _mm512_loadu_ps(p);
  const __m512 b = end - p >= 32 ? _mm512_loadu_ps(p + 16) : _mm512_maskz_loadu_ps(0x7fff, p + 16);
  return _mm512_permutex2var_ps(_mm512_loadu_ps(p), g.even, b);
}

// row512<false> for 16 whole columns at stride S (1 or 2): constant masks
// and no per-tap branches (the usual case, away from the edges). At stride 2
// and dilation 1, taps kw and kw + 1 are the even and odd floats of the same
// two loads.
template <int S>
ETB_AVX512 inline void row512_full(const Lanes512& g, const float* row, const float* end, int32_t hw, int32_t c,
                                   int32_t d1, int64_t k1, __m512* best, __m512i* at) {
  const __m512i base = _mm512_add_epi32(_mm512_set1_epi32(hw + c), g.lane_s);
  __m512 b;
  __m512i a = base;
  int32_t kw = 0;
  if (S == 2 && d1 == 1 && k1 == 3) {
    // Columns c + 2 j, c + 1 + 2 j, c + 2 + 2 j: the odd floats from c + 1 shifted
    // up a lane behind row[c], then the even and odd floats from c + 1 (no
    // masks, and reads c .. c + 32 only).
    // At c = -1 (the left padding) lane 0 has no column c: it starts from
    // column 0 (its first in-bounds tap) and meets it again as tap 1, which
    // changes nothing (not larger; a NaN replaces itself).
    const float* e = row + c + 1;
    const __m512 lo = _mm512_loadu_ps(e), hi = _mm512_loadu_ps(e + 16);
    const __m512 ve = _mm512_permutex2var_ps(lo, g.even, hi);
    const __m512 vo = _mm512_permutex2var_ps(lo, _mm512_add_epi32(g.even, _mm512_set1_epi32(1)), hi);
    b = _mm512_castsi512_ps(
        _mm512_alignr_epi32(_mm512_castps_si512(vo), _mm512_castps_si512(_mm512_set1_ps(e[-(c >= 0)])), 15));
    if (c < 0) a = _mm512_mask_add_epi32(a, 1, a, _mm512_set1_epi32(1));
    take512(b, a, ve, base, _mm512_set1_epi32(1));
    take512(b, a, vo, base, _mm512_set1_epi32(2));
  } else if (S == 2 && d1 == 1 && k1 >= 2) {
    const __m512i odd = _mm512_add_epi32(g.even, _mm512_set1_epi32(1));
    for (; kw + 1 < k1; kw += 2) {
      const __m512 lo = _mm512_loadu_ps(row + c + kw), hi = _mm512_loadu_ps(row + c + kw + 16);
      const __m512 ve = _mm512_permutex2var_ps(lo, g.even, hi), vo = _mm512_permutex2var_ps(lo, odd, hi);
      if (kw == 0) {
        b = ve;
      } else {
        take512(b, a, ve, base, _mm512_set1_epi32(kw));
      }
      take512(b, a, vo, base, _mm512_set1_epi32(kw + 1));
    }
    if (kw < k1) take512(b, a, load512_full<S>(g, row + c + kw, end), base, _mm512_set1_epi32(kw));
  } else {
    b = load512_full<S>(g, row + c, end);
    for (int32_t off = d1; kw + 1 < k1; kw++, off += d1) {
      take512(b, a, load512_full<S>(g, row + c + off, end), base, _mm512_set1_epi32(off));
    }
  }
  *best = b, *at = a;
}

// Each window row is folded on its own and the rows are then folded in order
// (the rule is associative: the last NaN, else the first maximum), which
// shortens the dependency chain from kh * kw taps to kw + kh.
ETB_AVX512 void pool_plane__avx512(const portable::PoolPlan& p, const float* plane, float* y, int64_t* ind) {
  const int32_t W = int32_t(p.w), d1 = int32_t(p.d[1]);
  Lanes512 g;
  g.s1 = int32_t(p.s[1]);
  g.lane_s = _mm512_mullo_epi32(_mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15),
                                _mm512_set1_epi32(g.s1));
  g.even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const float* end = plane + p.h * p.w;
  for (int64_t oh = 0; oh < p.oh; oh++) {
    int64_t h0, h1;
    window(oh, p.s[0], p.p[0], p.k[0], p.d[0], p.h, &h0, &h1);
    float* yr = y + oh * p.ow;
    int64_t* ir = ind != nullptr ? ind + oh * p.ow : nullptr;
    // The rows the next output row adds, into L1 while this one is computed
    // (the input is usually the previous layer's output, beyond L2).
    for (int64_t r = h1; r < h1 + p.s[0] && r < p.h; r++) {
      for (int64_t i = 0; i < p.w; i += 16) _mm_prefetch(reinterpret_cast<const char*>(plane + r * p.w + i), _MM_HINT_T0);
    }
    for (int64_t ow0 = 0; ow0 < p.ow; ow0 += 16) {
      g.n = p.ow - ow0 < 16 ? int32_t(p.ow - ow0) : 16;
      g.all = __mmask16((1u << g.n) - 1);
      const int32_t span = 2 * g.n - 1;
      g.lo = __mmask16(span >= 16 ? 0xffffu : (1u << span) - 1);
      g.hi = __mmask16(span > 16 ? (1u << (span - 16)) - 1 : 0u);
      const int32_t c = int32_t(ow0 * p.s[1] - p.p[1]);
      const bool edge = c < 0 || c + (p.k[1] - 1) * d1 + (g.n - 1) * g.s1 >= W;
      int full = !edge && g.n == 16 && g.s1 <= 2 ? g.s1 : 0;
      // 3 wide, stride 2, left padding 1: the first group too (row512_full<2>).
      if (c == -1 && g.n == 16 && g.s1 == 2 && d1 == 1 && p.k[1] == 3 && c + 32 < W) full = 2;
      __m512 best = _mm512_setzero_ps(), rb;
      __m512i at = _mm512_setzero_si512(), ra;
      for (int64_t ih = h0; ih < h1; ih += p.d[0]) {
        const float* row = plane + ih * p.w;
        if (full == 1) {
          row512_full<1>(g, row, end, int32_t(ih * p.w), c, d1, p.k[1], &rb, &ra);
        } else if (full == 2) {
          row512_full<2>(g, row, end, int32_t(ih * p.w), c, d1, p.k[1], &rb, &ra);
        } else if (edge) {
          row512<true>(g, row, int32_t(ih * p.w), c, d1, p.k[1], W, &rb, &ra);
        } else {
          row512<false>(g, row, int32_t(ih * p.w), c, d1, p.k[1], W, &rb, &ra);
        }
        if (ih == h0) {
          best = rb, at = ra;
        } else {
          take512(best, at, rb, ra, _mm512_setzero_si512());
        }
      }
      _mm512_mask_storeu_ps(yr + ow0, g.all, best);
      if (ir == nullptr) continue;
      _mm512_mask_storeu_epi64(ir + ow0, __mmask8(g.all), _mm512_cvtepi32_epi64(_mm512_castsi512_si256(at)));
      _mm512_mask_storeu_epi64(ir + ow0 + 8, __mmask8(g.all >> 8), _mm512_cvtepi32_epi64(_mm512_extracti64x4_epi64(at, 1)));
    }
  }
}

// take512 in 8 lanes.
ETB_AVX2 inline void take256(__m256& best, __m256i& at, __m256 v, __m256i cand) {
  const __m256 t = _mm256_or_ps(_mm256_cmp_ps(v, best, _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  best = _mm256_blendv_ps(best, v, t);
  at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(at), _mm256_castsi256_ps(cand), t));
}

// The even and odd floats of lo:hi (16 floats) in order.
ETB_AVX2 inline void deinterleave256(__m256 lo, __m256 hi, __m256* even, __m256* odd) {
  // [a0 a2 b0 b2 | a4 a6 b4 b6] -> [a0 a2 a4 a6 b0 b2 b4 b6]
  *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xd8));
  *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0xdd)), 0xd8));
}

// row512_full in 8 lanes: one window row of 8 whole columns at stride s1
// (1 or 2) from column c, folded in kw order; with the same 3-wide, stride-2
// pair of loads (c = -1, the left padding, included).
ETB_AVX2 inline void row256_full(const float* row, const float* end, int32_t hw, int32_t c, int32_t s1, int32_t d1,
                                 int64_t k1, __m256i lane_s, __m256* best, __m256i* at) {
  const __m256i base = _mm256_add_epi32(_mm256_set1_epi32(hw + c), lane_s);
  __m256 b;
  __m256i a = base;
  if (s1 == 2 && d1 == 1 && k1 == 3) {
    const float* e = row + c + 1;
    __m256 ve, vo;
    deinterleave256(_mm256_loadu_ps(e), _mm256_loadu_ps(e + 8), &ve, &vo);
    // The odd floats up a lane, row[c] (row[0] at c = -1) in lane 0.
    const __m256 up = _mm256_permutevar8x32_ps(vo, _mm256_setr_epi32(0, 0, 1, 2, 3, 4, 5, 6));
    b = _mm256_blend_ps(up, _mm256_set1_ps(e[-(c >= 0)]), 1);
    if (c < 0) a = _mm256_add_epi32(a, _mm256_setr_epi32(1, 0, 0, 0, 0, 0, 0, 0));
    take256(b, a, ve, _mm256_add_epi32(base, _mm256_set1_epi32(1)));
    take256(b, a, vo, _mm256_add_epi32(base, _mm256_set1_epi32(2)));
  } else {
    const __m256i seven = _mm256_setr_epi32(-1, -1, -1, -1, -1, -1, -1, 0);
    for (int32_t kw = 0, off = 0; kw < k1; kw++, off += d1) {
      const float* q = row + c + off;
      __m256 v;
      if (s1 == 1) {
        v = _mm256_loadu_ps(q);
      } else {
        // The 16th float is not needed: read it plainly when inside the plane.
        const __m256 hi = end - q >= 16 ? _mm256_loadu_ps(q + 8) : _mm256_maskload_ps(q + 8, seven);
        __m256 vo;
        deinterleave256(_mm256_loadu_ps(q), hi, &v, &vo);
      }
      if (kw == 0) {
        b = v;
      } else {
        take256(b, a, v, _mm256_add_epi32(base, _mm256_set1_epi32(off)));
      }
    }
  }
  *best = b, *at = a;
}

ETB_AVX2 void pool_plane__avx2(const portable::PoolPlan& p, const float* plane, float* y, int64_t* ind) {
  const int32_t W = int32_t(p.w), s1 = int32_t(p.s[1]);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i lane_s = _mm256_mullo_epi32(lane, _mm256_set1_epi32(s1));
  const __m256i minus1 = _mm256_set1_epi32(-1), w_v = _mm256_set1_epi32(W);
  const __m256 zero = _mm256_setzero_ps();
  const float* end = plane + p.h * p.w;
  for (int64_t oh = 0; oh < p.oh; oh++) {
    int64_t h0, h1_row;
    window(oh, p.s[0], p.p[0], p.k[0], p.d[0], p.h, &h0, &h1_row);
    float* yr = y + oh * p.ow;
    int64_t* ir = ind != nullptr ? ind + oh * p.ow : nullptr;
    for (int64_t ow0 = 0; ow0 < p.ow; ow0 += 8) {
      int64_t h1 = h1_row;
      const int32_t n = p.ow - ow0 < 8 ? int32_t(p.ow - ow0) : 8;
      const __m256i all = _mm256_cmpgt_epi32(_mm256_set1_epi32(n), lane);
      // The second load of a stride-2 pair: its first 7 elements (8 lanes need 0 .. 14).
      const __m256i seven = _mm256_cmpgt_epi32(_mm256_set1_epi32(7), lane);
      __m256 best = zero;
      __m256i at = _mm256_setzero_si256(), started = _mm256_setzero_si256();
      // Whole groups away from the edges (and 3-wide stride-2 groups at the left
      // padding): each window row folded on its own, then the rows in order.
      const int32_t c = int32_t(ow0 * p.s[1] - p.p[1]);
      const bool inside = c >= 0 && c + (p.k[1] - 1) * p.d[1] + 7 * s1 < W;
      const bool k3s2 = c == -1 && s1 == 2 && p.d[1] == 1 && p.k[1] == 3 && c + 16 < W;
      if (n == 8 && s1 <= 2 && (inside || k3s2)) {
        __m256 rb;
        __m256i ra;
        for (int64_t ih = h0; ih < h1; ih += p.d[0]) {
          row256_full(plane + ih * p.w, end, int32_t(ih * p.w), c, s1, int32_t(p.d[1]), p.k[1], lane_s, &rb, &ra);
          if (ih == h0) {
            best = rb, at = ra;
          } else {
            take256(best, at, rb, ra);
          }
        }
        h1 = h0;  // done: the tap-by-tap loop below has no rows left
      }
      for (int64_t ih = h0; ih < h1; ih += p.d[0]) {
        const float* row = plane + ih * p.w;
        const __m256i hw = _mm256_set1_epi32(int32_t(ih * p.w));
        for (int64_t kw = 0; kw < p.k[1]; kw++) {
          const int32_t c0 = int32_t(ow0 * p.s[1] - p.p[1] + kw * p.d[1]);
          const __m256i cols = _mm256_add_epi32(_mm256_set1_epi32(c0), lane_s);
          __m256i valid = all;
          __m256 v;
          if (n == 8 && c0 >= 0 && c0 + 7 * s1 < W && s1 <= 2) {
            if (s1 == 1) {
              v = _mm256_loadu_ps(row + c0);
            } else {
              const __m256 a = _mm256_loadu_ps(row + c0), b = _mm256_maskload_ps(row + c0 + 8, seven);
              // [a0 a2 b0 b2 | a4 a6 b4 b6] -> [a0 a2 a4 a6 b0 b2 b4 b6]
              v = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(a, b, 0x88)), 0xd8));
            }
          } else {
            valid = _mm256_and_si256(all, _mm256_and_si256(_mm256_cmpgt_epi32(cols, minus1), _mm256_cmpgt_epi32(w_v, cols)));
            v = _mm256_mask_i32gather_ps(zero, row, cols, _mm256_castsi256_ps(valid), 4);
          }
          const __m256 more = _mm256_or_ps(_mm256_cmp_ps(v, best, _CMP_GT_OQ), _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
          const __m256 take =
              _mm256_and_ps(_mm256_castsi256_ps(valid), _mm256_or_ps(more, _mm256_castsi256_ps(_mm256_xor_si256(started, minus1))));
          started = _mm256_or_si256(started, valid);
          best = _mm256_blendv_ps(best, v, take);
          at = _mm256_castps_si256(
              _mm256_blendv_ps(_mm256_castsi256_ps(at), _mm256_castsi256_ps(_mm256_add_epi32(hw, cols)), take));
        }
      }
      const __m256i lo = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(at));
      const __m256i hi = _mm256_cvtepi32_epi64(_mm256_extracti128_si256(at, 1));
      if (n == 8) {
        _mm256_storeu_ps(yr + ow0, best);
        if (ir == nullptr) continue;
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(ir + ow0), lo);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(ir + ow0 + 4), hi);
      } else {
        _mm256_maskstore_ps(yr + ow0, all, best);
        if (ir == nullptr) continue;
        _mm256_maskstore_epi64(reinterpret_cast<long long*>(ir + ow0), _mm256_cvtepi32_epi64(_mm256_castsi256_si128(all)), lo);
        _mm256_maskstore_epi64(reinterpret_cast<long long*>(ir + ow0 + 4),
                               _mm256_cvtepi32_epi64(_mm256_extracti128_si256(all, 1)), hi);
      }
    }
  }
}
#endif

}  // namespace

Error opt_max_pool2d_with_indices_out_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                                              Span<const int64_t> stride, Span<const int64_t> padding,
                                              Span<const int64_t> dilation, bool ceil_mode, Tensor& out,
                                              Tensor& indices) {
  if (!handles(self, out, indices)) {
    return ctx.fail(Error::NotSupported, "handles float32 [N, C, H, W] or [C, H, W] in the default dim order only");
  }
  return portable::max_pool2d_with_indices_out_prepare(ctx, self, kernel_size, stride, padding, dilation, ceil_mode,
                                                       out, indices);
}

Error opt_max_pool2d_with_indices_out(KernelContext& ctx, const Tensor& self, Span<const int64_t> kernel_size,
                                      Span<const int64_t> stride, Span<const int64_t> padding,
                                      Span<const int64_t> dilation, bool ceil_mode, Tensor& out, Tensor& indices) {
  if (!handles(self, out, indices)) {
    return portable::max_pool2d_with_indices_out(ctx, self, kernel_size, stride, padding, dilation, ceil_mode, out,
                                                 indices);
  }
  ETB_RETURN_IF_ERROR(portable::max_pool2d_with_indices_out_prepare(ctx, self, kernel_size, stride, padding, dilation,
                                                                    ceil_mode, out, indices));
  portable::PoolPlan p;
  ETB_RETURN_IF_ERROR(portable::plan_pool(ctx, self, kernel_size, stride, padding, &dilation, ceil_mode, &p));
  int32_t sizes[4];
  portable::pool_out_sizes(self, p, sizes);
  ETB_RETURN_IF_ERROR(resize_to(ctx, out, sizes, self.dim));
  ETB_RETURN_IF_ERROR(resize_to(ctx, indices, sizes, self.dim));
  const int64_t planes = p.n * p.c, in_plane = p.h * p.w, out_plane = p.oh * p.ow;
  if (planes == 0 || out_plane == 0) return Error::Ok;
  const float* x = self.data_as<const float>();
  float* y = out.data_as<float>();
  // Indices nobody reads (passes/mark_unread_outs.cpp) are left unwritten:
  // as many bytes again as the pooled values, twice over for int64.
  int64_t* ind = (ctx.unread_outs & kUnreadIndices) != 0 ? nullptr : indices.data_as<int64_t>();
  const double taps = double(p.k[0] * p.k[1]) * double(out_plane);
  void (*plane_fn)(const portable::PoolPlan&, const float*, float*, int64_t*) = pool_plane;
#if defined(__x86_64__)
  const Isa isa = active_isa();
  if (vector_ok(p)) {
    if (isa == Isa::Avx512) {
      plane_fn = pool_plane__avx512;
    } else if (has_avx2_fma(isa)) {
      plane_fn = pool_plane__avx2;
    }
  }
#endif
  for_range(ctx, planes, 1, taps, [&](int64_t b, int64_t e) {
    for (int64_t q = b; q < e; q++) {
      plane_fn(p, x + q * in_plane, y + q * out_plane, ind != nullptr ? ind + q * out_plane : nullptr);
    }
  });
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
