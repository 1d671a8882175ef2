// Quantized fully connected and convolution: qint8 activations, qint8
// (per-tensor) or qcint8 (per-channel) weights, qint32/qcint32 bias. Integer
// accumulation of (x - x_zp) * (w - w_zp) plus bias, then fp32 requantization
// to the output scale with round-half-even and saturation to the output range
// (the node's output_min/max mapped into the quantized domain), as XNNPACK.
#include <math.h>
#include <string.h>

#include "backends/xnnpack/xnn_ops.h"

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


void run_quantized_fully_connected(const OpContext& c) {
  const Value &x = c.in(0), &w = c.in(1), &o = c.out();
  bool t = (c.n.flags & kFcTransposeWeights) != 0;
  int64_t K = t ? w.dims[0] : w.dims[1], N = t ? w.dims[1] : w.dims[0];
  int64_t M = int64_t(x.numel / uint64_t(K));
  const int8_t* xp = c.in_data<int8_t>(0);
  const int8_t* wp = reinterpret_cast<const int8_t*>(w.constant);
  int8_t* yp = c.out_data<int8_t>();
  Requant r = requant_range(c.n, o);
  int32_t wzp = w.quant == Quant::PerTensor ? w.zero_point : 0;
  for (int64_t n = 0; n < N; n++) {
    float mult = x.scale * channel_scale(w, n) / o.scale;
    int32_t bias = bias_at(c, n);
    for (int64_t m = 0; m < M; m++) {
      const int8_t* xr = xp + m * K;
      int64_t acc = bias;
      for (int64_t k = 0; k < K; k++) {
        int32_t wv = t ? wp[k * N + n] : wp[n * K + k];
        acc += (int32_t(xr[k]) - x.zero_point) * (wv - wzp);
      }
      yp[m * N + n] = requantize(acc, mult, r);
    }
  }
}

void run_quantized_conv(const OpContext& c) {
  const Value &x = c.in(0), &w = c.in(1), &o = c.out();
  const Node& n = c.n;
  int64_t H = x.dims[1], W = x.dims[2], C = x.dims[3], OH = o.dims[1], OW = o.dims[2], Cout = o.dims[3];
  int64_t KH = n.kernel_h, KW = n.kernel_w, cg = n.group_in, mg = n.group_out;
  bool dw = n.kind == kDepthwiseConv2d;
  const int8_t* xp = c.in_data<int8_t>(0);
  const int8_t* wp = reinterpret_cast<const int8_t*>(w.constant);
  int8_t* yp = c.out_data<int8_t>();
  Requant r = requant_range(n, o);
  int32_t wzp = w.quant == Quant::PerTensor ? w.zero_point : 0;
  for (int64_t b = 0; b < int64_t(x.dims[0]); b++) {
    for (int64_t oy = 0; oy < OH; oy++) {
      for (int64_t ox = 0; ox < OW; ox++) {
        for (int64_t co = 0; co < Cout; co++) {
          int64_t gr = co / mg;
          int64_t acc = bias_at(c, co);
          for (int64_t ky = 0; ky < KH; ky++) {
            int64_t iy = oy * n.stride_h + ky * n.dilation_h - n.pad_top;
            if (iy < 0 || iy >= H) continue;
            for (int64_t kx = 0; kx < KW; kx++) {
              int64_t ix = ox * n.stride_w + kx * n.dilation_w - n.pad_left;
              if (ix < 0 || ix >= W) continue;
              const int8_t* src = xp + ((b * H + iy) * W + ix) * C + gr * cg;
              if (dw) {
                acc += (int32_t(src[0]) - x.zero_point) * (int32_t(wp[(ky * KW + kx) * Cout + co]) - wzp);
              } else {
                const int8_t* wr = wp + ((co * KH + ky) * KW + kx) * cg;
                for (int64_t ci = 0; ci < cg; ci++) acc += (int32_t(src[ci]) - x.zero_point) * (int32_t(wr[ci]) - wzp);
              }
            }
          }
          float mult = x.scale * channel_scale(w, co) / o.scale;
          yp[((b * OH + oy) * OW + ox) * Cout + co] = requantize(acc, mult, r);
        }
      }
    }
  }
}

}  // namespace xnn
}  // namespace etb
