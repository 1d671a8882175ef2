// The fused int8 convolution (quantized_conv.h).
//
// - Groups 1 with AVX-512 VNNI (and a weight zero point of 0): the NCHW
//   planes go straight into vpdpbusd (util/qconv_nchw.h), the input (or its
//   im2col rows, gathered from a zero-point-padded copy) interleaved 4
//   channels at a time, the out written as NCHW. A window a multiple of 4
//   wide is gathered 4 taps at a time straight into that layout.
// - Groups 1 elsewhere: im2col (a transpose for 1x1) into pixel-major rows,
//   the int8 GEMM (qgemm.h), and its [pixels, Cout] result transposed back.
// - Depthwise on planes under 128 bytes with AVX-512 VBMI: byte permutes
//   and vpdpbusd on the plane held in two registers (qdw_vbmi_channel).
// - Other depthwise: per output channel on a padded float32 copy of the
//   input plane, where the integer sums are exact; AVX-512 for stride 1.
//
// All requantize as the int8 GEMM does: float(sum + bias) * multiplier,
// clamp, round half to even, plus the out zero point, so every path gives
// the same bytes.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "kernels/optimized/quantized_conv.h"
#include "kernels/optimized/util/pointwise.h"
#include "kernels/optimized/util/qconv_nchw.h"
#include "kernels/optimized/util/qgemm.h"

namespace etb {
namespace optimized {
namespace {

struct QConvState {
  QConvGeom g;
  QRequant rq;
  // Groups 1, AVX-512 VNNI (nchw_w null: the pixel-major GEMM below runs instead).
  int8_t* nchw_w;       // [Cout, Kp] weights
  int32_t* rowterm;     // [Cout] bias - (128 + x_zp) * sum_k w
  uint8_t* x4;          // interleaved activations
  int8_t* cols;         // [K, P] im2col rows (not for 1x1)
  int8_t* padded;       // the image padded with the input zero point, for the gathers
  int64_t* gather_base; // [K] where tap k's window starts in `padded`
  int32_t* gather_idx;  // [P] where pixel p's window starts, from there
  // Groups 1, the pixel-major int8 GEMM.
  int64_t lda;          // A's row stride
  void* packed;         // the packed weights and epilogue terms
  int8_t* a;            // [P, lda] im2col rows
  int8_t* c;            // [P, Cout] result
  int32_t* sums;        // P row sums
  // Depthwise.
  float* dw_w;          // [Cout, KH * KW] weights, zero point removed
  int32_t* dw_bias;     // [Cout] int32 bias
  uint16_t* valid;      // per 16 wide positions, the lanes inside OW
  QDwGeom dwg;          // dw_geom(g), once
  QDwFillStep* fill;    // per 16 padded-plane positions, where their inputs come from
  float* planes;        // per worker, the padded plane then the sums
  bool dw_avx512;       // stride 1 on a CPU with AVX-512 VNNI: qdw_nchw_*
  // Depthwise on planes under 128 bytes with AVX-512 VBMI (qdw_vbmi_channel); dw_w unused then.
  QDwVbmi vbmi;         // vbmi.idx null: not this path
  int8_t* vbmi_w;       // [Cout, groups * 4] weights, zero past the taps
  int32_t* vbmi_term;   // [Cout] bias - (128 + x_zp) * sum(w)
  int64_t plane_floats;
  int workers;
  int8_t* input_copy;   // the input, when the out overlaps it
};

bool use_avx512() { return qgemm_isa() == Isa::Avx512Vnni; }
bool is_1x1(const QConvGeom& g) {
  return g.KH == 1 && g.KW == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0;
}

int64_t round_bias(const QConvGeom& g, const Tensor* bias, int64_t o) {
  return bias == nullptr ? 0 : int64_t(nearbyint(double(bias->data_as<const float>()[o]) / g.bias_scale));
}

int64_t padded_w(const QConvGeom& g) { return g.W + 2 * g.pw; }
// Sums over whole padded rows (stride 1) or one per output.
int64_t wide_sums(const QConvGeom& g) { return g.sh == 1 && g.sw == 1 ? g.OH * padded_w(g) : g.P(); }
QDwGeom dw_geom(const QConvGeom& g) {
  return QDwGeom{g.H, g.W, padded_w(g), g.ph, g.pw, g.KH, g.KW, g.dh, g.dw, wide_sums(g)};
}
// One worker's buffer: two padded planes (each with the spare floats the
// wide rows read past its end), then the sums of the portable code.
int64_t plane_stride(const QConvGeom& g) { return qdw_plane_floats(dw_geom(g)); }
int64_t plane_floats(const QConvGeom& g) { return 2 * plane_stride(g) + (wide_sums(g) + 15) / 16 * 16; }

void fill_plane(const QConvState& s, bool avx512, const int8_t* in, float* plane) {
  const QConvGeom& g = s.g;
  if (avx512) return qdw_nchw_fill(s.dwg, in, g.in_zp, s.fill, plane);
  const int64_t PW = padded_w(g);
  for (int64_t ih = 0; ih < g.H; ih++) {
    float* row = plane + (ih + g.ph) * PW + g.pw;
    for (int64_t iw = 0; iw < g.W; iw++) row[iw] = float(int32_t(in[ih * g.W + iw]) - g.in_zp);
  }
}

// Output channel o of a depthwise convolution from its filled plane.
void depthwise_sums(const QConvState& s, bool avx512, const float* plane, int64_t o, float* __restrict acc,
                    int8_t* out) {
  const QConvGeom& g = s.g;
  const int64_t PW = padded_w(g);
  const float* w = s.dw_w + o * g.KH * g.KW;
  if (avx512) return qdw_nchw_sums(s.dwg, plane, w, float(s.dw_bias[o]), s.valid, s.rq, out);
  if (g.sh == 1 && g.sw == 1) {
    // Whole padded rows at once: sums at columns past OW are junk, never read.
    const int64_t n = g.OH * PW;
    for (int64_t i = 0; i < n; i++) acc[i] = 0.0f;
    for (int64_t kh = 0; kh < g.KH; kh++) {
      for (int64_t kw = 0; kw < g.KW; kw++) {
        const float wt = w[kh * g.KW + kw];
        const float* __restrict src = plane + kh * g.dh * PW + kw * g.dw;
        for (int64_t i = 0; i < n; i++) acc[i] += wt * src[i];
      }
    }
    for (int64_t oh = 0; oh < g.OH; oh++) {
      for (int64_t ow = 0; ow < g.OW; ow++) {
        const int32_t v = int32_t(acc[oh * PW + ow]) + s.dw_bias[o];
        out[oh * g.OW + ow] = qgemm_requant(float(v), g.multiplier, g.lo, g.hi, g.out_zp);
      }
    }
    return;
  }
  for (int64_t oh = 0; oh < g.OH; oh++) {
    for (int64_t ow = 0; ow < g.OW; ow++) {
      float sum = 0.0f;
      for (int64_t kh = 0; kh < g.KH; kh++) {
        const float* src = plane + (oh * g.sh + kh * g.dh) * PW + ow * g.sw;
        for (int64_t kw = 0; kw < g.KW; kw++) sum += w[kh * g.KW + kw] * src[kw * g.dw];
      }
      out[oh * g.OW + ow] = qgemm_requant(float(int32_t(sum) + s.dw_bias[o]), g.multiplier, g.lo, g.hi, g.out_zp);
    }
  }
}

void run_depthwise(const KernelContext& ctx, const QConvState& s, const int8_t* x, int8_t* y) {
  const QConvGeom& g = s.g;
  if (s.vbmi.idx != nullptr) {
    const int64_t per_group = g.Cout / g.C, planes = g.N * g.Cout, wbytes = s.vbmi.groups * 4;
    for_range(ctx, planes, 8, double(g.P() * g.KH * g.KW), [&](int64_t b, int64_t e) {
      for (int64_t p = b; p < e; p++) {
        const int64_t o = p % g.Cout;
        const int8_t* in = x + ((p / g.Cout) * g.C + o / per_group) * g.H * g.W;
        qdw_vbmi_channel(s.vbmi, in, g.in_zp, s.vbmi_w + o * wbytes, s.vbmi_term[o], s.rq, y + p * g.P());
      }
    });
    return;
  }
  const bool avx512 = s.dw_avx512;
  const int64_t per_group = g.Cout / g.C, planes = g.N * g.Cout, stride = plane_stride(g);
  const auto input_of = [&](int64_t p) { return x + ((p / g.Cout) * g.C + (p % g.Cout) / per_group) * g.H * g.W; };
  // Chunks of channels, one buffer per chunk: the planes' borders stay zero across its channels.
  const int64_t chunks = s.workers;
  const int64_t grain = (planes + chunks - 1) / chunks;
  for_range(ctx, chunks, 1, double(g.P() * g.KH * g.KW) * double(grain), [&](int64_t b, int64_t e) {
    for (int64_t chunk = b; chunk < e; chunk++) {
      float* buf = s.planes + chunk * s.plane_floats;
      memset(buf, 0, size_t(s.plane_floats) * sizeof(float));
      const int64_t p0 = chunk * grain, p1 = (chunk + 1) * grain < planes ? (chunk + 1) * grain : planes;
      if (p0 < p1) fill_plane(s, avx512, input_of(p0), buf);
      // The next channel's plane is filled before this one is summed.
      for (int64_t p = p0; p < p1; p++) {
        float* cur = buf + ((p - p0) & 1) * stride;
        if (p + 1 < p1) fill_plane(s, avx512, input_of(p + 1), buf + ((p + 1 - p0) & 1) * stride);
        depthwise_sums(s, avx512, cur, p % g.Cout, buf + 2 * stride, y + p * g.P());
      }
    }
  });
}

// The K x P im2col matrix of one image: row k = (c, kh, kw) holds the input
// under that tap for every output pixel, the input zero point where the
// window hangs over the padding (it contributes nothing there).
void im2col_rows(const QConvGeom& g, const int8_t* img, int8_t* cols) {
  const int64_t P = g.P();
  int8_t* row = cols;
  for (int64_t c = 0; c < g.C; c++) {
    for (int64_t kh = 0; kh < g.KH; kh++) {
      for (int64_t kw = 0; kw < g.KW; kw++, row += P) {
        for (int64_t oh = 0; oh < g.OH; oh++) {
          const int64_t ih = oh * g.sh + kh * g.dh - g.ph;
          int8_t* dst = row + oh * g.OW;
          if (ih < 0 || ih >= g.H) {
            for (int64_t ow = 0; ow < g.OW; ow++) dst[ow] = int8_t(g.in_zp);
            continue;
          }
          // Columns [lo, hi) read inside the row: iw = ow * sw + kw * dw - pw in [0, W).
          const int64_t off = kw * g.dw - g.pw;
          const int64_t lo = off >= 0 ? 0 : (-off + g.sw - 1) / g.sw;
          int64_t hi = g.W - off <= 0 ? 0 : (g.W - off + g.sw - 1) / g.sw;
          hi = hi < g.OW ? hi : g.OW;
          // Rows are short (a few to a few hundred bytes): no library calls.
          const int8_t* src = img + (c * g.H + ih) * g.W + off;
          for (int64_t ow = 0; ow < g.OW; ow++) dst[ow] = ow >= lo && ow < hi ? src[ow * g.sw] : int8_t(g.in_zp);
        }
      }
    }
  }
}

int64_t padded_h(const QConvGeom& g) { return g.H + 2 * g.ph; }
int64_t padded_bytes(const QConvGeom& g) { return g.C * padded_h(g) * padded_w(g) + 64; }

// The image with `ph` / `pw` rows and columns of the input zero point around each plane.
void pad_image(const QConvGeom& g, const int8_t* img, int8_t* padded) {
  const int64_t PW = padded_w(g);
  memset(padded, g.in_zp, size_t(padded_bytes(g)));
  for (int64_t c = 0; c < g.C; c++) {
    for (int64_t ih = 0; ih < g.H; ih++) {
      memcpy(padded + (c * padded_h(g) + ih + g.ph) * PW + g.pw, img + (c * g.H + ih) * g.W, size_t(g.W));
    }
  }
}

// dst[j * ld_dst + i] = src[i * ld_src + j] for a rows x cols source, in
// blocks that keep both sides in L1.
void transpose_bytes(const int8_t* src, int64_t rows, int64_t cols, int64_t ld_src, int8_t* dst, int64_t ld_dst) {
  for (int64_t j0 = 0; j0 < cols; j0 += 64) {
    const int64_t j1 = j0 + 64 < cols ? j0 + 64 : cols;
    for (int64_t i = 0; i < rows; i++) {
      for (int64_t j = j0; j < j1; j++) dst[j * ld_dst + i] = src[i * ld_src + j];
    }
  }
}

void run_gemm(const KernelContext& ctx, const QConvState& s, const int8_t* x, int8_t* y) {
  const QConvGeom& g = s.g;
  const int64_t P = g.P(), K = g.K();
  const bool avx512 = s.nchw_w != nullptr;
  for (int64_t n = 0; n < g.N; n++) {
    const int8_t* img = x + n * g.C * g.H * g.W;
    int8_t* out = y + n * g.Cout * P;
    const int8_t* rows = img;  // the K x P matrix: the image itself for 1x1
    const bool taps_by_4 = avx512 && s.padded != nullptr && g.KW % 4 == 0 && g.dw == 1;
    if (taps_by_4) {
      pad_image(g, img, s.padded);
      qconv_gather_x4(s.padded, s.gather_base, K, s.gather_idx, P, s.x4);
    } else if (!is_1x1(g)) {
      if (avx512 && s.padded != nullptr) {
        pad_image(g, img, s.padded);
        qconv_gather_rows(s.padded, s.gather_base, K, s.gather_idx, P, s.cols);
      } else {
        im2col_rows(g, img, s.cols);
      }
      rows = s.cols;
    }
    if (avx512) {
      if (!taps_by_4) qgemm_nchw_interleave(rows, P, K, P, s.x4);
      const int64_t blocks = (g.Cout + 3) / 4;
      for_range(ctx, blocks, 1, double(P) * double(K) * 4.0, [&](int64_t b, int64_t e) {
        qgemm_nchw(s.x4, P, (K + 3) / 4, s.nchw_w, s.rowterm, s.rq, b * 4, e * 4 < g.Cout ? e * 4 : g.Cout, out);
      });
      continue;
    }
    transpose_bytes(rows, K, P, P, s.a, s.lda);
    if (s.lda != K) {
      for (int64_t p = 0; p < P; p++) memset(s.a + p * s.lda + K, 0, size_t(s.lda - K));
    }
    qgemm_run(ctx.threads, s.packed, P, s.a, s.lda, s.c, g.Cout, s.sums);
    transpose_bytes(s.c, P, g.Cout, g.Cout, out, P);
  }
}

template <typename T>
T* persistent(KernelContext& ctx, int64_t count) {
  return static_cast<T*>(ctx.allocate_persistent(size_t(count > 0 ? count : 1) * sizeof(T), 64));
}

// The NCHW kernel's weights, zero padded to whole k groups, and row terms.
Error prepare_nchw(KernelContext& ctx, QConvState* s, const int8_t* w, const int32_t* bias_q) {
  const QConvGeom& g = s->g;
  const int64_t K = g.K(), Kp = (K + 3) / 4 * 4;
  s->nchw_w = persistent<int8_t>(ctx, g.Cout * Kp);
  s->rowterm = persistent<int32_t>(ctx, g.Cout);
  s->x4 = persistent<uint8_t>(ctx, Kp * qnchw_pixels(g.P()));
  if (s->nchw_w == nullptr || s->rowterm == nullptr || s->x4 == nullptr) {
    return ctx.fail(Error::MemoryAllocationFailed, "no memory for the interleaved rows (%lld x %lld)",
                    (long long)Kp, (long long)qnchw_pixels(g.P()));
  }
  for (int64_t o = 0; o < g.Cout; o++) {
    int64_t sum = 0;
    for (int64_t k = 0; k < Kp; k++) {
      const int8_t v = k < K ? w[o * K + k] : 0;
      s->nchw_w[o * Kp + k] = v;
      sum += v;
    }
    s->rowterm[o] = int32_t(bias_q[o] - (128 + int64_t(g.in_zp)) * sum);
  }
  return Error::Ok;
}

// The pixel-major int8 GEMM's packed weights and row buffers.
Error prepare_pixel_major(KernelContext& ctx, QConvState* s, const int8_t* w, const int32_t* bias_q) {
  const QConvGeom& g = s->g;
  const int64_t K = g.K(), P = g.P();
  s->lda = qgemm_lda(K);
  float* mult = persistent<float>(ctx, g.Cout);
  s->packed = ctx.allocate_persistent(qgemm_packed_bytes(K, g.Cout), 64);
  s->a = persistent<int8_t>(ctx, P * s->lda);
  s->c = persistent<int8_t>(ctx, P * g.Cout);
  s->sums = persistent<int32_t>(ctx, P);
  if (mult == nullptr || s->packed == nullptr || s->a == nullptr || s->c == nullptr || s->sums == nullptr) {
    return ctx.fail(Error::MemoryAllocationFailed, "no memory for the packed weights and rows (%lld x %lld)",
                    (long long)P, (long long)s->lda);
  }
  for (int64_t o = 0; o < g.Cout; o++) mult[o] = g.multiplier;
  QGemmParams p;
  p.a_zp = g.in_zp;
  p.b_zp = g.w_zp;
  p.bias = bias_q;
  p.multiplier = mult;
  p.lo = g.lo;
  p.hi = g.hi;
  p.out_zp = g.out_zp;
  qgemm_pack(w, K, 1, K, g.Cout, p, s->packed);
  return Error::Ok;
}

// Where each tap of each pixel lies in the zero-point-padded image: tap k =
// (c, kh, kw) of pixel p = (oh, ow) reads padded[base[k] + idx[p]].
Error prepare_gathers(KernelContext& ctx, QConvState* s) {
  const QConvGeom& g = s->g;
  const int64_t K = g.K(), P = g.P(), PW = padded_w(g);
  s->padded = persistent<int8_t>(ctx, padded_bytes(g));
  s->gather_base = persistent<int64_t>(ctx, K);
  s->gather_idx = persistent<int32_t>(ctx, P);
  if (s->padded == nullptr || s->gather_base == nullptr || s->gather_idx == nullptr) {
    return ctx.fail(Error::MemoryAllocationFailed, "no memory for the padded image (%lld bytes)",
                    (long long)padded_bytes(g));
  }
  for (int64_t k = 0; k < K; k++) {
    const int64_t c = k / (g.KH * g.KW), kh = k / g.KW % g.KH, kw = k % g.KW;
    s->gather_base[k] = (c * padded_h(g) + kh * g.dh) * PW + kw * g.dw;
  }
  for (int64_t p = 0; p < P; p++) s->gather_idx[p] = int32_t((p / g.OW) * g.sh * PW + (p % g.OW) * g.sw);
  return Error::Ok;
}

// Groups 1: the NCHW VNNI kernel where the CPU has it and the weight zero
// point is 0 (its int32 sums stay exact while K * 255 * 128 and the terms
// fit), the pixel-major int8 GEMM otherwise. The choice is made here, once.
Error prepare_gemm(KernelContext& ctx, QConvState* s, const Tensor& w, const Tensor* bias) {
  const QConvGeom& g = s->g;
  const int64_t K = g.K(), P = g.P();
  int32_t* bias_q = persistent<int32_t>(ctx, g.Cout);
  // No im2col rows for 1x1, nor where the NCHW path gathers 4 taps at a time.
  const bool nchw = use_avx512() && g.w_zp == 0 && K <= 16384;
  const bool need_cols = !is_1x1(g) && !(nchw && g.KW % 4 == 0 && g.dw == 1 && double(padded_bytes(g)) <= INT32_MAX);
  s->cols = need_cols ? persistent<int8_t>(ctx, K * P) : nullptr;
  if (bias_q == nullptr || (need_cols && s->cols == nullptr)) {
    return ctx.fail(Error::MemoryAllocationFailed, "no memory for the im2col rows (%lld x %lld)", (long long)K,
                    (long long)P);
  }
  for (int64_t o = 0; o < g.Cout; o++) bias_q[o] = int32_t(round_bias(g, bias, o));
  const int8_t* wq = w.data_as<const int8_t>();
  if (!nchw) return prepare_pixel_major(ctx, s, wq, bias_q);
  ETB_RETURN_IF_ERROR(prepare_nchw(ctx, s, wq, bias_q));
  if (is_1x1(g) || double(padded_bytes(g)) > double(INT32_MAX)) return Error::Ok;
  return prepare_gathers(ctx, s);
}

// The VBMI small-plane path: index tables, weights in groups of 4 taps, row terms.
Error prepare_vbmi(KernelContext& ctx, QConvState* s, const int8_t* wq, const Tensor* bias) {
  const QConvGeom& g = s->g;
  const int64_t taps = g.KH * g.KW, groups = (taps + 3) / 4;
  auto* idx = persistent<uint8_t>(ctx, qdw_vbmi_table_bytes(g.P(), taps));
  s->vbmi_w = persistent<int8_t>(ctx, g.Cout * groups * 4);
  s->vbmi_term = persistent<int32_t>(ctx, g.Cout);
  if (idx == nullptr || s->vbmi_w == nullptr || s->vbmi_term == nullptr) {
    return ctx.fail(Error::MemoryAllocationFailed, "no memory for the depthwise index tables");
  }
  qdw_vbmi_tables(g.H, g.W, g.OH, g.OW, g.KH, g.KW, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw, idx);
  for (int64_t o = 0; o < g.Cout; o++) {
    int64_t sum = 0;
    for (int64_t t = 0; t < groups * 4; t++) {
      const int8_t v = t < taps ? wq[o * taps + t] : 0;
      s->vbmi_w[o * groups * 4 + t] = v;
      sum += v;
    }
    s->vbmi_term[o] = int32_t(round_bias(g, bias, o) - (128 + int64_t(g.in_zp)) * sum);
  }
  s->vbmi = QDwVbmi{g.H * g.W, g.P(), groups, idx};
  return Error::Ok;
}

Error prepare_depthwise(KernelContext& ctx, QConvState* s, const Tensor& w, const Tensor* bias) {
  const QConvGeom& g = s->g;
  const int64_t taps = g.KH * g.KW;
  // Planes under 128 bytes (one pad byte past them) fit two registers; the
  // tables stay small while the outputs do.
  if (use_avx512() && qdw_vbmi_available() && g.w_zp == 0 && g.H * g.W < 128 && g.P() <= 1024) {
    return prepare_vbmi(ctx, s, w.data_as<const int8_t>(), bias);
  }
  s->workers = ctx.threads > 1 ? ctx.threads : 1;
  s->dw_avx512 = g.sh == 1 && g.sw == 1 && use_avx512();
  s->plane_floats = plane_floats(g);
  s->dw_w = persistent<float>(ctx, g.Cout * taps);
  s->dw_bias = persistent<int32_t>(ctx, g.Cout);
  s->planes = persistent<float>(ctx, s->plane_floats * s->workers);
  if (s->dw_w == nullptr || s->dw_bias == nullptr || s->planes == nullptr) {
    return ctx.fail(Error::MemoryAllocationFailed, "no memory for the depthwise weights and planes");
  }
  const int8_t* wq = w.data_as<const int8_t>();
  for (int64_t i = 0; i < g.Cout * taps; i++) s->dw_w[i] = float(int32_t(wq[i]) - g.w_zp);
  for (int64_t o = 0; o < g.Cout; o++) s->dw_bias[o] = int32_t(round_bias(g, bias, o));
  // Per 16 wide positions of the stride-1 sums, the lanes whose column is inside the output.
  const int64_t n = wide_sums(g), PW = padded_w(g);
  s->valid = persistent<uint16_t>(ctx, (n + 15) / 16);
  if (s->valid == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no memory for the depthwise masks");
  for (int64_t v = 0; v < (n + 15) / 16; v++) {
    uint16_t m = 0;
    for (int64_t i = 0; i < 16; i++) {
      if (v * 16 + i < n && (v * 16 + i) % PW < g.OW) m = uint16_t(m | (1u << i));
    }
    s->valid[v] = m;
  }
  s->dwg = dw_geom(g);
  s->fill = persistent<QDwFillStep>(ctx, qdw_fill_vectors(s->dwg));
  if (s->fill == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no memory for the depthwise masks");
  qdw_fill_steps(s->dwg, s->fill);
  return Error::Ok;
}

bool overlap(const Tensor& a, const Tensor& b) {
  const uint8_t *pa = static_cast<const uint8_t*>(a.data), *pb = static_cast<const uint8_t*>(b.data);
  return pa < pb + b.nbytes() && pb < pa + a.nbytes();
}

}  // namespace

Error quantized_conv2d_init(KernelContext& ctx, EValue** args, size_t nargs) {
  QConvGeom g;
  if (nargs != kQcArgs || !qconv_geometry(args, &g)) {
    return ctx.fail(Error::InvalidProgram, "arguments are not those of a fused int8 convolution");
  }
  auto* s = persistent<QConvState>(ctx, 1);
  if (s == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no memory for the kernel state");
  *s = QConvState{};
  s->g = g;
  s->rq = QRequant{g.multiplier, g.lo, g.hi, g.out_zp};
  const Tensor* bias = args[kQcBias]->is_tensor() ? &args[kQcBias]->tensor() : nullptr;
  const Tensor& w = args[kQcWeight]->tensor();
  ETB_RETURN_IF_ERROR(g.depthwise ? prepare_depthwise(ctx, s, w, bias) : prepare_gemm(ctx, s, w, bias));
  s->input_copy = persistent<int8_t>(ctx, g.N * g.C * g.H * g.W);
  if (s->input_copy == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no memory for the input copy");
  ctx.state = s;
  return Error::Ok;
}

Error quantized_conv2d_call(KernelContext& ctx, EValue** args) {
  const auto* s = static_cast<const QConvState*>(ctx.state);
  const Tensor &x = args[kQcInput]->tensor(), &y = args[kQcOut]->tensor();
  const QConvGeom& g = s->g;
  // The shapes are fixed at load (the pass refuses dynamic ones); data must be there.
  if (x.numel() != g.N * g.C * g.H * g.W || y.numel() != g.N * g.Cout * g.P() || x.data == nullptr ||
      y.data == nullptr) {
    return ctx.fail(Error::InvalidState, "input or out no longer matches the shapes at load");
  }
  const int8_t* in = x.data_as<const int8_t>();
  // The memory plan may put the out over the input (the input is dead once
  // the convolution has read it): read a copy then.
  if (overlap(x, y)) {
    memcpy(s->input_copy, in, x.nbytes());
    in = s->input_copy;
  }
  int8_t* out = y.data_as<int8_t>();
  if (g.depthwise) {
    run_depthwise(ctx, *s, in, out);
  } else {
    run_gemm(ctx, *s, in, out);
  }
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
