// Quantized fully connected and convolution: qint8 activations, qint8
// (per-tensor) or qcint8 (per-channel) weights, qint32/qcint32 bias. Integer
// accumulation of (x - x_zp) * (w - w_zp) plus bias, then fp32 requantization
// to the output scale with round-half-even and saturation to the output range
// (the node's output_min/max mapped into the quantized domain), as XNNPACK.
// Fully connected and (non-depthwise) convolution widen both operands to
// int16 with the zero points removed (filter at init, activations as an
// im2col into scratch) and take exact dot products (xnn_qdot.h).
#include <math.h>
#include <string.h>

#include "backends/xnnpack/xnn_ops.h"
#include "backends/xnnpack/xnn_qdot.h"

namespace etb {
namespace xnn {
namespace {

float channel_scale(const Value& v, int64_t ch) { return v.quant == Quant::PerChannel ? v.channel_scales[ch] : v.scale; }

struct Requant {
  float lo, hi;  // bounds of the scaled accumulator, output zero point removed
  int32_t zp;
};

Requant requant_range(const Node& n, const Value& o) {
  float qmin = -128.0f, qmax = 127.0f;
  // The output range in real values, mapped into the quantized domain.
  if (n.out_min != -__builtin_inff()) qmin = fmaxf(qmin, nearbyintf(n.out_min / o.scale) + float(o.zero_point));
  if (n.out_max != __builtin_inff()) qmax = fminf(qmax, nearbyintf(n.out_max / o.scale) + float(o.zero_point));
  if (qmax < qmin) qmax = qmin;
  return Requant{qmin - float(o.zero_point), qmax - float(o.zero_point), o.zero_point};
}

int8_t requantize(int64_t acc, float multiplier, const Requant& r) {
  float v = float(acc) * multiplier;
  v = fminf(fmaxf(v, r.lo), r.hi);
  return int8_t(int32_t(nearbyintf(v)) + r.zp);
}

int32_t bias_at(const OpContext& c, int64_t ch) {
  if (!c.has_input(2)) return 0;
  int32_t b;
  memcpy(&b, c.in(2).constant + ch * 4, 4);
  return b;
}

}  // namespace


Error plan_quantized(const Graph& g, Node& n, MemoryAllocator* alloc, Diag* diag) {
  const Value &x = g.values[n.inputs[0]], &w = g.values[n.inputs[1]], &o = g.values[n.output];
  const int8_t* wp = reinterpret_cast<const int8_t*>(w.constant);
  int32_t wzp = w.quant == Quant::PerTensor ? w.zero_point : 0;
  int64_t rows, K;
  if (n.kind == kFullyConnected) {
    bool t = (n.flags & kFcTransposeWeights) != 0;
    K = t ? w.dims[0] : w.dims[1];
    rows = t ? w.dims[1] : w.dims[0];
    n.scratch_bytes = size_t(x.numel) * sizeof(int16_t);  // the widened input rows
    int16_t* q = alloc->allocate_array<int16_t>(size_t(rows * K));
    if (q == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to widen node %u's filter", n.index);
    for (int64_t r = 0; r < rows; r++)
      for (int64_t k = 0; k < K; k++) q[r * K + k] = int16_t((t ? wp[k * rows + r] : wp[r * K + k]) - wzp);
    n.qweights = q;
    return Error::Ok;
  }
  if (n.kind == kDepthwiseConv2d) {  // filter [1, KH, KW, Cout]: widened in place, int32 sums per channel
    int64_t count = int64_t(w.numel);
    n.scratch_bytes = size_t(o.dims[3]) * sizeof(int32_t);
    int16_t* q = alloc->allocate_array<int16_t>(size_t(count));
    if (q == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to widen node %u's filter", n.index);
    for (int64_t i = 0; i < count; i++) q[i] = int16_t(wp[i] - wzp);
    n.qweights = q;
    return Error::Ok;
  }
  rows = o.dims[3];
  K = int64_t(n.kernel_h) * n.kernel_w * n.group_in;  // OHWI rows are already (ky, kx, ci)
  n.scratch_bytes = size_t(o.dims[1]) * o.dims[2] * size_t(K) * sizeof(int16_t);  // one group's im2col
  int16_t* q = alloc->allocate_array<int16_t>(size_t(rows * K));
  if (q == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to widen node %u's filter", n.index);
  for (int64_t i = 0; i < rows * K; i++) q[i] = int16_t(wp[i] - wzp);
  n.qweights = q;
  return Error::Ok;
}

void run_quantized_fully_connected(const OpContext& c) {
  const Value &x = c.in(0), &w = c.in(1), &o = c.out();
  bool t = (c.n.flags & kFcTransposeWeights) != 0;
  int64_t K = t ? w.dims[0] : w.dims[1], N = t ? w.dims[1] : w.dims[0];
  int64_t M = int64_t(x.numel / uint64_t(K));
  const int8_t* xp = c.in_data<int8_t>(0);
  int16_t* xs = static_cast<int16_t*>(c.scratch);
  for (uint64_t i = 0; i < x.numel; i++) xs[i] = int16_t(xp[i] - x.zero_point);
  int8_t* yp = c.out_data<int8_t>();
  Requant r = requant_range(c.n, o);
  for (int64_t n = 0; n < N; n++) {
    float mult = x.scale * channel_scale(w, n) / o.scale;
    int32_t bias = bias_at(c, n);
    for (int64_t m = 0; m < M; m++) {
      yp[m * N + n] = requantize(bias + dot_s16(xs + m * K, c.n.qweights + n * K, K), mult, r);
    }
  }
}

// Depthwise: per output pixel, int32 sums over the taps for all channels at
// once (unit stride over channels). |sum| <= taps * 255 * 255 fits int32 for
// the at most kMaxQuantizedTaps taps check_graph allows; the bias is added in int64.
void run_quantized_depthwise(const OpContext& c) {
  const Value &x = c.in(0), &w = c.in(1), &o = c.out();
  const Node& n = c.n;
  int64_t H = x.dims[1], W = x.dims[2], C = x.dims[3], OH = o.dims[1], OW = o.dims[2], Cout = o.dims[3];
  int64_t KH = n.kernel_h, KW = n.kernel_w, mult = n.group_out;
  const int8_t* xp = c.in_data<int8_t>(0);
  int8_t* yp = c.out_data<int8_t>();
  int32_t* acc = static_cast<int32_t*>(c.scratch);
  Requant r = requant_range(n, o);
  for (int64_t b = 0; b < int64_t(x.dims[0]); b++) {
    for (int64_t oy = 0; oy < OH; oy++) {
      for (int64_t ox = 0; ox < OW; ox++) {
        for (int64_t co = 0; co < Cout; co++) acc[co] = 0;
        for (int64_t ky = 0; ky < KH; ky++) {
          int64_t iy = oy * n.stride_h + ky * n.dilation_h - n.pad_top;
          if (iy < 0 || iy >= H) continue;
          for (int64_t kx = 0; kx < KW; kx++) {
            int64_t ix = ox * n.stride_w + kx * n.dilation_w - n.pad_left;
            if (ix < 0 || ix >= W) continue;
            const int8_t* src = xp + ((b * H + iy) * W + ix) * C;
            const int16_t* tap = n.qweights + (ky * KW + kx) * Cout;
            if (mult == 1) {
              for (int64_t co = 0; co < Cout; co++) acc[co] += (int32_t(src[co]) - x.zero_point) * tap[co];
            } else {
              for (int64_t co = 0; co < Cout; co++) acc[co] += (int32_t(src[co / mult]) - x.zero_point) * tap[co];
            }
          }
        }
        int8_t* dst = yp + ((b * OH + oy) * OW + ox) * Cout;
        for (int64_t co = 0; co < Cout; co++) {
          dst[co] = requantize(int64_t(bias_at(c, co)) + acc[co], x.scale * channel_scale(w, co) / o.scale, r);
        }
      }
    }
  }
}

void run_quantized_conv(const OpContext& c) {
  if (c.n.kind == kDepthwiseConv2d) return run_quantized_depthwise(c);
  const Value &x = c.in(0), &w = c.in(1), &o = c.out();
  const Node& n = c.n;
  int64_t H = x.dims[1], W = x.dims[2], C = x.dims[3], OH = o.dims[1], OW = o.dims[2], Cout = o.dims[3];
  int64_t KH = n.kernel_h, KW = n.kernel_w, cg = n.group_in, mg = n.group_out, K = KH * KW * cg;
  const int8_t* xp = c.in_data<int8_t>(0);
  int8_t* yp = c.out_data<int8_t>();
  int16_t* cols = static_cast<int16_t*>(c.scratch);
  Requant r = requant_range(n, o);
  for (int64_t b = 0; b < int64_t(x.dims[0]); b++) {
    for (int64_t gr = 0; gr < int64_t(n.groups); gr++) {
      // im2col of group gr: row p = output pixel, (ky, kx, ci) like the filter rows;
      // the padding is the input zero point, i.e. 0 once it is subtracted.
      for (int64_t oy = 0; oy < OH; oy++) {
        for (int64_t ox = 0; ox < OW; ox++) {
          int16_t* row = cols + (oy * OW + ox) * K;
          for (int64_t ky = 0; ky < KH; ky++) {
            int64_t iy = oy * n.stride_h + ky * n.dilation_h - n.pad_top;
            for (int64_t kx = 0; kx < KW; kx++) {
              int64_t ix = ox * n.stride_w + kx * n.dilation_w - n.pad_left;
              int16_t* dst = row + (ky * KW + kx) * cg;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                for (int64_t ci = 0; ci < cg; ci++) dst[ci] = 0;
              } else {
                const int8_t* src = xp + ((b * H + iy) * W + ix) * C + gr * cg;
                for (int64_t ci = 0; ci < cg; ci++) dst[ci] = int16_t(src[ci] - x.zero_point);
              }
            }
          }
        }
      }
      for (int64_t p = 0; p < OH * OW; p++) {
        int8_t* dst = yp + (b * OH * OW + p) * Cout;
        for (int64_t co = gr * mg; co < (gr + 1) * mg; co++) {
          int64_t acc = bias_at(c, co) + dot_s16(cols + p * K, n.qweights + co * K, K);
          dst[co] = requantize(acc, x.scale * channel_scale(w, co) / o.scale, r);
        }
      }
    }
  }
}

}  // namespace xnn
}  // namespace etb
