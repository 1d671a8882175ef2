// aten::convolution.out (optimized), float32 NCHW (and NCL):
// * depthwise (one input channel per group): a zero-padded copy of each
//   input plane and row kernels vectorized over the output width;
// * everything else as one SGEMM per image and group, out[Mg, P] =
//   W[Mg, Kg] x col[Kg, P], with the weights packed once at load (the A
//   operand) and the input either packed directly (1x1, stride 1, no
//   padding) or im2col'ed straight into the packed layout; bias is added in
//   the GEMM epilogue.
// Transposed convolutions, other dtypes and layouts report NotSupported so
// the runtime uses the portable kernel.
#include <string.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/conv_util.h"
#include "kernels/optimized/util/matmul.h"
#include "kernels/optimized/util/thread_pool.h"

namespace etb {
namespace optimized {
namespace {

struct ConvState {
  const float* w_packed = nullptr;  // GEMM path, constant weight: groups x packed_a_floats(mg, kg)
  const float* w_source = nullptr;
  float* scratch = nullptr;
  size_t scratch_floats = 0;
};

bool use_depthwise(const ConvGeom& g) { return g.depthwise() && g.KH * g.KW <= kMaxDepthwiseTaps; }

size_t scratch_need(const ConvGeom& g, int threads, bool w_prepacked) {
  if (use_depthwise(g)) return size_t(threads < 1 ? 1 : threads) * depthwise_plane_floats(g);
  const size_t w = w_prepacked ? 0 : size_t(g.groups) * packed_a_floats(g.mg(), g.kg());
  const size_t strips = g.pointwise() ? 0 : size_t(threads < 1 ? 1 : threads) * im2col_strip_floats(g);
  return w + packed_b_floats(g.kg(), g.P()) + strips;
}

void pack_weights(const ConvGeom& g, const float* w, float* dst, int threads) {
  const size_t per = packed_a_floats(g.mg(), g.kg());
  for (int64_t grp = 0; grp < g.groups; grp++) {
    pack_a(MatView{w + grp * g.mg() * g.kg(), g.kg(), 1}, g.mg(), g.kg(), dst + size_t(grp) * per, threads);
  }
}

// A fused activation's clamp (runtime/passes) over `n` outputs just written.
void clamp_outputs(float* y, int64_t n, float lo, float hi) {
  for (int64_t i = 0; i < n; i++) {
    float v = y[i] < lo ? lo : y[i];
    y[i] = v > hi ? hi : v;
  }
}

void run_depthwise(int threads, const ConvGeom& g, const float* x, const float* w, const float* bias, float* y,
                   float* scratch, float lo, float hi) {
  const int64_t mult = g.Cout / g.C, taps = g.KH * g.KW, plane = int64_t(depthwise_plane_floats(g));
  threads = threads_for(threads, double(g.N * g.Cout * g.P() * taps));
  memset(scratch, 0, size_t(threads) * size_t(plane) * sizeof(float));
  parallel_for(threads, g.N * g.C, [&](int64_t t, int worker) {
    const int64_t n = t / g.C, c = t % g.C;
    depthwise_channel(x + t * g.H * g.W, w + c * mult * taps, bias != nullptr ? bias + c * mult : nullptr,
                      y + (n * g.Cout + c * mult) * g.P(), g, scratch + worker * plane);
    // While this channel's planes are still in cache.
    if (lo != -__builtin_inff() || hi != __builtin_inff()) {
      clamp_outputs(y + (n * g.Cout + c * mult) * g.P(), mult * g.P(), lo, hi);
    }
  });
}

// `col` holds packed_b_floats(kg, P) and then the im2col strips.
void run_gemm(int threads, const ConvGeom& g, const float* x, const float* w_packed, const float* bias, float* y,
              float* col, float lo, float hi) {
  float* strips = col + packed_b_floats(g.kg(), g.P());
  const int64_t P = g.P(), hw = g.H * g.W;
  const size_t per = packed_a_floats(g.mg(), g.kg());
  for (int64_t n = 0; n < g.N; n++) {
    for (int64_t grp = 0; grp < g.groups; grp++) {
      const float* xg = x + (n * g.C + grp * g.cg()) * hw;
      if (g.pointwise()) {
        pack_b(MatView{xg, hw, 1}, g.cg(), P, col, threads);
      } else {
        im2col_packed(xg, g, col, strips, threads);
      }
      Epilogue ep;
      if (bias != nullptr) {
        ep.bias = bias + grp * g.mg();
        ep.beta = 1.0f;
        ep.bias_rs = 1;
      }
      ep.lo = lo;
      ep.hi = hi;
      sgemm_packed(threads, g.mg(), P, g.kg(), w_packed + size_t(grp) * per, col, y + (n * g.Cout + grp * g.mg()) * P,
                   P, ep);
    }
  }
}

}  // namespace

Error opt_convolution_out_prepare(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                                  Span<const int64_t> stride, Span<const int64_t> padding,
                                  Span<const int64_t> dilation, bool transposed, Span<const int64_t> output_padding,
                                  int64_t groups, Tensor& out) {
  ConvGeom g;
  if (!conv_geometry(input, weight, bias, stride, padding, dilation, transposed, groups, out, &g)) {
    return ctx.fail(Error::NotSupported, "handles float32 contiguous, non-transposed 1-D/2-D convolution only");
  }
  auto* st = static_cast<ConvState*>(ctx.allocate_persistent(sizeof(ConvState), alignof(ConvState)));
  if (st == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no memory for the kernel state");
  *st = ConvState{};
  if (!use_depthwise(g) && weight.is_constant && weight.data != nullptr) {
    const size_t floats = size_t(g.groups) * packed_a_floats(g.mg(), g.kg());
    auto* packed = static_cast<float*>(ctx.allocate_persistent(floats * sizeof(float), 64));
    if (packed == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no memory to pack the weights");
    pack_weights(g, weight.data_as<const float>(), packed, ctx.threads);
    st->w_packed = packed;
    st->w_source = weight.data_as<const float>();
  }
  st->scratch_floats = scratch_need(g, ctx.threads, st->w_packed != nullptr);
  st->scratch = static_cast<float*>(ctx.allocate_persistent(st->scratch_floats * sizeof(float), 64));
  if (st->scratch == nullptr && st->scratch_floats != 0) {
    return ctx.fail(Error::MemoryAllocationFailed, "no memory for convolution scratch");
  }
  ctx.state = st;
  return Error::Ok;
}

Error opt_convolution_out(KernelContext& ctx, const Tensor& input, const Tensor& weight, const Tensor* bias,
                          Span<const int64_t> stride, Span<const int64_t> padding, Span<const int64_t> dilation,
                          bool transposed, Span<const int64_t> output_padding, int64_t groups, Tensor& out) {
  ConvGeom g;
  if (!conv_geometry(input, weight, bias, stride, padding, dilation, transposed, groups, out, &g)) {
    return ctx.fail(Error::InvalidArgument, "shapes changed since load");
  }
  int32_t sizes[4] = {int32_t(g.N), int32_t(g.Cout), int32_t(g.OH), int32_t(g.OW)};
  if (input.dim == 3) sizes[2] = int32_t(g.OW);
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, sizes, input.dim));
  auto* st = static_cast<ConvState*>(ctx.state);
  const bool prepacked = st != nullptr && st->w_packed != nullptr && st->w_source == weight.data_as<const float>();
  const size_t need = scratch_need(g, ctx.threads, prepacked);
  float* scratch = st != nullptr && need <= st->scratch_floats ? st->scratch : nullptr;
  if (scratch == nullptr && need != 0) scratch = static_cast<float*>(ctx.allocate_temp(need * sizeof(float), 64));
  if (scratch == nullptr && need != 0) {
    return ctx.fail(Error::MemoryAllocationFailed, "no scratch for convolution (%zu bytes)", need * sizeof(float));
  }
  const float* x = input.data_as<const float>();
  const float* b = bias != nullptr ? bias->data_as<const float>() : nullptr;
  float* y = out.data_as<float>();
  if (use_depthwise(g)) {
    run_depthwise(ctx.threads, g, x, weight.data_as<const float>(), b, y, scratch, ctx.out_lo, ctx.out_hi);
    return Error::Ok;
  }
  const float* w_packed = st != nullptr && prepacked ? st->w_packed : scratch;
  float* col = scratch;
  if (!prepacked) {
    pack_weights(g, weight.data_as<const float>(), scratch, ctx.threads);
    col = scratch + size_t(g.groups) * packed_a_floats(g.mg(), g.kg());
  }
  run_gemm(ctx.threads, g, x, w_packed, b, y, col, ctx.out_lo, ctx.out_hi);
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
