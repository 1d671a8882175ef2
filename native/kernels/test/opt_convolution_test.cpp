// Optimized float32 convolution (GEMM with im2col or direct packing, and the
// depthwise path) against a direct double reference: 1x1, KxK, stride,
// padding, dilation, groups, depthwise with multipliers, 1-D, bias, batches,
// odd sizes; every instruction set this CPU has; threads 1 and 2 give the
// same bits. Unsupported variants report NotSupported (portable runs them).
#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/conv_util.h"
#include "kernels/test/opt_test_util.h"
#include "testing/minitest.h"

#include <math.h>

#include <cmath>

using namespace etb;
using namespace etb::opttest;
using optimized::Isa;

namespace {

struct Conv {
  int64_t N, C, H, W, Cout, KH, KW, sh, sw, ph, pw, dh, dw, groups;
  bool bias;
  bool one_d = false;
  // A fused activation's clamp (ctx.out_lo / out_hi), and NaN / inf inputs.
  float lo = -INFINITY, hi = INFINITY;
  bool nonfinite = false;
  int64_t OH() const { return (H + 2 * ph - dh * (KH - 1) - 1) / sh + 1; }
  int64_t OW() const { return (W + 2 * pw - dw * (KW - 1) - 1) / sw + 1; }
};

std::vector<double> ref_conv(const Conv& c, const float* x, const float* w, const float* b) {
  const int64_t OH = c.OH(), OW = c.OW(), cg = c.C / c.groups, mg = c.Cout / c.groups;
  std::vector<double> y(size_t(c.N * c.Cout * OH * OW));
  for (int64_t n = 0; n < c.N; n++)
    for (int64_t co = 0; co < c.Cout; co++)
      for (int64_t oh = 0; oh < OH; oh++)
        for (int64_t ow = 0; ow < OW; ow++) {
          double s = b != nullptr ? double(b[co]) : 0.0;
          const int64_t g = co / mg;
          for (int64_t ci = 0; ci < cg; ci++)
            for (int64_t kh = 0; kh < c.KH; kh++)
              for (int64_t kw = 0; kw < c.KW; kw++) {
                const int64_t ih = oh * c.sh - c.ph + kh * c.dh, iw = ow * c.sw - c.pw + kw * c.dw;
                if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) continue;
                s += double(x[((n * c.C + g * cg + ci) * c.H + ih) * c.W + iw]) *
                     double(w[((co * cg + ci) * c.KH + kh) * c.KW + kw]);
              }
          y[size_t(((n * c.Cout + co) * OH + oh) * OW + ow)] = s;
        }
  return y;
}

std::vector<int64_t> dims(const Conv& c, int64_t a, int64_t b, int64_t h, int64_t w) {
  return c.one_d ? std::vector<int64_t>{a, b, w} : std::vector<int64_t>{a, b, h, w};
}

// close() where `want` is finite; NaN where it is NaN, the same infinity where it is one.
bool close_or_nan(const float* got, const std::vector<double>& want, double depth, const char* what) {
  std::vector<double> finite(want);
  std::vector<float> g(got, got + want.size());
  for (size_t i = 0; i < want.size(); i++) {
    if (std::isfinite(want[i])) continue;
    const bool ok = std::isnan(want[i]) ? std::isnan(g[i]) : double(g[i]) == want[i];
    if (!ok) {
      printf("  %s: element %zu is %.9g, want %.9g\n", what, i, double(g[i]), want[i]);
      return false;
    }
    finite[i] = 0.0, g[i] = 0.0f;
  }
  return close(g.data(), finite, depth, what);
}

// Runs the kernel with `threads`; returns false (and reports) on a kernel error.
bool run(const Conv& c, OwnedTensor& x, OwnedTensor& w, OwnedTensor* b, OwnedTensor& y, int threads,
         bool weight_constant) {
  const int64_t st[2] = {c.sh, c.sw}, pd[2] = {c.ph, c.pw}, dl[2] = {c.dh, c.dw}, op[2] = {0, 0};
  const size_t n = c.one_d ? 1 : 2, o = c.one_d ? 1 : 0;
  Span<const int64_t> s(st + o, n), p(pd + o, n), d(dl + o, n), opad(op, n);
  w.t.is_constant = weight_constant;
  Ctx ctx(threads);
  ctx.ctx.out_lo = c.lo;
  ctx.ctx.out_hi = c.hi;
  const Tensor* bt = b != nullptr ? &b->t : nullptr;
  Error e = optimized::opt_convolution_out_prepare(ctx.ctx, x.t, w.t, bt, s, p, d, false, opad, c.groups, y.t);
  if (e == Error::Ok) e = optimized::opt_convolution_out(ctx.ctx, x.t, w.t, bt, s, p, d, false, opad, c.groups, y.t);
  if (e != Error::Ok) printf("  kernel error %s: %s\n", error_name(e), ctx.diag.message);
  return e == Error::Ok;
}

void check(const Conv& c, const char* name) {
  OwnedTensor x(dims(c, c.N, c.C, c.H, c.W)), w(dims(c, c.Cout, c.C / c.groups, c.KH, c.KW)), b({c.Cout});
  OwnedTensor y1(dims(c, c.N, c.Cout, c.OH(), c.OW())), y2(dims(c, c.N, c.Cout, c.OH(), c.OW()));
  x.random(uint32_t(c.C * 31 + c.H));
  w.random(uint32_t(c.Cout * 17 + c.KW));
  b.random(3);
  if (c.nonfinite) {
    // A NaN, +inf and -inf early in the first plane and one in the middle of the last.
    x.f()[0] = NAN;
    x.f()[size_t(c.W + 1) < x.n() ? size_t(c.W + 1) : 0] = INFINITY;
    x.f()[x.n() / 2] = -INFINITY;
    x.f()[x.n() - 1] = NAN;
  }
  OwnedTensor* bias = c.bias ? &b : nullptr;
  std::vector<double> want = ref_conv(c, x.f(), w.f(), c.bias ? b.f() : nullptr);
  for (double& v : want) {
    if (v < c.lo) v = c.lo;  // NaN stays NaN
    if (v > c.hi) v = c.hi;
  }
  const double depth = double(c.C / c.groups * c.KH * c.KW);
  for_each_isa([&](Isa isa) {
    for (bool constant : {true, false}) {
      char what[128];
      snprintf(what, sizeof(what), "%s (%s, %s weights)", name, optimized::isa_name(isa), constant ? "constant" : "runtime");
      // Poisoned first, so an output the kernel leaves unwritten cannot keep an earlier run's value.
      for (size_t i = 0; i < y1.n(); i++) y1.f()[i] = y2.f()[i] = NAN;
      if (!run(c, x, w, bias, y1, 1, constant) || !run(c, x, w, bias, y2, 2, constant)) {
        printf("  in %s\n", what);
        EXPECT_TRUE(false);
        return;
      }
      EXPECT_TRUE(close_or_nan(y1.f(), want, depth, what));
      if (!same_bits(y1.f(), y2.f(), y1.n())) {
        printf("  %s: threads 1 and 2 differ\n", what);
        EXPECT_TRUE(false);
      }
    }
  });
}

}  // namespace

TEST(OptConvolution, PointwiseIsAGemm) {
  check({1, 16, 5, 5, 17, 1, 1, 1, 1, 0, 0, 1, 1, 1, true}, "1x1 16->17 5x5");
  check({2, 5, 15, 16, 100, 1, 1, 1, 1, 0, 0, 1, 1, 1, false}, "1x1 5->100 15x16 batch 2");
  check({1, 8, 9, 9, 16, 1, 1, 2, 2, 0, 0, 1, 1, 1, true}, "1x1 stride 2");
}

// On AVX-512, 1x1 convolutions read the input in place (conv_rows.cpp); the
// AVX2 path packs it. Same sums in the same order: the same bits, for tile
// edges (P not a multiple of 32, Cout not of 12), several K blocks and the bias.
TEST(OptConvolution, PointwiseInPlaceMatchesPackedBitForBit) {
  if (!optimized::isa_supported(Isa::Avx512)) {
    printf("  note: no AVX-512 on this CPU; the in-place 1x1 path is not tested here\n");
    return;
  }
  const Conv cases[] = {{1, 300, 7, 9, 25, 1, 1, 1, 1, 0, 0, 1, 1, 1, true},
                        {2, 16, 11, 13, 40, 1, 1, 1, 1, 0, 0, 1, 1, 1, true},
                        {1, 24, 56, 56, 144, 1, 1, 1, 1, 0, 0, 1, 1, 1, false}};
  for (const Conv& c : cases) {
    OwnedTensor x(dims(c, c.N, c.C, c.H, c.W)), w(dims(c, c.Cout, c.C, 1, 1)), b({c.Cout});
    OwnedTensor y512(dims(c, c.N, c.Cout, c.OH(), c.OW())), y2(dims(c, c.N, c.Cout, c.OH(), c.OW()));
    x.random(uint32_t(c.C + 5));
    w.random(uint32_t(c.Cout + 7));
    b.random(9);
    OwnedTensor* bias = c.bias ? &b : nullptr;
    optimized::set_isa_override(Isa::Avx512);
    EXPECT_TRUE(optimized::conv_rows_ok(optimized::ConvGeom{c.N, c.C, c.H, c.W, c.Cout, 1, 1, c.H, c.W, 1, 1, 0, 0, 1,
                                                            1, 1}));
    EXPECT_TRUE(run(c, x, w, bias, y512, 1, true));
    optimized::set_isa_override(Isa::Avx2Fma);
    EXPECT_TRUE(run(c, x, w, bias, y2, 1, true));
    optimized::clear_isa_override();
    if (!same_bits(y512.f(), y2.f(), y2.n())) {
      printf("  1x1 %lld->%lld over %lldx%lld: in-place AVX-512 and packed AVX2 differ\n", (long long)c.C,
             (long long)c.Cout, (long long)c.H, (long long)c.W);
      EXPECT_TRUE(false);
    }
  }
}

// Runs each case on AVX-512, where `takes` must say the path under test runs
// it, and on AVX2 (im2col + SGEMM): the same sums in the same order, so the
// same bits, at 1 and 2 threads; then check() against the reference.
// Without AVX-512 it says so and tests nothing (CI's machines have it).
void expect_same_bits_as_gemm(const Conv* cases, size_t n, bool (*takes)(const optimized::ConvGeom&),
                              const char* path) {
  if (!optimized::isa_supported(Isa::Avx512)) {
    printf("  note: no AVX-512 on this CPU; the %s convolution is not tested here\n", path);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    const Conv& c = cases[i];
    const optimized::ConvGeom g{c.N, c.C, c.H, c.W, c.Cout, c.KH, c.KW, c.OH(), c.OW(), c.sh, c.sw, c.ph, c.pw,
                                c.dh, c.dw, c.groups};
    OwnedTensor x(dims(c, c.N, c.C, c.H, c.W)), w(dims(c, c.Cout, c.C, c.KH, c.KW)), b({c.Cout});
    OwnedTensor y512(dims(c, c.N, c.Cout, c.OH(), c.OW())), y2(dims(c, c.N, c.Cout, c.OH(), c.OW()));
    x.random(uint32_t(c.C + 11));
    w.random(uint32_t(c.Cout + 13));
    b.random(17);
    if (c.nonfinite) x.f()[0] = NAN, x.f()[x.n() / 2] = INFINITY;
    OwnedTensor* bias = c.bias ? &b : nullptr;
    for (int threads : {1, 2}) {
      for (size_t j = 0; j < y512.n(); j++) y512.f()[j] = y2.f()[j] = NAN;
      optimized::set_isa_override(Isa::Avx512);
      EXPECT_TRUE(takes(g));
      EXPECT_TRUE(run(c, x, w, bias, y512, threads, threads == 1));
      optimized::set_isa_override(Isa::Avx2Fma);
      EXPECT_FALSE(takes(g));
      EXPECT_TRUE(run(c, x, w, bias, y2, 1, true));
      optimized::clear_isa_override();
      if (!same_bits(y512.f(), y2.f(), y2.n())) {
        printf("  case %zu (%lldx%lld %lld->%lld over %lldx%lld), %d threads: %s AVX-512 and im2col AVX2 differ\n", i,
               (long long)c.KH, (long long)c.KW, (long long)c.C, (long long)c.Cout, (long long)c.H, (long long)c.W,
               threads, path);
        EXPECT_TRUE(false);
      }
    }
    check(c, path);
  }
}

// On AVX-512, k x k convolutions with at least 64 output channels run the
// direct kernel (conv_direct.cpp). The cases cross its edges: channel blocks
// of 64 + 32 and 64 + 2, K past its 256-step blocks, chunks of 96 pixels
// ending in a partial 6-pixel tile (P = 100: a 4-pixel last chunk), strides,
// dilation, unequal padding, the clamp and non-finite inputs, batches, and
// the 1x1 layers on small maps (and projections on 14x14 ones) it takes
// from the in-place GEMM. Maps of 14, 21, 49 and 91 pixels take 7 x 48
// tiles (blocks of 48 + 16, 48 + 48 + 4, 48 x 3 + 6).
TEST(OptConvolution, DirectMatchesGemmBitForBit) {
  Conv cases[] = {{1, 16, 10, 10, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, true},     // P = 100
                  {2, 20, 9, 11, 96, 3, 3, 2, 1, 1, 0, 1, 1, 1, false},    // 64 + 32 channels, batch 2
                  {1, 3, 23, 21, 130, 7, 7, 2, 2, 3, 3, 1, 1, 1, true},    // stem-like, 64 + 64 + 2
                  {1, 40, 8, 8, 64, 3, 3, 1, 1, 2, 2, 2, 2, 1, true},      // dilation 2, K 360
                  {1, 16, 13, 13, 64, 1, 1, 2, 2, 0, 0, 1, 1, 1, true},    // 1x1 stride 2
                  {1, 300, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, true},     // K 2700, P = 49
                  {1, 320, 7, 7, 100, 1, 1, 1, 1, 0, 0, 1, 1, 1, true},    // 1x1 on a 7x7 map, 64 + 36
                  {1, 70, 8, 8, 64, 1, 1, 1, 1, 0, 0, 1, 1, 1, false},     // 1x1, P = 64 (the limit)
                  {2, 24, 2, 7, 96, 1, 1, 1, 1, 0, 0, 1, 1, 1, true},      // 7 x 48: P = 14, batch 2
                  {1, 10, 3, 7, 150, 3, 3, 1, 1, 1, 1, 1, 1, 1, true},     // 7 x 48: P = 21, 48 x 3 + 6
                  {1, 12, 7, 13, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, false},    // 7 x 48: P = 91, 13 tiles
                  {1, 288, 14, 14, 72, 1, 1, 1, 1, 0, 0, 1, 1, 1, true}};  // 1x1 projection, P = 196: 3 chunks
  cases[0].lo = -0.5f, cases[0].hi = 0.75f;
  cases[3].nonfinite = true;
  cases[9].lo = 0.0f, cases[9].hi = 6.0f, cases[9].nonfinite = true;
  expect_same_bits_as_gemm(cases, sizeof(cases) / sizeof(cases[0]), optimized::conv_direct_ok, "direct");
}

// On AVX-512, layers with at most 64 taps per output (image stems) run with
// pixels in the lanes (conv_lanes.cpp). The cases cross its edges: rows of
// 16, 17, 47, 48 and 49 pixels (whole and masked vectors, 1-3 per tile),
// channel counts not a multiple of 8, strides 1 and 2 with even and odd
// padding and input widths, dilation, the clamp, non-finite inputs, batches.
TEST(OptConvolution, LanesMatchesGemmBitForBit) {
  Conv cases[] = {{1, 3, 35, 33, 32, 3, 3, 2, 2, 1, 1, 1, 1, 1, true},     // MobileNet stem: OW 17
                  {2, 3, 20, 96, 13, 3, 3, 1, 2, 0, 1, 1, 1, 1, false},    // OW 48, 13 channels, batch 2
                  {1, 2, 9, 49, 16, 3, 5, 1, 1, 1, 2, 1, 1, 1, true},      // stride 1, OW 49
                  {1, 4, 11, 52, 9, 2, 3, 2, 2, 2, 2, 2, 2, 1, true},      // dilation 2, even padding: OW 26
                  {1, 1, 6, 47, 40, 4, 4, 1, 1, 0, 0, 1, 1, 1, true},      // OW 44, one input channel
                  {1, 3, 8, 18, 8, 3, 3, 1, 1, 0, 0, 1, 1, 1, true},       // OW 16 exactly
                  {1, 3, 30, 37, 64, 7, 7, 2, 2, 3, 3, 1, 1, 1, true}};    // ResNet stem: Kg 147, OW 19
  cases[0].lo = 0.0f, cases[0].hi = 6.0f;
  cases[2].nonfinite = true;
  expect_same_bits_as_gemm(cases, sizeof(cases) / sizeof(cases[0]), optimized::conv_lanes_ok, "lanes");
}

// The direct and lanes kernels copy the whole bordered image into their
// scratch; past 2^23 floats (32 MiB) the GEMM path, whose im2col chunks stay
// small, takes the layer instead of a huge scratch the method allocator may
// not have.
TEST(OptConvolution, HugeImagesStayOnTheGemm) {
  if (!optimized::isa_supported(Isa::Avx512)) {
    printf("  note: no AVX-512 on this CPU; the direct and lanes paths are not tested here\n");
    return;
  }
  optimized::set_isa_override(Isa::Avx512);
  // 64 x 514 x 514 bordered floats (16.9 M) against 64 x 258 x 258 (4.3 M).
  using G = optimized::ConvGeom;
  EXPECT_FALSE(optimized::conv_direct_ok(G{1, 64, 512, 512, 64, 3, 3, 512, 512, 1, 1, 1, 1, 1, 1, 1}));
  EXPECT_TRUE(optimized::conv_direct_ok(G{1, 64, 256, 256, 64, 3, 3, 256, 256, 1, 1, 1, 1, 1, 1, 1}));
  // A 3 x 2048 x 2048 stem (12.6 M) against 3 x 1024 x 1024 (3.2 M).
  EXPECT_FALSE(optimized::conv_lanes_ok(G{1, 3, 2048, 2048, 32, 3, 3, 1024, 1024, 2, 2, 1, 1, 1, 1, 1}));
  EXPECT_TRUE(optimized::conv_lanes_ok(G{1, 3, 1024, 1024, 32, 3, 3, 512, 512, 2, 2, 1, 1, 1, 1, 1}));
  optimized::clear_isa_override();
}

TEST(OptConvolution, GeneralKxK) {
  check({1, 3, 17, 17, 16, 3, 3, 1, 1, 1, 1, 1, 1, 1, true}, "3x3 pad 1");
  check({2, 5, 16, 15, 15, 3, 3, 2, 2, 1, 1, 1, 1, 1, true}, "3x3 stride 2 batch 2");
  check({1, 4, 15, 15, 5, 5, 5, 1, 1, 2, 2, 1, 1, 1, false}, "5x5 pad 2");
  check({1, 3, 16, 16, 8, 3, 3, 1, 1, 2, 2, 2, 2, 1, true}, "3x3 dilation 2");
  check({1, 3, 17, 16, 7, 7, 7, 2, 2, 3, 3, 1, 1, 1, true}, "7x7 stride 2 (ResNet stem)");
  check({1, 2, 1, 1, 3, 1, 1, 1, 1, 0, 0, 1, 1, 1, true}, "1x1 image");
  check({1, 3, 5, 7, 2, 3, 2, 1, 2, 0, 1, 1, 1, 1, true}, "rectangular kernel and strides");
  check({1, 70, 6, 6, 9, 3, 3, 1, 1, 1, 1, 1, 1, 1, true}, "depth 630 crosses K blocks");
}

TEST(OptConvolution, Groups) {
  check({1, 8, 9, 9, 12, 3, 3, 1, 1, 1, 1, 1, 1, 2, true}, "groups 2");
  check({2, 16, 7, 7, 16, 1, 1, 1, 1, 0, 0, 1, 1, 4, false}, "1x1 groups 4");
}

TEST(OptConvolution, Depthwise) {
  check({1, 16, 17, 17, 16, 3, 3, 1, 1, 1, 1, 1, 1, 16, true}, "dw 3x3");
  check({2, 5, 15, 15, 5, 3, 3, 2, 2, 1, 1, 1, 1, 5, true}, "dw 3x3 stride 2 batch 2");
  check({1, 4, 16, 33, 4, 5, 5, 1, 1, 2, 2, 1, 1, 4, false}, "dw 5x5");
  check({1, 3, 16, 16, 6, 3, 3, 1, 1, 2, 2, 2, 2, 3, true}, "dw multiplier 2 dilation 2");
  check({1, 4, 5, 100, 4, 3, 3, 2, 3, 0, 1, 1, 1, 4, true}, "dw strides 2x3 no row padding");
}

// The specialized depthwise kernels (3x3 and 5x5, stride 1 and 2, dilation
// 1: row blocks with the weights in registers, bias and clamp before the
// store) at the edges of their geometry: odd widths and heights (vector
// tails, partial row blocks), planes narrower than a vector and 1 wide,
// padding 0, 1 and 2, multipliers, fused clamps, NaN and inf inputs.
Conv dw(int64_t C, int64_t H, int64_t W, int64_t K, int64_t S, int64_t P, int64_t mult = 1, bool bias = true) {
  return Conv{1, C, H, W, C * mult, K, K, S, S, P, P, 1, 1, C, bias};
}

TEST(OptConvolution, DepthwiseSpecialized) {
  check(dw(3, 56, 56, 3, 1, 1), "dw 3x3 @56 (MobileNetV2)");
  check(dw(2, 112, 112, 3, 2, 1), "dw 3x3/2 @112 (MobileNetV2)");
  check(dw(3, 28, 29, 3, 1, 1, 1, false), "dw 3x3 28x29");
  check(dw(3, 29, 37, 3, 2, 1), "dw 3x3/2 29x37");
  check(dw(4, 7, 7, 3, 1, 1), "dw 3x3 @7");
  check(dw(4, 7, 7, 3, 2, 1), "dw 3x3/2 @7");
  check(dw(5, 14, 14, 5, 1, 2), "dw 5x5 @14");
  check(dw(5, 7, 7, 5, 1, 2), "dw 5x5 @7");
  check(dw(5, 28, 28, 5, 2, 2), "dw 5x5/2 @28");
  check(dw(3, 15, 33, 5, 2, 2, 1, false), "dw 5x5/2 15x33");
  check(dw(3, 14, 14, 5, 2, 2), "dw 5x5/2 @14");
  check(dw(2, 9, 1, 3, 1, 1), "dw 3x3 9x1 (1 wide)");
  check(dw(2, 1, 1, 3, 1, 1), "dw 3x3 1x1");
  check(dw(2, 1, 1, 5, 2, 2), "dw 5x5/2 1x1");
  check(dw(2, 6, 1, 5, 2, 2), "dw 5x5/2 6x1");
  check(dw(3, 10, 19, 3, 1, 0), "dw 3x3 pad 0");
  check(dw(3, 11, 20, 3, 2, 0), "dw 3x3/2 pad 0");
  check(dw(3, 9, 17, 5, 1, 0), "dw 5x5 pad 0");
  check(dw(3, 12, 21, 5, 2, 1), "dw 5x5/2 pad 1");
  check(dw(3, 12, 18, 3, 1, 2), "dw 3x3 pad 2 (wider output)");
  check(dw(2, 8, 40, 3, 1, 1, 3), "dw 3x3 multiplier 3");
  check(dw(2, 9, 13, 5, 2, 2, 2), "dw 5x5/2 multiplier 2");
  Conv relu6 = dw(4, 20, 23, 3, 1, 1);
  relu6.lo = 0.0f, relu6.hi = 0.1f;  // the random data spreads around the bounds
  check(relu6, "dw 3x3 clamp 0..0.1");
  Conv relu = dw(4, 14, 14, 5, 2, 2);
  relu.lo = 0.0f;
  check(relu, "dw 5x5/2 relu");
  Conv clamp_nan = dw(3, 13, 17, 3, 2, 1);
  clamp_nan.lo = -0.05f, clamp_nan.hi = 0.05f, clamp_nan.nonfinite = true;
  check(clamp_nan, "dw 3x3/2 clamp with NaN and inf inputs");
  Conv nan5 = dw(3, 7, 9, 5, 1, 2);
  nan5.nonfinite = true;
  check(nan5, "dw 5x5 NaN and inf inputs");
  // Every height up to 18 (blocks of 8 or 4 output rows, then 4, 3, 2 or 1;
  // blocks inside the plane and blocks reaching into the padding rows),
  // odd widths from 1 to 19 (masks on both edges of a single vector).
  for (int64_t k : {3, 5}) {
    for (int64_t st : {1, 2}) {
      for (int64_t h = 1; h <= 18; h++) {
        char name[64];
        snprintf(name, sizeof(name), "dw %lldx%lld/%lld %lldx%lld", (long long)k, (long long)k, (long long)st,
                 (long long)h, (long long)(h + 1));
        check(dw(1, h, h + 1, k, st, k / 2), name);
      }
    }
  }
  // The generic row kernels (not specialized): dilation, 7x7, rectangular,
  // unequal strides, stride 3; with a clamp and non-finite inputs.
  Conv dil{1, 3, 16, 17, 3, 3, 3, 1, 1, 2, 2, 2, 2, 3, true};
  dil.lo = -0.1f, dil.hi = 0.1f, dil.nonfinite = true;
  check(dil, "dw 3x3 dilation 2 clamp, NaN");
  check({1, 3, 20, 19, 6, 7, 7, 1, 1, 3, 3, 1, 1, 3, true}, "dw 7x7 multiplier 2");
  check({1, 3, 15, 16, 3, 3, 5, 1, 1, 1, 2, 1, 1, 3, true}, "dw 3x5");
  check({1, 3, 15, 16, 3, 3, 3, 3, 3, 1, 1, 1, 1, 3, false}, "dw 3x3 stride 3");
  check({1, 3, 15, 16, 3, 3, 3, 1, 2, 1, 1, 1, 1, 3, false}, "dw 3x3 strides 1x2");
}

// Small 3x3 and 5x5 planes (at most 256 outputs, narrower than 16, stride 1, output
// as large as the input) run as one flat vector run on AVX-512
// (conv_dw_flat.cpp): widths 1 to 15 (every tap offset up to a whole
// vector away, both column edges), 1 to 16 vectors, multipliers,
// batches, clamps and non-finite inputs; padding that changes the output
// size, and larger planes, take the row kernels.
TEST(OptConvolution, DepthwiseSmallPlanes) {
  // Which shapes take the flat kernel (the cases below then cover both sides).
  if (optimized::isa_supported(Isa::Avx512)) {
    optimized::set_isa_override(Isa::Avx512);
    const auto flat = [](const Conv& c) {
      const optimized::ConvGeom g{c.N, c.C, c.H, c.W, c.Cout, c.KH, c.KW, c.OH(), c.OW(), c.sh, c.sw, c.ph, c.pw,
                                  c.dh, c.dw, c.groups};
      optimized::DwFlatPlan plan;
      return optimized::depthwise_flat_plan(g, false, &plan);
    };
    EXPECT_TRUE(flat(dw(8, 7, 7, 3, 1, 1)));
    EXPECT_TRUE(flat(dw(8, 25, 5, 3, 1, 1)));
    EXPECT_TRUE(flat(dw(8, 16, 8, 3, 1, 1)));      // 128 outputs
    EXPECT_TRUE(flat(dw(8, 8, 15, 3, 1, 1)));      // 15 wide
    EXPECT_TRUE(flat(dw(8, 5, 1, 3, 1, 1)));       // 1 wide
    EXPECT_TRUE(flat(dw(8, 18, 14, 3, 1, 1)));     // 252 outputs
    EXPECT_FALSE(flat(dw(8, 19, 14, 3, 1, 1)));    // 266 outputs
    EXPECT_FALSE(flat(dw(8, 4, 16, 3, 1, 1)));     // a whole vector wide
    EXPECT_FALSE(flat(dw(8, 7, 7, 3, 1, 0)));      // the output shrinks
    EXPECT_FALSE(flat(dw(8, 7, 7, 3, 2, 1)));      // stride 2
    EXPECT_TRUE(flat(dw(8, 7, 7, 5, 1, 2)));       // 5x5
    EXPECT_FALSE(flat(dw(8, 7, 7, 5, 1, 1)));      // 5x5, the output shrinks
    EXPECT_FALSE(flat(dw(8, 7, 7, 7, 1, 3)));      // 7x7
    optimized::clear_isa_override();
  } else {
    printf("  note: no AVX-512 on this CPU; the flat depthwise kernel is not tested here\n");
  }
  check(dw(6, 8, 8, 3, 1, 1), "dw 3x3 8x8 (64 outputs, 4 full vectors)");
  check(dw(6, 4, 4, 3, 1, 1), "dw 3x3 4x4 (one vector)");
  check(dw(6, 1, 5, 3, 1, 1), "dw 3x3 1x5 (taps past every edge)");
  check(dw(3, 5, 1, 3, 1, 1), "dw 3x3 5x1 (one column: kw 0 and 2 read only padding)");
  check(dw(3, 8, 15, 3, 1, 1), "dw 3x3 8x15 (taps 16 floats away: whole vectors)");
  check(dw(3, 6, 3, 3, 1, 1), "dw 3x3 6x3");
  check(dw(4, 7, 7, 5, 1, 2), "dw 5x5 @7 (MobileNetV3)");
  check(dw(3, 14, 14, 5, 1, 2, 2), "dw 5x5 @14 multiplier 2 (13 vectors)");
  check(dw(3, 8, 15, 5, 1, 2), "dw 5x5 8x15 (taps 32 floats away)");
  check(dw(3, 9, 2, 5, 1, 2), "dw 5x5 9x2 (taps past both columns)");
  check(dw(3, 4, 1, 5, 1, 2, 1, false), "dw 5x5 4x1 no bias");
  Conv clamp5 = dw(3, 7, 7, 5, 1, 2);
  clamp5.lo = -0.05f, clamp5.hi = 0.05f, clamp5.nonfinite = true;
  check(clamp5, "dw 5x5 @7 clamp, NaN and inf");
  check(dw(3, 7, 7, 5, 1, 1), "dw 5x5 @7 pad 1 (3x3 out: row kernels)");
  check(dw(3, 7, 7, 3, 1, 1, 2), "dw 3x3 @7 multiplier 2");
  check(dw(3, 3, 11, 3, 1, 1, 1, false), "dw 3x3 3x11 no bias");
  check(Conv{2, 5, 7, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, true}, "dw 3x3 @7 batch 2");
  Conv relu6 = dw(4, 7, 7, 3, 1, 1);
  relu6.lo = 0.0f, relu6.hi = 0.1f, relu6.nonfinite = true;
  check(relu6, "dw 3x3 @7 clamp 0..0.1, NaN and inf");
  check(dw(3, 7, 7, 3, 1, 0), "dw 3x3 @7 pad 0 (5x5 out: row kernels)");
  check(dw(4, 25, 5, 3, 1, 1), "dw 3x3 25x5 (DS-CNN: 8 vectors, the last 13 lanes)");
  check(dw(3, 9, 9, 3, 1, 1, 2), "dw 3x3 9x9 multiplier 2 (6 vectors)");
  Conv ds_relu = dw(3, 16, 8, 3, 1, 1);
  ds_relu.lo = 0.0f, ds_relu.nonfinite = true;
  check(ds_relu, "dw 3x3 16x8 relu, NaN and inf (128 outputs)");
  check(dw(3, 14, 14, 3, 1, 1), "dw 3x3 14x14 (MobileNetV2: 13 vectors)");
  check(dw(2, 19, 14, 3, 1, 1), "dw 3x3 19x14 (266 outputs: row kernels)");
}

// Large enough that threads_for() keeps 2 threads (small work runs on one).
TEST(OptConvolution, LargeEnoughToSplitAcrossThreads) {
  check({1, 32, 33, 31, 40, 3, 3, 1, 1, 1, 1, 1, 1, 1, true}, "3x3 32->40 33x31");
  check({2, 24, 20, 20, 48, 1, 1, 1, 1, 0, 0, 1, 1, 1, true}, "1x1 24->48 20x20 batch 2");
  check({1, 64, 40, 45, 64, 3, 3, 1, 1, 1, 1, 1, 1, 64, true}, "dw 3x3 64ch 40x45");
}

// B operands over 512 KiB with small weights run in column chunks (a
// chunk boundary inside an output row, a narrower last chunk, chunks spread
// over threads); the results must not change.
TEST(OptConvolution, ColumnChunks) {
  check({1, 16, 70, 90, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, true}, "3x3 16->8 70x90 (K 144, P 6300: chunks)");
  check({1, 3, 123, 120, 10, 7, 7, 2, 2, 3, 3, 1, 1, 1, true}, "7x7/2 3->10 123x120 (stem-like chunks)");
  check({1, 10, 120, 121, 12, 1, 1, 1, 1, 0, 0, 1, 1, 1, true}, "1x1 10->12 120x121 (pointwise chunks)");
  check({2, 12, 75, 60, 7, 3, 3, 2, 1, 0, 2, 1, 1, 1, false}, "3x3 strides 2x1 batch 2 (chunks)");
}

// At most 4 output pixels run as the transposed product on the small-M
// kernel (or pack_a + tiles without it); the chosen path is checked, then the
// results. 49 pixels keep the usual orientation.
TEST(OptConvolution, SmallPTransposed) {
  const Conv cases[] = {
      {1, 96, 1, 1, 32, 1, 1, 1, 1, 0, 0, 1, 1, 1, true},     // squeeze-excite: P = 1
      {1, 40, 2, 2, 48, 1, 1, 1, 1, 0, 0, 1, 1, 1, false},    // P = 4
      {2, 24, 4, 4, 40, 3, 3, 2, 2, 1, 1, 1, 1, 1, true},     // 3x3/2 to 2x2 (im2col), batch 2
      {1, 300, 1, 3, 20, 1, 3, 1, 1, 0, 1, 1, 1, 1, true},    // K = 900 across K blocks, P = 3
      {1, 64, 7, 7, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, true},     // ResNet-18 7x7 stage: usual orientation
  };
  const char* names[] = {"1x1 96->32 @1 (P = 1)", "1x1 40->48 @2 (P = 4)", "3x3/2 24->40 @4 batch 2 (P = 4)",
                         "1x3 300->20 @1x3 (P = 3, K 900)", "3x3 64->64 @7 (P = 49)"};
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const Conv& c = cases[i];
    optimized::ConvGeom g{c.N, c.C, c.H, c.W, c.Cout, c.KH, c.KW, c.OH(), c.OW(), c.sh, c.sw, c.ph, c.pw, c.dh, c.dw,
                          c.groups};
    EXPECT_EQ(optimized::conv_small_p(g), i < 4);
    check(c, names[i]);
  }
}

TEST(OptConvolution, OneDimensional) {
  Conv c{1, 4, 1, 17, 6, 1, 3, 1, 1, 0, 1, 1, 1, 1, true};
  c.one_d = true;
  check(c, "conv1d k3 pad 1");
  Conv dw{2, 6, 1, 16, 6, 1, 5, 1, 2, 0, 2, 1, 1, 6, false};
  dw.one_d = true;
  check(dw, "depthwise conv1d stride 2");
}

TEST(OptConvolution, UnsupportedVariantsFallBack) {
  OwnedTensor x({1, 2, 4, 4}), w({2, 2, 3, 3}), y({1, 2, 6, 6});
  const int64_t one[2] = {1, 1}, zero[2] = {0, 0};
  Span<const int64_t> s(one, 2), p(zero, 2);
  Ctx ctx(1);
  EXPECT_EQ(optimized::opt_convolution_out_prepare(ctx.ctx, x.t, w.t, nullptr, s, p, s, true, p, 1, y.t),
            Error::NotSupported);
  OwnedTensor xd({1, 2, 4, 4}, ScalarType::Double), wd({2, 2, 3, 3}, ScalarType::Double), yd({1, 2, 2, 2}, ScalarType::Double);
  EXPECT_EQ(optimized::opt_convolution_out_prepare(ctx.ctx, xd.t, wd.t, nullptr, s, p, s, false, p, 1, yd.t),
            Error::NotSupported);
}
