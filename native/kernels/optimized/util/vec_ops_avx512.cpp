// VecOps with 16-lane vectors for x86-64 CPUs with AVX-512 (F, DQ, BW, VL)
// plus AVX2 and FMA: the same bodies as vec_ops_avx2.cpp at twice the width.
// Only this file is compiled for that target; vec_ops_for() picks it when
// the CPU has it.
#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels/optimized/util/vec_ops.h"

#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))), \
                             apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")
#endif

#define ETB_VEC_NS avx512_impl
#define ETB_VEC_LANES 16
// Bytes to int32 lanes (vec_ops_body.inc's dequantize_8): the intrinsics are always inlined.
// (The zero-masked forms: the plain ones start from an undefined vector, which gcc 12 reports.)
#define ETB_VEC_WIDEN_BYTES(p, is_unsigned)                                                          \
  ((vi)((is_unsigned) ? _mm512_maskz_cvtepu8_epi32(0xFFFF, _mm_loadu_si128((const __m128i*)(p))) \
                      : _mm512_maskz_cvtepi8_epi32(0xFFFF, _mm_loadu_si128((const __m128i*)(p)))))
// Eight floats to doubles (vec_ops_body.inc's load_dh): gcc 12 turns the
// vector conversion into two 4-wide ones and a lane insert.
#define ETB_VEC_WIDEN_HALF(p) ((vdh)_mm512_maskz_cvtps_pd(0xFF, _mm256_loadu_ps(p)))
// Their horizontal sum as a tree: the serial sum of eight doubles is 32 cycles
// of add latency per row on short rows (a global average pool's 49 floats).
#define ETB_VEC_HSUM_HALF(v)                                                   \
  ({                                                                           \
    const vdh h4 = (v) + __builtin_shufflevector((v), (v), 4, 5, 6, 7, 0, 1, 2, 3); \
    const vdh h2 = h4 + __builtin_shufflevector(h4, h4, 2, 3, 0, 1, 2, 3, 0, 1); \
    h2[0] + h2[1];                                                             \
  })
#include "kernels/optimized/util/vec_ops_body.inc"

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
