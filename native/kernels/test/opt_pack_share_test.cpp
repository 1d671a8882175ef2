// Shared packed weights (runtime/pack_cache.h) through the optimized GEMM
// kernels' prepare, and the clamp a fused activation asks of the optimized
// add (KernelContext::out_lo / out_hi, passes/fuse_activations.cpp).
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/matmul.h"
#include "kernels/test/opt_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::opttest;

namespace {

// Prepares and runs mm(a, b) on `c` as its own instruction; returns its state.
const optimized::MatmulState* mm(Ctx& c, OwnedTensor& a, OwnedTensor& b, OwnedTensor& out) {
  c.ctx.state = nullptr;
  if (optimized::opt_mm_out_prepare(c.ctx, a.t, b.t, out.t) != Error::Ok) return nullptr;
  if (optimized::opt_mm_out(c.ctx, a.t, b.t, out.t) != Error::Ok) return nullptr;
  return static_cast<const optimized::MatmulState*>(c.ctx.state);
}

}  // namespace

TEST(OptPackShare, TwoInstructionsOnOneConstantShareOnePack) {
  const int64_t M = 17, K = 64, N = 100;
  OwnedTensor a({M, K}), a2({M, K}), w({K, N}), out1({M, N}), out2({M, N}), lone({M, N});
  a.random(1);
  a2.random(2);
  w.random(3).constant();
  Ctx c(1);
  PackCache packs(&c.method_alloc);
  c.ctx.packs = &packs;
  const optimized::MatmulState* s1 = mm(c, a, w, out1);
  ASSERT_TRUE(s1 != nullptr && s1->b_packed != nullptr);
  const size_t after_first = c.method_alloc.used();
  const optimized::MatmulState* s2 = mm(c, a2, w, out2);
  ASSERT_TRUE(s2 != nullptr);
  EXPECT_TRUE(s2->b_packed == s1->b_packed);
  EXPECT_EQ(packs.size(), 1u);
  const size_t pack_bytes = optimized::packed_b_floats(K, N) * sizeof(float);
  EXPECT_TRUE(c.method_alloc.used() - after_first < pack_bytes / 4);
  // The second instruction's result is the one it computes on its own pack.
  Ctx alone(1);
  ASSERT_TRUE(mm(alone, a2, w, lone) != nullptr);
  EXPECT_TRUE(same_bits(out2.f(), lone.f(), out2.n()));
}

TEST(OptPackShare, SameBytesAnotherShapeOrNoCacheMeansAnotherPack) {
  const int64_t M = 5, K = 64, N = 100;
  OwnedTensor a({M, K}), w({K, N}), out({M, N});
  a.random(4);
  w.random(5).constant();
  // The same weight bytes read as [N, K]: another product, another pack.
  OwnedTensor at({M, N}), wt({N, K}), out_t({M, K}), lone({M, K});
  at.random(6);
  wt.t.data = w.t.data;  // literally the same source pointer
  wt.constant();
  Ctx c(1);
  PackCache packs(&c.method_alloc);
  c.ctx.packs = &packs;
  const optimized::MatmulState* s1 = mm(c, a, w, out);
  const optimized::MatmulState* s2 = mm(c, at, wt, out_t);
  ASSERT_TRUE(s1 != nullptr && s2 != nullptr);
  EXPECT_TRUE(s1->b_packed != s2->b_packed);
  EXPECT_EQ(packs.size(), 2u);
  Ctx alone(1);
  ASSERT_TRUE(mm(alone, at, wt, lone) != nullptr);
  EXPECT_TRUE(same_bits(out_t.f(), lone.f(), lone.n()));
  // Without a cache (fold_constants' own init, tests) every prepare packs its own.
  Ctx bare(1);
  const optimized::MatmulState* b1 = mm(bare, a, w, out);
  const optimized::MatmulState* b2 = mm(bare, a, w, out);
  ASSERT_TRUE(b1 != nullptr && b2 != nullptr);
  EXPECT_TRUE(b1->b_packed != b2->b_packed);
}

TEST(OptAddClamp, FusedBoundsApplyOnEveryPath) {
  const int64_t R = 3, C = 70;
  OwnedTensor x({R, C}), y({R, C}), row({C}), out({R, C});
  x.random(7);
  y.random(8);
  row.random(9);
  Scalar one;  // alpha: Int 1
  one.i = 1;
  struct Case {
    float lo, hi;
  };
  for (Case k : {Case{0.0f, __builtin_inff()}, Case{-0.3f, 0.4f}, Case{-__builtin_inff(), __builtin_inff()}}) {
    for (bool broadcast : {false, true}) {
      OwnedTensor& other = broadcast ? row : y;
      Ctx c(2);
      c.ctx.out_lo = k.lo;
      c.ctx.out_hi = k.hi;
      ASSERT_EQ(optimized::opt_add_out_prepare(c.ctx, x.t, other.t, one, out.t), Error::Ok);
      ASSERT_EQ(optimized::opt_add_out(c.ctx, x.t, other.t, one, out.t), Error::Ok);
      bool below = false;
      for (int64_t i = 0; i < R * C; i++) {
        const float sum = x.f()[i] + other.f()[broadcast ? i % C : i];
        const float want = fminf(fmaxf(sum, k.lo), k.hi);
        below = below || sum < k.lo;
        if (out.f()[i] != want) {
          printf("  lo %g hi %g broadcast %d: element %lld is %g, want %g\n", double(k.lo), double(k.hi), int(broadcast),
                 (long long)i, double(out.f()[i]), double(want));
          EXPECT_TRUE(false);
          break;
        }
      }
      if (k.lo == 0.0f) EXPECT_TRUE(below);  // the data exercises the bound
    }
  }
}
