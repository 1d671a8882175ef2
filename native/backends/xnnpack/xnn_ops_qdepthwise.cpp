// Quantized depthwise convolution (filter [1, KH, KW, Cout], output channel
// co reads input channel co / multiplier): per output pixel, int32 sums over
// the taps for all channels at once, then the requantization every quantized
// node uses (float(acc) * multiplier, clamp, round half to even, zero point).
// The filter minus its zero point (int32), the per-channel multipliers and
// the bias are prepared once at init; the channel loops run 16 lanes wide
// with AVX-512 when the int8 GEMM does (qgemm_isa), 8 with AVX2, else scalar. Exact:
// |sum| <= taps * 255 * 255 fits int32 for the at most kMaxQuantizedTaps taps
// check_graph allows, and adding the bias in int32 is exact when init's
// bound says the total fits; otherwise the bias is added in int64.
#include <math.h>
#include <string.h>

#include "backends/xnnpack/xnn_ops.h"
#include "kernels/optimized/util/qgemm.h"

#if defined(__x86_64__) && !defined(ETB_NO_OPTIMIZED_KERNELS)
#include <immintrin.h>
#define ETB_QDW_X86 1
// gcc 12 flags the AVX-512 intrinsics' deliberately undefined sources (gcc bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

namespace etb {
namespace xnn {
namespace {

// What init prepares (behind Node::qpacked).
struct DwPlan {
  const int32_t* taps;  // [KH * KW][Cout]: w - w_zp
  const float* mult;    // [Cout]
  const int32_t* bias;  // [Cout]
  float lo, hi;         // the output range in the quantized domain, zero point removed
  int32_t out_zp;
  bool wide;  // bias + sum may not fit int32: add the bias in int64
};

inline int8_t requant(float acc, float mult, float lo, float hi, int32_t zp) {
  return int8_t(int32_t(nearbyintf(fminf(fmaxf(acc * mult, lo), hi))) + zp);
}

void tap_scalar(int32_t* acc, const int8_t* src, int32_t zp, const int32_t* tap, int64_t n, int64_t mult) {
  if (mult == 1) {
    for (int64_t co = 0; co < n; co++) acc[co] += (int32_t(src[co]) - zp) * tap[co];
    return;
  }
  for (int64_t ci = 0; ci < n / mult; ci++) {
    const int32_t a = int32_t(src[ci]) - zp;
    for (int64_t j = 0; j < mult; j++) acc[ci * mult + j] += a * tap[ci * mult + j];
  }
}

void requant_scalar(const int32_t* acc, const DwPlan& p, int8_t* dst, int64_t n) {
  for (int64_t co = 0; co < n; co++) {
    const float v = p.wide ? float(int64_t(p.bias[co]) + acc[co]) : float(int32_t(uint32_t(acc[co]) + uint32_t(p.bias[co])));
    dst[co] = requant(v, p.mult[co], p.lo, p.hi, p.out_zp);
  }
}

#ifdef ETB_QDW_X86
__attribute__((target("avx512f,avx512bw"))) void tap_avx512(int32_t* acc, const int8_t* src, int32_t zp,
                                                              const int32_t* tap, int64_t n, int64_t mult) {
  const __m512i z = _mm512_set1_epi32(zp);
  if (mult == 1) {
    int64_t co = 0;
    for (; co + 16 <= n; co += 16) {
      const __m512i x = _mm512_sub_epi32(_mm512_cvtepi8_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + co))), z);
      const __m512i t = _mm512_mullo_epi32(x, _mm512_loadu_si512(tap + co));
      _mm512_storeu_si512(acc + co, _mm512_add_epi32(_mm512_loadu_si512(acc + co), t));
    }
    for (; co < n; co++) acc[co] += (int32_t(src[co]) - zp) * tap[co];
    return;
  }
  for (int64_t ci = 0; ci < n / mult; ci++) {
    const int32_t a = int32_t(src[ci]) - zp;
    const __m512i va = _mm512_set1_epi32(a);
    int32_t* ac = acc + ci * mult;
    const int32_t* tp = tap + ci * mult;
    int64_t j = 0;
    for (; j + 16 <= mult; j += 16) {
      _mm512_storeu_si512(ac + j, _mm512_add_epi32(_mm512_loadu_si512(ac + j), _mm512_mullo_epi32(va, _mm512_loadu_si512(tp + j))));
    }
    for (; j < mult; j++) ac[j] += a * tp[j];
  }
}

__attribute__((target("avx512f,avx512bw"))) void requant_avx512(const int32_t* acc, const DwPlan& p, int8_t* dst,
                                                                  int64_t n) {
  if (p.wide) return requant_scalar(acc, p, dst, n);
  const __m512 lo = _mm512_set1_ps(p.lo), hi = _mm512_set1_ps(p.hi);
  const __m512i zp = _mm512_set1_epi32(p.out_zp);
  int64_t co = 0;
  for (; co + 16 <= n; co += 16) {
    const __m512i a = _mm512_add_epi32(_mm512_loadu_si512(acc + co), _mm512_loadu_si512(p.bias + co));
    const __m512 v = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(a), _mm512_loadu_ps(p.mult + co)), lo), hi);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + co), _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(v), zp)));
  }
  requant_scalar(acc + co, DwPlan{p.taps, p.mult + co, p.bias + co, p.lo, p.hi, p.out_zp, p.wide}, dst + co, n - co);
}

// 8 lanes for AVX2 machines, the same steps.
__attribute__((target("avx2"))) void tap_avx2(int32_t* acc, const int8_t* src, int32_t zp, const int32_t* tap,
                                               int64_t n, int64_t mult) {
  const __m256i z = _mm256_set1_epi32(zp);
  if (mult == 1) {
    int64_t co = 0;
    for (; co + 8 <= n; co += 8) {
      int64_t bytes;
      memcpy(&bytes, src + co, 8);
      const __m256i x = _mm256_sub_epi32(_mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bytes)), z);
      const __m256i t = _mm256_mullo_epi32(x, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(tap + co)));
      __m256i* a = reinterpret_cast<__m256i*>(acc + co);
      _mm256_storeu_si256(a, _mm256_add_epi32(_mm256_loadu_si256(a), t));
    }
    for (; co < n; co++) acc[co] += (int32_t(src[co]) - zp) * tap[co];
    return;
  }
  for (int64_t ci = 0; ci < n / mult; ci++) {
    const int32_t a = int32_t(src[ci]) - zp;
    const __m256i va = _mm256_set1_epi32(a);
    int32_t* ac = acc + ci * mult;
    const int32_t* tp = tap + ci * mult;
    int64_t j = 0;
    for (; j + 8 <= mult; j += 8) {
      __m256i* d = reinterpret_cast<__m256i*>(ac + j);
      const __m256i t = _mm256_mullo_epi32(va, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(tp + j)));
      _mm256_storeu_si256(d, _mm256_add_epi32(_mm256_loadu_si256(d), t));
    }
    for (; j < mult; j++) ac[j] += a * tp[j];
  }
}

__attribute__((target("avx2"))) void requant_avx2(const int32_t* acc, const DwPlan& p, int8_t* dst, int64_t n) {
  if (p.wide) return requant_scalar(acc, p, dst, n);
  const __m256 lo = _mm256_set1_ps(p.lo), hi = _mm256_set1_ps(p.hi);
  const __m256i zp = _mm256_set1_epi32(p.out_zp);
  int64_t co = 0;
  for (; co + 8 <= n; co += 8) {
    const __m256i a = _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc + co)),
                                       _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p.bias + co)));
    const __m256 v = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(a), _mm256_loadu_ps(p.mult + co)), lo), hi);
    alignas(32) int32_t q[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(q), _mm256_add_epi32(_mm256_cvtps_epi32(v), zp));
    for (int j = 0; j < 8; j++) dst[co + j] = int8_t(q[j]);
  }
  requant_scalar(acc + co, DwPlan{p.taps, p.mult + co, p.bias + co, p.lo, p.hi, p.out_zp, p.wide}, dst + co, n - co);
}
#endif

}  // namespace

Error plan_quantized_depthwise(const Graph& g, Node& n, MemoryAllocator* alloc, Diag* diag) {
  const Value &x = g.values[n.inputs[0]], &w = g.values[n.inputs[1]], &o = g.values[n.output];
  const int8_t* wp = reinterpret_cast<const int8_t*>(w.constant);
  const int32_t wzp = w.quant == Quant::PerTensor ? w.zero_point : 0;
  const int64_t count = int64_t(w.numel), cout = o.dims[3];
  DwPlan* p = alloc->allocate_array<DwPlan>(1);
  int32_t* taps = alloc->allocate_array<int32_t>(size_t(count) + 1);
  float* mult = alloc->allocate_array<float>(size_t(cout) + 1);
  int32_t* bias = alloc->allocate_array<int32_t>(size_t(cout) + 1);
  if (p == nullptr || taps == nullptr || mult == nullptr || bias == nullptr) {
    return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to prepare node %u's filter", n.index);
  }
  int64_t max_w = 0, max_bias = 0;
  for (int64_t i = 0; i < count; i++) {
    taps[i] = int32_t(wp[i]) - wzp;
    max_w = taps[i] > max_w ? taps[i] : -taps[i] > max_w ? -taps[i] : max_w;
  }
  const bool has_bias = n.inputs[2] != kInvalidId;
  for (int64_t co = 0; co < cout; co++) {
    bias[co] = 0;
    if (has_bias) memcpy(&bias[co], g.values[n.inputs[2]].constant + co * 4, 4);
    const int64_t ab = bias[co] < 0 ? -int64_t(bias[co]) : bias[co];
    max_bias = ab > max_bias ? ab : max_bias;
    mult[co] = x.scale * (w.quant == Quant::PerChannel ? w.channel_scales[co] : w.scale) / o.scale;
  }
  Requant r = requant_range(n, o);
  const double max_x = x.zero_point > 0 ? 128.0 + x.zero_point : 127.0 - x.zero_point;
  const double bound = double(max_bias) + double(n.kernel_h) * n.kernel_w * max_x * double(max_w);
  *p = DwPlan{taps, mult, bias, r.lo, r.hi, r.zp, bound > 2147483647.0};
  n.qpacked = p;
  n.scratch_bytes = size_t(cout) * sizeof(int32_t);
  return Error::Ok;
}

void run_quantized_depthwise(const OpContext& c) {
  const Value &x = c.in(0), &o = c.out();
  const Node& n = c.n;
  const DwPlan& p = *static_cast<const DwPlan*>(n.qpacked);
  int64_t H = x.dims[1], W = x.dims[2], C = x.dims[3], OH = o.dims[1], OW = o.dims[2], Cout = o.dims[3];
  int64_t KH = n.kernel_h, KW = n.kernel_w, mult = n.group_out;
  const int8_t* xp = c.in_data<int8_t>(0);
  int8_t* yp = c.out_data<int8_t>();
  int32_t* acc = static_cast<int32_t*>(c.scratch);
#ifdef ETB_QDW_X86
  const optimized::Isa isa = optimized::qgemm_isa();
  const bool avx512 = isa == optimized::Isa::Avx512Vnni, avx2 = isa == optimized::Isa::Avx2Fma;
#endif
  for (int64_t b = 0; b < int64_t(x.dims[0]); b++) {
    for (int64_t oy = 0; oy < OH; oy++) {
      for (int64_t ox = 0; ox < OW; ox++) {
        memset(acc, 0, size_t(Cout) * sizeof(int32_t));
        for (int64_t ky = 0; ky < KH; ky++) {
          int64_t iy = oy * n.stride_h + ky * n.dilation_h - n.pad_top;
          if (iy < 0 || iy >= H) continue;
          for (int64_t kx = 0; kx < KW; kx++) {
            int64_t ix = ox * n.stride_w + kx * n.dilation_w - n.pad_left;
            if (ix < 0 || ix >= W) continue;
            const int8_t* src = xp + ((b * H + iy) * W + ix) * C;
            const int32_t* tap = p.taps + (ky * KW + kx) * Cout;
#ifdef ETB_QDW_X86
            if (avx512 || avx2) {
              (avx512 ? tap_avx512 : tap_avx2)(acc, src, x.zero_point, tap, Cout, mult);
              continue;
            }
#endif
            tap_scalar(acc, src, x.zero_point, tap, Cout, mult);
          }
        }
        int8_t* dst = yp + ((b * OH + oy) * OW + ox) * Cout;
#ifdef ETB_QDW_X86
        if (avx512 || avx2) {
          (avx512 ? requant_avx512 : requant_avx2)(acc, p, dst, Cout);
          continue;
        }
#endif
        requant_scalar(acc, p, dst, Cout);
      }
    }
  }
}

}  // namespace xnn
}  // namespace etb
