// Data-movement nodes (reshape/copy, transpose, slice, constant pad,
// concatenation) on any element size, and fp32 pooling in NHWC.
#include <math.h>
#include <string.h>

#include "backends/xnnpack/xnn_ops.h"

namespace etb {
namespace xnn {
namespace {

// Row-major element strides of `dims`.
void strides_of(const Value& v, uint64_t* s) {
  uint64_t m = 1;
  for (int d = int(v.rank) - 1; d >= 0; d--) {
    s[d] = m;
    m *= v.dims[d];
  }
}

}  // namespace

void run_copy(const OpContext& c) {
  memcpy(c.out_data<uint8_t>(), c.in_data<uint8_t>(0), size_t(c.out().nbytes()));
  if (c.out().dtype == kFp32) clamp_output(c.n, c.out_data<float>(), c.out().numel);
}

namespace {

// Copies the out's rows of T: the innermost out dim in a tight strided loop, the carry over the
// outer dims once per row (a per-element carry and memcpy made transposes the delegate's
// largest cost in MobileNetV3).
template <typename T>
void transpose_rows(const T* in, T* out, const Value& o, const uint64_t* src_stride) {
  const int last = int(o.rank) - 1;
  const uint64_t row = o.dims[last], step = src_stride[last];
  uint64_t idx[kMaxDims] = {}, src = 0;
  for (uint64_t i = 0; i < o.numel; i += row) {
    T* dst = out + i;
    const T* s = in + src;
    if (step == 1) {
      memcpy(dst, s, row * sizeof(T));
    } else {
      for (uint64_t j = 0; j < row; j++) dst[j] = s[j * step];
    }
    for (int d = last - 1; d >= 0; d--) {
      idx[d]++;
      src += src_stride[d];
      if (idx[d] < o.dims[d]) break;
      src -= src_stride[d] * idx[d];
      idx[d] = 0;
    }
  }
}

}  // namespace

void run_transpose(const OpContext& c) {
  const Value &x = c.in(0), &o = c.out();
  if (o.numel == 0) return;
  size_t es = datatype_size(o.dtype);
  uint64_t sx[kMaxDims], src_stride[kMaxDims];
  strides_of(x, sx);
  for (uint32_t d = 0; d < o.rank; d++) src_stride[d] = sx[c.n.a[d]];  // out dim d walks input dim perm[d]
  const void* in = c.in_data<uint8_t>(0);
  void* out = c.out_data<uint8_t>();
  if (o.rank == 0) {
    memcpy(out, in, es);
    return;
  }
  if (es == 1) transpose_rows(static_cast<const uint8_t*>(in), static_cast<uint8_t*>(out), o, src_stride);
  if (es == 4) transpose_rows(static_cast<const uint32_t*>(in), static_cast<uint32_t*>(out), o, src_stride);
}

void run_slice(const OpContext& c) {
  const Value &x = c.in(0), &o = c.out();
  size_t es = datatype_size(o.dtype);
  uint64_t sx[kMaxDims];
  strides_of(x, sx);
  uint64_t base = 0;
  for (uint32_t d = 0; d < x.rank; d++) base += c.n.a[d] * sx[d];
  const uint8_t* in = c.in_data<uint8_t>(0);
  uint8_t* out = c.out_data<uint8_t>();
  uint64_t idx[kMaxDims] = {}, src = base;
  for (uint64_t i = 0; i < o.numel; i++) {
    memcpy(out + i * es, in + src * es, es);
    for (int d = int(o.rank) - 1; d >= 0; d--) {
      idx[d]++;
      src += sx[d];
      if (idx[d] < o.dims[d]) break;
      src -= sx[d] * idx[d];
      idx[d] = 0;
    }
  }
}

void run_pad(const OpContext& c) {
  const Value &x = c.in(0), &o = c.out();
  float* out = c.out_data<float>();
  const float* in = c.in_data<float>(0);
  uint64_t so[kMaxDims];
  strides_of(o, so);
  for (uint64_t i = 0; i < o.numel; i++) out[i] = c.n.alpha;
  uint64_t idx[kMaxDims] = {};
  for (uint64_t i = 0; i < x.numel; i++) {
    uint64_t dst = 0;
    for (uint32_t d = 0; d < x.rank; d++) dst += (idx[d] + c.n.a[d]) * so[d];
    out[dst] = in[i];
    for (int d = int(x.rank) - 1; d >= 0; d--) {
      if (++idx[d] < x.dims[d]) break;
      idx[d] = 0;
    }
  }
  clamp_output(c.n, out, o.numel);
}

void run_concat(const OpContext& c) {
  const Value& o = c.out();
  uint32_t axis = uint32_t(c.n.axis < 0 ? c.n.axis + int32_t(o.rank) : c.n.axis);
  size_t es = datatype_size(o.dtype);
  uint64_t outer = 1, inner = es;
  for (uint32_t d = 0; d < axis; d++) outer *= o.dims[d];
  for (uint32_t d = axis + 1; d < o.rank; d++) inner *= o.dims[d];
  uint8_t* out = c.out_data<uint8_t>();
  uint64_t row = o.dims[axis] * inner, col = 0;
  for (uint32_t k = 0; k < c.n.num_inputs; k++) {
    uint64_t chunk = c.in(k).dims[axis] * inner;
    const uint8_t* in = c.in_data<uint8_t>(k);
    for (uint64_t r = 0; r < outer; r++) memcpy(out + r * row + col, in + r * chunk, size_t(chunk));
    col += chunk;
  }
}

void run_pooling(const OpContext& c) {
  const Value &x = c.in(0), &o = c.out();
  const Node& n = c.n;
  const float* in = c.in_data<float>(0);
  float* out = c.out_data<float>();
  int64_t H = x.dims[1], W = x.dims[2], C = x.dims[3], OH = o.dims[1], OW = o.dims[2];
  bool is_max = n.kind == kMaxPooling2d;
  for (int64_t b = 0; b < int64_t(x.dims[0]); b++) {
    for (int64_t oy = 0; oy < OH; oy++) {
      for (int64_t ox = 0; ox < OW; ox++) {
        float* dst = out + ((b * OH + oy) * OW + ox) * C;
        for (int64_t ch = 0; ch < C; ch++) dst[ch] = is_max ? -__builtin_inff() : 0.0f;
        int64_t count = 0;
        for (int64_t ky = 0; ky < n.kernel_h; ky++) {
          int64_t iy = oy * n.stride_h + ky * n.dilation_h - n.pad_top;
          if (iy < 0 || iy >= H) continue;
          for (int64_t kx = 0; kx < n.kernel_w; kx++) {
            int64_t ix = ox * n.stride_w + kx * n.dilation_w - n.pad_left;
            if (ix < 0 || ix >= W) continue;
            const float* src = in + ((b * H + iy) * W + ix) * C;
            count++;
            if (is_max) {
              for (int64_t ch = 0; ch < C; ch++) dst[ch] = fmaxf(dst[ch], src[ch]);
            } else {
              for (int64_t ch = 0; ch < C; ch++) dst[ch] += src[ch];
            }
          }
        }
        // Average over the window's pixels inside the input (XNNPACK excludes padding).
        if (!is_max && count > 0) {
          float inv = 1.0f / float(count);
          for (int64_t ch = 0; ch < C; ch++) dst[ch] *= inv;
        }
      }
    }
  }
  clamp_output(n, out, o.numel);
}

void run_global_avg_pool(const OpContext& c) {
  const Value& x = c.in(0);
  const float* in = c.in_data<float>(0);
  float* out = c.out_data<float>();
  uint64_t N = x.dims[0], HW = uint64_t(x.dims[1]) * x.dims[2], C = x.dims[3];
  for (uint64_t b = 0; b < N; b++) {
    float* dst = out + b * C;
    for (uint64_t ch = 0; ch < C; ch++) dst[ch] = 0.0f;
    for (uint64_t p = 0; p < HW; p++) {
      const float* src = in + (b * HW + p) * C;
      for (uint64_t ch = 0; ch < C; ch++) dst[ch] += src[ch];
    }
    float inv = HW == 0 ? 0.0f : 1.0f / float(HW);
    for (uint64_t ch = 0; ch < C; ch++) dst[ch] *= inv;
  }
  clamp_output(c.n, out, N * C);
}

// Bilinear resize in NHWC. Source coordinate of output index d (input size
// in, output size out): align corners d * (in - 1) / (out - 1); TensorFlow
// legacy d * in / out; otherwise half-pixel centers (d + 0.5) * in / out - 0.5,
// clamped at 0 (PyTorch's align_corners=False).
void run_resize_bilinear(const OpContext& c) {
  const Value &x = c.in(0), &o = c.out();
  int64_t N = x.dims[0], H = x.dims[1], W = x.dims[2], C = x.dims[3], OH = o.dims[1], OW = o.dims[2];
  const float* in = c.in_data<float>(0);
  float* out = c.out_data<float>();
  auto source = [&](int64_t d, int64_t n_in, int64_t n_out, int64_t* i0, int64_t* i1, float* frac) {
    float s;
    if ((c.n.flags & kResizeAlignCorners) != 0) {
      s = n_out > 1 ? float(d) * float(n_in - 1) / float(n_out - 1) : 0.0f;
    } else if ((c.n.flags & kResizeLegacy) != 0) {
      s = float(d) * float(n_in) / float(n_out);
    } else {
      s = fmaxf((float(d) + 0.5f) * float(n_in) / float(n_out) - 0.5f, 0.0f);
    }
    int64_t f = int64_t(floorf(s));
    if (f > n_in - 1) f = n_in - 1;
    *i0 = f;
    *i1 = f + 1 < n_in ? f + 1 : n_in - 1;
    *frac = s - float(f);
  };
  for (int64_t b = 0; b < N; b++) {
    for (int64_t oy = 0; oy < OH; oy++) {
      int64_t y0, y1;
      float fy;
      source(oy, H, OH, &y0, &y1, &fy);
      for (int64_t ox = 0; ox < OW; ox++) {
        int64_t x0, x1;
        float fx;
        source(ox, W, OW, &x0, &x1, &fx);
        const float* p00 = in + ((b * H + y0) * W + x0) * C;
        const float* p01 = in + ((b * H + y0) * W + x1) * C;
        const float* p10 = in + ((b * H + y1) * W + x0) * C;
        const float* p11 = in + ((b * H + y1) * W + x1) * C;
        float* dst = out + ((b * OH + oy) * OW + ox) * C;
        for (int64_t ch = 0; ch < C; ch++) {
          float top = p00[ch] + (p01[ch] - p00[ch]) * fx;
          float bottom = p10[ch] + (p11[ch] - p10[ch]) * fx;
          dst[ch] = top + (bottom - top) * fy;
        }
      }
    }
  }
  clamp_output(c.n, out, o.numel);
}

}  // namespace xnn
}  // namespace etb
