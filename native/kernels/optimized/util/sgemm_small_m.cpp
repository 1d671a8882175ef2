// Products with at most kSmallM rows (a linear layer at batch 1, an LSTM
// step, a decoder token) against a B packed at load, or a row-major B read in
// place (a weight transposed by a permute_copy on every call): a 6-row SGEMM
// tile would compute 6 rows to keep 1, and packing A (or a run-time B) costs
// as much as the product. Here A is read in place and every B value loaded
// feeds the FMAs of all M rows; up to 8 panels (128 columns) at a time give enough
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

// Where the 16 columns of panel p at depth k of one K block live:
// base + k * k_stride + p * p_stride. Packed B: k_stride 16, p_stride 16 * kc
// (zero-padded past N). Row-major B: k_stride = its row stride, p_stride 16
// (nothing past N may be read: loads are masked).
struct BSrc {
  const float* base;
  int64_t k_stride, p_stride;
  bool in_place;
};

__mmask16 mask_of(int64_t cols) {
  return cols >= 16 ? __mmask16(0xFFFF) : cols <= 0 ? __mmask16(0) : __mmask16((1u << cols) - 1);
}

// Panels [0, P) of `b` (n valid columns from the first) for M rows of A
// starting at depth pc, kc deep: C (+)= A * B.
template <int M, int P>
ETB_AVX512 void panels(int64_t kc, MatView a, int64_t pc, BSrc b, float* c, int64_t ldc, int64_t n, bool accumulate) {
  __m512 acc[M][P];
  __mmask16 mask[P];
#pragma GCC unroll 8
  for (int p = 0; p < P; p++) {
    mask[p] = mask_of(n - p * kNR);
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) acc[r][p] = _mm512_setzero_ps();
  }
  const float* ar[M];
  for (int r = 0; r < M; r++) ar[r] = a.p + r * a.rs + pc * a.cs;
  for (int64_t k = 0; k < kc; k++) {
    __m512 av[M];
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) av[r] = _mm512_set1_ps(ar[r][k * a.cs]);
    const float* bk = b.base + k * b.k_stride;
#pragma GCC unroll 8
    for (int p = 0; p < P; p++) {
      const __m512 bv = _mm512_maskz_loadu_ps(mask[p], bk + p * b.p_stride);
#pragma GCC unroll 4
      for (int r = 0; r < M; r++) acc[r][p] = _mm512_fmadd_ps(av[r], bv, acc[r][p]);
    }
  }
#pragma GCC unroll 8
  for (int p = 0; p < P; p++) {
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) {
      float* cr = c + r * ldc + p * kNR;
      __m512 v = acc[r][p];
      if (accumulate) v = _mm512_add_ps(_mm512_maskz_loadu_ps(mask[p], cr), v);
      _mm512_mask_storeu_ps(cr, mask[p], v);
    }
  }
}

// The same with AVX2: a 16-column panel is two ymm vectors per row; vectors
// running past N are loaded under a mask (in-place B only: packed B is padded).
template <int M, int P>
__attribute__((target("avx2,fma"))) void panels_avx2(int64_t kc, MatView a, int64_t pc, BSrc b, float* c,
                                                     int64_t ldc, int64_t n, bool accumulate) {
  __m256 acc[M][2 * P];
  __m256i mask[2 * P];
  bool partial[2 * P];
#pragma GCC unroll 8
  for (int p = 0; p < 2 * P; p++) {
    const int64_t cols = n - p * 8;
    partial[p] = b.in_place && cols < 8;
    mask[p] = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(cols < 0 ? 0 : cols > 8 ? 8 : cols)),
                                 _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) acc[r][p] = _mm256_setzero_ps();
  }
  const float* ar[M];
  for (int r = 0; r < M; r++) ar[r] = a.p + r * a.rs + pc * a.cs;
  for (int64_t k = 0; k < kc; k++) {
    __m256 av[M];
#pragma GCC unroll 4
    for (int r = 0; r < M; r++) av[r] = _mm256_set1_ps(ar[r][k * a.cs]);
    const float* bk = b.base + k * b.k_stride;
#pragma GCC unroll 8
    for (int p = 0; p < 2 * P; p++) {
      const float* src = bk + (p / 2) * b.p_stride + (p % 2) * 8;
      const __m256 bv = partial[p] ? _mm256_maskload_ps(src, mask[p]) : _mm256_loadu_ps(src);
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

// Panels [q0, q1) for one K block at depth pc with the widest kernel this CPU runs.
template <int M>
void block(bool avx512, int64_t group, int64_t kc, MatView a, int64_t pc, const BSrc& whole, int64_t q0, int64_t q1,
           float* c, int64_t ldc, int64_t N) {
  auto src = [&](int64_t q) { return BSrc{whole.base + q * whole.p_stride, whole.k_stride, whole.p_stride, whole.in_place}; };
  float* cg = c + q0 * kNR;
  const int64_t n = N - q0 * kNR;
  if (!avx512) {
    // 16 ymm registers: 2 panels (4 vectors) x M rows, M <= 3; one panel for M = 4.
    if (M <= 3 && q1 - q0 == 2) return panels_avx2<M, 2>(kc, a, pc, src(q0), cg, ldc, n, pc > 0);
    for (int64_t q = q0; q < q1; q++) panels_avx2<M, 1>(kc, a, pc, src(q), c + q * kNR, ldc, N - q * kNR, pc > 0);
    return;
  }
  if (q1 - q0 == group && group == 8) return panels<M, 8>(kc, a, pc, src(q0), cg, ldc, n, pc > 0);
  if (q1 - q0 == 4) return panels<M, 4>(kc, a, pc, src(q0), cg, ldc, n, pc > 0);
  // The last, narrower group: one panel at a time.
  for (int64_t q = q0; q < q1; q++) panels<M, 1>(kc, a, pc, src(q), c + q * kNR, ldc, N - q * kNR, pc > 0);
}

// `b_at(pc, kc)`: the BSrc of K block pc (panel 0).
template <int M, typename BAt>
void run_rows(int threads, int64_t N, int64_t K, MatView a, BAt b_at, float* c, int64_t ldc, const Epilogue& ep) {
  const bool avx512 = active_isa() == Isa::Avx512;
  // Panels per task: 8 * M (or 16) zmm accumulators; with AVX2, 2 panels.
  const int64_t group = avx512 ? (M <= 3 ? 8 : 4) : 2;
  const int64_t panels_total = round_up(N, kNR) / kNR;
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
      block<M>(avx512, group, kc, a, pc, b_at(pc, kc), q0, q1, c, ldc, N);
    }
    if (!ep.identity()) {
      const int64_t w = (q1 - q0) * kNR < n ? (q1 - q0) * kNR : n;
      apply_epilogue(cg, ldc, 0, col0, M, int(w), ep);
    }
  });
}

template <typename BAt>
void dispatch_rows(int threads, int64_t M, int64_t N, int64_t K, MatView a, BAt b_at, float* c, int64_t ldc,
                   const Epilogue& ep) {
  switch (M) {
    case 1: return run_rows<1>(threads, N, K, a, b_at, c, ldc, ep);
    case 2: return run_rows<2>(threads, N, K, a, b_at, c, ldc, ep);
    case 3: return run_rows<3>(threads, N, K, a, b_at, c, ldc, ep);
    case 4: return run_rows<4>(threads, N, K, a, b_at, c, ldc, ep);
    default: break;
  }
}

#undef ETB_AVX512

}  // namespace

void sgemm_small_m(int threads, int64_t M, int64_t N, int64_t K, MatView a, const float* b_packed, float* c,
                   int64_t ldc, const Epilogue& ep) {
  const int64_t n_pad = round_up(N, kNR);
  dispatch_rows(threads, M, N, K, a, [&](int64_t pc, int64_t kc) { return BSrc{b_packed + pc * n_pad, kNR, kNR * kc, false}; },
                c, ldc, ep);
}

void sgemm_small_m_rowmajor(int threads, int64_t M, int64_t N, int64_t K, MatView a, MatView b, float* c,
                            int64_t ldc, const Epilogue& ep) {
  dispatch_rows(threads, M, N, K, a, [&](int64_t pc, int64_t) { return BSrc{b.p + pc * b.rs, b.rs, kNR, true}; }, c,
                ldc, ep);
}
#else
void sgemm_small_m(int, int64_t, int64_t, int64_t, MatView, const float*, float*, int64_t, const Epilogue&) {}
void sgemm_small_m_rowmajor(int, int64_t, int64_t, int64_t, MatView, MatView, float*, int64_t, const Epilogue&) {}
#endif

}  // namespace optimized
}  // namespace etb
