// Optimized _softmax.out / _log_softmax.out against the portable kernels
// (double): every dim of rank-1..3 shapes with odd sizes (vector tails),
// rows of 1, 7, 17 and 1000+ elements, NaN and infinities, scalar and every
// vector instruction set, and 1 vs 3 threads bit for bit; the four-row
// blocks against one row at a time, bit for bit.
#include <vector>

#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/vec_ops.h"
#include "kernels/test/opt_pointwise_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::opttest;
using optimized::Isa;

namespace {

bool run_opt(OwnedTensor& x, int64_t dim, OwnedTensor& y, bool log, int threads) {
  Ctx c(threads);
  Error e = log ? optimized::opt_log_softmax_out_prepare(c.ctx, x.t, dim, false, y.t)
                : optimized::opt_softmax_out_prepare(c.ctx, x.t, dim, false, y.t);
  if (e == Error::Ok) {
    e = log ? optimized::opt_log_softmax_out(c.ctx, x.t, dim, false, y.t)
            : optimized::opt_softmax_out(c.ctx, x.t, dim, false, y.t);
  }
  if (e != Error::Ok) printf("  optimized error %s: %s\n", error_name(e), c.diag.message);
  return e == Error::Ok;
}

bool run_portable(OwnedTensor& x, int64_t dim, OwnedTensor& y, bool log) {
  Ctx c(1);
  Error e = log ? portable::log_softmax_out(c.ctx, x.t, dim, false, y.t) : portable::softmax_out(c.ctx, x.t, dim, false, y.t);
  return e == Error::Ok;
}

void check(std::vector<int64_t> shape, int64_t dim, bool specials, float scale) {
  OwnedTensor x(shape), want(shape), got(shape), got3(shape);
  fill(x, uint32_t(shape.size() * 7 + shape.back()), scale, specials);
  for (bool log : {false, true}) {
    EXPECT_TRUE(run_portable(x, dim, want, log));
    for_each_isa([&](Isa isa) {
      char what[160];
      snprintf(what, sizeof(what), "%s rank %zu last %lld dim %lld (%s)", log ? "log_softmax" : "softmax", shape.size(),
               (long long)shape.back(), (long long)dim, optimized::isa_name(isa));
      EXPECT_TRUE(run_opt(x, dim, got, log, 1));
      EXPECT_TRUE(matches(got.f(), want.f(), x.n(), false, what));
      EXPECT_TRUE(run_opt(x, dim, got3, log, 3));
      EXPECT_TRUE(same_bits(got.f(), got3.f(), x.n()));
    });
  }
}

}  // namespace

TEST(OptSoftmax, LastDimOddSizes) {
  for (int64_t n : {1, 7, 8, 17, 1000, 1037}) check({5, n}, -1, false, 4.0f);
  check({3, 4, 33}, 2, false, 30.0f);
}

TEST(OptSoftmax, OtherDims) {
  check({6, 5, 7}, 0, false, 4.0f);
  check({6, 5, 7}, 1, false, 4.0f);
  check({3, 17, 300}, 1, false, 4.0f);  // inner 300 spans two stack blocks
  check({2, 1000, 3}, 1, false, 4.0f);
  check({9}, 0, false, 4.0f);
}

TEST(OptSoftmax, NaNAndInfinities) {
  check({7, 33}, 1, true, 4.0f);
  check({33, 7}, 0, true, 4.0f);
}

TEST(OptSoftmax, LargeRangeAndManyRowsAcrossThreads) {
  check({64, 2048}, 1, false, 80.0f);   // exp near its overflow/underflow limits
  check({256, 129}, -1, false, 1.0f);
}

// rows_softmax runs four rows at a time (rows of a multiple of two vectors):
// each row must come out bit for bit as the one-row steps give it, or
// results would depend on how threads split the rows.
TEST(OptSoftmax, FourRowBlocksMatchOneRowAtATimeBitForBit) {
  for (int64_t n : {32, 64, 96, 128}) {
    for (bool specials : {false, true}) {
      OwnedTensor x({13, n});
      fill(x, uint32_t(n + specials), specials ? 4.0f : 30.0f, specials);
      for_each_isa([&](Isa isa) {
        const optimized::VecOps& v = optimized::vec_ops();
        std::vector<float> blocks(x.n()), single(x.n());
        v.rows_softmax(x.f(), blocks.data(), n, 13);
        for (int64_t r = 0; r < 13; r++) {
          const float* xr = x.f() + r * n;
          float* yr = single.data() + r * n;
          const float m = v.row_max(xr, n);
          v.row_scale(yr, 1.0f / v.row_exp_sum(xr, m, yr, n), n);
        }
        char what[96];
        snprintf(what, sizeof(what), "rows of %lld%s (%s)", (long long)n, specials ? " with specials" : "",
                 optimized::isa_name(isa));
        EXPECT_TRUE(matches(blocks.data(), single.data(), x.n(), true, what));
      });
    }
  }
}

TEST(OptSoftmax, ScalarTensorAndEmpty) {
  OwnedTensor x({1}), y({1});
  x.t.dim = 0, y.t.dim = 0;  // 0-d: one element
  x.data[0] = 3.5f;
  EXPECT_TRUE(run_opt(x, 0, y, false, 1));
  EXPECT_EQ(y.data[0], 1.0f);
  EXPECT_TRUE(run_opt(x, -1, y, true, 1));
  EXPECT_EQ(y.data[0], 0.0f);
  OwnedTensor e({3, 0}), ey({3, 0});
  EXPECT_TRUE(run_opt(e, 1, ey, false, 1));
}

TEST(OptSoftmax, UnsupportedFallsBackAtPrepare) {
  OwnedTensor x({2, 3}, ScalarType::Double), y({2, 3}, ScalarType::Double);
  Ctx c(1);
  EXPECT_EQ(optimized::opt_softmax_out_prepare(c.ctx, x.t, 1, false, y.t), Error::NotSupported);
  OwnedTensor f({2, 3}), g({2, 3});
  Ctx c2(1);
  EXPECT_EQ(optimized::opt_softmax_out_prepare(c2.ctx, f.t, 1, true, g.t), Error::NotSupported);
}
