// VecOps with 8-lane vectors for x86-64 CPUs with AVX2 and FMA. Only this
// file is compiled for that target (every function in it, by the pragma), so
// the rest of the build stays baseline x86-64; vec_ops_for() picks it at run
// time when the CPU has AVX2+FMA.
#include <stdint.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "kernels/optimized/util/vec_ops.h"

#if defined(__x86_64__)
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,fma")
#endif

#define ETB_VEC_NS avx2_impl
#define ETB_VEC_LANES 8
// Bytes to int32 lanes (vec_ops_body.inc's dequantize_8): the intrinsics are always inlined.
#define ETB_VEC_WIDEN_BYTES(p, is_unsigned)                                              \
  ((vi)((is_unsigned) ? _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i*)(p))) \
                      : _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i*)(p)))))
#include "kernels/optimized/util/vec_ops_body.inc"

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
