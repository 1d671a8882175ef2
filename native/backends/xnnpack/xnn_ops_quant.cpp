// Quantized fully connected and convolution: qint8 activations, qint8
// (per-tensor) or qcint8 (per-channel) weights, qint32/qcint32 bias. Integer
// accumulation of (x - x_zp) * (w - w_zp) plus bias, then fp32 requantization
// to the output scale with round-half-even and saturation to the output range
// (the node's output_min/max mapped into the quantized domain), as XNNPACK.
// Fully connected and (non-depthwise) convolution run on the int8 GEMM
// (kernels/optimized/util/qgemm.h: VNNI / AVX2 / NEON), the filter packed
// once at init with the bias, multipliers and output range, one packed GEMM
// per group; convolution feeds it an im2col of the raw int8 input (padding
// is the input zero point). Depthwise convolution: xnn_ops_qdepthwise.cpp.
#include <math.h>
#include <string.h>

#include "backends/xnnpack/xnn_ops.h"
#include "kernels/optimized/util/qgemm.h"

namespace etb {
namespace xnn {

Requant requant_range(const Node& n, const Value& o) {
  float qmin = -128.0f, qmax = 127.0f;
  // The output range in real values, mapped into the quantized domain.
  if (n.out_min != -__builtin_inff()) qmin = fmaxf(qmin, nearbyintf(n.out_min / o.scale) + float(o.zero_point));
  if (n.out_max != __builtin_inff()) qmax = fminf(qmax, nearbyintf(n.out_max / o.scale) + float(o.zero_point));
  if (qmax < qmin) qmax = qmin;
  return Requant{qmin - float(o.zero_point), qmax - float(o.zero_point), o.zero_point};
}

namespace {

size_t align64(size_t v) { return (v + 63) / 64 * 64; }

float channel_scale(const Value& v, int64_t ch) { return v.quant == Quant::PerChannel ? v.channel_scales[ch] : v.scale; }

// Where a node's packed GEMMs are: one per group, `stride` bytes apart.
struct QPacked {
  const uint8_t* base;
  size_t stride;
  const void* group(int64_t gr) const { return base + size_t(gr) * stride; }
};

size_t packed_stride(int64_t K, int64_t N) { return (optimized::qgemm_packed_bytes(K, N) + 63) / 64 * 64; }

QPacked qpacked(const Node& n, int64_t K, int64_t N) {
  return QPacked{static_cast<const uint8_t*>(n.qpacked), packed_stride(K, N)};
}

// Packs output channels [c0, c0 + N) of the filter (element (n, k) at w[n * rs + k * cs]).
Error pack_group(const Graph& g, const Node& n, const int8_t* w, int64_t rs, int64_t cs, int64_t K, int64_t N,
                 int64_t c0, void* dst, MemoryAllocator* alloc, Diag* diag) {
  const Value &x = g.values[n.inputs[0]], &wv = g.values[n.inputs[1]], &o = g.values[n.output];
  int32_t* bias = alloc->allocate_array<int32_t>(size_t(N) + 1);
  float* mult = alloc->allocate_array<float>(size_t(N) + 1);
  if (bias == nullptr || mult == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to pack node %u's filter", n.index);
  const bool has_bias = n.inputs[2] != kInvalidId;
  for (int64_t i = 0; i < N; i++) {
    bias[i] = 0;
    if (has_bias) memcpy(&bias[i], g.values[n.inputs[2]].constant + (c0 + i) * 4, 4);
    mult[i] = x.scale * channel_scale(wv, c0 + i) / o.scale;  // the same float steps as before the GEMM
  }
  Requant r = requant_range(n, o);
  optimized::QGemmParams p;
  p.a_zp = x.zero_point;
  p.b_zp = wv.quant == Quant::PerTensor ? wv.zero_point : 0;
  p.bias = bias;
  p.multiplier = mult;
  p.lo = r.lo, p.hi = r.hi, p.out_zp = r.zp;
  optimized::qgemm_pack(w, rs, cs, K, N, p, dst);
  return Error::Ok;
}

// 1x1, stride 1, no padding, one group, rows already padded to the k group: the input is the GEMM's A.
bool direct_input(const Node& n, int64_t K) {
  return n.kernel_h == 1 && n.kernel_w == 1 && n.stride_h == 1 && n.stride_w == 1 && n.pad_top == 0 &&
         n.pad_left == 0 && n.pad_bottom == 0 && n.pad_right == 0 && n.groups == 1 && optimized::qgemm_lda(K) == K;
}

}  // namespace

Error plan_quantized(const Graph& g, Node& n, MemoryAllocator* alloc, Diag* diag) {
  const Value &x = g.values[n.inputs[0]], &w = g.values[n.inputs[1]], &o = g.values[n.output];
  const int8_t* wp = reinterpret_cast<const int8_t*>(w.constant);
  if (n.kind == kDepthwiseConv2d) return plan_quantized_depthwise(g, n, alloc, diag);
  if (n.kind == kFullyConnected) {
    bool t = (n.flags & kFcTransposeWeights) != 0;
    int64_t K = t ? w.dims[0] : w.dims[1], N = t ? w.dims[1] : w.dims[0];
    int64_t M = int64_t(x.numel / uint64_t(K)), lda = optimized::qgemm_lda(K);
    size_t stride = packed_stride(K, N);
    void* packed = alloc->allocate(stride, 64);
    if (packed == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to pack node %u's filter", n.index);
    ETB_RETURN_IF_ERROR(pack_group(g, n, wp, t ? 1 : K, t ? N : 1, K, N, 0, packed, alloc, diag));
    n.qpacked = packed;
    // Row sums, then (when K is not a multiple of 4) the input rows padded to lda.
    n.scratch_bytes = align64(optimized::qgemm_scratch_bytes(M)) + (lda == K ? 0 : size_t(M * lda));
    return Error::Ok;
  }
  // Convolution: OHWI filter rows are already (ky, kx, ci); one packed GEMM per group.
  int64_t K = int64_t(n.kernel_h) * n.kernel_w * n.group_in, mg = n.group_out, P = int64_t(o.dims[1]) * o.dims[2];
  size_t stride = packed_stride(K, mg);
  uint8_t* packed = static_cast<uint8_t*>(alloc->allocate(stride * n.groups, 64));
  if (packed == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to pack node %u's filter", n.index);
  for (int64_t gr = 0; gr < int64_t(n.groups); gr++) {
    ETB_RETURN_IF_ERROR(pack_group(g, n, wp + gr * mg * K, K, 1, K, mg, gr * mg, packed + gr * stride, alloc, diag));
  }
  n.qpacked = packed;
  n.scratch_bytes = align64(optimized::qgemm_scratch_bytes(P)) + (direct_input(n, K) ? 0 : size_t(P * optimized::qgemm_lda(K)));
  return Error::Ok;
}

void run_quantized_fully_connected(const OpContext& c) {
  const Value &x = c.in(0), &w = c.in(1);
  bool t = (c.n.flags & kFcTransposeWeights) != 0;
  int64_t K = t ? w.dims[0] : w.dims[1], N = t ? w.dims[1] : w.dims[0];
  int64_t M = int64_t(x.numel / uint64_t(K)), lda = optimized::qgemm_lda(K);
  int32_t* sums = static_cast<int32_t*>(c.scratch);
  const int8_t* a = c.in_data<int8_t>(0);
  if (lda != K) {  // copy the rows to the padded stride the kernels read
    int8_t* rows = static_cast<int8_t*>(c.scratch) + align64(optimized::qgemm_scratch_bytes(M));
    for (int64_t m = 0; m < M; m++) {
      memcpy(rows + m * lda, a + m * K, size_t(K));
      memset(rows + m * lda + K, 0, size_t(lda - K));
    }
    a = rows;
  }
  optimized::qgemm_run(c.threads, c.n.qpacked, M, a, lda, c.out_data<int8_t>(), N, sums);
}

void run_quantized_conv(const OpContext& c) {
  if (c.n.kind == kDepthwiseConv2d) return run_quantized_depthwise(c);
  const Value &x = c.in(0), &o = c.out();
  const Node& n = c.n;
  int64_t H = x.dims[1], W = x.dims[2], C = x.dims[3], OH = o.dims[1], OW = o.dims[2], Cout = o.dims[3];
  int64_t KH = n.kernel_h, KW = n.kernel_w, cg = n.group_in, mg = n.group_out, K = KH * KW * cg;
  int64_t P = OH * OW, lda = optimized::qgemm_lda(K);
  const int8_t* xp = c.in_data<int8_t>(0);
  int8_t* yp = c.out_data<int8_t>();
  int32_t* sums = static_cast<int32_t*>(c.scratch);
  int8_t* cols = static_cast<int8_t*>(c.scratch) + align64(optimized::qgemm_scratch_bytes(P));
  const int8_t pad = int8_t(x.zero_point);  // x - x_zp = 0 in the padding
  QPacked packed = qpacked(n, K, mg);
  for (int64_t b = 0; b < int64_t(x.dims[0]); b++) {
    const int8_t* img = xp + b * H * W * C;
    for (int64_t gr = 0; gr < int64_t(n.groups); gr++) {
      if (direct_input(n, K)) {
        optimized::qgemm_run(c.threads, packed.group(0), P, img, C, yp + b * P * Cout, Cout, sums);
        continue;
      }
      // im2col of group gr: row p = output pixel, (ky, kx, ci) like the filter rows, zero past K.
      for (int64_t oy = 0; oy < OH; oy++) {
        for (int64_t ox = 0; ox < OW; ox++) {
          int8_t* row = cols + (oy * OW + ox) * lda;
          for (int64_t ky = 0; ky < KH; ky++) {
            int64_t iy = oy * n.stride_h + ky * n.dilation_h - n.pad_top;
            for (int64_t kx = 0; kx < KW; kx++) {
              int64_t ix = ox * n.stride_w + kx * n.dilation_w - n.pad_left;
              int8_t* dst = row + (ky * KW + kx) * cg;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                memset(dst, pad, size_t(cg));
              } else {
                memcpy(dst, img + (iy * W + ix) * C + gr * cg, size_t(cg));
              }
            }
          }
          memset(row + K, 0, size_t(lda - K));
        }
      }
      optimized::qgemm_run(c.threads, packed.group(gr), P, cols, lda, yp + b * P * Cout + gr * mg, Cout, sums);
    }
  }
}

}  // namespace xnn
}  // namespace etb
