// AVX-512 inner loops of the fused int8 convolution (op_quantized_conv.cpp)
// that work on NCHW planes directly, with no transpose to pixel-major rows:
//
// - qgemm_nchw: out[o, p] = requant(rowterm[o] + sum_k (x[k, p] + 128) * w[o, k])
//   with vpdpbusd, 16 pixels per vector. The activations go in as the
//   unsigned operand (x + 128), interleaved so each pixel's 4 k bytes are
//   adjacent (qgemm_nchw_interleave); the weights are broadcast 4 at a time.
//   rowterm[o] = bias[o] - (128 + x_zp) * sum_k w[o, k] folds the +128 and
//   the input zero point back out; a weight zero point must be 0.
// - qdw_nchw_fill / qdw_nchw_sums: one depthwise channel, stride 1, over the
//   padded plane in float32 (exact: |sum| < 2^24), whole padded rows at a time.
// - qdw_vbmi_channel: one depthwise channel on a plane under 128 bytes, with
//   byte permutes (AVX-512 VBMI) and vpdpbusd.
//
// All requantize as the int8 GEMM's epilogue does (qgemm.h): float(acc) *
// multiplier, clamp, convert rounding half to even, plus the out zero point.
// Callers check qgemm_isa() == Isa::Avx512Vnni first (and
// qdw_vbmi_available() for the VBMI kernel); on other builds these are never
// called.
#pragma once
#include <stdint.h>

namespace etb {
namespace optimized {

struct QRequant {
  float mult, lo, hi;
  int32_t out_zp;
};

// Pixels the interleaved buffer holds per k group: P rounded up to 64 (the
// kernel reads 4 vectors of 16 at a time).
inline int64_t qnchw_pixels(int64_t P) { return (P + 63) / 64 * 64; }

// rows: K rows of P int8 (row r at rows + r * ld). x4: ceil(K / 4) groups of
// qnchw_pixels(P) * 4 bytes, pixel p's bytes k = 4g .. 4g + 3 at
// x4 + (g * qnchw_pixels(P) + p) * 4, each + 128; rows past K read as 0
// (their weights are 0 too).
void qgemm_nchw_interleave(const int8_t* rows, int64_t ld, int64_t K, int64_t P, uint8_t* x4);

// The K x P im2col rows of a convolution from its input padded with the
// zero point (each plane's rows PW apart, 3 readable bytes past the end):
// rows[k * P + p] = padded[base[k] + idx[p]], 16 gathers at a time.
void qconv_gather_rows(const int8_t* padded, const int64_t* base, int64_t K, const int32_t* idx, int64_t P,
                       int8_t* rows);

// The same straight into qgemm_nchw_interleave's layout when each group of 4
// taps is 4 adjacent bytes of a padded row (KW a multiple of 4, dilation 1
// along W): one 4-byte gather per group and 16 pixels.
void qconv_gather_x4(const int8_t* padded, const int64_t* base, int64_t K, const int32_t* idx, int64_t P,
                     uint8_t* x4);

// Output channels [o0, o1) of out ([Cout, P], rows P apart). w: [Cout, Kp]
// int8, Kp = K rounded up to 4, zero padded.
void qgemm_nchw(const uint8_t* x4, int64_t P, int64_t kgroups, const int8_t* w, const int32_t* rowterm,
                const QRequant& r, int64_t o0, int64_t o1, int8_t* out);

// One depthwise channel, stride 1, in two steps so the plane's stores have
// retired before its loads (an unaligned load spanning two recent stores
// waits for them): fill the next channel's plane, then sum this one's.
//
// qdw_nchw_fill: the padded plane (PH x PW floats, x - x_zp, zeros around),
// whole vectors at a time, from `steps` (qdw_fill_steps); the
// qdw_plane_floats tail past them must already be zero.
// qdw_nchw_sums: the sums over n = OH * PW wide positions, bias first;
// `valid` has one mask per 16 positions (lanes whose column is < OW), and the
// OH * OW requantized results go to out in order.
struct QDwGeom {
  int64_t H, W, PW, ph, pw, KH, KW, dh, dw, n;
};
inline int64_t qdw_plane_floats(const QDwGeom& g) {
  return ((g.H + 2 * g.ph) * g.PW + g.KW * g.dw + 32 + 15) / 16 * 16;
}
// Plane vector v holds, in the lanes of `interior`, the next inputs in their
// own order (interior positions in plane order are the input's order):
// popcount(interior) of them from input element `start`, loaded under `load`.
struct QDwFillStep {
  int32_t start;
  uint16_t interior, load;
};
inline int64_t qdw_fill_vectors(const QDwGeom& g) { return ((g.H + 2 * g.ph) * g.PW + 15) / 16; }
inline void qdw_fill_steps(const QDwGeom& g, QDwFillStep* steps) {
  int64_t used = 0;
  for (int64_t v = 0; v < qdw_fill_vectors(g); v++) {
    uint16_t m = 0;
    for (int64_t i = 0; i < 16; i++) {
      const int64_t at = v * 16 + i, row = at / g.PW - g.ph, col = at % g.PW - g.pw;
      if (row >= 0 && row < g.H && col >= 0 && col < g.W) m = uint16_t(m | (1u << i));
    }
    const int64_t left = g.H * g.W - used;
    steps[v] = QDwFillStep{int32_t(used), m, uint16_t(left >= 16 ? 0xFFFF : (1u << left) - 1u)};
    used += __builtin_popcount(m);
  }
}
void qdw_nchw_fill(const QDwGeom& g, const int8_t* in, int32_t x_zp, const QDwFillStep* steps, float* plane);
void qdw_nchw_sums(const QDwGeom& g, const float* plane, const float* w, float bias, const uint16_t* valid,
                   const QRequant& r, int8_t* out);

// One depthwise channel on a small plane (under 128 input bytes: DS-CNN's
// 25x5, the 7x7 stage), any window and stride, with AVX-512 VBMI and VNNI.
// The plane as u8 (x + 128) fills two registers, and byte `hw` (and the
// ones after it) holds the input zero point + 128, which contributes
// nothing: every out-of-plane tap reads it. For each 16 outputs and each
// group of 4 taps, one vpermi2b gathers the 64 bytes those taps read
// (`idx`, qdw_vbmi_tables), and one vpdpbusd multiplies them by the 4
// weights. out[p] = requant(term + sum), where term = bias - (128 + x_zp) *
// sum(w) removes the +128. Exact in int32; the weight zero point must be 0.
struct QDwVbmi {
  int64_t hw, P, groups;  // input bytes, outputs, ceil(taps / 4)
  const uint8_t* idx;     // ceil(P / 16) * groups * 64 bytes
};
bool qdw_vbmi_available();
inline int64_t qdw_vbmi_table_bytes(int64_t P, int64_t taps) { return (P + 15) / 16 * ((taps + 3) / 4) * 64; }
// Tap t = kh * KW + kw of output p = oh * OW + ow reads input byte
// ih * W + iw, or byte H * W when (ih, iw) is outside the plane.
inline void qdw_vbmi_tables(int64_t H, int64_t W, int64_t OH, int64_t OW, int64_t KH, int64_t KW, int64_t sh,
                            int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw, uint8_t* idx) {
  const int64_t taps = KH * KW, groups = (taps + 3) / 4, P = OH * OW;
  for (int64_t v = 0; v < (P + 15) / 16; v++) {
    for (int64_t k = 0; k < groups; k++) {
      uint8_t* lanes = idx + (v * groups + k) * 64;
      for (int64_t j = 0; j < 16; j++) {
        for (int64_t e = 0; e < 4; e++) {
          const int64_t p = v * 16 + j, t = k * 4 + e;
          int64_t at = H * W;
          if (p < P && t < taps) {
            const int64_t ih = (p / OW) * sh + (t / KW) * dh - ph, iw = (p % OW) * sw + (t % KW) * dw - pw;
            if (ih >= 0 && ih < H && iw >= 0 && iw < W) at = ih * W + iw;
          }
          lanes[j * 4 + e] = uint8_t(at);
        }
      }
    }
  }
}
void qdw_vbmi_channel(const QDwVbmi& d, const int8_t* in, int32_t x_zp, const int8_t* w4, int32_t term,
                      const QRequant& r, int8_t* out);

}  // namespace optimized
}  // namespace etb
