// The AVX-512 SGEMM micro-kernel: a 12 x 32 tile of C from two 6-row A panels
// and two 16-column B panels of the packed layout every instruction set shares
// (sgemm.h), so nothing is packed differently for it.
//
// 24 zmm accumulators + 2 B vectors; A values are broadcast straight from
// memory into the FMAs. Per k: 2 loads of B, 12 broadcasts, 24 FMAs, which
// keeps both FMA pipes busy with 2-3 load ports. Every C element sums its
// products in k order with one FMA each, exactly as the AVX2 6x16 kernel does,
// so the two give bitwise identical results. On the last K block the
// epilogue (scale, bias by row or by column, clamp) is applied in registers
// before the one store.
#include "kernels/optimized/util/sgemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace etb {
namespace optimized {

#if defined(__x86_64__)
namespace {

#define ETB_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))

// Where a tile's B comes from, one k at a time: two packed 16-column panels.
// AHEAD: also pull each panel's line kPrefetchSteps k steps ahead into L1,
// for the first tile that reads a panel, whose B comes from L3 or memory
// inside a model (weights of many layers do not stay in L2). Measured on
// Zen 5 with weights from L3 (sgemm_bench cold mode, M = 128): 73-75% of the
// FMA peak without, 77-86% with; later tiles find the panel in L1 and skip it.
template <bool AHEAD>
struct PackedB {
  const float* b0;
  const float* b1;
  template <int NP>
  ETB_AVX512 inline void next(__m512* bv) {
    if (AHEAD) {
      _mm_prefetch(reinterpret_cast<const char*>(b0 + kPrefetchSteps * kNR), _MM_HINT_T0);
      if (NP == 2) _mm_prefetch(reinterpret_cast<const char*>(b1 + kPrefetchSteps * kNR), _MM_HINT_T0);
    }
    bv[0] = _mm512_loadu_ps(b0);
    if (NP == 2) bv[NP - 1] = _mm512_loadu_ps(b1);
    b0 += kNR, b1 += kNR;
  }
};

// ... or rows of a row-major B read in place: row k at rows[k] + col, the
// lanes past the tile's n columns masked (never read). AHEAD: also pull the
// same rows' columns two tiles to the right (64 floats on) into L1, for the
// first tile of a column block: K rows far apart are K streams, more than
// the hardware prefetchers follow (a 1x1 convolution's input planes).
// FULL: a whole 32-column tile, loaded unmasked. Masked loads with every lane
// set measured slower on Zen 5: MobileNetV2's 1x1 16->96 @112 138-147 ->
// 171-181 GFLOP/s in the layer bench, 270 -> 239 us in-model.
template <bool AHEAD, bool FULL>
struct RowsB {
  const float* const* rows;
  int64_t col;
  __mmask16 m0, m1;
  template <int NP>
  ETB_AVX512 inline void next(__m512* bv) {
    const float* r = *rows++ + col;
    if (AHEAD) {
      _mm_prefetch(reinterpret_cast<const char*>(r + 64), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(r + 80), _MM_HINT_T0);
    }
    if (FULL) {
      bv[0] = _mm512_loadu_ps(r);
      if (NP == 2) bv[NP - 1] = _mm512_loadu_ps(r + 16);
    } else {
      bv[0] = _mm512_maskz_loadu_ps(m0, r);
      if (NP == 2) bv[NP - 1] = _mm512_maskz_loadu_ps(m1, r + 16);
    }
  }
};

// MP A panels (6 rows each) by NP B panels (16 columns each).
template <int MP, int NP, class B>
ETB_AVX512 inline void tile(int64_t kc, const float* a0, const float* a1, B b, float* c, int64_t ldc, int m, int n,
                            bool accumulate, const TileEpilogue* ep) {
  constexpr int R = MP * 6;
  __m512 acc[R][NP];
#pragma GCC unroll 12
  for (int i = 0; i < R; i++) {
#pragma GCC unroll 2
    for (int j = 0; j < NP; j++) acc[i][j] = _mm512_setzero_ps();
  }
  // One k: 2 B loads, R broadcasts of A, R * NP FMAs.
#define ETB_STEP()                                                                   \
  do {                                                                               \
    __m512 bv[NP];                                                                   \
    b.template next<NP>(bv);                                                         \
    _Pragma("GCC unroll 12") for (int i = 0; i < R; i++) {                           \
      const __m512 ai = _mm512_set1_ps(i < 6 ? a0[i] : a1[i - 6]);                   \
      _Pragma("GCC unroll 2") for (int j = 0; j < NP; j++) acc[i][j] =               \
          _mm512_fmadd_ps(ai, bv[j], acc[i][j]);                                     \
    }                                                                                \
    a0 += kMR, a1 += kMR;                                                            \
  } while (0)
  // The C tile is needed only after the k loop: fetch its rows during the
  // last iterations (earlier, they would only evict B lines from L1). The A
  // panels are not prefetched: the hardware streams them, and a prefetch per
  // k step (two more load-port uops per 24 FMAs) measured 10-25% slower on
  // convolutions (3x3 512 @7: 3.2-3.6 ms with, 2.8 without).
  const int64_t tail = kc < 16 ? kc : 16;
  int64_t k = 0;
#pragma GCC unroll 2
  for (; k < kc - tail; k++) ETB_STEP();
  for (int i = 0; i < m; i++) {
    _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
    if (n > 16) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc + 16), _MM_HINT_T0);
  }
#pragma GCC unroll 2
  for (; k < kc; k++) ETB_STEP();
#undef ETB_STEP
  __mmask16 mask[NP];
#pragma GCC unroll 2
  for (int j = 0; j < NP; j++) {
    const int cols = n - 16 * j;
    mask[j] = cols >= 16 ? __mmask16(0xFFFF) : cols <= 0 ? __mmask16(0) : __mmask16((1u << cols) - 1);
  }
  // The epilogue in registers, in the order and rounding of the scalar one
  // (sgemm.cpp apply_epilogue): alpha * sum, + beta * bias, then max with lo
  // and min with hi (a NaN sum stays NaN). Each stage is one branch around
  // straight-line code over the whole tile: per-element tests and reloads of
  // the epilogue cost a 16-deep 1x1 convolution a third of its time. Stages
  // that are identities (alpha 1, beta 1, no clamp) are skipped: x * 1 and a
  // max with -inf change no bit.
  if (accumulate) {
#pragma GCC unroll 12
    for (int i = 0; i < R; i++) {
      if (i >= m) break;
#pragma GCC unroll 2
      for (int j = 0; j < NP; j++) {
        acc[i][j] = _mm512_add_ps(_mm512_maskz_loadu_ps(mask[j], c + i * ldc + 16 * j), acc[i][j]);
      }
    }
  }
  if (ep != nullptr) {
    const Epilogue& e = *ep->ep;
    if (e.alpha != 1.0f) {
      const __m512 alpha = _mm512_set1_ps(e.alpha);
#pragma GCC unroll 12
      for (int i = 0; i < R; i++) {
#pragma GCC unroll 2
        for (int j = 0; j < NP; j++) acc[i][j] = _mm512_mul_ps(alpha, acc[i][j]);
      }
    }
    if (e.bias != nullptr && e.beta != 0.0f) {
      const __m512 beta = _mm512_set1_ps(e.beta);
      const bool unit = e.beta == 1.0f;
      // Rows past m read row m - 1's bias: in bounds, and never stored.
      const float* rows[R];
#pragma GCC unroll 12
      for (int i = 0; i < R; i++) rows[i] = e.bias + (ep->row0 + (i < m ? i : m - 1)) * e.bias_rs;
      if (e.bias_cs == 0) {
#pragma GCC unroll 12
        for (int i = 0; i < R; i++) {
          const __m512 b = unit ? _mm512_set1_ps(rows[i][0]) : _mm512_mul_ps(beta, _mm512_set1_ps(rows[i][0]));
#pragma GCC unroll 2
          for (int j = 0; j < NP; j++) acc[i][j] = _mm512_add_ps(acc[i][j], b);
        }
      } else {
#pragma GCC unroll 12
        for (int i = 0; i < R; i++) {
#pragma GCC unroll 2
          for (int j = 0; j < NP; j++) {
            const __m512 b = _mm512_maskz_loadu_ps(mask[j], rows[i] + ep->col0 + 16 * j);
            acc[i][j] = _mm512_add_ps(acc[i][j], _mm512_mul_ps(beta, b));
          }
        }
      }
    }
    if (e.lo != -__builtin_inff() || e.hi != __builtin_inff()) {
      const __m512 lo = _mm512_set1_ps(e.lo), hi = _mm512_set1_ps(e.hi);
#pragma GCC unroll 12
      for (int i = 0; i < R; i++) {
#pragma GCC unroll 2
        for (int j = 0; j < NP; j++) {
          acc[i][j] = _mm512_maskz_min_ps(0xFFFF, hi, _mm512_maskz_max_ps(0xFFFF, lo, acc[i][j]));
        }
      }
    }
  }
  // Whole tiles store unmasked too (see RowsB).
  if (n == 16 * NP) {
#pragma GCC unroll 12
    for (int i = 0; i < R; i++) {
      if (i >= m) break;
#pragma GCC unroll 2
      for (int j = 0; j < NP; j++) _mm512_storeu_ps(c + i * ldc + 16 * j, acc[i][j]);
    }
    return;
  }
#pragma GCC unroll 12
  for (int i = 0; i < R; i++) {
    if (i >= m) break;
#pragma GCC unroll 2
    for (int j = 0; j < NP; j++) _mm512_mask_storeu_ps(c + i * ldc + 16 * j, mask[j], acc[i][j]);
  }
}

// The tile for an m x n edge: unused halves are never read (a 6-row or
// 16-column edge runs a smaller tile).
template <class B>
ETB_AVX512 inline void edge_tile(int64_t kc, const float* a0, const float* a1, B b, float* c, int64_t ldc, int m,
                                 int n, bool accumulate, const TileEpilogue* ep) {
  if (m > 6) {
    if (n > 16) return tile<2, 2>(kc, a0, a1, b, c, ldc, m, n, accumulate, ep);
    return tile<2, 1>(kc, a0, a1, b, c, ldc, m, n, accumulate, ep);
  }
  if (n > 16) return tile<1, 2>(kc, a0, a0, b, c, ldc, m, n, accumulate, ep);
  tile<1, 1>(kc, a0, a0, b, c, ldc, m, n, accumulate, ep);
}

}  // namespace

ETB_AVX512 void f32_gemm_12x32__avx512(int64_t kc, const float* a0, const float* a1, const float* b0,
                                       const float* b1, float* c, int64_t ldc, int m, int n, bool accumulate,
                                       const TileEpilogue* ep, bool b_cold) {
  if (b_cold) return edge_tile(kc, a0, a1, PackedB<true>{b0, b1}, c, ldc, m, n, accumulate, ep);
  edge_tile(kc, a0, a1, PackedB<false>{b0, b1}, c, ldc, m, n, accumulate, ep);
}

ETB_AVX512 void f32_gemm_12x32_rows__avx512(int64_t kc, const float* a0, const float* a1, const float* const* rows,
                                            int64_t col, float* c, int64_t ldc, int m, int n, bool accumulate,
                                            const TileEpilogue* ep, bool b_cold) {
  const auto mask = [](int cols) {
    return cols >= 16 ? __mmask16(0xFFFF) : cols <= 0 ? __mmask16(0) : __mmask16((1u << cols) - 1);
  };
  if (n == 32) {
    if (b_cold) return edge_tile(kc, a0, a1, RowsB<true, true>{rows, col, 0xFFFF, 0xFFFF}, c, ldc, m, n, accumulate, ep);
    return edge_tile(kc, a0, a1, RowsB<false, true>{rows, col, 0xFFFF, 0xFFFF}, c, ldc, m, n, accumulate, ep);
  }
  if (b_cold) return edge_tile(kc, a0, a1, RowsB<true, false>{rows, col, mask(n), mask(n - 16)}, c, ldc, m, n, accumulate, ep);
  edge_tile(kc, a0, a1, RowsB<false, false>{rows, col, mask(n), mask(n - 16)}, c, ldc, m, n, accumulate, ep);
}

#undef ETB_AVX512
#else
void f32_gemm_12x32_rows__avx512(int64_t, const float*, const float*, const float* const*, int64_t, float*, int64_t,
                                 int, int, bool, const TileEpilogue*, bool) {}  // never called: sgemm_rows_available() is false

// No AVX-512 here: the same tile as up to four scalar 6x16 tiles.
void f32_gemm_12x32__avx512(int64_t kc, const float* a0, const float* a1, const float* b0, const float* b1, float* c,
                            int64_t ldc, int m, int n, bool accumulate, const TileEpilogue* ep, bool) {
  (void)ep;  // the driver applies the epilogue itself off x86-64 (it never calls this there)
  for (int ih = 0; ih * 6 < m; ih++) {
    for (int jh = 0; jh * 16 < n; jh++) {
      const int mm = m - 6 * ih < 6 ? m - 6 * ih : 6, nn = n - 16 * jh < 16 ? n - 16 * jh : 16;
      f32_gemm_6x16__scalar(kc, ih ? a1 : a0, jh ? b1 : b0, c + 6 * ih * ldc + 16 * jh, ldc, mm, nn, accumulate);
    }
  }
}
#endif

}  // namespace optimized
}  // namespace etb
