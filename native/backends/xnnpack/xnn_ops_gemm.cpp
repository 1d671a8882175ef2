// fp32 fully connected and convolution on the optimized SGEMM
// (kernels/optimized/util/sgemm.h), with the filter packed once at init:
//   fully connected: out[M, N] = x[M, K] * W^T, W [N, K] (or [K, N] with TRANSPOSE_WEIGHTS)
//   convolution (NHWC, OHWI): per image and group, out[P, Cout_g] = im2col[P, Kg] * W_g^T,
//     Kg = KH * KW * Cin_g ordered (ky, kx, ci) like the filter rows.
// Depthwise convolution and batch matmul are direct loops.
#include <string.h>

#include "backends/xnnpack/xnn_ops.h"
#include "kernels/optimized/util/sgemm.h"

namespace etb {
namespace xnn {
namespace {

using optimized::Epilogue;
using optimized::MatView;

struct ConvDims {
  int64_t N, H, W, C, OH, OW, Cout, KH, KW, groups, cg, mg, kg;
};

ConvDims conv_dims(const Graph& g, const Node& n) {
  const Value &x = g.values[n.inputs[0]], &o = g.values[n.output];
  ConvDims d;
  d.N = x.dims[0]; d.H = x.dims[1]; d.W = x.dims[2]; d.C = x.dims[3];
  d.OH = o.dims[1]; d.OW = o.dims[2]; d.Cout = o.dims[3];
  d.KH = n.kernel_h; d.KW = n.kernel_w; d.groups = n.groups; d.cg = n.group_in; d.mg = n.group_out;
  d.kg = d.KH * d.KW * d.cg;
  return d;
}

// 1x1, stride 1, no padding, one group: the input itself is the GEMM's A.
bool pointwise(const Node& n) {
  return n.kernel_h == 1 && n.kernel_w == 1 && n.stride_h == 1 && n.stride_w == 1 && n.pad_top == 0 &&
         n.pad_left == 0 && n.pad_bottom == 0 && n.pad_right == 0 && n.groups == 1;
}

Epilogue epilogue(const Node& n, const float* bias) {
  Epilogue ep;
  if (bias != nullptr) {
    ep.beta = 1.0f;
    ep.bias = bias;
    ep.bias_rs = 0;
    ep.bias_cs = 1;
  }
  ep.lo = n.out_min;
  ep.hi = n.out_max;
  return ep;
}

}  // namespace

Error plan_gemm(const Graph& g, Node& n, MemoryAllocator* alloc, int threads, Diag* diag, PackCache* packs) {
  const Value& w = g.values[n.inputs[1]];
  const float* wp = reinterpret_cast<const float*>(w.constant);
  if (n.kind == kFullyConnected) {
    bool t = (n.flags & kFcTransposeWeights) != 0;
    int64_t K = t ? w.dims[0] : w.dims[1], N = t ? w.dims[1] : w.dims[0];
    int64_t M = int64_t(g.values[n.inputs[0]].numel / uint64_t(K));
    // At most kSmallM rows run on the small-M kernel, which reads A in place (dynamic shapes
    // only shrink M below this bound), so they need no room to pack A.
    n.scratch_bytes = optimized::small_m_available(M) ? 0 : optimized::packed_a_floats(M, K) * sizeof(float);
    // Weights are named data shared by key, so delegates over one weight see one pointer.
    const PackKey key{PackKind::XnnFullyConnectedB, wp, {K, N, t ? 1 : 0, 0, 0, 0}};
    n.packed = static_cast<const float*>(packs != nullptr ? packs->find(key) : nullptr);
    if (n.packed != nullptr) return Error::Ok;
    float* packed = alloc->allocate_array<float>(optimized::packed_b_floats(K, N));
    if (packed == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to pack node %u's filter", n.index);
    optimized::pack_b(t ? MatView{wp, N, 1} : MatView{wp, 1, K}, K, N, packed, threads);
    n.packed = packed;
    if (packs != nullptr) packs->add(key, packed);
    return Error::Ok;
  }
  // Convolution: one packed B per group, back to back.
  ConvDims d = conv_dims(g, n);
  size_t per_group = optimized::packed_b_floats(d.kg, d.mg);
  float* packed = alloc->allocate_array<float>(per_group * size_t(d.groups));
  if (packed == nullptr) return fail(diag, Error::MemoryAllocationFailed, "xnnpack: no memory to pack node %u's filter", n.index);
  for (int64_t gr = 0; gr < d.groups; gr++) {
    optimized::pack_b(MatView{wp + gr * d.mg * d.kg, 1, d.kg}, d.kg, d.mg, packed + gr * per_group, threads);
  }
  n.packed = packed;
  int64_t P = d.OH * d.OW;
  size_t im2col = pointwise(n) ? 0 : size_t(P * d.kg);
  n.scratch_bytes = (im2col + optimized::packed_a_floats(P, d.kg)) * sizeof(float);
  return Error::Ok;
}

void run_fully_connected(const OpContext& c) {
  const Value& w = c.in(1);
  bool t = (c.n.flags & kFcTransposeWeights) != 0;
  int64_t K = t ? w.dims[0] : w.dims[1], N = t ? w.dims[1] : w.dims[0];
  int64_t M = int64_t(c.in(0).numel / uint64_t(K));
  const float* bias = c.has_input(2) ? c.in_data<float>(2) : nullptr;
  if (optimized::small_m_available(M)) {  // a batch-1 step (LSTM, decoder): no A packing, no 6-row tiles
    optimized::sgemm_small_m(c.threads, M, N, K, MatView{c.in_data<float>(0), K, 1}, c.n.packed, c.out_data<float>(), N,
                             epilogue(c.n, bias));
    return;
  }
  float* a_packed = static_cast<float*>(c.scratch);
  optimized::pack_a(MatView{c.in_data<float>(0), K, 1}, M, K, a_packed, c.threads);
  optimized::sgemm_packed(c.threads, M, N, K, a_packed, c.n.packed, c.out_data<float>(), N, epilogue(c.n, bias));
}

void run_conv(const OpContext& c) {
  ConvDims d = conv_dims(c.g, c.n);
  const Node& n = c.n;
  int64_t P = d.OH * d.OW;
  bool pw = pointwise(n);
  float* cols = static_cast<float*>(c.scratch);
  float* a_packed = cols + (pw ? 0 : P * d.kg);
  size_t per_group = optimized::packed_b_floats(d.kg, d.mg);
  const float* bias = c.has_input(2) ? c.in_data<float>(2) : nullptr;
  for (int64_t b = 0; b < d.N; b++) {
    const float* img = c.in_data<float>(0) + b * d.H * d.W * d.C;
    float* out = c.out_data<float>() + b * P * d.Cout;
    for (int64_t gr = 0; gr < d.groups; gr++) {
      MatView a{img, d.C, 1};
      if (!pw) {
        // im2col row p = output pixel, columns (ky, kx, ci) of group gr; zeros in the padding.
        for (int64_t oy = 0; oy < d.OH; oy++) {
          for (int64_t ox = 0; ox < d.OW; ox++) {
            float* row = cols + (oy * d.OW + ox) * d.kg;
            for (int64_t ky = 0; ky < d.KH; ky++) {
              int64_t iy = oy * n.stride_h + ky * n.dilation_h - n.pad_top;
              for (int64_t kx = 0; kx < d.KW; kx++) {
                int64_t ix = ox * n.stride_w + kx * n.dilation_w - n.pad_left;
                float* dst = row + (ky * d.KW + kx) * d.cg;
                if (iy < 0 || iy >= d.H || ix < 0 || ix >= d.W) {
                  memset(dst, 0, size_t(d.cg) * sizeof(float));
                } else {
                  memcpy(dst, img + (iy * d.W + ix) * d.C + gr * d.cg, size_t(d.cg) * sizeof(float));
                }
              }
            }
          }
        }
        a = MatView{cols, d.kg, 1};
      }
      optimized::pack_a(a, P, d.kg, a_packed, c.threads);
      optimized::sgemm_packed(c.threads, P, d.mg, d.kg, a_packed, c.n.packed + gr * per_group, out + gr * d.mg, d.Cout,
                              epilogue(n, bias ? bias + gr * d.mg : nullptr));
    }
  }
}

// Depthwise (filter [1, KH, KW, Cout], output channel co reads input channel co / multiplier).
void run_depthwise(const OpContext& c) {
  ConvDims d = conv_dims(c.g, c.n);
  const Node& n = c.n;
  const float* w = reinterpret_cast<const float*>(c.in(1).constant);
  const float* bias = c.has_input(2) ? c.in_data<float>(2) : nullptr;
  int64_t mult = d.mg;
  for (int64_t b = 0; b < d.N; b++) {
    const float* img = c.in_data<float>(0) + b * d.H * d.W * d.C;
    for (int64_t oy = 0; oy < d.OH; oy++) {
      for (int64_t ox = 0; ox < d.OW; ox++) {
        float* dst = c.out_data<float>() + ((b * d.OH + oy) * d.OW + ox) * d.Cout;
        for (int64_t co = 0; co < d.Cout; co++) dst[co] = bias ? bias[co] : 0.0f;
        for (int64_t ky = 0; ky < d.KH; ky++) {
          int64_t iy = oy * n.stride_h + ky * n.dilation_h - n.pad_top;
          if (iy < 0 || iy >= d.H) continue;
          for (int64_t kx = 0; kx < d.KW; kx++) {
            int64_t ix = ox * n.stride_w + kx * n.dilation_w - n.pad_left;
            if (ix < 0 || ix >= d.W) continue;
            const float* src = img + (iy * d.W + ix) * d.C;
            const float* tap = w + (ky * d.KW + kx) * d.Cout;
            if (mult == 1) {
              for (int64_t co = 0; co < d.Cout; co++) dst[co] += src[co] * tap[co];
            } else {
              for (int64_t co = 0; co < d.Cout; co++) dst[co] += src[co / mult] * tap[co];
            }
          }
        }
      }
    }
  }
  clamp_output(n, c.out_data<float>(), c.out().numel);
}

void run_bmm(const OpContext& c) {
  const Value &a = c.in(0), &o = c.out();
  uint32_t r = a.rank;
  bool t = (c.n.flags & kBmmTransposeB) != 0;
  int64_t M = a.dims[r - 2], K = a.dims[r - 1], N = o.dims[r - 1];
  int64_t batches = (M * N) == 0 ? 0 : int64_t(o.numel) / (M * N);
  const float* pa = c.in_data<float>(0);
  const float* pb = c.in_data<float>(1);
  float* po = c.out_data<float>();
  for (int64_t bt = 0; bt < batches; bt++) {
    const float* A = pa + bt * M * K;
    const float* B = pb + bt * K * N;
    float* C = po + bt * M * N;
    for (int64_t i = 0; i < M; i++) {
      for (int64_t j = 0; j < N; j++) {
        float s = 0.0f;
        for (int64_t k = 0; k < K; k++) s += A[i * K + k] * (t ? B[j * K + k] : B[k * N + j]);
        C[i * N + j] = s;
      }
    }
  }
  clamp_output(c.n, po, o.numel);
}

// Transposed convolution (filter [Cout, KH, KW, Cin / groups]): every input
// pixel scatters into the outputs its taps reach; output (oy, ox) gets input
// (iy, ix) through tap (ky, kx) when oy = iy * stride + ky * dilation - pad_top.
void run_conv_transpose(const OpContext& c) {
  const Value &x = c.in(0), &o = c.out();
  const Node& n = c.n;
  int64_t N = x.dims[0], H = x.dims[1], W = x.dims[2], C = x.dims[3], OH = o.dims[1], OW = o.dims[2], Cout = o.dims[3];
  int64_t KH = n.kernel_h, KW = n.kernel_w, cg = n.group_in, mg = n.group_out;
  const float* w = reinterpret_cast<const float*>(c.in(1).constant);
  const float* bias = c.has_input(2) ? c.in_data<float>(2) : nullptr;
  const float* in = c.in_data<float>(0);
  float* out = c.out_data<float>();
  for (int64_t i = 0; i < N * OH * OW; i++) {
    for (int64_t co = 0; co < Cout; co++) out[i * Cout + co] = bias ? bias[co] : 0.0f;
  }
  for (int64_t b = 0; b < N; b++) {
    for (int64_t iy = 0; iy < H; iy++) {
      for (int64_t ix = 0; ix < W; ix++) {
        const float* src = in + ((b * H + iy) * W + ix) * C;
        for (int64_t ky = 0; ky < KH; ky++) {
          int64_t oy = iy * n.stride_h + ky * n.dilation_h - n.pad_top;
          if (oy < 0 || oy >= OH) continue;
          for (int64_t kx = 0; kx < KW; kx++) {
            int64_t ox = ix * n.stride_w + kx * n.dilation_w - n.pad_left;
            if (ox < 0 || ox >= OW) continue;
            float* dst = out + ((b * OH + oy) * OW + ox) * Cout;
            for (int64_t co = 0; co < Cout; co++) {
              const float* wr = w + ((co * KH + ky) * KW + kx) * cg;
              const float* xs = src + (co / mg) * cg;
              float s = 0.0f;
              for (int64_t ci = 0; ci < cg; ci++) s += xs[ci] * wr[ci];
              dst[co] += s;
            }
          }
        }
      }
    }
  }
  clamp_output(n, out, o.numel);
}

}  // namespace xnn
}  // namespace etb
