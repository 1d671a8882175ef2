// The int8 convolution that the load-time pass fuse_quantized_conv
// (runtime/passes/) makes out of a quantize-dequantize graph:
//
//   x_f = dequantize(x_q);  w_f = dequantize(w_q);  y = conv(x_f, w_f, bias)
//   [y = relu(y)];  y_q = quantize(y)
//
// becomes one instruction reading x_q and writing y_q, with the integer sum
// exact and one requantization per output (bias rounded to the product of the
// input and weight scales). It is not an operator of ops.yaml: programs cannot
// name it (KernelSet::Fused), only the pass creates it, so its arguments are
// the pass's, in the order below. Handled: int8 NCHW, groups 1 (any window,
// through im2col and the int8 GEMM) or depthwise (groups = input channels).
#pragma once
#include <math.h>
#include <stdint.h>

#include "runtime/evalue.h"
#include "runtime/kernel.h"

namespace etb {
namespace optimized {

constexpr const char* kQuantizedConvName = "etb::quantized_conv2d";

// Argument positions (the out is also the return slot, as for every kernel).
enum QConvArg : uint32_t {
  kQcInput,      // int8 [N, C, H, W]
  kQcInScale,    // double
  kQcInZp,       // int
  kQcWeight,     // constant int8 [Cout, C / groups, KH, KW]
  kQcWScale,     // double (per tensor)
  kQcWZp,        // int
  kQcBias,       // constant float32 [Cout], or None
  kQcStride,     // int[1 or 2]
  kQcPadding,    // int[1 or 2]
  kQcDilation,   // int[1 or 2]
  kQcGroups,     // int: 1, or C (depthwise)
  kQcOutScale,   // double
  kQcOutZp,      // int
  kQcOutMin,     // int: the quantize's quant_min
  kQcOutMax,     // int: the quantize's quant_max
  kQcRelu,       // bool: a relu ran between the convolution and the quantize
  kQcOut,        // int8 [N, Cout, OH, OW]
  kQcReturn,
  kQcArgs
};

struct QConvGeom {
  int64_t N, C, H, W, Cout, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw, groups;
  bool depthwise;
  float multiplier;       // in_scale * w_scale / out_scale
  double bias_scale;      // in_scale * w_scale: bias / bias_scale is the int32 bias
  int32_t in_zp, w_zp, out_zp;
  float lo, hi;           // bounds of the scaled value, out_zp removed
  int64_t P() const { return OH * OW; }
  int64_t K() const { return (C / groups) * KH * KW; }
};

namespace qconv_detail {

inline bool int8_tensor(const EValue* v, int32_t dim) {
  return v->is_tensor() && v->tensor().dtype == ScalarType::Char && v->tensor().dim == dim &&
         v->tensor().is_contiguous();
}
inline bool positive(const EValue* v) { return v->is_double() && isfinite(v->u.d) && v->u.d > 0; }
inline bool in_int8(const EValue* v) { return v->is_int() && v->u.i >= -128 && v->u.i <= 127; }
// Element i of a 2-D window list (one value stands for both), within [lo, 2^16].
inline bool window(const EValue* v, int i, int64_t lo, int64_t* out) {
  if (v->tag != Tag::ListInt || (v->u.int_list.size != 1 && v->u.int_list.size != 2)) return false;
  const EValue* item = v->u.int_list.items[v->u.int_list.size == 1 ? 0 : i];
  if (item == nullptr || !item->is_int()) return false;
  *out = item->u.i;
  return *out >= lo && *out <= (int64_t(1) << 16);
}

}  // namespace qconv_detail

// Whether the kernel handles these arguments (kQcArgs of them), filling `g`.
// Header-only so the pass can ask before it rewrites anything, and the
// kernel asks the same at init.
inline bool qconv_geometry(EValue* const* a, QConvGeom* g) {
  using namespace qconv_detail;
  if (!int8_tensor(a[kQcInput], 4) || !int8_tensor(a[kQcWeight], 4) || !int8_tensor(a[kQcOut], 4)) return false;
  const Tensor &x = a[kQcInput]->tensor(), &w = a[kQcWeight]->tensor(), &y = a[kQcOut]->tensor();
  if (!w.is_constant || w.data == nullptr || a[kQcReturn] != a[kQcOut]) return false;
  if (x.dynamism != Dynamism::Static || y.dynamism != Dynamism::Static) return false;
  if (!positive(a[kQcInScale]) || !positive(a[kQcWScale]) || !positive(a[kQcOutScale])) return false;
  if (!in_int8(a[kQcInZp]) || !in_int8(a[kQcWZp]) || !in_int8(a[kQcOutZp]) || !in_int8(a[kQcOutMin]) ||
      !in_int8(a[kQcOutMax]) || !a[kQcRelu]->is_bool() || !a[kQcGroups]->is_int()) {
    return false;
  }
  *g = QConvGeom{};
  g->N = x.sizes[0], g->C = x.sizes[1], g->H = x.sizes[2], g->W = x.sizes[3];
  g->Cout = w.sizes[0], g->KH = w.sizes[2], g->KW = w.sizes[3];
  for (int i = 0; i < 2; i++) {
    int64_t *s = i == 0 ? &g->sh : &g->sw, *p = i == 0 ? &g->ph : &g->pw, *d = i == 0 ? &g->dh : &g->dw;
    if (!window(a[kQcStride], i, 1, s) || !window(a[kQcPadding], i, 0, p) || !window(a[kQcDilation], i, 1, d)) {
      return false;
    }
  }
  g->groups = a[kQcGroups]->u.i;
  if (g->C < 1 || g->Cout < 1 || g->KH < 1 || g->KW < 1) return false;
  if (g->groups == 1) {
    if (w.sizes[1] != g->C) return false;
  } else {
    // Depthwise: one input plane per group, a whole number of outputs each.
    // Its sums run in float32 from the bias: exact while taps * 255 * 255 and
    // the bias stay under 2^23 each.
    if (g->groups != g->C || w.sizes[1] != 1 || g->Cout % g->C != 0 || g->KH * g->KW > 128) return false;
    g->depthwise = true;
  }
  const int64_t eh = g->H + 2 * g->ph - g->dh * (g->KH - 1) - 1, ew = g->W + 2 * g->pw - g->dw * (g->KW - 1) - 1;
  if (eh < 0 || ew < 0) return false;
  g->OH = eh / g->sh + 1;
  g->OW = ew / g->sw + 1;
  // The im2col rows must be a buffer the kernel can hold and index with int64 products.
  if (double(g->OH) * double(g->OW) * double(g->K()) > double(int64_t(1) << 31)) return false;
  if (y.sizes[0] != g->N || y.sizes[1] != g->Cout || y.sizes[2] != g->OH || y.sizes[3] != g->OW) return false;
  const EValue* b = a[kQcBias];
  if (!b->is_none()) {
    if (!b->is_tensor()) return false;
    const Tensor& bt = b->tensor();
    if (!bt.is_constant || bt.data == nullptr || bt.dtype != ScalarType::Float || bt.dim != 1 || bt.sizes[0] != g->Cout) {
      return false;
    }
  }
  g->in_zp = int32_t(a[kQcInZp]->u.i), g->w_zp = int32_t(a[kQcWZp]->u.i), g->out_zp = int32_t(a[kQcOutZp]->u.i);
  g->bias_scale = a[kQcInScale]->u.d * a[kQcWScale]->u.d;
  g->multiplier = float(g->bias_scale / a[kQcOutScale]->u.d);
  if (!isnormal(g->multiplier) || !isnormal(g->bias_scale)) return false;
  if (b->is_tensor()) {
    const float* bias = b->tensor().data_as<const float>();
    for (int64_t o = 0; o < g->Cout; o++) {
      const double q = double(bias[o]) / g->bias_scale, limit = g->depthwise ? 8388608.0 : 1073741824.0;
      if (!(q > -limit && q < limit)) return false;  // NaN fails too
    }
  }
  // relu(v) then quantize clamps at quantize(0) = out_zp: it must be a value the quantize can produce.
  const int64_t qmin = a[kQcOutMin]->u.i, qmax = a[kQcOutMax]->u.i;
  if (qmin > g->out_zp || g->out_zp > qmax) return false;
  g->lo = float((a[kQcRelu]->u.b ? g->out_zp : qmin) - g->out_zp);
  g->hi = float(qmax - g->out_zp);
  return true;
}

[[nodiscard]] Error quantized_conv2d_init(KernelContext& ctx, EValue** args, size_t nargs);
[[nodiscard]] Error quantized_conv2d_call(KernelContext& ctx, EValue** args);

}  // namespace optimized
}  // namespace etb
