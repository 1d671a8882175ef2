// Vector forms of the quantize / dequantize loops of xnn_ops_elementwise.cpp,
// which every node running on dequantized copies (quantized clamps, adds,
// pooling) pays twice. The same steps lane by lane, so the same bits:
// dequantize float(q - zp) * scale; quantize x * (1 / scale), clamped (NaN
// to the low bound: maxps returns its second operand for NaN), rounded with
// the current (half to even) mode as nearbyintf, zero point added. AVX-512
// where the int8 GEMM uses it (qgemm_isa), else the caller's scalar loop.
// Also the 256-entry table for quantized unary nodes (run_unary_lut).
#include <string.h>

#include "backends/xnnpack/xnn_ops.h"
#include "kernels/optimized/util/qgemm.h"

#if defined(__x86_64__) && !defined(ETB_NO_OPTIMIZED_KERNELS)
#include <immintrin.h>
#define ETB_QCONV_X86 1
// gcc 12 flags the AVX-512 intrinsics' deliberately undefined sources (gcc bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
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

namespace {

// The nodes run_unary computes: each output element a function of its input
// element alone (the node's alpha and output range are fixed).
bool elementwise_unary(uint8_t k) {
  switch (k) {
    case kSigmoid: case kTanh: case kClamp: case kFloor: case kCeiling: case kSquareRoot: case kHardswish:
    case kLeakyReLU: case kNegate: case kSquare: case kELU: case kAbs: case kReciprocalSquareRoot: case kLog:
    case kGelu: case kExp: case kSin: case kCos:
      return true;
    default:
      return false;
  }
}

bool per_tensor_q8(const Value& v) { return (v.dtype == kQint8 || v.dtype == kQuint8) && v.quant == Quant::PerTensor; }

}  // namespace

// A quantized unary node maps each of the 256 input bytes to one output byte,
// so the float round trip (dequantize, the fp32 node, quantize) is run once
// on the 256 byte values, through the very same functions, and the tensor is
// then a table lookup: the same bits as running it on every element.
bool run_unary_lut(Graph& g, const Node& n) {
  if (n.num_inputs != 1 || !elementwise_unary(n.kind)) return false;
  const Value &x = g.values[n.inputs[0]], &o = g.values[n.output];
  // Below a few thousand elements the table costs about as much as it saves.
  if (!per_tensor_q8(x) || !per_tensor_q8(o) || x.numel != o.numel || x.numel < 4096) return false;
  Value vals[2] = {x, o};
  vals[0].numel = vals[1].numel = 256;
  uint8_t bytes[256];
  for (int b = 0; b < 256; b++) bytes[b] = uint8_t(b);
  float in[256], out[256];
  dequantize_values(vals[0], bytes, in);
  void* data[2] = {in, out};
  Node one = n;
  one.inputs[0] = 0;
  one.output = 1;
  one.via_float = false;
  Graph tiny;
  tiny.values = vals;
  tiny.num_values = 2;
  tiny.data = data;
  run_unary(OpContext{tiny, one, nullptr, 1});
  uint8_t table[256];
  quantize_values(vals[1], out, table);
  const uint8_t* src = static_cast<const uint8_t*>(g.data[n.inputs[0]]);
  uint8_t* dst = static_cast<uint8_t*>(g.data[n.output]);
  for (uint64_t i = 0; i < x.numel; i++) dst[i] = table[src[i]];
  return true;
}

}  // namespace xnn
}  // namespace etb
