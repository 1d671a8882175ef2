// aten::convolution.out (optimized), float32 NCHW (and NCL):
// * depthwise (one input channel per group): 3x3 and 5x5 with stride 1 or
//   2 and dilation 1 by specialized kernels (weights in registers, several
//   output rows per pass, bias and the fused clamp before the store; on
//   AVX-512 straight from the input with masked loads, on AVX2/NEON from a
//   zero-padded plane), other shapes by a zero-padded copy of each input
//   plane and row kernels vectorized over the output width;
// * at most 4 output pixels (groups 1): the transposed product on the
//   small-M kernel, see conv_util_small_p.cpp;
// * groups 1, at most 160 taps per output (image stems), on AVX-512: 8
//   channels x 48 pixels of a row per tile, pixels in the lanes, from a
//   bordered, even/odd-split copy of the image (conv_lanes.cpp);
// * groups 1, at least 64 output channels, on AVX-512: k x k (and 1x1 on
//   maps of at most 64 pixels) by the direct kernel, no im2col: tiles of 6
//   pixels x 64 channels summed straight from a zero-bordered copy of the
//   image (conv_direct.cpp);
// * 1x1, stride 1, no padding, groups 1, on AVX-512: the SGEMM reads the
//   input planes in place as its B rows, no packing (conv_rows.cpp);
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
#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/matmul.h"
#include "kernels/optimized/util/thread_pool.h"

namespace etb {
namespace optimized {
namespace {

struct ConvState {
  // GEMM path, constant weight: groups x packed_a_floats(mg, kg), or for the
  // small-P path W^T as a B operand, packed_b_floats(kg, Cout).
  const float* w_packed = nullptr;
  const float* w_source = nullptr;
  float* scratch = nullptr;
  size_t scratch_floats = 0;
  // The flat depthwise kernel's plans without and with a clamp, for the
  // geometry at load (its masks cost more to build than a 25x5 layer's FMAs).
  DwFlatPlan* flat = nullptr;
  ConvGeom flat_geom{};
};

bool use_depthwise(const ConvGeom& g) { return g.depthwise() && g.KH * g.KW <= kMaxDepthwiseTaps; }

// The GEMM's B operand (im2col, or the input itself for 1x1) is produced
// and consumed in column chunks of `width` output pixels, small enough
// (kChunkBytes) to stay in L2 between being written and being read, when
// the weights (re-read per chunk) are small enough to stay there too.
// Otherwise (small P, large weights: ResNet's last stages) one chunk.
constexpr double kChunkBytes = 512.0 * 1024, kMaxChunkedWeightBytes = 1024.0 * 1024;

struct ColPlan {
  int64_t width;   // pixels per chunk (the last may be narrower)
  int64_t chunks;  // ceil(P / width)
  int workers;     // chunks in flight at once, each with its own buffer and one thread
};

ColPlan col_plan(const ConvGeom& g, int threads) {
  const int64_t P = g.P(), K = g.kg();
  const double b_bytes = 4.0 * double(K) * double(P), a_bytes = 4.0 * double(g.mg()) * double(K);
  int64_t width = P;
  if (b_bytes > kChunkBytes && a_bytes <= kMaxChunkedWeightBytes) {
    width = int64_t(kChunkBytes / (4.0 * double(K))) / (2 * kNR) * (2 * kNR);
    if (width < 4 * kNR) width = 4 * kNR;
    if (width > P) width = P;
  }
  const int64_t chunks = (P + width - 1) / width;
  // Several chunks per thread: each thread runs whole chunks (im2col and
  // GEMM) alone; otherwise the chunks run one after another, each on all.
  const int workers = threads > 1 && chunks >= 2 * threads ? threads : 1;
  return {width, chunks, workers};
}

// Which of the paths in the header comment runs `g`, in order of preference
// (the same answer at load and at run, so the weights packed at load fit).
enum class Path { Depthwise, SmallP, Lanes, Direct, Rows, Gemm };

Path path_of(const ConvGeom& g) {
  if (use_depthwise(g)) return Path::Depthwise;
  if (conv_small_p(g)) return Path::SmallP;
  if (conv_lanes_ok(g)) return Path::Lanes;
  if (conv_direct_ok(g)) return Path::Direct;
  if (conv_rows_ok(g)) return Path::Rows;
  return Path::Gemm;
}

size_t packed_weight_floats(const ConvGeom& g) {
  switch (path_of(g)) {
    case Path::SmallP:
      return packed_b_floats(g.kg(), g.Cout);
    case Path::Lanes:
      return conv_lanes_weight_floats(g);
    case Path::Direct:
      return conv_direct_weight_floats(g);
    default:
      return size_t(g.groups) * packed_a_floats(g.mg(), g.kg());
  }
}

size_t scratch_need(const ConvGeom& g, int threads, bool w_prepacked) {
  if (threads < 1) threads = 1;
  const size_t w = w_prepacked ? 0 : packed_weight_floats(g);
  switch (path_of(g)) {
    case Path::Depthwise:
      return size_t(threads) * depthwise_plane_floats(g);
    case Path::SmallP:
      return w + conv_small_p_scratch_floats(g);
    case Path::Lanes:
      return w + conv_lanes_scratch_floats(g);
    case Path::Direct:
      return w + conv_direct_scratch_floats(g, threads);
    case Path::Rows:
      return w + conv_rows_scratch_floats(g);
    case Path::Gemm:
      break;
  }
  const ColPlan cp = col_plan(g, threads);
  const size_t rows = g.pointwise() ? 0 : size_t(threads) * size_t(cp.width);
  return w + size_t(cp.workers) * packed_b_floats(g.kg(), cp.width) + rows;
}

void pack_weights(const ConvGeom& g, const float* w, float* dst, int threads) {
  switch (path_of(g)) {
    case Path::SmallP:
      return conv_small_p_pack_weights(g, w, dst, threads);
    case Path::Lanes:
      return conv_lanes_pack_weights(g, w, dst, threads);
    case Path::Direct:
      return conv_direct_pack_weights(g, w, dst, threads);
    default:
      break;
  }
  const size_t per = packed_a_floats(g.mg(), g.kg());
  for (int64_t grp = 0; grp < g.groups; grp++) {
    pack_a(MatView{w + grp * g.mg() * g.kg(), g.kg(), 1}, g.mg(), g.kg(), dst + size_t(grp) * per, threads);
  }
}

// `st`'s flat plan when it was made for this geometry and instruction set.
const DwFlatPlan* prepared_flat(const ConvState* st, const ConvGeom& g, bool clamp) {
  if (st == nullptr || st->flat == nullptr || active_isa() != Isa::Avx512) return nullptr;
  if (memcmp(&st->flat_geom, &g, sizeof(g)) != 0) return nullptr;
  return &st->flat[clamp ? 1 : 0];
}

void run_depthwise(int threads, const ConvGeom& g, const float* x, const float* w, const float* bias, float* y,
                   float* scratch, float lo, float hi, const ConvState* st) {
  const int64_t mult = g.Cout / g.C, taps = g.KH * g.KW, plane = int64_t(depthwise_plane_floats(g));
  threads = threads_for(threads, double(g.N * g.Cout * g.P() * taps));
  // The flat kernel's masks depend on the geometry alone: made at load, or here.
  const bool clamp = lo != -__builtin_inff() || hi != __builtin_inff();
  DwFlatPlan flat_plan;
  const DwFlatPlan* flat = prepared_flat(st, g, clamp);
  if (flat == nullptr && depthwise_flat_plan(g, clamp, &flat_plan)) flat = &flat_plan;
  if (flat == nullptr && !depthwise_direct(g)) memset(scratch, 0, size_t(threads) * size_t(plane) * sizeof(float));
  parallel_for(threads, g.N * g.C, [&](int64_t t, int worker) {
    const int64_t n = t / g.C, c = t % g.C;
    depthwise_channel(x + t * g.H * g.W, w + c * mult * taps, bias != nullptr ? bias + c * mult : nullptr,
                      y + (n * g.Cout + c * mult) * g.P(), g, scratch + worker * plane, lo, hi, flat);
  });
}

// Output pixels [p0, p1) of image `n`, group `grp`: B chunk into `col`, then
// the GEMM into those columns of the output (row stride P).
void gemm_chunk(int threads, const ConvGeom& g, const float* xg, const float* w_packed, const float* bias, float* yg,
                int64_t p0, int64_t p1, float* col, float* rows, float lo, float hi) {
  const int64_t K = g.kg(), width = p1 - p0;
  if (g.pointwise()) {
    pack_b(MatView{xg + p0, g.H * g.W, 1}, K, width, col, threads);
  } else {
    // Strips of 16 rows per task (one row buffer per worker).
    threads = threads_for(threads, double(K) * double(width));
    parallel_for(threads, (K + 15) / 16, [&](int64_t task, int worker) {
      const int64_t k0 = task * 16, k1 = k0 + 16 < K ? k0 + 16 : K;
      im2col_packed_cols(xg, g, k0, k1, p0, p1, col, rows + worker * width);
    });
  }
  Epilogue ep;
  if (bias != nullptr) {
    ep.bias = bias;
    ep.beta = 1.0f;
    ep.bias_rs = 1;
  }
  ep.lo = lo;  // a fused activation's clamp (runtime/passes)
  ep.hi = hi;
  sgemm_packed(threads, g.mg(), width, K, w_packed, col, yg + p0, g.P(), ep);
}

// `col` holds the workers' B chunk buffers and then their im2col row buffers.
void run_gemm(int threads, const ConvGeom& g, const float* x, const float* w_packed, const float* bias, float* y,
              float* col, float lo, float hi) {
  const ColPlan cp = col_plan(g, threads);
  const int64_t P = g.P(), hw = g.H * g.W;
  const size_t per = packed_a_floats(g.mg(), g.kg()), chunk_floats = packed_b_floats(g.kg(), cp.width);
  float* rows = col + size_t(cp.workers) * chunk_floats;
  for (int64_t n = 0; n < g.N; n++) {
    for (int64_t grp = 0; grp < g.groups; grp++) {
      const float* xg = x + (n * g.C + grp * g.cg()) * hw;
      const float* wg = w_packed + size_t(grp) * per;
      const float* bg = bias != nullptr ? bias + grp * g.mg() : nullptr;
      float* yg = y + (n * g.Cout + grp * g.mg()) * P;
      auto chunk = [&](int64_t c, int worker, int inner) {
        const int64_t p0 = c * cp.width, p1 = p0 + cp.width < P ? p0 + cp.width : P;
        gemm_chunk(inner, g, xg, wg, bg, yg, p0, p1, col + size_t(worker) * chunk_floats,
                   rows + size_t(worker) * size_t(cp.width), lo, hi);
      };
      if (cp.workers > 1) {
        parallel_for(cp.workers, cp.chunks, [&](int64_t c, int worker) { chunk(c, worker, 1); });
      } else {
        for (int64_t c = 0; c < cp.chunks; c++) chunk(c, 0, threads);
      }
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
  if (path_of(g) != Path::Depthwise && weight.is_constant && weight.data != nullptr) {
    const size_t floats = packed_weight_floats(g);
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
  DwFlatPlan plans[2];
  if (path_of(g) == Path::Depthwise && depthwise_flat_plan(g, false, &plans[0]) &&
      depthwise_flat_plan(g, true, &plans[1])) {
    st->flat = static_cast<DwFlatPlan*>(ctx.allocate_persistent(sizeof(plans), alignof(DwFlatPlan)));
    if (st->flat == nullptr) return ctx.fail(Error::MemoryAllocationFailed, "no memory for the depthwise plan");
    memcpy(st->flat, plans, sizeof(plans));
    st->flat_geom = g;
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
  const Path path = path_of(g);
  if (path == Path::Depthwise) {
    run_depthwise(ctx.threads, g, x, weight.data_as<const float>(), b, y, scratch, ctx.out_lo, ctx.out_hi, st);
    return Error::Ok;
  }
  const float* w_packed = st != nullptr && prepacked ? st->w_packed : scratch;
  float* col = scratch;
  if (!prepacked) {
    pack_weights(g, weight.data_as<const float>(), scratch, ctx.threads);
    col = scratch + packed_weight_floats(g);
  }
  switch (path) {
    case Path::SmallP:
      conv_small_p_run(ctx.threads, g, x, w_packed, b, y, col, ctx.out_lo, ctx.out_hi);
      break;
    case Path::Lanes:
      conv_lanes_run(ctx.threads, g, x, w_packed, b, y, col, ctx.out_lo, ctx.out_hi);
      break;
    case Path::Direct:
      conv_direct_run(ctx.threads, g, x, w_packed, b, y, col, ctx.out_lo, ctx.out_hi);
      break;
    case Path::Rows:
      conv_rows_run(ctx.threads, g, x, w_packed, b, y, col, ctx.out_lo, ctx.out_hi);
      break;
    default:
      run_gemm(ctx.threads, g, x, w_packed, b, y, col, ctx.out_lo, ctx.out_hi);
      break;
  }
  return Error::Ok;
}

}  // namespace optimized
}  // namespace etb
