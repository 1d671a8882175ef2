// Convolutions over few input values per output (image stems: 3 channels, 3x3
// or 7x7 taps, Kg = 27 or 147) on AVX-512, with output pixels in the vector lanes
// (conv_util.h). im2col + SGEMM spends as long writing and re-reading the
// 27-row im2col matrix as multiplying it, and pads 16 output channels to 24
// rows; the direct kernel (conv_direct.cpp) transposes every 6 x 64 tile.
// Here a tile is 8 output channels x 48 pixels of one output row, written
// straight into the output planes.
//
// The input is copied once with its zero border and, for stride 2, split
// into even and odd columns, so the 16 pixels of a vector read 16
// consecutive floats for every tap: tap (c, kh, kw) of pixels ow..ow+15 sits
// in phase kw % sw at column ow + kw / sw. Each output sums its Kg products
// in the im2col order (channel, kh, kw) with one FMA each, from zero, then
// adds the bias and clamps: the same bits as the SGEMM path (tested).
#include <string.h>

#include "kernels/optimized/util/conv_util.h"
#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/sgemm.h"
#include "kernels/optimized/util/thread_pool.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace etb {
namespace optimized {
namespace {

constexpr int64_t kOc = 8;     // output channels per tile (broadcast weights)
constexpr int kMaxVecs = 3;    // 16-pixel vectors per tile: 8 x 3 = 24 accumulators
// Taps per output this path takes: ResNet-18's 7x7 stem (147) ran 8% faster
// than on the direct kernel; its 3x3 layers (576 and up, with the K blocks
// summed as the SGEMM does) 30-50% slower. Under kKC, so one sum per output.
constexpr int64_t kMaxKg = 160;
static_assert(kMaxKg <= kKC, "one SGEMM K block");

// The bordered, phase-split image: phase p (p < sw) holds columns p, p + sw,
// ... of each bordered row, Wq of them, for every channel.
struct Phases {
  int64_t Hp, Wp, Wq;
  int64_t floats(const ConvGeom& g) const { return g.sw * g.C * Hp * Wq; }
};

Phases phases(const ConvGeom& g) {
  const int64_t Hp = g.H + 2 * g.ph, Wp = g.W + 2 * g.pw;
  return {Hp, Wp, (Wp + g.sw - 1) / g.sw};
}

int64_t oc_padded(const ConvGeom& g) { return (g.Cout + kOc - 1) / kOc * kOc; }

}  // namespace

#if defined(__x86_64__)
namespace {

#define ETB_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))

// NV vectors of pixels (the last masked to `last_mask`) by 8 channels.
template <int NV>
ETB_AVX512 __attribute__((noinline)) void lanes_tile(const float* src, const int32_t* koff, int64_t K,
                                                     const float* w, int64_t wstride, const float* bias, float lo,
                                                     float hi, float* y, int64_t P, int nc, __mmask16 last_mask) {
  __m512 acc[kOc][NV];
#pragma GCC unroll 8
  for (int i = 0; i < kOc; i++) {
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) acc[i][v] = _mm512_setzero_ps();
  }
  for (int64_t k = 0; k < K; k++, w += wstride) {
    const float* s = src + koff[k];
    __m512 x[NV];
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) {
      x[v] = v + 1 < NV ? _mm512_loadu_ps(s + 16 * v) : _mm512_maskz_loadu_ps(last_mask, s + 16 * v);
    }
#pragma GCC unroll 8
    for (int i = 0; i < kOc; i++) {
      const __m512 wi = _mm512_set1_ps(w[i]);
#pragma GCC unroll 3
      for (int v = 0; v < NV; v++) acc[i][v] = _mm512_fmadd_ps(wi, x[v], acc[i][v]);
    }
  }
  // sum + bias, then max with lo and min with hi, as the SGEMM epilogue (a NaN stays NaN).
  const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
#pragma GCC unroll 8
  for (int i = 0; i < kOc; i++) {
    if (i >= nc) break;
    const __m512 b = _mm512_set1_ps(bias != nullptr ? bias[i] : 0.0f);
#pragma GCC unroll 3
    for (int v = 0; v < NV; v++) {
      __m512 r = acc[i][v];
      if (bias != nullptr) r = _mm512_add_ps(r, b);
      r = _mm512_maskz_min_ps(0xFFFF, vhi, _mm512_maskz_max_ps(0xFFFF, vlo, r));
      _mm512_mask_storeu_ps(y + i * P + 16 * v, v + 1 < NV ? __mmask16(0xFFFF) : last_mask, r);
    }
  }
}

}  // namespace
#endif

bool conv_lanes_ok(const ConvGeom& g) {
#if defined(__x86_64__)
  const Phases ph = phases(g);
  const double image = double(ph.floats(g));
  return active_isa() == Isa::Avx512 && g.groups == 1 && !g.pointwise() && g.kg() <= kMaxKg &&
         (g.sw == 1 || g.sw == 2) && g.OW >= 16 && image <= kMaxBorderedImageFloats;
#else
  (void)g;
  return false;
#endif
}

size_t conv_lanes_weight_floats(const ConvGeom& g) { return size_t(g.kg() * oc_padded(g)); }

void conv_lanes_pack_weights(const ConvGeom& g, const float* w, float* dst, int) {
  // [k][Cout rounded up to 8]: the 8 weights a tile broadcasts at step k are adjacent.
  const int64_t K = g.kg(), ocp = oc_padded(g);
  for (int64_t k = 0; k < K; k++) {
    for (int64_t co = 0; co < ocp; co++) dst[k * ocp + co] = co < g.Cout ? w[co * K + k] : 0.0f;
  }
}

size_t conv_lanes_scratch_floats(const ConvGeom& g) {
  return size_t((phases(g).floats(g) + 15) / 16 * 16 + (g.kg() + 15) / 16 * 16);
}

void conv_lanes_run(int threads, const ConvGeom& g, const float* x, const float* w_packed, const float* bias,
                    float* y, float* scratch, float lo, float hi) {
#if defined(__x86_64__)
  const Phases ph = phases(g);
  const int64_t K = g.kg(), P = g.P(), ocp = oc_padded(g), plane = ph.Hp * ph.Wq;
  float* img = scratch;
  auto* koff = reinterpret_cast<int32_t*>(scratch + (ph.floats(g) + 15) / 16 * 16);
  for (int64_t c = 0, k = 0; c < g.C; c++) {
    for (int64_t kh = 0; kh < g.KH; kh++) {
      for (int64_t kw = 0; kw < g.KW; kw++) {
        const int64_t col = kw * g.dw;  // bordered column of the tap, relative to the pixel's first
        koff[k++] = int32_t((col % g.sw) * g.C * plane + c * plane + kh * g.dh * ph.Wq + col / g.sw);
      }
    }
  }
  const int64_t tiles_oc = ocp / kOc;
  for (int64_t n = 0; n < g.N; n++) {
    const float* xn = x + n * g.C * g.H * g.W;
    // Bordered rows, split into phases: column j of bordered row r goes to
    // phase j % sw, index j / sw (the border and the unused tail are zero).
    parallel_for(threads_for(threads, double(ph.floats(g))), g.C, [&](int64_t c, int) {
      for (int64_t p = 0; p < g.sw; p++) memset(img + (p * g.C + c) * plane, 0, size_t(plane) * sizeof(float));
      for (int64_t h = 0; h < g.H; h++) {
        const float* row = xn + (c * g.H + h) * g.W;
        float* even = img + c * plane + (h + g.ph) * ph.Wq;
        if (g.sw == 1) {
          memcpy(even + g.pw, row, size_t(g.W) * sizeof(float));
          continue;
        }
        // Input column i is bordered column i + pw: even i go to phase pw % 2
        // from pw / 2, odd i to the other phase from (pw + 1) / 2.
        float* phase[2] = {even, even + g.C * plane};
        float* e = phase[g.pw % 2] + g.pw / 2;
        float* o = phase[(g.pw + 1) % 2] + (g.pw + 1) / 2;
        deinterleave2(row, g.W / 2, e, o);
        if (g.W % 2 != 0) e[g.W / 2] = row[g.W - 1];
      }
    });
    float* yn = y + n * g.Cout * P;
    const double work = double(g.Cout) * double(P) * double(K);
    parallel_for(threads_for(threads, work), g.OH * tiles_oc, [&](int64_t task, int) {
      const int64_t oh = task / tiles_oc, c0 = task % tiles_oc * kOc;
      const int nc = int(g.Cout - c0 < kOc ? g.Cout - c0 : kOc);
      const float* src = img + oh * g.sh * ph.Wq;
      const float* b = bias != nullptr ? bias + c0 : nullptr;
      float* yr = yn + c0 * P + oh * g.OW;
      for (int64_t ow = 0; ow < g.OW; ow += 16 * kMaxVecs) {
        const int64_t left = g.OW - ow;
        const int nv = int(left >= 16 * kMaxVecs ? kMaxVecs : (left + 15) / 16);
        const int64_t tail = left - 16 * (nv - 1);  // pixels in the last vector
        const __mmask16 m = tail >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << tail) - 1);
        const float* wk = w_packed + c0;
        if (nv == 3) {
          lanes_tile<3>(src + ow, koff, K, wk, ocp, b, lo, hi, yr + ow, P, nc, m);
        } else if (nv == 2) {
          lanes_tile<2>(src + ow, koff, K, wk, ocp, b, lo, hi, yr + ow, P, nc, m);
        } else {
          lanes_tile<1>(src + ow, koff, K, wk, ocp, b, lo, hi, yr + ow, P, nc, m);
        }
      }
    });
  }
#else
  (void)threads, (void)g, (void)x, (void)w_packed, (void)bias, (void)y, (void)scratch, (void)lo, (void)hi;
#endif
}

}  // namespace optimized
}  // namespace etb
