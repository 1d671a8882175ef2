// qconv_nchw.h's loops with AVX-512 (F, BW, VL) and VNNI.
#include "kernels/optimized/util/qconv_nchw.h"

#include <string.h>

#if defined(__x86_64__) && !defined(ETB_NO_OPTIMIZED_KERNELS)
#include <immintrin.h>
#define ETB_QNCHW_X86 1
// gcc 12 flags the AVX-512 intrinsics' deliberately undefined sources (gcc bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

namespace etb {
namespace optimized {

#ifdef ETB_QNCHW_X86
namespace {

#define ETB_QNCHW __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,fma")))

ETB_QNCHW inline __mmask16 first_lanes(int64_t count) {
  return count >= 16 ? __mmask16(0xFFFF) : count <= 0 ? __mmask16(0) : __mmask16((1u << count) - 1u);
}

ETB_QNCHW inline __m512i requant16(__m512i acc, const QRequant& r) {
  const __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_set1_ps(r.mult));
  const __m512 c = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(r.lo)), _mm512_set1_ps(r.hi));
  return _mm512_add_epi32(_mm512_cvtps_epi32(c), _mm512_set1_epi32(r.out_zp));
}

inline int32_t load4(const int8_t* p) {
  int32_t v;
  memcpy(&v, p, 4);
  return v;
}

// 4 output channels x 64 pixels, then their requantized bytes. 16
// accumulators in named registers: gcc 12 kept them in memory when they
// were an array or had their addresses taken. Per k group, 4 pixel vectors
// and 4 weight broadcasts feed 16 dot instructions. Rows past `rows` are
// computed (from a repeated weight row) and not stored.
ETB_QNCHW void tile_4x64(const uint8_t* xg, int64_t group_bytes, int64_t kgroups, const int8_t* const* w,
                         const int32_t* rowterm, int rows, const QRequant& r, int64_t P, int64_t p0, int8_t* out) {
  __m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
  __m512i c0 = a0, c1 = a0, c2 = a0, c3 = a0, d0 = a0, d1 = a0, d2 = a0, d3 = a0;
  const int8_t *w0 = w[0], *w1 = w[1], *w2 = w[2], *w3 = w[3];
  for (int64_t g = 0; g < kgroups; g++, xg += group_bytes) {
    const __m512i x0 = _mm512_loadu_si512(xg), x1 = _mm512_loadu_si512(xg + 64), x2 = _mm512_loadu_si512(xg + 128),
                  x3 = _mm512_loadu_si512(xg + 192);
#define ETB_QNCHW_DOTS(acc0, acc1, acc2, acc3, wrow)          \
  {                                                            \
    const __m512i bw = _mm512_set1_epi32(load4(wrow + 4 * g)); \
    acc0 = _mm512_dpbusd_epi32(acc0, x0, bw);                  \
    acc1 = _mm512_dpbusd_epi32(acc1, x1, bw);                  \
    acc2 = _mm512_dpbusd_epi32(acc2, x2, bw);                  \
    acc3 = _mm512_dpbusd_epi32(acc3, x3, bw);                  \
  }
    ETB_QNCHW_DOTS(a0, a1, a2, a3, w0)
    ETB_QNCHW_DOTS(b0, b1, b2, b3, w1)
    ETB_QNCHW_DOTS(c0, c1, c2, c3, w2)
    ETB_QNCHW_DOTS(d0, d1, d2, d3, w3)
#undef ETB_QNCHW_DOTS
  }
  const auto store_row = [&](int i, __m512i s0, __m512i s1, __m512i s2, __m512i s3) ETB_QNCHW {
    const __m512i term = _mm512_set1_epi32(rowterm[i]);
    int8_t* row = out + i * P + p0;
    const __m512i v[4] = {s0, s1, s2, s3};
    for (int j = 0; j < 4; j++) {
      const __m512i q = requant16(_mm512_add_epi32(v[j], term), r);
      _mm512_mask_cvtepi32_storeu_epi8(row + 16 * j, first_lanes(P - p0 - 16 * j), q);
    }
  };
  store_row(0, a0, a1, a2, a3);
  if (rows > 1) store_row(1, b0, b1, b2, b3);
  if (rows > 2) store_row(2, c0, c1, c2, c3);
  if (rows > 3) store_row(3, d0, d1, d2, d3);
}

// Requantize v vectors of per-position sums and write the valid ones, in order.
template <int V>
ETB_QNCHW int64_t store_valid(const __m512* acc, const uint16_t* valid, const QRequant& r, int8_t* out) {
  int64_t written = 0;
#pragma GCC unroll 12
  for (int v = 0; v < V; v++) {
    // The sums are whole numbers below 2^24: float(int32(sum)) is the sum itself.
    const __m512 f = _mm512_mul_ps(acc[v], _mm512_set1_ps(r.mult));
    const __m512 c = _mm512_min_ps(_mm512_max_ps(f, _mm512_set1_ps(r.lo)), _mm512_set1_ps(r.hi));
    const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(c), _mm512_set1_epi32(r.out_zp));
    const __mmask16 m = valid[v];
    const unsigned count = unsigned(__builtin_popcount(m));  // 0..16
    _mm512_mask_cvtepi32_storeu_epi8(out + written, __mmask16((1u << count) - 1u), _mm512_maskz_compress_epi32(m, q));
    written += count;
  }
  return written;
}

// V vectors of stride-1 sums starting at wide position 16 * v0.
template <int V>
ETB_QNCHW int64_t dw_block(const QDwGeom& g, const float* plane, const float* w, float bias, int64_t v0,
                           const uint16_t* valid, const QRequant& r, int8_t* out) {
  __m512 acc[V];
#pragma GCC unroll 12
  for (int v = 0; v < V; v++) acc[v] = _mm512_set1_ps(bias);
  for (int64_t kh = 0; kh < g.KH; kh++) {
    for (int64_t kw = 0; kw < g.KW; kw++) {
      const __m512 wt = _mm512_set1_ps(w[kh * g.KW + kw]);
      const float* src = plane + kh * g.dh * g.PW + kw * g.dw + v0 * 16;
#pragma GCC unroll 12
      for (int v = 0; v < V; v++) acc[v] = _mm512_fmadd_ps(wt, _mm512_loadu_ps(src + 16 * v), acc[v]);
    }
  }
  return store_valid<V>(acc, valid + v0, r, out);
}

}  // namespace

ETB_QNCHW void qgemm_nchw_interleave(const int8_t* rows, int64_t ld, int64_t K, int64_t P, uint8_t* x4) {
  const int64_t Pp = qnchw_pixels(P);
  const __m128i flip = _mm_set1_epi8(char(0x80));
  for (int64_t g = 0; g * 4 < K; g++) {
    uint8_t* dst = x4 + g * Pp * 4;
    for (int64_t p = 0; p < Pp; p += 16) {
      const __mmask16 m = first_lanes(P - p);
      __m128i v[4];
      for (int e = 0; e < 4; e++) {
        const int64_t k = g * 4 + e;
        v[e] = k < K ? _mm_maskz_loadu_epi8(m, rows + k * ld + p) : _mm_setzero_si128();
      }
      const __m128i a = _mm_unpacklo_epi8(v[0], v[1]), b = _mm_unpackhi_epi8(v[0], v[1]);
      const __m128i c = _mm_unpacklo_epi8(v[2], v[3]), d = _mm_unpackhi_epi8(v[2], v[3]);
      __m128i* out = reinterpret_cast<__m128i*>(dst + p * 4);
      _mm_storeu_si128(out + 0, _mm_xor_si128(_mm_unpacklo_epi16(a, c), flip));
      _mm_storeu_si128(out + 1, _mm_xor_si128(_mm_unpackhi_epi16(a, c), flip));
      _mm_storeu_si128(out + 2, _mm_xor_si128(_mm_unpacklo_epi16(b, d), flip));
      _mm_storeu_si128(out + 3, _mm_xor_si128(_mm_unpackhi_epi16(b, d), flip));
    }
  }
}

ETB_QNCHW void qgemm_nchw(const uint8_t* x4, int64_t P, int64_t kgroups, const int8_t* w, const int32_t* rowterm,
                          const QRequant& r, int64_t o0, int64_t o1, int8_t* out) {
  const int64_t Pp = qnchw_pixels(P), Kp = kgroups * 4;
  for (int64_t ob = o0; ob < o1; ob += 4) {
    // Past o1 the last channel is computed again and not stored.
    const int8_t* wr[4];
    for (int i = 0; i < 4; i++) wr[i] = w + (ob + i < o1 ? ob + i : o1 - 1) * Kp;
    const int rows = int(o1 - ob < 4 ? o1 - ob : 4);
    for (int64_t p0 = 0; p0 < P; p0 += 64) {
      tile_4x64(x4 + p0 * 4, Pp * 4, kgroups, wr, rowterm + ob, rows, r, P, p0, out + ob * P);
    }
  }
}

ETB_QNCHW void qdw_nchw_fill(const QDwGeom& g, const int8_t* in, int32_t x_zp, const QDwFillStep* steps,
                             float* plane) {
  const __m512i zp = _mm512_set1_epi32(x_zp);
  const int64_t vectors = qdw_fill_vectors(g);
  for (int64_t v = 0; v < vectors; v++) {
    const QDwFillStep st = steps[v];
    const __m512i x = _mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(st.load, in + st.start));
    const __m512 f = _mm512_cvtepi32_ps(_mm512_sub_epi32(x, zp));
    _mm512_storeu_ps(plane + 16 * v, _mm512_maskz_expand_ps(st.interior, f));
  }
}

ETB_QNCHW void qdw_nchw_sums(const QDwGeom& g, const float* plane, const float* w, float bias, const uint16_t* valid,
                             const QRequant& r, int8_t* out) {
  // Up to 12 vectors in one block (the taps' loads and FMAs then keep 12
  // chains in flight); longer planes in blocks of 8.
  const int64_t nvec = (g.n + 15) / 16, block = nvec <= 12 ? nvec : 8;
  for (int64_t v0 = 0; v0 < nvec; v0 += block) {
    switch (nvec - v0 < block ? nvec - v0 : block) {
      case 1: out += dw_block<1>(g, plane, w, bias, v0, valid, r, out); break;
      case 2: out += dw_block<2>(g, plane, w, bias, v0, valid, r, out); break;
      case 3: out += dw_block<3>(g, plane, w, bias, v0, valid, r, out); break;
      case 4: out += dw_block<4>(g, plane, w, bias, v0, valid, r, out); break;
      case 5: out += dw_block<5>(g, plane, w, bias, v0, valid, r, out); break;
      case 6: out += dw_block<6>(g, plane, w, bias, v0, valid, r, out); break;
      case 7: out += dw_block<7>(g, plane, w, bias, v0, valid, r, out); break;
      case 8: out += dw_block<8>(g, plane, w, bias, v0, valid, r, out); break;
      case 9: out += dw_block<9>(g, plane, w, bias, v0, valid, r, out); break;
      case 10: out += dw_block<10>(g, plane, w, bias, v0, valid, r, out); break;
      case 11: out += dw_block<11>(g, plane, w, bias, v0, valid, r, out); break;
      default: out += dw_block<12>(g, plane, w, bias, v0, valid, r, out); break;
    }
  }
}

ETB_QNCHW void qconv_gather_rows(const int8_t* padded, const int64_t* base, int64_t K, const int32_t* idx, int64_t P,
                                 int8_t* rows) {
  for (int64_t k = 0; k < K; k++) {
    const int8_t* src = padded + base[k];
    for (int64_t p = 0; p < P; p += 16) {
      const __mmask16 m = first_lanes(P - p);
      const __m512i at = _mm512_maskz_loadu_epi32(m, idx + p);
      const __m512i v = _mm512_mask_i32gather_epi32(_mm512_setzero_si512(), m, at, src, 1);
      _mm512_mask_cvtepi32_storeu_epi8(rows + k * P + p, m, v);
    }
  }
}

ETB_QNCHW void qconv_gather_x4(const int8_t* padded, const int64_t* base, int64_t K, const int32_t* idx, int64_t P,
                               uint8_t* x4) {
  const int64_t Pp = qnchw_pixels(P);
  const __m512i flip = _mm512_set1_epi8(char(0x80));
  for (int64_t k = 0; k < K; k += 4) {
    const int8_t* src = padded + base[k];
    uint8_t* dst = x4 + (k / 4) * Pp * 4;
    for (int64_t p = 0; p < Pp; p += 16) {
      // Pixels past P read pixel 0's taps: in bounds, and never stored by the GEMM.
      const __m512i at = _mm512_maskz_loadu_epi32(first_lanes(P - p), idx + p);
      const __m512i v = _mm512_i32gather_epi32(at, src, 1);
      _mm512_storeu_si512(dst + p * 4, _mm512_xor_si512(v, flip));
    }
  }
}

bool qdw_vbmi_available() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512vbmi") && __builtin_cpu_supports("avx512vnni") &&
         __builtin_cpu_supports("avx512bw");
}

// ETB_QNCHW's target plus VBMI, so the helpers above inline into it.
#define ETB_QDW_VBMI __attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,fma,avx512vbmi")))

// G groups of 4 taps (G = 0: d.groups, from memory). With G fixed the
// groups' weights stay in registers and the group loop unrolls: a
// broadcast from memory and the loop's bookkeeping per group had cost
// DS-CNN's int8 depthwise layers about a fifth of their time (1.4-1.5 us,
// now 1.1-1.2).
template <int G>
ETB_QDW_VBMI void qdw_vbmi_planes(const QDwVbmi& d, const int8_t* in, int32_t x_zp, const int8_t* w4, int32_t term,
                                  const QRequant& r, int8_t* out) {
  const __m512i flip = _mm512_set1_epi8(char(0x80)), pad = _mm512_set1_epi8(char(x_zp));
  const __mmask64 lo_in = d.hw >= 64 ? ~__mmask64(0) : (__mmask64(1) << d.hw) - 1;
  const __mmask64 hi_in = d.hw <= 64 ? __mmask64(0) : (__mmask64(1) << (d.hw - 64)) - 1;
  // Bytes past the plane read as the zero point: (zp + 128) - 128 - zp = 0.
  const __m512i lo = _mm512_xor_si512(_mm512_mask_loadu_epi8(pad, lo_in, in), flip);
  const __m512i hi = _mm512_xor_si512(_mm512_mask_loadu_epi8(pad, hi_in, in + 64), flip);
  const __m512i t = _mm512_set1_epi32(term);
  const int64_t groups = G > 0 ? G : d.groups;
  __m512i wv[G > 0 ? G : 1];
  for (int k = 0; k < G; k++) wv[k] = _mm512_set1_epi32(load4(w4 + 4 * k));
  const uint8_t* idx = d.idx;
  for (int64_t p0 = 0; p0 < d.P; p0 += 16) {
    __m512i acc = t;
#pragma GCC unroll 8
    for (int64_t k = 0; k < groups; k++, idx += 64) {
      const __m512i taps = _mm512_permutex2var_epi8(lo, _mm512_loadu_si512(idx), hi);
      acc = _mm512_dpbusd_epi32(acc, taps, G > 0 ? wv[k] : _mm512_set1_epi32(load4(w4 + 4 * k)));
    }
    _mm512_mask_cvtepi32_storeu_epi8(out + p0, first_lanes(d.P - p0), requant16(acc, r));
  }
}

ETB_QDW_VBMI void qdw_vbmi_channel(const QDwVbmi& d, const int8_t* in, int32_t x_zp, const int8_t* w4, int32_t term,
                                   const QRequant& r, int8_t* out) {
  if (d.groups == 3) return qdw_vbmi_planes<3>(d, in, x_zp, w4, term, r, out);  // 3x3
  if (d.groups == 7) return qdw_vbmi_planes<7>(d, in, x_zp, w4, term, r, out);  // 5x5
  qdw_vbmi_planes<0>(d, in, x_zp, w4, term, r, out);
}

#undef ETB_QDW_VBMI

#else
bool qdw_vbmi_available() { return false; }
// Never called without AVX-512 (callers check qgemm_isa()).
void qgemm_nchw_interleave(const int8_t*, int64_t, int64_t, int64_t, uint8_t*) { __builtin_trap(); }
void qgemm_nchw(const uint8_t*, int64_t, int64_t, const int8_t*, const int32_t*, const QRequant&, int64_t, int64_t,
                int8_t*) {
  __builtin_trap();
}
void qdw_nchw_fill(const QDwGeom&, const int8_t*, int32_t, const QDwFillStep*, float*) { __builtin_trap(); }
void qdw_nchw_sums(const QDwGeom&, const float*, const float*, float, const uint16_t*, const QRequant&, int8_t*) {
  __builtin_trap();
}
void qconv_gather_rows(const int8_t*, const int64_t*, int64_t, const int32_t*, int64_t, int8_t*) { __builtin_trap(); }
void qconv_gather_x4(const int8_t*, const int64_t*, int64_t, const int32_t*, int64_t, uint8_t*) { __builtin_trap(); }
void qdw_vbmi_channel(const QDwVbmi&, const int8_t*, int32_t, const int8_t*, int32_t, const QRequant&, int8_t*) {
  __builtin_trap();
}
#endif

}  // namespace optimized
}  // namespace etb
