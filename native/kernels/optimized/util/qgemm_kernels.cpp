// The 8x16 int8 micro-kernels: scalar, AVX2, AVX-512 VNNI and NEON. All read
// the same packed panel (per k group of 4: 16 columns x 4 u8 bytes) and the
// same 8 row pointers, and produce the same wrapping int32 sums, so the
// driver's epilogue is shared. Each vector one is compiled for its target
// alone so the rest of the build stays portable.
#include <string.h>

#include "kernels/optimized/util/qgemm.h"

#if defined(__x86_64__) && !defined(ETB_NO_OPTIMIZED_KERNELS)
#include <immintrin.h>
#define ETB_QGEMM_X86 1
// gcc 12 flags the AVX-512 intrinsics' deliberately undefined sources (gcc bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif
#if defined(__aarch64__) && !defined(ETB_NO_OPTIMIZED_KERNELS)
#include <arm_neon.h>
#define ETB_QGEMM_NEON 1
#endif

namespace etb {
namespace optimized {
namespace {

inline int32_t load4(const int8_t* p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

}  // namespace

// Unsigned arithmetic: the sum wraps like the vector lanes do (no UB).
void qgemm_8x16__scalar(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile) {
  uint32_t acc[kQMR * kQNR] = {0};
  for (int64_t g = 0; g < kgroups; g++, panel += kQNR * kQKG) {
    for (int i = 0; i < kQMR; i++) {
      const int8_t* a = rows[i] + g * kQKG;
      for (int j = 0; j < kQNR; j++) {
        const uint8_t* b = panel + j * kQKG;
        int32_t s = a[0] * b[0] + a[1] * b[1] + a[2] * b[2] + a[3] * b[3];
        acc[i * kQNR + j] += uint32_t(s);
      }
    }
  }
  memcpy(tile, acc, sizeof(acc));
}

#ifdef ETB_QGEMM_X86
// vpdpbusd: u8 panel bytes x s8 row bytes broadcast from memory, 4 products
// per int32 lane, no saturation. 8 accumulators hide its 5-cycle latency;
// per k group 1 panel load and 8 broadcast loads feed 8 dot instructions.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) void qgemm_8x16__avx512vnni(int64_t kgroups,
                                                                                     const int8_t* const* rows,
                                                                                     const uint8_t* panel,
                                                                                     int32_t* tile) {
  __m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  const int8_t *r0 = rows[0], *r1 = rows[1], *r2 = rows[2], *r3 = rows[3], *r4 = rows[4], *r5 = rows[5],
               *r6 = rows[6], *r7 = rows[7];
  for (int64_t k = 0; k < kgroups * kQKG; k += kQKG, panel += kQNR * kQKG) {
    const __m512i b = _mm512_loadu_si512(panel);
    c0 = _mm512_dpbusd_epi32(c0, b, _mm512_set1_epi32(load4(r0 + k)));
    c1 = _mm512_dpbusd_epi32(c1, b, _mm512_set1_epi32(load4(r1 + k)));
    c2 = _mm512_dpbusd_epi32(c2, b, _mm512_set1_epi32(load4(r2 + k)));
    c3 = _mm512_dpbusd_epi32(c3, b, _mm512_set1_epi32(load4(r3 + k)));
    c4 = _mm512_dpbusd_epi32(c4, b, _mm512_set1_epi32(load4(r4 + k)));
    c5 = _mm512_dpbusd_epi32(c5, b, _mm512_set1_epi32(load4(r5 + k)));
    c6 = _mm512_dpbusd_epi32(c6, b, _mm512_set1_epi32(load4(r6 + k)));
    c7 = _mm512_dpbusd_epi32(c7, b, _mm512_set1_epi32(load4(r7 + k)));
  }
  _mm512_storeu_si512(tile + 0 * kQNR, c0);
  _mm512_storeu_si512(tile + 1 * kQNR, c1);
  _mm512_storeu_si512(tile + 2 * kQNR, c2);
  _mm512_storeu_si512(tile + 3 * kQNR, c3);
  _mm512_storeu_si512(tile + 4 * kQNR, c4);
  _mm512_storeu_si512(tile + 5 * kQNR, c5);
  _mm512_storeu_si512(tile + 6 * kQNR, c6);
  _mm512_storeu_si512(tile + 7 * kQNR, c7);
}

// AVX2 has no exact byte dot product: vpmaddubsw adds two u8 x s8 products
// into int16 and saturates (2 * 255 * -128 = -65280). So both operands are
// widened to int16 and multiplied with vpmaddwd (exact into int32). A panel
// half (8 columns x 4 bytes) widens to two registers of 4 columns; the row's
// 4 bytes, broadcast and widened, line up with each column's 4 bytes, so
// each int32 lane holds one column's sum over 2 of the 4 k; a horizontal
// add at the end joins the pairs. 4 rows x 2 registers per pass.
__attribute__((target("avx2"))) void qgemm_8x16__avx2(int64_t kgroups, const int8_t* const* rows,
                                                       const uint8_t* panel, int32_t* tile) {
  for (int half = 0; half < 2; half++) {
    for (int r = 0; r < kQMR; r += 4) {
      __m256i acc[4][2];
      for (int i = 0; i < 4; i++) acc[i][0] = acc[i][1] = _mm256_setzero_si256();
      const uint8_t* p = panel + half * 8 * kQKG;
      for (int64_t k = 0; k < kgroups * kQKG; k += kQKG, p += kQNR * kQKG) {
        const __m256i b0 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
        const __m256i b1 = _mm256_cvtepu8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16)));
        for (int i = 0; i < 4; i++) {
          const __m256i a = _mm256_cvtepi8_epi16(_mm_set1_epi32(load4(rows[r + i] + k)));
          acc[i][0] = _mm256_add_epi32(acc[i][0], _mm256_madd_epi16(b0, a));
          acc[i][1] = _mm256_add_epi32(acc[i][1], _mm256_madd_epi16(b1, a));
        }
      }
      for (int i = 0; i < 4; i++) {
        // hadd gives columns (0 1 4 5 | 2 3 6 7); the permute puts them in order.
        const __m256i s = _mm256_permute4x64_epi64(_mm256_hadd_epi32(acc[i][0], acc[i][1]), 0xD8);
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(tile + (r + i) * kQNR + half * 8), s);
      }
    }
  }
}
#else
void qgemm_8x16__avx512vnni(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile) {
  qgemm_8x16__scalar(kgroups, rows, panel, tile);
}
void qgemm_8x16__avx2(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile) {
  qgemm_8x16__scalar(kgroups, rows, panel, tile);
}
#endif

#ifdef ETB_QGEMM_NEON
// smull on widened operands (exact, like the AVX2 kernel): 16 panel bytes
// are 4 columns x 4 k; widened to int16 and multiplied lane-wise with the
// row's 4 bytes repeated, each column's 4 products land in one int32x4,
// and two pairwise adds reduce 4 columns to one vector of sums.
void qgemm_8x16__neon(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile) {
  for (int i = 0; i < kQMR; i++) {
    int32x4_t acc[4] = {vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0), vdupq_n_s32(0)};
    const uint8_t* p = panel;
    for (int64_t k = 0; k < kgroups * kQKG; k += kQKG, p += kQNR * kQKG) {
      const int16x8_t a = vmovl_s8(vreinterpret_s8_s32(vdup_n_s32(load4(rows[i] + k))));
      const int16x4_t al = vget_low_s16(a);
      for (int q = 0; q < 4; q++) {
        const uint8x16_t b = vld1q_u8(p + q * 16);
        const int16x8_t b01 = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(b)));
        const int16x8_t b23 = vreinterpretq_s16_u16(vmovl_high_u8(b));
        const int32x4_t p0 = vmull_s16(vget_low_s16(b01), al), p1 = vmull_high_s16(b01, a);
        const int32x4_t p2 = vmull_s16(vget_low_s16(b23), al), p3 = vmull_high_s16(b23, a);
        acc[q] = vaddq_s32(acc[q], vpaddq_s32(vpaddq_s32(p0, p1), vpaddq_s32(p2, p3)));
      }
    }
    for (int q = 0; q < 4; q++) vst1q_s32(tile + i * kQNR + q * 4, acc[q]);
  }
}

// sdot multiplies signed bytes only, so the panel's u8 (w + 128) are flipped
// back to w: this kernel sums x * w, not x * (w + 128) (qgemm_row_offset).
// Per k group, 4 rows' 4 bytes share one vector; sdot by lane adds row i's
// dot product with 4 columns' 4 bytes: 4 rows x 16 columns = 16 accumulators.
__attribute__((target("arch=armv8.2-a+dotprod"))) void qgemm_8x16__neondot(int64_t kgroups, const int8_t* const* rows,
                                                           const uint8_t* panel, int32_t* tile) {
  const uint8x16_t flip = vdupq_n_u8(0x80);
  for (int r = 0; r < kQMR; r += 4) {
    int32x4_t acc[4][4];
    for (int i = 0; i < 4; i++)
      for (int q = 0; q < 4; q++) acc[i][q] = vdupq_n_s32(0);
    const uint8_t* p = panel;
    for (int64_t k = 0; k < kgroups * kQKG; k += kQKG, p += kQNR * kQKG) {
      const int32_t lanes[4] = {load4(rows[r] + k), load4(rows[r + 1] + k), load4(rows[r + 2] + k), load4(rows[r + 3] + k)};
      const int8x16_t a = vreinterpretq_s8_s32(vld1q_s32(lanes));
      for (int q = 0; q < 4; q++) {
        const int8x16_t b = vreinterpretq_s8_u8(veorq_u8(vld1q_u8(p + q * 16), flip));
        acc[0][q] = vdotq_laneq_s32(acc[0][q], b, a, 0);
        acc[1][q] = vdotq_laneq_s32(acc[1][q], b, a, 1);
        acc[2][q] = vdotq_laneq_s32(acc[2][q], b, a, 2);
        acc[3][q] = vdotq_laneq_s32(acc[3][q], b, a, 3);
      }
    }
    for (int i = 0; i < 4; i++)
      for (int q = 0; q < 4; q++) vst1q_s32(tile + (r + i) * kQNR + q * 4, acc[i][q]);
  }
}
#else
void qgemm_8x16__neon(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile) {
  qgemm_8x16__scalar(kgroups, rows, panel, tile);
}
// Sums x * w (the dot kernel's contract): x * (w + 128) less 128 * x.
void qgemm_8x16__neondot(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile) {
  qgemm_8x16__scalar(kgroups, rows, panel, tile);
  for (int i = 0; i < kQMR; i++) {
    uint32_t s = 0;
    for (int64_t k = 0; k < kgroups * kQKG; k++) s += uint32_t(int32_t(rows[i][k]));
    for (int j = 0; j < kQNR; j++) tile[i * kQNR + j] = int32_t(uint32_t(tile[i * kQNR + j]) - 128u * s);
  }
}
#endif

int32_t qgemm_row_offset(Isa isa) { return isa == Isa::NeonDot ? 0 : 128; }

QMicroKernel qgemm_micro_kernel(Isa isa) {
  switch (isa) {
    case Isa::Avx512Vnni: return qgemm_8x16__avx512vnni;
    case Isa::Avx2Fma:
    case Isa::Avx512: return qgemm_8x16__avx2;  // qgemm_isa() maps it; a direct caller gets the same
    case Isa::Neon: return qgemm_8x16__neon;
    case Isa::NeonDot: return qgemm_8x16__neondot;
    case Isa::Scalar: break;
  }
  return qgemm_8x16__scalar;
}

}  // namespace optimized
}  // namespace etb
