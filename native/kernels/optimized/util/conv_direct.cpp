// Direct k x k convolutions (groups 1) on AVX-512, without im2col (conv_util.h).
//
// Each tile computes 6 output pixels (consecutive in the flattened OH x OW
// order, so a tile may wrap to the next output row) by up to 64 output
// channels: 24 zmm accumulators, output channels in the lanes; on 7x7 maps 7
// pixels by 48 channels (tiling()). Per step k of the Kg = C x KH x KW sum
// (k in the im2col order: channel, then kh, then kw) it loads the step's
// 16-64 weights (packed once at load, [block][k][64 or 48]) and broadcasts
// the tile's input values straight from the image, at each pixel's
// base address plus the step's offset (one table of K offsets shared by every
// pixel). Padding is a zero border around a copy of the image, so a padded
// tap multiplies a zero exactly as im2col's zero does.
//
// Every output sums its K products in k order with one FMA each, each
// 256-step block (the SGEMM's kKC) from zero and then added to the blocks
// before, then adds the bias and clamps, as the im2col + SGEMM path does: the
// two give the same bits (tested), and thread counts do not change them.
//
// The tile leaves pixel-major results (6 x 64 or 7 x 48); they are written to a small
// per-task buffer, and the buffer is transposed into the channel planes of
// the output in 16 x 16 blocks. ORT and XNNPACK avoid that transpose by
// keeping whole graphs channels-last; we keep NCHW between operators.
#include "kernels/optimized/util/conv_util.h"

#include <string.h>

#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/sgemm.h"
#include "kernels/optimized/util/thread_pool.h"

#if defined(__x86_64__)
#include <immintrin.h>
// gcc 12 flags the AVX-512 intrinsics' deliberately undefined sources (gcc bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#endif

namespace etb {
namespace optimized {
namespace {

// A tile is `pixels` output pixels by `block` output channels (tiling()); a
// task is a chunk of 16 tiles' pixels (a multiple of 16 for the transposes).
struct Tiling {
  int pixels;     // 6 or 7
  int64_t block;  // output channels per weight block: 64 (4 zmm) or 48 (3)
};
constexpr int64_t kMaxBlock = 64, kMaxTilePixels = 7, kMaxChunk = 16 * kMaxTilePixels;

// 6 x 64 (24 accumulators), or 7 x 48 (21) where 6-pixel tiles would waste
// more than 5% of a map whose pixels 7 divides: the 7x7 maps (49 pixels: 9
// tiles of 6 computed 54). Layer bench, Zen 5: ResNet-18's 3x3 512 @7 228-231
// -> 240-246 GFLOP/s, MobileNetV2's 1x1 160->960 @7 194-200 -> 211-215; on
// 14x14 and larger maps 6 x 64 stays ahead (ResNet-18's 64 @56: 249-255 against 220-230).
Tiling tiling(const ConvGeom& g) {
  const int64_t P = g.P(), waste6 = (P + 5) / 6 * 6 - P;
  if (P % 7 == 0 && waste6 * 20 > P) return {7, 48};
  return {6, 64};
}
// K steps per pass over a chunk's tiles: the SGEMM's K block (kKC), so the
// sums round as its do; the block's weights (64 x 256, 64 KiB) stay close
// while every tile of the chunk uses them, the partial sums wait in the
// buffer. Whole K at once streamed the weights from L2 for each tile:
// ResNet-18's 3x3 layers ran 10-25% slower.
constexpr int64_t kKBlock = kKC;
// A task's buffer: its chunk's rows, room for a 16-row transpose past the
// last pixel, then the partial tile's rows.
constexpr int64_t kMaxBufRows = kMaxChunk + 16 + kMaxTilePixels;

struct Padded {
  int64_t H, W;  // of the (possibly zero-bordered) image the taps read
  bool copy;     // whether the image needs the border (any padding)
};

Padded padded(const ConvGeom& g) {
  const bool copy = g.ph != 0 || g.pw != 0;
  return {g.H + 2 * g.ph, g.W + 2 * g.pw, copy};
}

int64_t blocks(const ConvGeom& g) {
  const int64_t cb = tiling(g).block;
  return (g.Cout + cb - 1) / cb;
}

// Offsets and buffers in the scratch, in floats from its (64-byte aligned) start.
struct Layout {
  size_t image, koff, bufs, total;
};

Layout layout(const ConvGeom& g, int threads) {
  const Padded pd = padded(g);
  Layout l{};
  l.image = 0;
  l.koff = pd.copy ? round_up(g.C * pd.H * pd.W, 16) : 0;
  l.bufs = l.koff + round_up(g.kg(), 16);  // int32 offsets, one per float slot
  l.total = l.bufs + size_t(threads) * size_t(kMaxBufRows * kMaxBlock);
  return l;
}

}  // namespace

#if defined(__x86_64__)
namespace {

#define ETB_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")))

// TP pixels x NV * 16 channels over K steps from `koff` and `w` (rows of CB
// weights); `px[t]` is pixel t's first tap. The sum starts from zero and is
// added to the partial sums in `out` (rows of CB) when `accumulate` (the
// SGEMM's order over its K blocks); bias and clamp follow when `last`. Each
// step also prefetches one line of `pf` into L2 (unless null).
template <int TP, int NV, int CB>
ETB_AVX512 __attribute__((noinline)) void tile(const float* const* px, const int32_t* koff, int64_t K, const float* w,
                                               bool accumulate, bool last, const float* bias, float lo, float hi,
                                               float* out, const char* pf) {
  __m512 acc[TP][NV];
#pragma GCC unroll 7
  for (int t = 0; t < TP; t++) {
#pragma GCC unroll 4
    for (int j = 0; j < NV; j++) acc[t][j] = _mm512_setzero_ps();
  }
  const float* p[TP];
#pragma GCC unroll 7
  for (int t = 0; t < TP; t++) p[t] = px[t];
  for (int64_t k = 0; k < K; k++, w += CB) {
    if (pf != nullptr) _mm_prefetch(pf + k * 64, _MM_HINT_T1);
    const int64_t o = koff[k];
    __m512 wv[NV];
#pragma GCC unroll 4
    for (int j = 0; j < NV; j++) wv[j] = _mm512_loadu_ps(w + 16 * j);
#pragma GCC unroll 7
    for (int t = 0; t < TP; t++) {
      const __m512 x = _mm512_set1_ps(p[t][o]);
#pragma GCC unroll 4
      for (int j = 0; j < NV; j++) acc[t][j] = _mm512_fmadd_ps(x, wv[j], acc[t][j]);
    }
  }
  // sum + bias, then max with lo and min with hi, as the SGEMM epilogue (a NaN stays NaN).
  const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
#pragma GCC unroll 4
  for (int j = 0; j < NV; j++) {
    const __m512 b = bias != nullptr ? _mm512_loadu_ps(bias + 16 * j) : _mm512_setzero_ps();
#pragma GCC unroll 7
    for (int t = 0; t < TP; t++) {
      __m512 v = acc[t][j];
      if (accumulate) v = _mm512_add_ps(_mm512_loadu_ps(out + t * CB + 16 * j), v);
      if (last) {
        if (bias != nullptr) v = _mm512_add_ps(v, b);
        v = _mm512_maskz_min_ps(0xFFFF, vhi, _mm512_maskz_max_ps(0xFFFF, vlo, v));
      }
      _mm512_storeu_ps(out + t * CB + 16 * j, v);
    }
  }
}

// The tile for `nc` (1 to CB) channels of a block.
template <int TP, int CB>
ETB_AVX512 void tile_for(int64_t nc, const float* const* px, const int32_t* koff, int64_t K, const float* w,
                         bool accumulate, bool last, const float* bias, float lo, float hi, float* out,
                         const char* pf) {
  if (nc > 48) return tile<TP, 4, CB>(px, koff, K, w, accumulate, last, bias, lo, hi, out, pf);
  if (nc > 32) return tile<TP, 3, CB>(px, koff, K, w, accumulate, last, bias, lo, hi, out, pf);
  if (nc > 16) return tile<TP, 2, CB>(px, koff, K, w, accumulate, last, bias, lo, hi, out, pf);
  tile<TP, 1, CB>(px, koff, K, w, accumulate, last, bias, lo, hi, out, pf);
}

// Rows r0..r15 (16 pixels, 16 channels each, `ld` apart) into 16 channel rows
// of `n` pixels each at dst + c * ldd; `rows` of them (the rest past Cout).
ETB_AVX512 void transpose16(const float* src, int64_t ld, float* dst, int64_t ldd, int n, int rows) {
  __m512 r[16], t[16];
  for (int i = 0; i < 16; i++) r[i] = _mm512_loadu_ps(src + i * ld);
  for (int i = 0; i < 16; i += 2) {
    t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]);
    t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]);
  }
  for (int i = 0; i < 16; i += 4) {
    const __m512d a = _mm512_castps_pd(t[i]), b = _mm512_castps_pd(t[i + 1]);
    const __m512d c = _mm512_castps_pd(t[i + 2]), d = _mm512_castps_pd(t[i + 3]);
    r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  // r[4q + s] now holds, in each 128-bit lane L, channel 4L + s of pixels 4q..4q+3.
  for (int s = 0; s < 4; s++) {
    t[s] = _mm512_shuffle_f32x4(r[s], r[4 + s], 0x88);       // lanes 0, 2 of pixels 0-3, 4-7
    t[4 + s] = _mm512_shuffle_f32x4(r[s], r[4 + s], 0xdd);   // lanes 1, 3
    t[8 + s] = _mm512_shuffle_f32x4(r[8 + s], r[12 + s], 0x88);
    t[12 + s] = _mm512_shuffle_f32x4(r[8 + s], r[12 + s], 0xdd);
  }
  for (int s = 0; s < 4; s++) {
    r[s] = _mm512_shuffle_f32x4(t[s], t[8 + s], 0x88);          // channel s
    r[8 + s] = _mm512_shuffle_f32x4(t[s], t[8 + s], 0xdd);      // channel 8 + s
    r[4 + s] = _mm512_shuffle_f32x4(t[4 + s], t[12 + s], 0x88);   // channel 4 + s
    r[12 + s] = _mm512_shuffle_f32x4(t[4 + s], t[12 + s], 0xdd);  // channel 12 + s
  }
  const __mmask16 m = n >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << n) - 1);
  for (int c = 0; c < rows; c++) _mm512_mask_storeu_ps(dst + c * ldd, m, r[c]);
}

// Pixels [p0, p1) of block `blk` of one image, in TP x CB tiles (tiling()):
// tiles into `buf`, then the transpose into the output planes.
template <int TP, int CB>
ETB_AVX512 void run_chunk(const ConvGeom& g, const float* img, const Padded& pd, const int32_t* koff,
                          const float* w_packed, const float* bias, float* y, int64_t blk, int64_t p0, int64_t p1,
                          float* buf, float lo, float hi) {
  constexpr int64_t kTailRow = 16 * TP + 16;  // the chunk (16 TP pixels) and the transpose's room
  const int64_t K = g.kg(), P = g.P(), c0 = blk * CB;
  const int64_t nc = g.Cout - c0 < CB ? g.Cout - c0 : CB;
  const float* w = w_packed + blk * K * CB;
  // Bytes from this block's start to the end of all packed weights (prefetch bound).
  const int64_t next_bytes = (blocks(g) - blk) * K * CB * 4;
  float bias_block[CB];
  for (int64_t j = 0; j < CB; j++) bias_block[j] = bias != nullptr && j < nc ? bias[c0 + j] : 0.0f;
  const float* b = bias != nullptr ? bias_block : nullptr;
  // Whole tiles from p0; a last, partial one ends at p1 (starting before it
  // may reach into the previous chunk; P >= TP, conv_direct_ok) and sums into
  // rows of its own, since it overlaps the tile before it.
  const int64_t whole = (p1 - p0) / TP * TP, tail = p0 + whole;
  float* tail_rows = buf + kTailRow * CB;
  for (int64_t k0 = 0; k0 < K; k0 += kKBlock) {
    const int64_t k1 = k0 + kKBlock < K ? k0 + kKBlock : K;
    for (int64_t q = p0; q < p1; q += TP) {
      const int64_t start = q < tail ? q : p1 - TP;
      const float* px[TP];
      int64_t oh = start / g.OW, ow = start % g.OW;
      for (int t = 0; t < TP; t++) {
        px[t] = img + oh * g.sh * pd.W + ow * g.sw;
        if (++ow == g.OW) ow = 0, oh++;
      }
      float* out = q < tail ? buf + (q - p0) * CB : tail_rows;
      const float* wk = w + k0 * CB;
      const bool acc = k0 > 0, last = k1 == K;
      // The weights of the next pass (or block: they follow in memory) come
      // from memory the first time; each tile pulls a share of them into L2
      // while this pass runs from cache. ResNet-18 in-model: 35.7 -> 32.5 ms,
      // its last stage (9.4 MB of weights per layer, read once) 15-44% faster.
      const int64_t share = (q - p0) / TP * (k1 - k0) * 64;  // bytes into the next pass
      const char* pf = nullptr;
      if (k1 * CB * 4 + share < next_bytes) pf = reinterpret_cast<const char*>(w + k1 * CB) + share;
      tile_for<TP, CB>(nc, px, koff + k0, k1 - k0, wk, acc, last, b, lo, hi, out, pf);
    }
  }
  if (tail < p1) {
    const int64_t skip = tail - (p1 - TP);  // leading rows of the tail tile already in place
    memcpy(buf + whole * CB, tail_rows + skip * CB, size_t((p1 - tail) * CB) * sizeof(float));
  }
  for (int64_t q = p0; q < p1; q += 16) {
    const int n = int(p1 - q < 16 ? p1 - q : 16);
    for (int64_t c = 0; c < nc; c += 16) {
      transpose16(buf + (q - p0) * CB + c, CB, y + (c0 + c) * P + q, P, n, int(nc - c < 16 ? nc - c : 16));
    }
  }
}

}  // namespace
#endif

bool conv_direct_ok(const ConvGeom& g) {
#if defined(__x86_64__)
  const Padded pd = padded(g);
  const double image = double(g.C) * double(pd.H) * double(pd.W);
  // Fewer than 64 output channels run narrower tiles, which measured slower
  // than the GEMM (MobileNetV2's 3->32 stem: 0.38 against 0.35 ms). 1x1
  // stride-1 layers come here on maps of at most 64 pixels (7x7), where
  // the GEMM pads 49 columns to 64 and streams the weights unprefetched:
  // MobileNetV2's 7x7 pointwise layers ran 17-33% faster in-model. On 14x14
  // maps only the projections (K at least 4 x Cout) do, layer bench: 576->96
  // 204-223 -> 220-227 GFLOP/s, 384->64 211-217 -> 224-231; the expansions
  // stay on the GEMM (96->576 204-218 against 195-196 here, 64->384 191-207
  // against 177-180).
  const bool shape = !g.pointwise() || g.P() <= 64 || (g.P() <= 256 && g.C >= 4 * g.Cout);
  return active_isa() == Isa::Avx512 && g.groups == 1 && shape && g.Cout >= 64 && g.P() >= tiling(g).pixels &&
         image <= kMaxBorderedImageFloats;
#else
  (void)g;
  return false;
#endif
}

size_t conv_direct_weight_floats(const ConvGeom& g) { return size_t(blocks(g) * g.kg() * tiling(g).block); }

void conv_direct_pack_weights(const ConvGeom& g, const float* w, float* dst, int threads) {
  const int64_t K = g.kg();
  const int64_t cb = tiling(g).block;
  parallel_for(threads_for(threads, double(blocks(g) * K * cb)), blocks(g), [&](int64_t blk, int) {
    float* d = dst + blk * K * cb;
    for (int64_t k = 0; k < K; k++) {
      for (int64_t j = 0; j < cb; j++) {
        const int64_t co = blk * cb + j;
        d[k * cb + j] = co < g.Cout ? w[co * K + k] : 0.0f;
      }
    }
  });
}

size_t conv_direct_scratch_floats(const ConvGeom& g, int threads) { return layout(g, threads < 1 ? 1 : threads).total; }

void conv_direct_run(int threads, const ConvGeom& g, const float* x, const float* w_packed, const float* bias,
                     float* y, float* scratch, float lo, float hi) {
#if defined(__x86_64__)
  if (threads < 1) threads = 1;
  const Padded pd = padded(g);
  const Layout l = layout(g, threads);
  auto* koff = reinterpret_cast<int32_t*>(scratch + l.koff);
  for (int64_t c = 0, k = 0; c < g.C; c++) {
    for (int64_t kh = 0; kh < g.KH; kh++) {
      for (int64_t kw = 0; kw < g.KW; kw++) koff[k++] = int32_t((c * pd.H + kh * g.dh) * pd.W + kw * g.dw);
    }
  }
  const Tiling t = tiling(g);
  const int64_t P = g.P(), chunk = 16 * t.pixels, chunks = (P + chunk - 1) / chunk;
  const double work = double(g.Cout) * double(P) * double(g.kg());
  for (int64_t n = 0; n < g.N; n++) {
    const float* xn = x + n * g.C * g.H * g.W;
    const float* img = xn;
    if (pd.copy) {
      float* dst = scratch + l.image;
      parallel_for(threads_for(threads, double(g.C * pd.H * pd.W)), g.C, [&](int64_t c, int) {
        float* plane = dst + c * pd.H * pd.W;
        memset(plane, 0, size_t(g.ph * pd.W) * sizeof(float));
        for (int64_t h = 0; h < g.H; h++) {
          float* row = plane + (h + g.ph) * pd.W;
          memset(row, 0, size_t(g.pw) * sizeof(float));
          memcpy(row + g.pw, xn + (c * g.H + h) * g.W, size_t(g.W) * sizeof(float));
          memset(row + g.pw + g.W, 0, size_t(pd.W - g.pw - g.W) * sizeof(float));
        }
        memset(plane + (g.ph + g.H) * pd.W, 0, size_t((pd.H - g.ph - g.H) * pd.W) * sizeof(float));
      });
      img = dst;
    }
    float* yn = y + n * g.Cout * P;
    parallel_for(threads_for(threads, work), blocks(g) * chunks, [&](int64_t task, int worker) {
      const int64_t blk = task / chunks, p0 = task % chunks * chunk;
      const int64_t p1 = p0 + chunk < P ? p0 + chunk : P;
      float* buf = scratch + l.bufs + size_t(worker) * kMaxBufRows * kMaxBlock;
      if (t.pixels == 7) {
        run_chunk<7, 48>(g, img, pd, koff, w_packed, bias, yn, blk, p0, p1, buf, lo, hi);
      } else {
        run_chunk<6, 64>(g, img, pd, koff, w_packed, bias, yn, blk, p0, p1, buf, lo, hi);
      }
    });
  }
#else
  (void)threads, (void)g, (void)x, (void)w_packed, (void)bias, (void)y, (void)scratch, (void)lo, (void)hi;
#endif
}

}  // namespace optimized
}  // namespace etb
