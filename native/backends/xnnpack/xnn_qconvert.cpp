// Vector forms of the quantize / dequantize loops of xnn_ops_elementwise.cpp,
// which every node running on dequantized copies (quantized clamps, adds,
// pooling) pays twice. The same steps lane by lane, so the same bits:
// dequantize float(q - zp) * scale; quantize x * (1 / scale), clamped (NaN
// to the low bound: maxps returns its second operand for NaN), rounded with
// the current (half to even) mode as nearbyintf, zero point added. AVX-512
// where the int8 GEMM uses it (qgemm_isa), else the caller's scalar loop.
#include "backends/xnnpack/xnn_ops.h"
#include "kernels/optimized/util/qgemm.h"

#if defined(__x86_64__) && !defined(ETB_NO_OPTIMIZED_KERNELS)
#include <immintrin.h>
#define ETB_QCONV_X86 1
// gcc 12 flags the AVX-512 intrinsics' deliberately undefined sources (gcc bug 105593).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

namespace etb {
namespace xnn {
namespace {

#ifdef ETB_QCONV_X86
__attribute__((target("avx512f,avx512bw"))) uint64_t dequantize_avx512(bool is_signed, int32_t zp, float scale,
                                                                       const uint8_t* q, float* out, uint64_t n) {
  const __m512i z = _mm512_set1_epi32(zp);
  const __m512 s = _mm512_set1_ps(scale);
  uint64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + i));
    const __m512i v = is_signed ? _mm512_cvtepi8_epi32(b) : _mm512_cvtepu8_epi32(b);
    _mm512_storeu_ps(out + i, _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(v, z)), s));
  }
  return i;
}

__attribute__((target("avx512f,avx512bw"))) uint64_t quantize_avx512(int32_t qmin, int32_t qmax, int32_t zp, float inv,
                                                                     const float* x, uint8_t* out, uint64_t n) {
  const __m512 lo = _mm512_set1_ps(float(qmin - zp)), hi = _mm512_set1_ps(float(qmax - zp)), s = _mm512_set1_ps(inv);
  const __m512i z = _mm512_set1_epi32(zp);
  uint64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 q = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(_mm512_loadu_ps(x + i), s), lo), hi);
    const __m512i r = _mm512_add_epi32(_mm512_cvtps_epi32(q), z);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(r));
  }
  return i;
}
#endif

}  // namespace

uint64_t dequantize_values_simd(const Value& v, const void* q, float* out) {
#ifdef ETB_QCONV_X86
  if (optimized::qgemm_isa() == optimized::Isa::Avx512Vnni) {
    return dequantize_avx512(v.dtype == kQint8, v.zero_point, v.scale, static_cast<const uint8_t*>(q), out, v.numel);
  }
#endif
  return 0;
}

uint64_t quantize_values_simd(const Value& v, const float* x, void* out, float inv_scale) {
#ifdef ETB_QCONV_X86
  if (optimized::qgemm_isa() == optimized::Isa::Avx512Vnni) {
    const bool s = v.dtype == kQint8;
    return quantize_avx512(s ? -128 : 0, s ? 127 : 255, v.zero_point, inv_scale, x, static_cast<uint8_t*>(out), v.numel);
  }
#endif
  return 0;
}

}  // namespace xnn
}  // namespace etb
