// Optimized float32 layer norm and inference batch norm against the portable
// kernels (double): rows of 1, 7, 17 and 1000+ elements, two normalized dims,
// with and without weight and bias, an input offset far from zero, every
// instruction set; 1 and 3 threads give the same bits.
#include <vector>

#include "kernels/generated/kernel_decls.h"
#include "kernels/test/opt_pointwise_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::opttest;
using optimized::Isa;

namespace {

void check_ln(std::vector<int64_t> shape, int nd, bool affine, float offset) {
  std::vector<int64_t> norm(shape.end() - nd, shape.end()), stat(shape);
  for (size_t k = shape.size() - size_t(nd); k < shape.size(); k++) stat[k] = 1;
  OwnedTensor x(shape), w(norm), b(norm);
  fill(x, uint32_t(shape.back()), 3.0f, false);
  for (float& v : x.data) v += offset;
  w.random(4);
  b.random(5);
  const Tensor* wt = affine ? &w.t : nullptr;
  const Tensor* bt = affine ? &b.t : nullptr;
  const Span<const int64_t> ns(norm.data(), norm.size());
  OwnedTensor want0(shape), want1(stat), want2(stat);
  Ctx pc(1);
  EXPECT_TRUE(portable::native_layer_norm_out(pc.ctx, x.t, ns, wt, bt, 1e-5, want0.t, want1.t, want2.t) == Error::Ok);
  for_each_isa([&](Isa isa) {
    for (int threads : {1, 3}) {
      OwnedTensor y0(shape), y1(stat), y2(stat);
      Ctx c(threads);
      Error e = optimized::opt_native_layer_norm_out_prepare(c.ctx, x.t, ns, wt, bt, 1e-5, y0.t, y1.t, y2.t);
      if (e == Error::Ok) e = optimized::opt_native_layer_norm_out(c.ctx, x.t, ns, wt, bt, 1e-5, y0.t, y1.t, y2.t);
      EXPECT_TRUE(e == Error::Ok);
      char what[128];
      snprintf(what, sizeof(what), "layer_norm last %lld nd %d affine %d offset %g (%s, %d threads)",
               (long long)shape.back(), nd, int(affine), double(offset), optimized::isa_name(isa), threads);
      EXPECT_TRUE(matches(y0.f(), want0.f(), y0.n(), false, what));
      EXPECT_TRUE(matches(y1.f(), want1.f(), y1.n(), false, what));
      EXPECT_TRUE(matches(y2.f(), want2.f(), y2.n(), false, what));
    }
  });
}

void check_bn(std::vector<int64_t> shape, bool affine) {
  const int64_t C = shape[1];
  OwnedTensor x(shape), w({C}), b({C}), m({C}), v({C}), want0(shape), want1({0}), want2({0});
  fill(x, 11, 5.0f, true);
  w.random(1);
  b.random(2);
  m.random(3);
  v.random(4);
  for (float& s : v.data) s = s * s + 0.1f;
  const Tensor* wt = affine ? &w.t : nullptr;
  const Tensor* bt = affine ? &b.t : nullptr;
  Ctx pc(1);
  EXPECT_TRUE(portable::_native_batch_norm_legit_no_training_out(pc.ctx, x.t, wt, bt, m.t, v.t, 0.1, 1e-5, want0.t,
                                                                 want1.t, want2.t) == Error::Ok);
  for_each_isa([&](Isa isa) {
    for (int threads : {1, 3}) {
      OwnedTensor y0(shape), y1({0}), y2({0});
      Ctx c(threads);
      Error e = optimized::opt__native_batch_norm_legit_no_training_out_prepare(c.ctx, x.t, wt, bt, m.t, v.t, 0.1,
                                                                                1e-5, y0.t, y1.t, y2.t);
      if (e == Error::Ok) {
        e = optimized::opt__native_batch_norm_legit_no_training_out(c.ctx, x.t, wt, bt, m.t, v.t, 0.1, 1e-5, y0.t,
                                                                    y1.t, y2.t);
      }
      EXPECT_TRUE(e == Error::Ok);
      char what[128];
      snprintf(what, sizeof(what), "batch_norm C %lld rank %zu (%s, %d threads)", (long long)C, shape.size(),
               optimized::isa_name(isa), threads);
      EXPECT_TRUE(matches(y0.f(), want0.f(), y0.n(), false, what));
      EXPECT_EQ(y1.t.numel(), 0);
    }
  });
}

}  // namespace

TEST(OptLayerNorm, MatchesPortable) {
  for (int64_t n : {1, 7, 17, 1000, 1037}) {
    check_ln({5, n}, 1, true, 0.0f);
    check_ln({5, n}, 1, false, 0.0f);
  }
  check_ln({2, 3, 33}, 2, true, 0.0f);
  check_ln({4, 256}, 1, true, 40.0f);  // mean far from zero: statistics need more than float sums
  check_ln({300, 512}, 1, true, 0.0f);  // enough rows for threads
}

TEST(OptLayerNorm, EmptyNormalizedShapeIsNotSupported) {
  OwnedTensor x({3, 0}), w({0}), y0({3, 0}), y1({3, 1}), y2({3, 1});
  const int64_t ns[1] = {0};
  Ctx c(1);
  EXPECT_EQ(optimized::opt_native_layer_norm_out_prepare(c.ctx, x.t, Span<const int64_t>(ns, 1), nullptr, nullptr,
                                                         1e-5, y0.t, y1.t, y2.t),
            Error::NotSupported);
}

TEST(OptBatchNorm, MatchesPortable) {
  check_bn({2, 3, 5, 7}, true);
  check_bn({2, 3, 5, 7}, false);
  check_bn({4, 17}, true);  // rank 2: one value per channel
  check_bn({1, 8, 33, 35}, true);
  check_bn({2, 64, 56, 56}, true);  // enough work for threads
}

namespace {

bool run_mean(OwnedTensor& x, std::vector<int64_t> dims, bool keepdim, bool none, OwnedTensor& want, OwnedTensor& got,
              int threads) {
  Optional<Span<const int64_t>> d;
  if (!none) d = Optional<Span<const int64_t>>{true, Span<const int64_t>(dims.data(), dims.size())};
  const Optional<ScalarType> dt{};
  Ctx pc(1), c(threads);
  if (portable::mean_out(pc.ctx, x.t, d, keepdim, dt, want.t) != Error::Ok) return false;
  Error e = optimized::opt_mean_out_prepare(c.ctx, x.t, d, keepdim, dt, got.t);
  if (e == Error::Ok) e = optimized::opt_mean_out(c.ctx, x.t, d, keepdim, dt, got.t);
  return e == Error::Ok;
}

}  // namespace

TEST(OptMean, TrailingDimsMatchPortable) {
  struct C {
    std::vector<int64_t> shape, dims, out;
    bool keepdim, none;
  };
  const C cases[] = {
      {{2, 5, 7, 9}, {2, 3}, {2, 5, 1, 1}, true, false},   // global average pool
      {{2, 5, 7, 9}, {-1, -2}, {2, 5}, false, false},
      {{3, 1037}, {-1}, {3}, false, false},
      {{4, 6}, {}, {}, false, false},                     // [] = every dim
      {{4, 6}, {}, {}, false, true},                      // None = every dim
      {{1, 512, 7, 7}, {2, 3}, {1, 512, 1, 1}, true, false},
  };
  for (const C& c : cases) {
    OwnedTensor x(c.shape), want(c.out), got(c.out);
    fill(x, 3, 2.0f, false);
    for_each_isa([&](Isa) {
      for (int threads : {1, 3}) {
        EXPECT_TRUE(run_mean(x, c.dims, c.keepdim, c.none, want, got, threads));
        EXPECT_TRUE(matches(got.f(), want.f(), want.n(), false, "mean"));
      }
    });
  }
}

// Rows of 49, 196 and 3136 (MobileNetV3's squeeze-excite means) and lengths
// around the vector bodies' steps, and blocks of dims that are not trailing
// (column sums: 1..1100 columns, so partial and several 512-column chunks).
TEST(OptMean, VectorSumsMatchPortable) {
  struct C {
    std::vector<int64_t> shape, dims, out;
    bool keepdim;
  };
  const C cases[] = {
      {{1, 16, 56, 56}, {2, 3}, {1, 16, 1, 1}, true},
      {{1, 96, 14, 14}, {2, 3}, {1, 96, 1, 1}, true},
      {{1, 576, 7, 7}, {2, 3}, {1, 576, 1, 1}, true},
      {{5, 1}, {-1}, {5}, false},
      {{5, 3}, {-1}, {5}, false},
      {{5, 15}, {-1}, {5}, false},
      {{5, 16}, {-1}, {5}, false},
      {{5, 17}, {-1}, {5}, false},
      {{2, 3, 4}, {1}, {2, 4}, false},               // the middle dim
      {{2, 3, 4}, {0}, {1, 3, 4}, true},             // the leading dim
      {{2, 6, 5, 7}, {1, 2}, {2, 1, 1, 7}, true},     // a middle block
      {{3, 9, 1100}, {1}, {3, 1100}, false},          // 1100 columns: three chunks
      {{4, 8, 16, 16}, {1}, {4, 1, 16, 16}, true},    // channel mean
      {{7, 1, 5}, {0}, {1, 5}, false},
  };
  for (const C& c : cases) {
    OwnedTensor x(c.shape), want(c.out), got(c.out);
    fill(x, 11, 2.0f, false);
    for (size_t i = 0; i < x.n(); i++) x.data[i] += 3.0f;  // means far from 0: a lost element shows
    for_each_isa([&](Isa isa) {
      for (int threads : {1, 3}) {
        EXPECT_TRUE(run_mean(x, c.dims, c.keepdim, false, want, got, threads));
        if (!matches(got.f(), want.f(), want.n(), false, "mean")) {
          printf("  %s, %zu-d case with %zu dims\n", optimized::isa_name(isa), c.shape.size(), c.dims.size());
          EXPECT_TRUE(false);
        }
      }
    });
  }
}

TEST(OptMean, ScatteredDimsAreNotSupported) {
  OwnedTensor x({2, 3, 4}), y({3});
  const int64_t d[2] = {0, 2};
  const Optional<Span<const int64_t>> dims{true, Span<const int64_t>(d, 2)};
  Ctx c(1);
  EXPECT_EQ(optimized::opt_mean_out_prepare(c.ctx, x.t, dims, false, Optional<ScalarType>{}, y.t), Error::NotSupported);
}
