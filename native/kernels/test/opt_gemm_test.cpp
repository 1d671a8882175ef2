// Optimized SGEMM and the mm/addmm/bmm/linear kernels against double
// references over edge sizes (1, 5, 15, 16, 17, 100; K across a kKC block),
// for every instruction set this CPU has; 1, 2 and 3 threads give the same bits.
#include <math.h>

#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/sgemm.h"
#include "kernels/test/opt_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::opttest;
using optimized::Isa;

namespace {

const int64_t kSizes[] = {1, 5, 15, 16, 17, 100};
const int64_t kDepths[] = {1, 7, 16, 17, 300};

// want[i, j] = alpha * sum_k A[i, k] B[k, j] + beta * bias(i, j)
std::vector<double> ref_gemm(int64_t M, int64_t N, int64_t K, const float* a, int64_t ars, int64_t acs, const float* b,
                             int64_t brs, int64_t bcs) {
  std::vector<double> c(size_t(M * N), 0.0);
  for (int64_t i = 0; i < M; i++) {
    for (int64_t j = 0; j < N; j++) {
      double s = 0;
      for (int64_t k = 0; k < K; k++) s += double(a[i * ars + k * acs]) * double(b[k * brs + j * bcs]);
      c[size_t(i * N + j)] = s;
    }
  }
  return c;
}

// Packs and multiplies row-major A [M, K] and B [K, N] with `threads`.
std::vector<float> run_sgemm(int64_t M, int64_t N, int64_t K, const float* a, const float* b, int threads,
                             const optimized::Epilogue& ep = optimized::Epilogue{}) {
  std::vector<float> ap(optimized::packed_a_floats(M, K) + 1), bp(optimized::packed_b_floats(K, N) + 1);
  std::vector<float> c(size_t(M * N) + 1, -7.0f);
  optimized::pack_a(optimized::MatView{a, K, 1}, M, K, ap.data(), threads);
  optimized::pack_b(optimized::MatView{b, N, 1}, K, N, bp.data(), threads);
  optimized::sgemm_packed(threads, M, N, K, ap.data(), bp.data(), c.data(), N, ep);
  c.pop_back();
  return c;
}

}  // namespace

TEST(OptSgemm, MatchesReferenceOverEdgeSizes) {
  for_each_isa([](Isa isa) {
    for (int64_t M : kSizes) {
      for (int64_t N : kSizes) {
        for (int64_t K : kDepths) {
          OwnedTensor a({M, K}), b({K, N});
          a.random(uint32_t(M * 7 + K));
          b.random(uint32_t(N * 11 + K));
          std::vector<float> c1 = run_sgemm(M, N, K, a.f(), b.f(), 1);
          std::vector<double> want = ref_gemm(M, N, K, a.f(), K, 1, b.f(), N, 1);
          char what[96];
          snprintf(what, sizeof(what), "%s M=%lld N=%lld K=%lld", optimized::isa_name(isa), (long long)M, (long long)N,
                   (long long)K);
          if (!close(c1.data(), want, double(K), what)) {
            EXPECT_TRUE(false);
            return;
          }
          std::vector<float> c2 = run_sgemm(M, N, K, a.f(), b.f(), 2), c3 = run_sgemm(M, N, K, a.f(), b.f(), 3);
          EXPECT_TRUE(same_bits(c1.data(), c2.data(), c1.size()));
          EXPECT_TRUE(same_bits(c1.data(), c3.data(), c1.size()));
        }
      }
    }
  });
}

TEST(OptSgemm, LargeAcrossBlocksAndThreads) {
  // 300 x 200 x 600: several kMC row blocks and three kKC blocks.
  const int64_t M = 300, N = 200, K = 600;
  OwnedTensor a({M, K}), b({K, N});
  a.random(1);
  b.random(2);
  std::vector<double> want = ref_gemm(M, N, K, a.f(), K, 1, b.f(), N, 1);
  std::vector<float> c1 = run_sgemm(M, N, K, a.f(), b.f(), 1), c2 = run_sgemm(M, N, K, a.f(), b.f(), 2);
  EXPECT_TRUE(close(c1.data(), want, double(K), "300x200x600"));
  EXPECT_TRUE(same_bits(c1.data(), c2.data(), c1.size()));
}

TEST(OptSgemm, EmptyDepthGivesEpilogueOfZero) {
  optimized::Epilogue ep;
  const float bias[3] = {1.0f, 2.0f, 3.0f};
  ep.bias = bias;
  ep.beta = 2.0f;
  ep.bias_cs = 1;
  std::vector<float> c = run_sgemm(2, 3, 0, nullptr, nullptr, 1, ep);
  const float want[6] = {2, 4, 6, 2, 4, 6};
  for (int i = 0; i < 6; i++) EXPECT_EQ(c[size_t(i)], want[i]);
}

TEST(OptMm, ConstantAndRuntimeWeightsMatchReference) {
  for (bool constant : {true, false}) {
    for (int64_t M : {1, 17, 100}) {
      for (int64_t K : {5, 16, 300}) {
        for (int64_t N : {1, 15, 100}) {
          OwnedTensor a({M, K}), b({K, N}), out({M, N}), out2({M, N});
          a.random(3);
          b.random(4);
          if (constant) b.constant();
          Ctx c1(1), c2(2);
          ASSERT_EQ(optimized::opt_mm_out_prepare(c1.ctx, a.t, b.t, out.t), Error::Ok);
          ASSERT_EQ(optimized::opt_mm_out(c1.ctx, a.t, b.t, out.t), Error::Ok);
          ASSERT_EQ(optimized::opt_mm_out_prepare(c2.ctx, a.t, b.t, out2.t), Error::Ok);
          ASSERT_EQ(optimized::opt_mm_out(c2.ctx, a.t, b.t, out2.t), Error::Ok);
          EXPECT_TRUE(close(out.f(), ref_gemm(M, N, K, a.f(), K, 1, b.f(), N, 1), double(K), "mm"));
          EXPECT_TRUE(same_bits(out.f(), out2.f(), out.n()));
        }
      }
    }
  }
}

TEST(OptMm, TransposedOperandThroughDimOrder) {
  // mat2 stored as [N, K] with dim_order [1, 0]: logical [K, N].
  const int64_t M = 5, K = 17, N = 15;
  OwnedTensor a({M, K}), bt({N, K}), out({M, N});
  a.random(5);
  bt.random(6);
  Tensor b = bt.t;
  int32_t sizes[2] = {int32_t(K), int32_t(N)};
  uint8_t order[2] = {1, 0};
  int64_t strides[2];
  compute_strides(2, sizes, order, strides);
  b.sizes = sizes;
  b.dim_order = order;
  b.strides = strides;
  Ctx c(1);
  ASSERT_EQ(optimized::opt_mm_out_prepare(c.ctx, a.t, b, out.t), Error::Ok);
  ASSERT_EQ(optimized::opt_mm_out(c.ctx, a.t, b, out.t), Error::Ok);
  EXPECT_TRUE(close(out.f(), ref_gemm(M, N, K, a.f(), K, 1, bt.f(), 1, K), double(K), "mm transposed"));
}

TEST(OptMm, OtherDtypesAreNotSupported) {
  OwnedTensor a({2, 3}, ScalarType::Double), b({3, 2}, ScalarType::Double), out({2, 2}, ScalarType::Double);
  Ctx c(1);
  EXPECT_EQ(optimized::opt_mm_out_prepare(c.ctx, a.t, b.t, out.t), Error::NotSupported);
  OwnedTensor f({2, 3}), g({4, 2}), o({2, 2});
  EXPECT_EQ(optimized::opt_mm_out_prepare(c.ctx, f.t, g.t, o.t), Error::NotSupported);
}

TEST(OptAddmm, BiasBroadcastsBetaAlpha) {
  const int64_t M = 17, K = 33, N = 20;
  OwnedTensor a({M, K}), b({K, N}), out({M, N});
  a.random(7);
  b.random(8).constant();
  const std::vector<double> prod = ref_gemm(M, N, K, a.f(), K, 1, b.f(), N, 1);
  OwnedTensor row({N}), col({M, 1}), full({M, N}), scalar({1});
  row.random(9);
  col.random(10);
  full.random(11);
  scalar.random(12);
  struct Case {
    OwnedTensor* self;
    int64_t rs, cs;
  } cases[] = {{&row, 0, 1}, {&col, 1, 0}, {&full, N, 1}, {&scalar, 0, 0}};
  for (const Case& cs : cases) {
    for (double beta : {1.0, 0.5}) {
      Scalar sb, sa;
      sb.kind = Scalar::Kind::Double, sb.d = beta;
      sa.kind = Scalar::Kind::Double, sa.d = 2.0;
      Ctx c(2);
      ASSERT_EQ(optimized::opt_addmm_out_prepare(c.ctx, cs.self->t, a.t, b.t, sb, sa, out.t), Error::Ok);
      ASSERT_EQ(optimized::opt_addmm_out(c.ctx, cs.self->t, a.t, b.t, sb, sa, out.t), Error::Ok);
      std::vector<double> want(prod.size());
      for (int64_t i = 0; i < M; i++) {
        for (int64_t j = 0; j < N; j++) {
          want[size_t(i * N + j)] = 2.0 * prod[size_t(i * N + j)] + beta * cs.self->f()[i * cs.rs + j * cs.cs];
        }
      }
      EXPECT_TRUE(close(out.f(), want, double(K), "addmm"));
    }
  }
}

TEST(OptAddmm, ZeroBetaIgnoresNaNSelf) {
  OwnedTensor a({2, 3}), b({3, 2}), self({2}), out({2, 2});
  a.random(1);
  b.random(2);
  self.f()[0] = self.f()[1] = NAN;
  Scalar zero, one;
  zero.kind = one.kind = Scalar::Kind::Int;
  zero.i = 0, one.i = 1;
  Ctx c(1);
  ASSERT_EQ(optimized::opt_addmm_out_prepare(c.ctx, self.t, a.t, b.t, zero, one, out.t), Error::Ok);
  ASSERT_EQ(optimized::opt_addmm_out(c.ctx, self.t, a.t, b.t, zero, one, out.t), Error::Ok);
  EXPECT_TRUE(close(out.f(), ref_gemm(2, 2, 3, a.f(), 3, 1, b.f(), 2, 1), 3.0, "addmm beta 0"));
}

TEST(OptBmm, BatchesMatchReferenceAndThreads) {
  for (bool constant : {false, true}) {
    const int64_t B = 3, M = 15, K = 17, N = 16;
    OwnedTensor a({B, M, K}), b({B, K, N}), out({B, M, N}), out2({B, M, N});
    a.random(13);
    b.random(14);
    if (constant) b.constant();
    Ctx c1(1), c2(2);
    ASSERT_EQ(optimized::opt_bmm_out_prepare(c1.ctx, a.t, b.t, out.t), Error::Ok);
    ASSERT_EQ(optimized::opt_bmm_out(c1.ctx, a.t, b.t, out.t), Error::Ok);
    ASSERT_EQ(optimized::opt_bmm_out_prepare(c2.ctx, a.t, b.t, out2.t), Error::Ok);
    ASSERT_EQ(optimized::opt_bmm_out(c2.ctx, a.t, b.t, out2.t), Error::Ok);
    for (int64_t i = 0; i < B; i++) {
      EXPECT_TRUE(close(out.f() + i * M * N, ref_gemm(M, N, K, a.f() + i * M * K, K, 1, b.f() + i * K * N, N, 1),
                        double(K), "bmm"));
    }
    EXPECT_TRUE(same_bits(out.f(), out2.f(), out.n()));
  }
}

TEST(OptLinear, WeightTransposedWithBias) {
  const int64_t B = 2, T = 5, K = 31, N = 17;
  OwnedTensor x({B, T, K}), w({N, K}), bias({N}), out({B, T, N});
  x.random(15);
  w.random(16).constant();
  bias.random(17).constant();
  Ctx c(2);
  ASSERT_EQ(optimized::opt_linear_out_prepare(c.ctx, x.t, w.t, &bias.t, out.t), Error::Ok);
  ASSERT_EQ(optimized::opt_linear_out(c.ctx, x.t, w.t, &bias.t, out.t), Error::Ok);
  std::vector<double> want = ref_gemm(B * T, N, K, x.f(), K, 1, w.f(), 1, K);
  for (int64_t i = 0; i < B * T; i++) {
    for (int64_t j = 0; j < N; j++) want[size_t(i * N + j)] += bias.f()[j];
  }
  EXPECT_TRUE(close(out.f(), want, double(K), "linear"));
}
