#include "kernels/optimized/util/conv_util.h"

#include <string.h>

#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/sgemm.h"
#include "kernels/optimized/util/thread_pool.h"

#if defined(__aarch64__)
#include <arm_neon.h>
#endif
#if defined(__x86_64__)
#include <immintrin.h>
// gcc 12 flags the AVX-512 intrinsics' deliberately undefined sources (gcc bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

namespace etb {
namespace optimized {
namespace {

// List entry `i` of a per-spatial-dim argument given for `dims` dims (a single entry applies to all).
bool list_at(Span<const int64_t> v, size_t dims, size_t i, int64_t* out) {
  if (v.size() != dims && v.size() != 1) return false;
  *out = v[v.size() == 1 ? 0 : i];
  return true;
}

// out_row[x] = bias + sum_t w[t] * src[t][x] for x in [0, n).
void f32_dwconv_row__scalar(int64_t n, int64_t taps, const float* const* src, const float* w, float bias,
                            float* out) {
  for (int64_t x = 0; x < n; x++) {
    float acc = bias;
    for (int64_t t = 0; t < taps; t++) acc += w[t] * src[t][x];
    out[x] = acc;
  }
}

#if defined(__x86_64__)
// 16 outputs per step: each tap costs one weight broadcast for two FMAs.
__attribute__((target("avx2,fma"))) void f32_dwconv_row__avx2(int64_t n, int64_t taps, const float* const* src,
                                                                const float* w, float bias, float* out) {
  int64_t x = 0;
  for (; x + 16 <= n; x += 16) {
    __m256 a0 = _mm256_set1_ps(bias), a1 = a0;
    for (int64_t t = 0; t < taps; t++) {
      const __m256 wt = _mm256_broadcast_ss(w + t);
      a0 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(src[t] + x), a0);
      a1 = _mm256_fmadd_ps(wt, _mm256_loadu_ps(src[t] + x + 8), a1);
    }
    _mm256_storeu_ps(out + x, a0);
    _mm256_storeu_ps(out + x + 8, a1);
  }
  for (; x + 8 <= n; x += 8) {
    __m256 a0 = _mm256_set1_ps(bias);
    for (int64_t t = 0; t < taps; t++) a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), _mm256_loadu_ps(src[t] + x), a0);
    _mm256_storeu_ps(out + x, a0);
  }
  for (; x < n; x++) {
    float acc = bias;
    for (int64_t t = 0; t < taps; t++) acc = __builtin_fmaf(w[t], src[t][x], acc);
    out[x] = acc;
  }
}

// 32 outputs per step in two zmm accumulators, the tail under a mask.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))) void f32_dwconv_row__avx512(
    int64_t n, int64_t taps, const float* const* src, const float* w, float bias, float* out) {
  int64_t x = 0;
  for (; x + 32 <= n; x += 32) {
    __m512 a0 = _mm512_set1_ps(bias), a1 = a0;
    for (int64_t t = 0; t < taps; t++) {
      const __m512 wt = _mm512_set1_ps(w[t]);
      a0 = _mm512_fmadd_ps(wt, _mm512_loadu_ps(src[t] + x), a0);
      a1 = _mm512_fmadd_ps(wt, _mm512_loadu_ps(src[t] + x + 16), a1);
    }
    _mm512_storeu_ps(out + x, a0);
    _mm512_storeu_ps(out + x + 16, a1);
  }
  for (; x < n; x += 16) {
    const __mmask16 m = n - x >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (n - x)) - 1);
    __m512 a0 = _mm512_set1_ps(bias);
    for (int64_t t = 0; t < taps; t++) {
      a0 = _mm512_fmadd_ps(_mm512_set1_ps(w[t]), _mm512_maskz_loadu_ps(m, src[t] + x), a0);
    }
    _mm512_mask_storeu_ps(out + x, m, a0);
  }
}

// Even-indexed floats of src[0, 2n) to even[0, n), odd-indexed to odd[0, n).
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))) void f32_deinterleave2__avx512(
    const float* src, int64_t n, float* even, float* odd) {
  const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 v0 = _mm512_loadu_ps(src + 2 * i), v1 = _mm512_loadu_ps(src + 2 * i + 16);
    _mm512_storeu_ps(even + i, _mm512_permutex2var_ps(v0, ie, v1));
    _mm512_storeu_ps(odd + i, _mm512_permutex2var_ps(v0, io, v1));
  }
  for (; i < n; i++) even[i] = src[2 * i], odd[i] = src[2 * i + 1];
}

// The same on ymm: in-lane shuffles, then the 64-bit pairs put in order.
__attribute__((target("avx2,fma"))) void f32_deinterleave2__avx2(const float* src, int64_t n, float* even,
                                                                float* odd) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 a = _mm256_loadu_ps(src + 2 * i), b = _mm256_loadu_ps(src + 2 * i + 8);
    // Per 128-bit lane [a0 a2 b0 b2]: x0 x2 x8 x10 | x4 x6 x12 x14, then pairs 0, 2, 1, 3.
    const __m256 e = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0)), o = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
    _mm256_storeu_ps(even + i, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), _MM_SHUFFLE(3, 1, 2, 0))));
    _mm256_storeu_ps(odd + i, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), _MM_SHUFFLE(3, 1, 2, 0))));
  }
  for (; i < n; i++) even[i] = src[2 * i], odd[i] = src[2 * i + 1];
}

// dst[i] = src[2 i] for i in [0, n): the stride-2 im2col rows (ResNet's stem).
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))) void f32_stride2__avx512(const float* src,
                                                                                                 int64_t n,
                                                                                                 float* dst) {
  const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  int64_t i = 0;
  // src[2 i + 31] must exist: only whole pairs of vectors inside 2 n - 1.
  for (; i + 16 <= n && 2 * i + 32 <= 2 * n - 1; i += 16) {
    _mm512_storeu_ps(dst + i, _mm512_permutex2var_ps(_mm512_loadu_ps(src + 2 * i), ie, _mm512_loadu_ps(src + 2 * i + 16)));
  }
  for (; i < n; i++) dst[i] = src[2 * i];
}
#endif

struct PlaneShape {
  int64_t rows, wq;
};

PlaneShape plane_shape(const ConvGeom& g) {
  const int64_t need_rows = (g.OH - 1) * g.sh + (g.KH - 1) * g.dh + 1;
  const int64_t rows = g.H + 2 * g.ph > need_rows ? g.H + 2 * g.ph : need_rows;
  const int64_t fit = (g.W + 2 * g.pw + g.sw - 1) / g.sw, need = g.OW + ((g.KW - 1) * g.dw) / g.sw + 1;
  return {rows, fit > need ? fit : need};
}

}  // namespace

bool conv_geometry(const Tensor& input, const Tensor& weight, const Tensor* bias, Span<const int64_t> stride,
                   Span<const int64_t> padding, Span<const int64_t> dilation, bool transposed, int64_t groups,
                   const Tensor& out, ConvGeom* g) {
  if (transposed || (input.dim != 3 && input.dim != 4) || weight.dim != input.dim || out.dim != input.dim) return false;
  if (input.dtype != ScalarType::Float || weight.dtype != ScalarType::Float || out.dtype != ScalarType::Float) return false;
  if (!input.is_contiguous() || !weight.is_contiguous() || !out.is_contiguous()) return false;
  if (bias != nullptr && (bias->dtype != ScalarType::Float || bias->dim != 1 || bias->sizes[0] != weight.sizes[0])) {
    return false;
  }
  const bool one_d = input.dim == 3;
  const size_t dims = one_d ? 1 : 2;
  int64_t s[2] = {1, 1}, p[2] = {0, 0}, d[2] = {1, 1};
  for (size_t i = 0; i < dims; i++) {
    const size_t at = one_d ? 1 : i;
    if (!list_at(stride, dims, i, &s[at]) || !list_at(padding, dims, i, &p[at]) || !list_at(dilation, dims, i, &d[at])) {
      return false;
    }
    if (s[at] < 1 || p[at] < 0 || d[at] < 1) return false;
  }
  *g = ConvGeom{};
  g->N = input.sizes[0];
  g->C = input.sizes[1];
  g->H = one_d ? 1 : input.sizes[2];
  g->W = input.sizes[input.dim - 1];
  g->Cout = weight.sizes[0];
  g->KH = one_d ? 1 : weight.sizes[2];
  g->KW = weight.sizes[weight.dim - 1];
  g->sh = s[0], g->sw = s[1], g->ph = p[0], g->pw = p[1], g->dh = d[0], g->dw = d[1];
  g->groups = groups;
  if (groups < 1 || g->C % groups != 0 || g->Cout % groups != 0 || weight.sizes[1] != g->C / groups) return false;
  const int64_t eh = g->H + 2 * g->ph - g->dh * (g->KH - 1) - 1, ew = g->W + 2 * g->pw - g->dw * (g->KW - 1) - 1;
  if (eh < 0 || ew < 0 || g->KH < 1 || g->KW < 1) return false;
  g->OH = eh / g->sh + 1;
  g->OW = ew / g->sw + 1;
  return true;
}

namespace {

// Row k, columns [p0, p1) of the im2col matrix into row[0, p1 - p0): one
// contiguous copy (or strided gather) per output row, zeros for padding.
void im2col_row(const float* in, const ConvGeom& g, int64_t k, int64_t p0, int64_t p1, float* row, bool avx512) {
  (void)avx512;
  const int64_t hw = g.H * g.W, taps = g.KH * g.KW;
  const int64_t c = k / taps, kh = (k % taps) / g.KW, kw = k % g.KW;
  const int64_t iw0 = kw * g.dw - g.pw;  // input column of output column 0
  // Output columns [lo, hi) read inside the input row; the rest is padding.
  int64_t lo = iw0 >= 0 ? 0 : (-iw0 + g.sw - 1) / g.sw;
  int64_t hi = g.W - iw0 <= 0 ? 0 : (g.W - iw0 + g.sw - 1) / g.sw;
  if (hi > g.OW) hi = g.OW;
  if (lo > hi) lo = hi;
  for (int64_t p = p0; p < p1;) {
    const int64_t oh = p / g.OW, ow0 = p % g.OW, ow1 = g.OW - ow0 < p1 - p ? g.OW : ow0 + (p1 - p);
    float* o = row + (p - p0) - ow0;  // o[ow] is output column ow of this output row
    const int64_t ih = oh * g.sh - g.ph + kh * g.dh;
    if (ih < 0 || ih >= g.H) {
      memset(o + ow0, 0, size_t(ow1 - ow0) * sizeof(float));
    } else {
      const float* src = in + c * hw + ih * g.W + iw0;
      const int64_t a = lo > ow0 ? lo : ow0, b = hi < ow1 ? hi : ow1;
      for (int64_t j = ow0; j < a && j < ow1; j++) o[j] = 0.0f;
      if (a < b) {
        if (g.sw == 1) {
          memcpy(o + a, src + a, size_t(b - a) * sizeof(float));
#if defined(__x86_64__)
        } else if (g.sw == 2 && avx512) {
          f32_stride2__avx512(src + 2 * a, b - a, o + a);
#endif
        } else {
          for (int64_t j = a; j < b; j++) o[j] = src[j * g.sw];
        }
      }
      for (int64_t j = b > ow0 ? b : ow0; j < ow1; j++) o[j] = 0.0f;
    }
    p += ow1 - ow0;
  }
}

}  // namespace

void im2col_packed_cols(const float* in, const ConvGeom& g, int64_t k0, int64_t k1, int64_t p0, int64_t p1,
                        float* dst, float* row) {
  const int64_t K = g.kg(), width = p1 - p0;
  const int64_t n_pad = round_up(width, kNR), full = width / kNR * kNR;
  const bool avx512 = active_isa() == Isa::Avx512;
  for (int64_t k = k0; k < k1; k++) {
    // The row into `row` (stays in L1), then dealt into the 16-column panels of its K block.
    im2col_row(in, g, k, p0, p1, row, avx512);
    const int64_t pc = k / kKC * kKC, kc = K - pc < kKC ? K - pc : kKC;
    float* out = dst + pc * n_pad + (k - pc) * kNR;
    for (int64_t j = 0; j < n_pad; j += kNR, out += kNR * kc) {
      if (j < full) {
        memcpy(out, row + j, kNR * sizeof(float));
      } else {
        for (int64_t x = 0; x < kNR; x++) out[x] = j + x < width ? row[j + x] : 0.0f;
      }
    }
  }
}

void im2col_rows(const float* in, const ConvGeom& g, int64_t k0, int64_t k1, float* dst) {
  const bool avx512 = active_isa() == Isa::Avx512;
  for (int64_t k = k0; k < k1; k++) im2col_row(in, g, k, 0, g.P(), dst + k * g.P(), avx512);
}

namespace {

// Specialized depthwise planes: KxK (K = 3 or 5), stride S (1 or 2) in both
// dimensions, dilation 1. R output rows per pass, so each input row loaded
// serves every output row of the block whose window covers it (up to K of
// them for stride 1); the K*K weights are broadcast into registers once per
// plane (AVX2, NEON) or block (AVX-512); bias and the fused clamp are applied
// in registers before the store. AVX2 and NEON read the zero-padded,
// phase-split plane (DwPlane), AVX-512 the input itself (DwDirect).
struct DwPlane {
  const float* plane;  // padded plane, row i at plane + i * rs
  int64_t rs, wq;      // floats per plane row (S phases of wq), per phase
  int64_t OH, OW;
  // Makes plane rows [0, rows) ready: the input is copied in as the output
  // rows that need it are computed, so it streams in while the arithmetic runs.
  void (*fill)(void* ctx, int64_t rows);
  void* fill_ctx;
};

// The AVX-512 kernels read the input plane itself.
struct DwDirect {
  int64_t H, W, OH, OW, ph, pw;
};

// The kernels' constant-count loops are unrolled so that their accumulator,
// tap and weight arrays live in registers. Sanitizer builds keep the loops
// rolled: instrumenting every unrolled masked load took clang minutes.
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define ETB_DW_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ETB_DW_SANITIZED 1
#endif
#define ETB_DW_PRAGMA(x) _Pragma(#x)
#if defined(ETB_DW_SANITIZED)
#define ETB_DW_UNROLL(n) ETB_DW_PRAGMA(GCC unroll 1)
#else
#define ETB_DW_UNROLL(n) ETB_DW_PRAGMA(GCC unroll n)
#endif

// The clamps are min(hi, max(lo, v)) with v second: x86 max/min return the
// second operand when either is NaN, so NaN stays NaN.
#if defined(__x86_64__)
#define ETB_DW_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"), always_inline)) inline
#define ETB_DW_AVX2 __attribute__((target("avx2,fma"), always_inline)) inline

// AVX-512 reads the input plane directly, without the padded copy: every
// load is masked to the input columns it covers (padding columns load as
// zeros, and nothing outside the row is touched); plane rows outside the
// input (top and bottom padding) are skipped. Stride 2 loads 32 consecutive
// inputs and splits them into even and odd columns in registers.
// Lanes j of 16 with 0 <= start + j < W.
ETB_DW_AVX512 __mmask16 dw_lanes(int64_t start, int64_t W) {
  const int64_t lo = start >= 0 ? 0 : (-start < 16 ? -start : 16);
  const int64_t hi = W - start >= 16 ? 16 : (W - start > 0 ? W - start : 0);
  return __mmask16((0xFFFFu >> (16 - hi)) & (0xFFFFu << lo));
}

// Offset of load j from a chunk's first input column: tap kw (stride 1);
// the low (j even) and high (j odd) 16 of the 32 inputs for taps j and j + 1 (stride 2).
template <int S>
constexpr int64_t dw_off(int j) {
  return S == 1 ? j : 2 * (j / 2) + 16 * (j % 2);
}

// Output rows [oh0, oh0 + R), all columns, 16 per step (the tail masked).
// `in` is input row ih0 = oh0 * S - ph (possibly outside the plane: only
// rows 0 <= ih0 + i < H are read). Each output row sums into two
// accumulators (even and odd kernel rows), so 2 R independent FMA chains
// hide the FMA latency on narrow planes too.
// EDGE: some of the block's input rows are padding (checked per row).
template <int K, int S, int R, bool CLAMP, bool EDGE>
ETB_DW_AVX512 void dw_block__avx512(const DwDirect& d, const float* in, int64_t ih0, const float* w, float bias,
                                    float lo, float hi, float* o) {
  constexpr int kLoads = S == 1 ? K : 2 * ((K + 1) / 2);
  constexpr bool kSplit = R < 4;  // two accumulators per row (fewer than 8 chains otherwise)
  // Broadcast here, not in the caller, so that they stay in registers.
  __m512 wv[K * K];
ETB_DW_UNROLL(32)
  for (int t = 0; t < K * K; t++) wv[t] = _mm512_set1_ps(w[t]);
  const __m512 bv = _mm512_set1_ps(bias), lov = _mm512_set1_ps(lo), hiv = _mm512_set1_ps(hi);
  const __m512i ie = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i io = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const int64_t W = d.W, OW = d.OW;
  for (int64_t x0 = 0; x0 < OW; x0 += 16) {
    const __mmask16 om = OW - x0 >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << (OW - x0)) - 1);
    // Load j of a row starts at column x0 - pw + j (stride 1), or at
    // 2 x0 - pw + 2 (j / 2) + 16 (j % 2) (stride 2: two vectors per even tap).
    // Column of this chunk's first load in each row; load j starts at base + off(j).
    const int64_t base = S == 1 ? x0 - d.pw : 2 * x0 - d.pw;
    __mmask16 lm[kLoads];
ETB_DW_UNROLL(8)
    for (int j = 0; j < kLoads; j++) lm[j] = dw_lanes(base + dw_off<S>(j), W);
    __m512 acc[R][2];
ETB_DW_UNROLL(8)
    for (int r = 0; r < R; r++) acc[r][0] = bv, acc[r][1] = _mm512_setzero_ps();  // [1] unused unless kSplit
    // Formed outside the plane for the first chunk (base -1, -2): only masked-in lanes are read.
    const float* row = in + base;
ETB_DW_UNROLL(16)
    for (int i = 0; i < (R - 1) * S + K; i++, row += W) {
      if (EDGE && (ih0 + i < 0 || ih0 + i >= d.H)) continue;  // zero padding
      __m512 tap[K];
      // The next block of rows starts R * S input rows down: pull its lines
      // under these columns into L1 now. The hardware prefetchers do not
      // follow the (R - 1) * S + K row streams of a block (MobileNetV2's
      // stride-2 96-channel layer at 112: 118-131 -> 85-87 us in-model).
      if (i < R * S) {
        _mm_prefetch(reinterpret_cast<const char*>(row + R * S * W), _MM_HINT_T0);
        _mm_prefetch(reinterpret_cast<const char*>(row + R * S * W + 16), _MM_HINT_T0);
      }
      if (S == 1) {
ETB_DW_UNROLL(8)
        for (int kw = 0; kw < K; kw++) tap[kw] = _mm512_maskz_loadu_ps(lm[kw], row + kw);
      } else {
ETB_DW_UNROLL(8)
        for (int k = 0; k < (K + 1) / 2; k++) {
          const __m512 a = _mm512_maskz_loadu_ps(lm[2 * k], row + 2 * k);
          const __m512 b = _mm512_maskz_loadu_ps(lm[2 * k + 1], row + 2 * k + 16);
          tap[2 * k] = _mm512_permutex2var_ps(a, ie, b);
          if (2 * k + 1 < K) tap[(2 * k + 1) % K] = _mm512_permutex2var_ps(a, io, b);
        }
      }
ETB_DW_UNROLL(8)
      for (int kw = 0; kw < K; kw++) {
ETB_DW_UNROLL(8)
        for (int r = 0; r < R; r++) {
          const int kh = i - r * S;
          if (kh >= 0 && kh < K) acc[r][kSplit ? kh & 1 : 0] = _mm512_fmadd_ps(wv[kh * K + kw], tap[kw], acc[r][kSplit ? kh & 1 : 0]);
        }
      }
    }
ETB_DW_UNROLL(8)
    for (int r = 0; r < R; r++) {
      __m512 a = kSplit ? _mm512_add_ps(acc[r][0], acc[r][1]) : acc[r][0];
      if (CLAMP) a = _mm512_min_ps(hiv, _mm512_max_ps(lov, a));
      _mm512_mask_storeu_ps(o + r * OW + x0, om, a);
    }
  }
}

// Rows [oh, oh + N) as one block. Row pointers may lie outside the plane
// (padding rows); those rows are never read.
template <int K, int S, int N, bool CLAMP, bool EDGE>
ETB_DW_AVX512 void dw_rows__avx512(const DwDirect& d, const float* in, int64_t oh, const float* w, float bias,
                                   float lo, float hi, float* out) {
  const int64_t ih0 = oh * S - d.ph;
  dw_block__avx512<K, S, N, CLAMP, EDGE>(d, in + ih0 * d.W, ih0, w, bias, lo, hi, out + oh * d.OW);
}

// Blocks of R rows (without row checks where the block lies inside the
// plane), then the last R - 1 rows at most in blocks of 4, 3, 2 or 1 (with
// row checks: they usually reach into the bottom padding). Few block sizes
// keep the instantiations, and the sanitizer build's compile time, in check.
template <int K, int S, int R, bool CLAMP>
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma"))) void dw_direct__avx512(
    const DwDirect& d, const float* in, const float* w, float bias, float lo, float hi, float* out) {
  static_assert(R == 4 || R == 8, "remainder blocks assume R is 4 or 8");
  int64_t oh = 0;
  for (; oh + R <= d.OH; oh += R) {
    const int64_t ih0 = oh * S - d.ph;
    if (ih0 >= 0 && ih0 + (R - 1) * S + K <= d.H) {
      dw_rows__avx512<K, S, R, CLAMP, false>(d, in, oh, w, bias, lo, hi, out);
    } else {
      dw_rows__avx512<K, S, R, CLAMP, true>(d, in, oh, w, bias, lo, hi, out);
    }
  }
  if (R == 8 && d.OH - oh >= 4) {
    dw_rows__avx512<K, S, 4, CLAMP, true>(d, in, oh, w, bias, lo, hi, out);
    oh += 4;
  }
  const int64_t left = d.OH - oh;
  if (left == 3) dw_rows__avx512<K, S, 3, CLAMP, true>(d, in, oh, w, bias, lo, hi, out);
  if (left == 2) dw_rows__avx512<K, S, 2, CLAMP, true>(d, in, oh, w, bias, lo, hi, out);
  if (left == 1) dw_rows__avx512<K, S, 1, CLAMP, true>(d, in, oh, w, bias, lo, hi, out);
}

// The same on 8-lane ymm: whole vectors unmasked, the tail through maskload.
template <int K, int S, int R, bool CLAMP, bool TAIL>
ETB_DW_AVX2 void dw_step__avx2(const float* top, int64_t rs, int64_t wq, int64_t OW, int64_t x0, __m256i m,
                               const __m256* wv, __m256 bv, __m256 lov, __m256 hiv, float* o) {
  __m256 acc[R][2];
ETB_DW_UNROLL(8)
  for (int r = 0; r < R; r++) acc[r][0] = bv, acc[r][1] = _mm256_setzero_ps();
ETB_DW_UNROLL(16)
  for (int i = 0; i < (R - 1) * S + K; i++) {
    const float* row = top + i * rs + x0;
ETB_DW_UNROLL(8)
    for (int kw = 0; kw < K; kw++) {
      const float* src = row + (kw % S) * wq + kw / S;
      const __m256 v = TAIL ? _mm256_maskload_ps(src, m) : _mm256_loadu_ps(src);
ETB_DW_UNROLL(8)
      for (int r = 0; r < R; r++) {
        const int kh = i - r * S;
        if (kh >= 0 && kh < K) acc[r][kh & 1] = _mm256_fmadd_ps(wv[kh * K + kw], v, acc[r][kh & 1]);
      }
    }
  }
ETB_DW_UNROLL(8)
  for (int r = 0; r < R; r++) {
    __m256 a = _mm256_add_ps(acc[r][0], acc[r][1]);
    if (CLAMP) a = _mm256_min_ps(hiv, _mm256_max_ps(lov, a));
    if (TAIL) {
      _mm256_maskstore_ps(o + r * OW + x0, m, a);
    } else {
      _mm256_storeu_ps(o + r * OW + x0, a);
    }
  }
}

template <int K, int S, int R, bool CLAMP>
ETB_DW_AVX2 void dw_block__avx2(const float* top, int64_t rs, int64_t wq, int64_t OW, const __m256* wv, __m256 bv,
                                __m256 lov, __m256 hiv, float* o) {
  int64_t x0 = 0;
  for (; x0 + 8 <= OW; x0 += 8) {
    dw_step__avx2<K, S, R, CLAMP, false>(top, rs, wq, OW, x0, _mm256_setzero_si256(), wv, bv, lov, hiv, o);
  }
  if (x0 < OW) {
    const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(int(OW - x0)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    dw_step__avx2<K, S, R, CLAMP, true>(top, rs, wq, OW, x0, m, wv, bv, lov, hiv, o);
  }
}

template <int K, int S, int R, bool CLAMP>
__attribute__((target("avx2,fma"))) void dw_plane__avx2(const DwPlane& p, const float* w, float bias, float lo,
                                                        float hi, float* out) {
  __m256 wv[K * K];
  for (int t = 0; t < K * K; t++) wv[t] = _mm256_set1_ps(w[t]);
  const __m256 bv = _mm256_set1_ps(bias), lov = _mm256_set1_ps(lo), hiv = _mm256_set1_ps(hi);
  const float* plane = p.plane;
  const int64_t rs = p.rs, wq = p.wq, OH = p.OH, OW = p.OW;
  int64_t oh = 0;
  for (; oh + R <= OH; oh += R) {
    if (p.fill != nullptr) p.fill(p.fill_ctx, (oh + R - 1) * S + K);
    dw_block__avx2<K, S, R, CLAMP>(plane + oh * S * rs, rs, wq, OW, wv, bv, lov, hiv, out + oh * OW);
  }
  if (oh < OH && p.fill != nullptr) p.fill(p.fill_ctx, (OH - 1) * S + K);
  for (; oh < OH; oh++) {
    dw_block__avx2<K, S, 1, CLAMP>(plane + oh * S * rs, rs, wq, OW, wv, bv, lov, hiv, out + oh * OW);
  }
}
#endif

#if defined(__aarch64__)
// NEON on the padded plane: rows [oh0, oh0 + R), 4 columns per step with
// two accumulators per row (even and odd kernel rows), the last OW % 4
// columns scalar. FMAX/FMIN return NaN for a NaN operand, so the clamp
// keeps NaN.
template <int K, int S, int R, bool CLAMP>
inline void dw_block__neon(const float* top, int64_t rs, int64_t wq, int64_t OW, const float32x4_t* wv,
                           const float* w, float bias, float lo, float hi, float* o) {
  const float32x4_t bv = vdupq_n_f32(bias), lov = vdupq_n_f32(lo), hiv = vdupq_n_f32(hi);
  int64_t x0 = 0;
  for (; x0 + 4 <= OW; x0 += 4) {
    float32x4_t acc[R][2];
    for (int r = 0; r < R; r++) acc[r][0] = bv, acc[r][1] = vdupq_n_f32(0.0f);
ETB_DW_UNROLL(16)
    for (int i = 0; i < (R - 1) * S + K; i++) {
      const float* row = top + i * rs + x0;
ETB_DW_UNROLL(8)
      for (int kw = 0; kw < K; kw++) {
        const float32x4_t v = vld1q_f32(row + (kw % S) * wq + kw / S);
ETB_DW_UNROLL(8)
        for (int r = 0; r < R; r++) {
          const int kh = i - r * S;
          if (kh >= 0 && kh < K) acc[r][kh & 1] = vfmaq_f32(acc[r][kh & 1], wv[kh * K + kw], v);
        }
      }
    }
    for (int r = 0; r < R; r++) {
      float32x4_t a = vaddq_f32(acc[r][0], acc[r][1]);
      if (CLAMP) a = vminq_f32(hiv, vmaxq_f32(lov, a));
      vst1q_f32(o + r * OW + x0, a);
    }
  }
  for (; x0 < OW; x0++) {
    for (int r = 0; r < R; r++) {
      float a = bias;
      for (int kh = 0; kh < K; kh++) {
        const float* row = top + (r * S + kh) * rs + x0;
        for (int kw = 0; kw < K; kw++) a += w[kh * K + kw] * row[(kw % S) * wq + kw / S];
      }
      if (CLAMP) {
        a = a < lo ? lo : a;
        a = a > hi ? hi : a;
      }
      o[r * OW + x0] = a;
    }
  }
}

template <int K, int S, int R, bool CLAMP>
void dw_plane__neon(const DwPlane& p, const float* w, float bias, float lo, float hi, float* out) {
  float32x4_t wv[K * K];
  for (int t = 0; t < K * K; t++) wv[t] = vdupq_n_f32(w[t]);
  const float* plane = p.plane;
  const int64_t rs = p.rs, wq = p.wq, OH = p.OH, OW = p.OW;
  int64_t oh = 0;
  for (; oh + R <= OH; oh += R) {
    p.fill(p.fill_ctx, (oh + R - 1) * S + K);
    dw_block__neon<K, S, R, CLAMP>(plane + oh * S * rs, rs, wq, OW, wv, w, bias, lo, hi, out + oh * OW);
  }
  if (oh < OH) p.fill(p.fill_ctx, (OH - 1) * S + K);
  for (; oh < OH; oh++) {
    dw_block__neon<K, S, 1, CLAMP>(plane + oh * S * rs, rs, wq, OW, wv, w, bias, lo, hi, out + oh * OW);
  }
}
#endif

using DwPlaneFn = void (*)(const DwPlane&, const float*, float, float, float, float*);
using DwDirectFn = void (*)(const DwDirect&, const float*, const float*, float, float, float, float*);

// KxK (K 3 or 5), stride S (1 or 2) both ways, dilation 1: the specialized kernels take it.
bool dw_special_shape(const ConvGeom& g) {
  return g.KH == g.KW && (g.KH == 3 || g.KH == 5) && g.sh == g.sw && (g.sh == 1 || g.sh == 2) && g.dh == 1 &&
         g.dw == 1;
}

// Output rows per pass: enough accumulators to hide the FMA latency without
// running out of registers (the weights stay in registers: 9 or 25 zmm).
template <int K, int S, bool CLAMP>
DwDirectFn dw_direct_pick() {
#if defined(__x86_64__)
  return &dw_direct__avx512<K, S, (K == 3 ? 8 : 4), CLAMP>;
#else
  return nullptr;
#endif
}

// The AVX-512 kernel for this geometry, or null.
DwDirectFn dw_direct(const ConvGeom& g, bool clamp, Isa isa) {
  if (isa != Isa::Avx512 || !dw_special_shape(g)) return nullptr;
  const int64_t k = g.KH, s = g.sh;
  if (k == 3 && s == 1) return clamp ? dw_direct_pick<3, 1, true>() : dw_direct_pick<3, 1, false>();
  if (k == 3 && s == 2) return clamp ? dw_direct_pick<3, 2, true>() : dw_direct_pick<3, 2, false>();
  if (k == 5 && s == 1) return clamp ? dw_direct_pick<5, 1, true>() : dw_direct_pick<5, 1, false>();
  return clamp ? dw_direct_pick<5, 2, true>() : dw_direct_pick<5, 2, false>();
}

template <int K, int S, bool CLAMP>
DwPlaneFn dw_plane_pick() {
#if defined(__x86_64__)
  return &dw_plane__avx2<K, S, 2, CLAMP>;
#elif defined(__aarch64__)
  return &dw_plane__neon<K, S, 4, CLAMP>;
#else
  return nullptr;
#endif
}

// The AVX2 or NEON kernel on the padded plane for this geometry, or null (the generic row kernels).
DwPlaneFn dw_specialized(const ConvGeom& g, bool clamp, Isa isa) {
  if (!(has_avx2_fma(isa) || isa == Isa::Neon) || !dw_special_shape(g)) return nullptr;
  const int64_t k = g.KH, s = g.sh;
  if (k == 3 && s == 1) return clamp ? dw_plane_pick<3, 1, true>() : dw_plane_pick<3, 1, false>();
  if (k == 3 && s == 2) return clamp ? dw_plane_pick<3, 2, true>() : dw_plane_pick<3, 2, false>();
  if (k == 5 && s == 1) return clamp ? dw_plane_pick<5, 1, true>() : dw_plane_pick<5, 1, false>();
  return clamp ? dw_plane_pick<5, 2, true>() : dw_plane_pick<5, 2, false>();
}

// A fused activation's clamp over n outputs (NaN stays NaN).
void clamp_row(float* y, int64_t n, float lo, float hi) {
  for (int64_t i = 0; i < n; i++) {
    float v = y[i] < lo ? lo : y[i];
    y[i] = v > hi ? hi : v;
  }
}

}  // namespace

size_t depthwise_plane_floats(const ConvGeom& g) {
  const PlaneShape s = plane_shape(g);
  return size_t(s.rows * g.sw * s.wq);
}

namespace {

// The zero-padded copy of input rows [done, ...) as depthwise_channel needs them.
struct PlaneFill {
  const float* in;
  const ConvGeom* g;
  int64_t wq;
  float* plane;
  int64_t done;  // input rows copied so far
};

// Zero-padded copy with the columns of each row split by x % sw, so a
// strided window becomes a unit-stride run: x = ow*sw + kw*dw lives at
// phase (kw*dw) % sw, position ow + (kw*dw) / sw.
// Only the input positions are written: padding keeps the zeros the
// caller put there once (clearing the plane per channel cost as much as
// the arithmetic). Plane rows [0, rows) are ready afterwards.
void fill_plane(void* ctx, int64_t rows) {
  PlaneFill& f = *static_cast<PlaneFill*>(ctx);
  const ConvGeom& g = *f.g;
  const int64_t end = rows - g.ph < g.H ? rows - g.ph : g.H;
  for (int64_t ih = f.done; ih < end; ih++) {
    float* y = f.plane + (ih + g.ph) * g.sw * f.wq;
    const float* src = f.in + ih * g.W;
    if (g.sw == 1) {
      memcpy(y + g.pw, src, size_t(g.W) * sizeof(float));
      continue;
    }
    // Column x = iw + pw goes to phase x % sw, position x / sw: the inputs
    // iw = r, r + sw, r + 2 sw, ... (residue r) form one run of phase
    // (r + pw) % sw from position (r + pw) / sw.
#if defined(__x86_64__)
    if (g.sw == 2 && has_avx2_fma(active_isa())) {
      const int64_t pairs = g.W / 2;
      float* even = y + (g.pw % 2) * f.wq + g.pw / 2;
      float* odd = y + ((g.pw + 1) % 2) * f.wq + (g.pw + 1) / 2;
      if (active_isa() == Isa::Avx512) {
        f32_deinterleave2__avx512(src, pairs, even, odd);
      } else {
        f32_deinterleave2__avx2(src, pairs, even, odd);
      }
      if (g.W % 2) even[pairs] = src[g.W - 1];
      continue;
    }
#endif
#if defined(__aarch64__)
    if (g.sw == 2 && active_isa() == Isa::Neon) {
      const int64_t pairs = g.W / 2;
      float* even = y + (g.pw % 2) * f.wq + g.pw / 2;
      float* odd = y + ((g.pw + 1) % 2) * f.wq + (g.pw + 1) / 2;
      int64_t i = 0;
      for (; i + 4 <= pairs; i += 4) {
        const float32x4x2_t v = vld2q_f32(src + 2 * i);  // even and odd columns
        vst1q_f32(even + i, v.val[0]);
        vst1q_f32(odd + i, v.val[1]);
      }
      for (; i < pairs; i++) even[i] = src[2 * i], odd[i] = src[2 * i + 1];
      if (g.W % 2) even[pairs] = src[g.W - 1];
      continue;
    }
#endif
    for (int64_t r = 0; r < g.sw && r < g.W; r++) {
      float* run = y + ((r + g.pw) % g.sw) * f.wq + (r + g.pw) / g.sw;
      for (int64_t iw = r, t = 0; iw < g.W; iw += g.sw, t++) run[t] = src[iw];
    }
  }
  if (end > f.done) f.done = end;
}

}  // namespace

bool depthwise_direct(const ConvGeom& g) { return dw_direct(g, false, active_isa()) != nullptr; }

void depthwise_channel(const float* in, const float* w, const float* bias, float* out, const ConvGeom& g,
                       float* plane, float lo, float hi, const DwFlatPlan* flat) {
  const int64_t taps = g.KH * g.KW, mult = g.Cout / g.C;
  if (flat != nullptr) {
    for (int64_t m = 0; m < mult; m++) {
      flat->fn(*flat, in, w + m * taps, bias != nullptr ? bias[m] : 0.0f, lo, hi, out + m * g.P());
    }
    return;
  }
  const bool clamp = lo != -__builtin_inff() || hi != __builtin_inff();
  const Isa isa = active_isa();
  if (const DwDirectFn fn = dw_direct(g, clamp, isa)) {
    const DwDirect d{g.H, g.W, g.OH, g.OW, g.ph, g.pw};
    for (int64_t m = 0; m < mult; m++) fn(d, in, w + m * taps, bias != nullptr ? bias[m] : 0.0f, lo, hi, out + m * g.P());
    return;
  }
  const PlaneShape s = plane_shape(g);
  PlaneFill f{in, &g, s.wq, plane, 0};
  if (const DwPlaneFn fn = dw_specialized(g, clamp, isa)) {
    const DwPlane p{plane, g.sw * s.wq, s.wq, g.OH, g.OW, &fill_plane, &f};
    for (int64_t m = 0; m < mult; m++) fn(p, w + m * taps, bias != nullptr ? bias[m] : 0.0f, lo, hi, out + m * g.P());
    return;
  }
  fill_plane(&f, s.rows);
  const float* src[kMaxDepthwiseTaps];
  // Offset of tap column kw inside a plane row: phase (kw*dw) % sw, position (kw*dw) / sw.
  int64_t col_off[kMaxDepthwiseTaps];
  for (int64_t kw = 0; kw < g.KW; kw++) col_off[kw] = ((kw * g.dw) % g.sw) * s.wq + (kw * g.dw) / g.sw;
  for (int64_t m = 0; m < mult; m++) {
    const float* wm = w + m * taps;
    const float b = bias != nullptr ? bias[m] : 0.0f;
    for (int64_t oh = 0; oh < g.OH; oh++) {
      for (int64_t kh = 0; kh < g.KH; kh++) {
        const float* row = plane + (oh * g.sh + kh * g.dh) * g.sw * s.wq;
        for (int64_t kw = 0; kw < g.KW; kw++) src[kh * g.KW + kw] = row + col_off[kw];
      }
      float* row = out + (m * g.OH + oh) * g.OW;
#if defined(__x86_64__)
      if (isa == Isa::Avx512) {
        f32_dwconv_row__avx512(g.OW, taps, src, wm, b, row);
        continue;
      }
      if (has_avx2_fma(isa)) {
        f32_dwconv_row__avx2(g.OW, taps, src, wm, b, row);
        continue;
      }
#endif
      f32_dwconv_row__scalar(g.OW, taps, src, wm, b, row);
    }
    if (clamp) clamp_row(out + m * g.P(), g.P(), lo, hi);
  }
}

void deinterleave2(const float* src, int64_t n, float* even, float* odd) {
#if defined(__x86_64__)
  if (active_isa() == Isa::Avx512) return f32_deinterleave2__avx512(src, n, even, odd);
  if (has_avx2_fma(active_isa())) return f32_deinterleave2__avx2(src, n, even, odd);
#endif
  for (int64_t i = 0; i < n; i++) even[i] = src[2 * i], odd[i] = src[2 * i + 1];
}

}  // namespace optimized
}  // namespace etb
