// Elementwise nodes in fp32 (unary, binary with numpy broadcasting, softmax)
// and the quantize / dequantize conversions.
#include <math.h>
#include <string.h>

#include "backends/xnnpack/xnn_ops.h"
#include "kernels/optimized/util/vec_ops.h"

namespace etb {
namespace xnn {
namespace {

float unary(uint8_t kind, float x, float alpha) {
  switch (kind) {
    case kSigmoid: return 1.0f / (1.0f + expf(-x));
    case kTanh: return tanhf(x);
    case kFloor: return floorf(x);
    case kCeiling: return ceilf(x);
    case kSquareRoot: return sqrtf(x);
    case kReciprocalSquareRoot: return 1.0f / sqrtf(x);
    case kHardswish: return x * fminf(fmaxf(x + 3.0f, 0.0f), 6.0f) / 6.0f;
    case kLeakyReLU: return x >= 0.0f ? x : x * alpha;
    case kNegate: return -x;
    case kSquare: return x * x;
    case kELU: return x > 0.0f ? x : alpha * expm1f(x);
    case kAbs: return fabsf(x);
    case kLog: return logf(x);
    case kGelu: return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f));
    case kExp: return expf(x);
    case kSin: return sinf(x);
    case kCos: return cosf(x);
    default: return x;  // clamp, copy: the output range does the work
  }
}

float binary(uint8_t kind, float a, float b) {
  switch (kind) {
    case kAdd: return a + b;
    case kSubtract: return a - b;
    case kMultiply: return a * b;
    case kDiv: return a / b;
    case kMinimum: return fminf(a, b);
    case kMaximum: return fmaxf(a, b);
    default: return a > 0.0f ? a : a * b;  // PReLU
  }
}

// Quantized value of x in [qmin, qmax]: x / scale rounded half to even,
// then the zero point added (as XNNPACK: the tie is decided before the shift).
int32_t quantize(float x, float inv_scale, int32_t zp, int32_t qmin, int32_t qmax) {
  float q = x * inv_scale;
  if (!(q >= float(qmin - zp))) q = float(qmin - zp);  // NaN -> qmin
  if (q > float(qmax - zp)) q = float(qmax - zp);
  return int32_t(nearbyintf(q)) + zp;
}

}  // namespace

void dequantize_values(const Value& v, const void* q, float* out) {
  const uint64_t done = dequantize_values_simd(v, q, out);  // the rest, or all, below
  if (v.dtype == kQint8) {
    const int8_t* p = static_cast<const int8_t*>(q);
    for (uint64_t i = done; i < v.numel; i++) out[i] = float(int32_t(p[i]) - v.zero_point) * v.scale;
  } else {
    const uint8_t* p = static_cast<const uint8_t*>(q);
    for (uint64_t i = done; i < v.numel; i++) out[i] = float(int32_t(p[i]) - v.zero_point) * v.scale;
  }
}

void quantize_values(const Value& v, const float* x, void* out) {
  float inv = 1.0f / v.scale;
  const uint64_t done = quantize_values_simd(v, x, out, inv);  // the rest, or all, below
  if (v.dtype == kQint8) {
    int8_t* p = static_cast<int8_t*>(out);
    for (uint64_t i = done; i < v.numel; i++) p[i] = int8_t(quantize(x[i], inv, v.zero_point, -128, 127));
  } else {
    uint8_t* p = static_cast<uint8_t*>(out);
    for (uint64_t i = done; i < v.numel; i++) p[i] = uint8_t(quantize(x[i], inv, v.zero_point, 0, 255));
  }
}

void clamp_output(const Node& node, float* p, uint64_t n) { clamp_into(node, p, p, n); }

void clamp_into(const Node& node, const float* x, float* y, uint64_t n) {
  float lo = node.out_min, hi = node.out_max;
  if (lo == -__builtin_inff() && hi == __builtin_inff()) {
    if (y != x) memmove(y, x, size_t(n) * sizeof(float));
    return;
  }
  // Vectorized; NaN passes, as in XNNPACK's x86 clamp (max/min return the value operand).
  optimized::vec_ops().unary(optimized::UnaryOp::Clamp, x, y, int64_t(n), lo, hi);
}

void run_unary(const OpContext& c) {
  const float* x = c.in_data<float>(0);
  float* y = c.out_data<float>();
  uint64_t n = c.out().numel;
  uint8_t kind = c.n.kind;
  if (kind == kClamp || kind == kCopy) {  // all in the output range: one pass, no per-element switch
    clamp_into(c.n, x, y, n);
    return;
  }
  for (uint64_t i = 0; i < n; i++) y[i] = unary(kind, x[i], c.n.alpha);
  clamp_output(c.n, y, n);
}

void run_binary(const OpContext& c) {
  const Value &va = c.in(0), &vb = c.in(1), &vo = c.out();
  const float* a = c.in_data<float>(0);
  const float* b = c.in_data<float>(1);
  float* y = c.out_data<float>();
  uint32_t r = vo.rank;
  // Element strides of a and b in output coordinates (0 where broadcast).
  uint64_t sa[kMaxDims] = {}, sb[kMaxDims] = {};
  uint64_t ma = 1, mb = 1;
  for (int d = int(r) - 1; d >= 0; d--) {
    int da = d - int(r - va.rank), db = d - int(r - vb.rank);
    uint32_t na = da >= 0 ? va.dims[da] : 1, nb = db >= 0 ? vb.dims[db] : 1;
    sa[d] = na == 1 ? 0 : ma;
    sb[d] = nb == 1 ? 0 : mb;
    ma *= na;
    mb *= nb;
  }
  uint64_t n = vo.numel;
  if (va.numel == n && vb.numel == n) {
    for (uint64_t i = 0; i < n; i++) y[i] = binary(c.n.kind, a[i], b[i]);
  } else {
    uint64_t idx[kMaxDims] = {};
    uint64_t ia = 0, ib = 0;
    for (uint64_t i = 0; i < n; i++) {
      y[i] = binary(c.n.kind, a[ia], b[ib]);
      for (int d = int(r) - 1; d >= 0; d--) {  // odometer over the output index
        idx[d]++;
        ia += sa[d];
        ib += sb[d];
        if (idx[d] < vo.dims[d]) break;
        ia -= sa[d] * idx[d];
        ib -= sb[d] * idx[d];
        idx[d] = 0;
      }
    }
  }
  clamp_output(c.n, y, n);
}

void run_softmax(const OpContext& c) {
  const Value& v = c.in(0);
  uint64_t inner = v.dims[v.rank - 1];
  uint64_t rows = inner == 0 ? 0 : v.numel / inner;
  const float* x = c.in_data<float>(0);
  float* y = c.out_data<float>();
  for (uint64_t r = 0; r < rows; r++) {
    const float* xr = x + r * inner;
    float* yr = y + r * inner;
    float m = -__builtin_inff();
    for (uint64_t i = 0; i < inner; i++) m = fmaxf(m, xr[i]);
    double sum = 0;
    for (uint64_t i = 0; i < inner; i++) {
      yr[i] = expf(xr[i] - m);
      sum += yr[i];
    }
    float inv = float(1.0 / sum);
    for (uint64_t i = 0; i < inner; i++) yr[i] *= inv;
  }
  clamp_output(c.n, y, v.numel);
}

void run_convert(const OpContext& c) {
  const Value &a = c.in(0), &o = c.out();
  if (a.dtype == kFp32) {
    quantize_values(o, c.in_data<float>(0), c.out_data<void>());
    return;
  }
  dequantize_values(a, c.in_data<void>(0), c.out_data<float>());
  clamp_output(c.n, c.out_data<float>(), o.numel);
}

}  // namespace xnn
}  // namespace etb
