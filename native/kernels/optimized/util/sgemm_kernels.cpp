// The 6x16 SGEMM micro-kernels: scalar, AVX2+FMA and NEON. All compute the
// same tile layout so packing is shared; the AVX2 one is compiled for its
// target alone so the rest of the build stays portable.
#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/sgemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(__aarch64__)
#include <arm_neon.h>
#endif

namespace etb {
namespace optimized {
namespace {

// Adds (or copies) the first m x n of a full kMR x kNR tile into C.
void store_partial(const float* tile, float* c, int64_t ldc, int m, int n, bool accumulate) {
  for (int i = 0; i < m; i++) {
    for (int j = 0; j < n; j++) c[i * ldc + j] = accumulate ? c[i * ldc + j] + tile[i * kNR + j] : tile[i * kNR + j];
  }
}

}  // namespace

void f32_gemm_6x16__scalar(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int m, int n,
                           bool accumulate) {
  float acc[kMR * kNR] = {0};
  for (int64_t k = 0; k < kc; k++, a += kMR, b += kNR) {
    for (int i = 0; i < kMR; i++) {
      for (int j = 0; j < kNR; j++) acc[i * kNR + j] += a[i] * b[j];
    }
  }
  store_partial(acc, c, ldc, m, n, accumulate);
}

#if defined(__x86_64__)
// 12 accumulators + 2 B vectors + 1 broadcast A = 15 of the 16 ymm registers.
// Per k: 2 loads of B, 6 broadcasts of A, 12 FMAs.
__attribute__((target("avx2,fma"))) void f32_gemm_6x16__avx2(int64_t kc, const float* a, const float* b, float* c,
                                                               int64_t ldc, int m, int n, bool accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps(), c10 = _mm256_setzero_ps(),
         c11 = _mm256_setzero_ps(), c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps(),
         c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps(), c40 = _mm256_setzero_ps(),
         c41 = _mm256_setzero_ps(), c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
  // The C tile is needed only after the k loop: start fetching its rows now.
  for (int i = 0; i < m; i++) _mm_prefetch(reinterpret_cast<const char*>(c + i * ldc), _MM_HINT_T0);
  int64_t k = 0;
#define ETB_GEMM_STEP(A, B)                                                 \
  do {                                                                      \
    const __m256 b0 = _mm256_loadu_ps(B), b1 = _mm256_loadu_ps((B) + 8); \
    __m256 ai = _mm256_broadcast_ss((A) + 0);                               \
    c00 = _mm256_fmadd_ps(ai, b0, c00);                                     \
    c01 = _mm256_fmadd_ps(ai, b1, c01);                                     \
    ai = _mm256_broadcast_ss((A) + 1);                                      \
    c10 = _mm256_fmadd_ps(ai, b0, c10);                                     \
    c11 = _mm256_fmadd_ps(ai, b1, c11);                                     \
    ai = _mm256_broadcast_ss((A) + 2);                                      \
    c20 = _mm256_fmadd_ps(ai, b0, c20);                                     \
    c21 = _mm256_fmadd_ps(ai, b1, c21);                                     \
    ai = _mm256_broadcast_ss((A) + 3);                                      \
    c30 = _mm256_fmadd_ps(ai, b0, c30);                                     \
    c31 = _mm256_fmadd_ps(ai, b1, c31);                                     \
    ai = _mm256_broadcast_ss((A) + 4);                                      \
    c40 = _mm256_fmadd_ps(ai, b0, c40);                                     \
    c41 = _mm256_fmadd_ps(ai, b1, c41);                                     \
    ai = _mm256_broadcast_ss((A) + 5);                                      \
    c50 = _mm256_fmadd_ps(ai, b0, c50);                                     \
    c51 = _mm256_fmadd_ps(ai, b1, c51);                                     \
  } while (0)
  // Unrolled by 4: one loop branch and one B prefetch (a cache line ahead
  // of 4 rows of 16 floats) per 48 FMAs.
  for (; k + 4 <= kc; k += 4, a += 4 * kMR, b += 4 * kNR) {
    _mm_prefetch(reinterpret_cast<const char*>(b + 16 * kNR), _MM_HINT_T0);
    ETB_GEMM_STEP(a, b);
    ETB_GEMM_STEP(a + kMR, b + kNR);
    ETB_GEMM_STEP(a + 2 * kMR, b + 2 * kNR);
    ETB_GEMM_STEP(a + 3 * kMR, b + 3 * kNR);
  }
  for (; k < kc; k++, a += kMR, b += kNR) ETB_GEMM_STEP(a, b);
#undef ETB_GEMM_STEP
  const __m256 rows[kMR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (m == kMR && n == kNR) {
    for (int i = 0; i < kMR; i++) {
      float* ci = c + i * ldc;
      __m256 lo = rows[i][0], hi = rows[i][1];
      if (accumulate) {
        lo = _mm256_add_ps(_mm256_loadu_ps(ci), lo);
        hi = _mm256_add_ps(_mm256_loadu_ps(ci + 8), hi);
      }
      _mm256_storeu_ps(ci, lo);
      _mm256_storeu_ps(ci + 8, hi);
    }
    return;
  }
  float tile[kMR * kNR];
  for (int i = 0; i < kMR; i++) {
    _mm256_storeu_ps(tile + i * kNR, rows[i][0]);
    _mm256_storeu_ps(tile + i * kNR + 8, rows[i][1]);
  }
  store_partial(tile, c, ldc, m, n, accumulate);
}

// Six rows, k contiguous, into a k-major 6-wide panel: 8 k at a time through
// an 8x8 transpose (rows 6 and 7 zero); each k's 6 values are stored with
// one 8-wide store that the next k overwrites, the last one exactly.
__attribute__((target("avx2,fma"))) void f32_pack_6rows__avx2(const float* src, int64_t row_stride, int64_t kc,
                                                                float* out) {
  int64_t k = 0;
  for (; k + 8 <= kc; k += 8, out += 8 * kMR) {
    const __m256 r0 = _mm256_loadu_ps(src + k), r1 = _mm256_loadu_ps(src + row_stride + k),
                 r2 = _mm256_loadu_ps(src + 2 * row_stride + k), r3 = _mm256_loadu_ps(src + 3 * row_stride + k),
                 r4 = _mm256_loadu_ps(src + 4 * row_stride + k), r5 = _mm256_loadu_ps(src + 5 * row_stride + k),
                 r6 = _mm256_setzero_ps(), r7 = _mm256_setzero_ps();
    const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3),
                 t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5),
                 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE),
                 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE),
                 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE),
                 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    // Column k + c of the 8 rows (only the first 6 are kept).
    const __m256 c0 = _mm256_permute2f128_ps(u0, u4, 0x20), c1 = _mm256_permute2f128_ps(u1, u5, 0x20),
                 c2 = _mm256_permute2f128_ps(u2, u6, 0x20), c3 = _mm256_permute2f128_ps(u3, u7, 0x20),
                 c4 = _mm256_permute2f128_ps(u0, u4, 0x31), c5 = _mm256_permute2f128_ps(u1, u5, 0x31),
                 c6 = _mm256_permute2f128_ps(u2, u6, 0x31), c7 = _mm256_permute2f128_ps(u3, u7, 0x31);
    _mm256_storeu_ps(out + 0 * kMR, c0);
    _mm256_storeu_ps(out + 1 * kMR, c1);
    _mm256_storeu_ps(out + 2 * kMR, c2);
    _mm256_storeu_ps(out + 3 * kMR, c3);
    _mm256_storeu_ps(out + 4 * kMR, c4);
    _mm256_storeu_ps(out + 5 * kMR, c5);
    _mm256_storeu_ps(out + 6 * kMR, c6);
    _mm_storeu_ps(out + 7 * kMR, _mm256_castps256_ps128(c7));
    _mm_storel_pi(reinterpret_cast<__m64*>(out + 7 * kMR + 4), _mm256_extractf128_ps(c7, 1));
  }
  for (; k < kc; k++, out += kMR) {
    for (int64_t i = 0; i < kMR; i++) out[i] = src[i * row_stride + k];
  }
}
#else
void f32_pack_6rows__avx2(const float* src, int64_t row_stride, int64_t kc, float* out) {
  for (int64_t k = 0; k < kc; k++, out += kMR) {
    for (int64_t i = 0; i < kMR; i++) out[i] = src[i * row_stride + k];
  }
}

void f32_gemm_6x16__avx2(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int m, int n,
                         bool accumulate) {
  f32_gemm_6x16__scalar(kc, a, b, c, ldc, m, n, accumulate);
}
#endif

#if defined(__aarch64__)
// 24 accumulators (6 rows x 4 vectors of 4) + 4 B vectors + 2 A vectors = 30
// of the 32 NEON registers. Per k: 4 loads of B, one 4- and one 2-float load
// of A, 24 lane FMAs. Each C element sums its products in k order, exactly as
// the scalar kernel does, so the two agree to the last bit but for FMA rounding.
void f32_gemm_6x16__neon(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int m, int n,
                         bool accumulate) {
  float32x4_t acc[kMR][4];
  for (int i = 0; i < kMR; i++) {
    for (int j = 0; j < 4; j++) acc[i][j] = vdupq_n_f32(0.0f);
  }
  for (int64_t k = 0; k < kc; k++, a += kMR, b += kNR) {
    const float32x4_t b0 = vld1q_f32(b), b1 = vld1q_f32(b + 4), b2 = vld1q_f32(b + 8), b3 = vld1q_f32(b + 12);
    const float32x4_t a03 = vld1q_f32(a);
    const float32x2_t a45 = vld1_f32(a + 4);
#define ETB_NEON_ROW(I, V, A, L)                        \
  acc[I][0] = vfmaq_lane##V##_f32(acc[I][0], b0, A, L); \
  acc[I][1] = vfmaq_lane##V##_f32(acc[I][1], b1, A, L); \
  acc[I][2] = vfmaq_lane##V##_f32(acc[I][2], b2, A, L); \
  acc[I][3] = vfmaq_lane##V##_f32(acc[I][3], b3, A, L)
    ETB_NEON_ROW(0, q, a03, 0);
    ETB_NEON_ROW(1, q, a03, 1);
    ETB_NEON_ROW(2, q, a03, 2);
    ETB_NEON_ROW(3, q, a03, 3);
    ETB_NEON_ROW(4, , a45, 0);
    ETB_NEON_ROW(5, , a45, 1);
#undef ETB_NEON_ROW
  }
  if (m == kMR && n == kNR) {
    for (int i = 0; i < kMR; i++) {
      float* ci = c + i * ldc;
      for (int j = 0; j < 4; j++) {
        const float32x4_t v = accumulate ? vaddq_f32(vld1q_f32(ci + 4 * j), acc[i][j]) : acc[i][j];
        vst1q_f32(ci + 4 * j, v);
      }
    }
    return;
  }
  float tile[kMR * kNR];
  for (int i = 0; i < kMR; i++) {
    for (int j = 0; j < 4; j++) vst1q_f32(tile + i * kNR + 4 * j, acc[i][j]);
  }
  store_partial(tile, c, ldc, m, n, accumulate);
}
#else
void f32_gemm_6x16__neon(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int m, int n,
                         bool accumulate) {
  f32_gemm_6x16__scalar(kc, a, b, c, ldc, m, n, accumulate);
}
#endif

MicroKernel gemm_micro_kernel() {
  switch (active_isa()) {
    case Isa::Avx2Fma:
    case Isa::Avx512: return f32_gemm_6x16__avx2;
    case Isa::Neon: return f32_gemm_6x16__neon;
    case Isa::Scalar:
    case Isa::Avx512Vnni:  // integer levels (qgemm.h), forced only in int8 tests
    case Isa::NeonDot: break;
  }
  return f32_gemm_6x16__scalar;
}

}  // namespace optimized
}  // namespace etb
