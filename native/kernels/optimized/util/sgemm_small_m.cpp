// Products with at most kSmallM rows (a linear layer at batch 1, an LSTM
// step, a decoder token) against a B packed at load: a 6-row SGEMM tile
// would compute 6 rows to keep 1, and packing A costs as much as the
// product. Here A is read in place and every B value loaded feeds the FMAs
// of all M rows; up to 8 panels (128 columns) at a time give enough
// independent accumulators to cover the FMA latency (AVX-512; AVX2 runs 2
// panels, 4 ymm vectors per row). The work is bound by
// reading B once.
//
// Each element sums its products per K block in k order with one FMA each
// and adds the blocks into C in order, as the tile kernels do, so the result
// is bitwise the one sgemm_packed gives.
#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/sgemm.h"
#include "kernels/optimized/util/thread_pool.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace etb {
namespace optimized {

bool small_m_available(int64_t M) { return M >= 1 && M <= kSmallM && has_avx2_fma(active_isa()); }

#if defined(__x86_64__)
namespace {

#define ETB_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))

// Columns of panels [q0, q0 + P) of one K block (rows pc.. of A, `kc` deep)
// for M rows: C (+)= A * B. `n` = valid columns from the first panel's start.
template <int M, int P>
ETB_AVX512 void panels(int64_t kc, MatView a, int64_t pc, const float* panel0, float* c, int64_t ldc, int64_t n,
                       bool accumulate) {
  __m512 acc[M][P];
#pragma GCC unroll 8
  for (int p = 0; p < P; p++) {
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) acc[r][p] = _mm512_setzero_ps();
  }
  const float* ar[M];
  for (int r = 0; r < M; r++) ar[r] = a.p + r * a.rs + pc * a.cs;
  for (int64_t k = 0; k < kc; k++) {
    __m512 av[M];
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) av[r] = _mm512_set1_ps(ar[r][k * a.cs]);
#pragma GCC unroll 8
    for (int p = 0; p < P; p++) {
      const __m512 bv = _mm512_loadu_ps(panel0 + p * kNR * kc + k * kNR);
#pragma GCC unroll 4
      for (int r = 0; r < M; r++) acc[r][p] = _mm512_fmadd_ps(av[r], bv, acc[r][p]);
    }
  }
#pragma GCC unroll 8
  for (int p = 0; p < P; p++) {
    const int64_t cols = n - p * kNR;
    const __mmask16 mask = cols >= 16 ? __mmask16(0xFFFF) : cols <= 0 ? __mmask16(0) : __mmask16((1u << cols) - 1);
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) {
      float* cr = c + r * ldc + p * kNR;
      __m512 v = acc[r][p];
      if (accumulate) v = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, cr), v);
      _mm512_mask_storeu_ps(cr, mask, v);
    }
  }
}

// The same with AVX2: a 16-column panel is two ymm vectors per row.
template <int M, int P>
__attribute__((target("avx2,fma"))) void panels_avx2(int64_t kc, MatView a, int64_t pc, const float* panel0, float* c,
                                                     int64_t ldc, int64_t n, bool accumulate) {
  __m256 acc[M][2 * P];
#pragma GCC unroll 8
  for (int p = 0; p < 2 * P; p++) {
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) acc[r][p] = _mm256_setzero_ps();
  }
  const float* ar[M];
  for (int r = 0; r < M; r++) ar[r] = a.p + r * a.rs + pc * a.cs;
  for (int64_t k = 0; k < kc; k++) {
    __m256 av[M];
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) av[r] = _mm256_set1_ps(ar[r][k * a.cs]);
#pragma GCC unroll 8
    for (int p = 0; p < 2 * P; p++) {
      const __m256 bv = _mm256_loadu_ps(panel0 + (p / 2) * kNR * kc + k * kNR + (p % 2) * 8);
#pragma GCC unroll 4
      for (int r = 0; r < M; r++) acc[r][p] = _mm256_fmadd_ps(av[r], bv, acc[r][p]);
    }
  }
  for (int r = 0; r < M; r++) {
    float* cr = c + r * ldc;
    for (int p = 0; p < 2 * P; p++) {
      const int64_t col = p * 8;
      if (col >= n) break;
      if (n - col >= 8) {
        __m256 v = acc[r][p];
        if (accumulate) v = _mm256_add_ps(_mm256_loadu_ps(cr + col), v);
        _mm256_storeu_ps(cr + col, v);
      } else {
        float t[8];
        _mm256_storeu_ps(t, acc[r][p]);
        for (int64_t j = 0; j < n - col; j++) cr[col + j] = accumulate ? cr[col + j] + t[j] : t[j];
      }
    }
  }
}

// Columns of panels [q0, q1) for one K block with the widest kernel this CPU runs.
template <int M>
void block(bool avx512, int64_t group, int64_t kc, MatView a, int64_t pc, const float* b_packed, int64_t n_pad,
           int64_t q0, int64_t q1, float* c, int64_t ldc, int64_t N) {
  const float* panel0 = b_packed + pc * n_pad + q0 * kNR * kc;
  float* cg = c + q0 * kNR;
  const int64_t n = N - q0 * kNR;
  if (!avx512) {
    // 16 ymm registers: 2 panels (4 vectors) x M rows, M <= 3; one panel for M = 4.
    if (M <= 3 && q1 - q0 == 2) return panels_avx2<M, 2>(kc, a, pc, panel0, cg, ldc, n, pc > 0);
    for (int64_t q = q0; q < q1; q++) {
      panels_avx2<M, 1>(kc, a, pc, b_packed + pc * n_pad + q * kNR * kc, c + q * kNR, ldc, N - q * kNR, pc > 0);
    }
    return;
  }
  if (q1 - q0 == group && group == 8) return panels<M, 8>(kc, a, pc, panel0, cg, ldc, n, pc > 0);
  if (q1 - q0 == 4) return panels<M, 4>(kc, a, pc, panel0, cg, ldc, n, pc > 0);
  // The last, narrower group: one panel at a time.
  for (int64_t q = q0; q < q1; q++) {
    panels<M, 1>(kc, a, pc, b_packed + pc * n_pad + q * kNR * kc, c + q * kNR, ldc, N - q * kNR, pc > 0);
  }
}

template <int M>
void run_rows(int threads, int64_t N, int64_t K, MatView a, const float* b_packed, float* c, int64_t ldc,
              const Epilogue& ep) {
  const bool avx512 = active_isa() == Isa::Avx512;
  // Panels per task: 8 * M (or 16) zmm accumulators; with AVX2, 2 panels.
  const int64_t group = avx512 ? (M <= 3 ? 8 : 4) : 2;
  const int64_t n_pad = round_up(N, kNR), panels_total = n_pad / kNR;
  const int64_t groups = (panels_total + group - 1) / group;
  threads = threads_for(threads, double(M) * double(N) * double(K));
  parallel_for(threads, groups, [&](int64_t gi, int) {
    const int64_t q0 = gi * group, q1 = q0 + group < panels_total ? q0 + group : panels_total;
    const int64_t col0 = q0 * kNR, n = N - col0;
    float* cg = c + col0;
    if (K == 0) {
      for (int r = 0; r < M; r++) {
        for (int64_t j = 0; j < n && j < (q1 - q0) * kNR; j++) cg[r * ldc + j] = 0.0f;
      }
    }
    for (int64_t pc = 0; pc < K; pc += kKC) {
      const int64_t kc = K - pc < kKC ? K - pc : kKC;
      block<M>(avx512, group, kc, a, pc, b_packed, n_pad, q0, q1, c, ldc, N);
    }
    if (!ep.identity()) {
      const int64_t w = (q1 - q0) * kNR < n ? (q1 - q0) * kNR : n;
      apply_epilogue(cg, ldc, 0, col0, M, int(w), ep);
    }
  });
}

#undef ETB_AVX512

}  // namespace

void sgemm_small_m(int threads, int64_t M, int64_t N, int64_t K, MatView a, const float* b_packed, float* c,
                   int64_t ldc, const Epilogue& ep) {
  switch (M) {
    case 1: return run_rows<1>(threads, N, K, a, b_packed, c, ldc, ep);
    case 2: return run_rows<2>(threads, N, K, a, b_packed, c, ldc, ep);
    case 3: return run_rows<3>(threads, N, K, a, b_packed, c, ldc, ep);
    case 4: return run_rows<4>(threads, N, K, a, b_packed, c, ldc, ep);
    default: break;
  }
}
#else
void sgemm_small_m(int, int64_t, int64_t, int64_t, MatView, const float*, float*, int64_t, const Epilogue&) {}
#endif

}  // namespace optimized
}  // namespace etb
