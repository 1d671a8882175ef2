// The SGEMM micro-kernels of every instruction set against each other: the
// AVX2 6x16 and AVX-512 12x32 kernels sum each element's products in the
// same order with one FMA each, so they must agree to the bit; the scalar
// kernel (no FMA) and NEON must agree within rounding. Odd sizes cover every partial
// tile: rows 1..11 of a 12-row tile, columns 1..31 of a 32-column one, K
// across kKC blocks. C is written through a row stride wider than N and the
// columns past N must keep their sentinel (masked stores stay inside).
#include <math.h>

#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/sgemm.h"
#include "kernels/test/opt_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::opttest;
using optimized::Isa;

namespace {

constexpr float kSentinel = -7.5f;

// C [M, ldc = N + 3] = epilogue(A * B) with `isa` forced.
std::vector<float> gemm_with(Isa isa, int64_t M, int64_t N, int64_t K, const float* a, const float* b, int threads,
                             const optimized::Epilogue& ep) {
  optimized::set_isa_override(isa);
  std::vector<float> ap(optimized::packed_a_floats(M, K)), bp(optimized::packed_b_floats(K, N));
  const int64_t ldc = N + 3;
  std::vector<float> c(size_t(M * ldc), kSentinel);
  optimized::pack_a(optimized::MatView{a, K, 1}, M, K, ap.data(), threads);
  optimized::pack_b(optimized::MatView{b, N, 1}, K, N, bp.data(), threads);
  optimized::sgemm_packed(threads, M, N, K, ap.data(), bp.data(), c.data(), ldc, ep);
  optimized::clear_isa_override();
  return c;
}

bool padding_untouched(const std::vector<float>& c, int64_t M, int64_t N) {
  for (int64_t i = 0; i < M; i++) {
    for (int64_t j = N; j < N + 3; j++) {
      if (c[size_t(i * (N + 3) + j)] != kSentinel) return false;
    }
  }
  return true;
}

}  // namespace

TEST(OptSgemmIsa, VectorKernelsAgreeBitwiseAndWithScalar) {
  const bool avx2 = optimized::isa_supported(Isa::Avx2Fma), avx512 = optimized::isa_supported(Isa::Avx512);
  const bool neon = optimized::isa_supported(Isa::Neon);
  if (!avx2 && !neon) {
    printf("  note: no vector kernels on this CPU; only the scalar kernel ran here\n");
  } else if (avx2 && !avx512) {
    printf("  note: no AVX-512 on this CPU; the 12x32 kernel was not run\n");
  }
  // Epilogues on every partial tile: bias per column with a clamp, bias per
  // row with alpha (both applied in the AVX-512 kernel's registers), and a
  // strided bias (applied after the store).
  std::vector<float> bias(600);
  for (size_t i = 0; i < bias.size(); i++) bias[i] = 0.01f * float(i) - 1.0f;
  optimized::Epilogue by_col, by_row, strided;
  by_col.bias = by_row.bias = strided.bias = bias.data();
  by_col.beta = 0.5f, by_col.bias_cs = 1, by_col.hi = 4.0f;
  by_row.beta = 1.0f, by_row.bias_rs = 1, by_row.alpha = 0.75f, by_row.lo = -1.0f;
  strided.beta = 2.0f, strided.bias_cs = 2, strided.lo = 0.0f;
  for (int64_t M : {1, 6, 7, 11, 13, 33, 257}) {
    for (int64_t N : {1, 7, 16, 17, 31, 33, 257}) {
      for (int64_t K : {1, 17, 257}) {
        OwnedTensor a({M, K}), b({K, N});
        a.random(uint32_t(M * 13 + K));
        b.random(uint32_t(N * 5 + K));
        char what[96];
        snprintf(what, sizeof(what), "M=%lld N=%lld K=%lld", (long long)M, (long long)N, (long long)K);
        for (const optimized::Epilogue& e : {optimized::Epilogue{}, by_col, by_row, strided}) {
          const std::vector<float> s = gemm_with(Isa::Scalar, M, N, K, a.f(), b.f(), 1, e);
          EXPECT_TRUE(padding_untouched(s, M, N));
          std::vector<float> v1, v2, v3;
          if (avx2) v1 = gemm_with(Isa::Avx2Fma, M, N, K, a.f(), b.f(), 1, e);
          if (avx512) v2 = gemm_with(Isa::Avx512, M, N, K, a.f(), b.f(), 2, e);
          if (neon) v3 = gemm_with(Isa::Neon, M, N, K, a.f(), b.f(), 2, e);
          for (const std::vector<float>* v : {&v1, &v2, &v3}) {
            if (v->empty()) continue;
            EXPECT_TRUE(padding_untouched(*v, M, N));
            for (size_t i = 0; i < s.size(); i++) {
              if (!(fabsf((*v)[i] - s[i]) <= 1e-4f * float(K) * (1.0f + fabsf(s[i])))) {
                printf("  %s element %zu: %.9g vs scalar %.9g\n", what, i, double((*v)[i]), double(s[i]));
                EXPECT_TRUE(false);
                return;
              }
            }
          }
          if (avx2 && avx512 && !same_bits(v1.data(), v2.data(), v1.size())) {
            printf("  %s: avx512 and avx2+fma differ\n", what);
            EXPECT_TRUE(false);
            return;
          }
        }
      }
    }
  }
}

TEST(OptSgemmIsa, OverrideFallsBackToScalarForForeignIsa) {
  // A NEON request on x86 (or AVX-512 on a CPU without it) runs scalar rather than crashing.
  for (Isa isa : {Isa::Neon, Isa::Avx512, Isa::Avx2Fma}) {
    optimized::set_isa_override(isa);
    EXPECT_TRUE(optimized::active_isa() == (optimized::isa_supported(isa) ? isa : Isa::Scalar));
  }
  optimized::clear_isa_override();
  EXPECT_TRUE(optimized::active_isa() == optimized::detected_isa());
}

TEST(OptSgemmIsa, SmallMMatchesTilesBitwise) {
  std::vector<Isa> isas;
  for (Isa isa : {Isa::Avx2Fma, Isa::Avx512}) {
    if (optimized::isa_supported(isa)) isas.push_back(isa);
  }
  if (isas.empty()) {
    printf("  note: no AVX2+FMA on this CPU; the small-M path was not run (x86-64 only)\n");
    return;
  }
  std::vector<float> bias(1200);
  for (size_t i = 0; i < bias.size(); i++) bias[i] = 0.003f * float(i) - 1.0f;
  optimized::Epilogue by_col;
  by_col.bias = bias.data(), by_col.beta = 1.0f, by_col.bias_cs = 1, by_col.lo = 0.0f;
  for (Isa isa : isas)
  for (int64_t M : {1, 2, 3, 4}) {
    for (int64_t N : {1, 7, 16, 17, 100, 130, 1000}) {
      for (int64_t K : {0, 1, 17, 300, 600}) {
        // A is read through strides: use a transposed view (column stride M + 1).
        // B is row-major with a row stride N + 2, so the in-place reads must stay inside N.
        OwnedTensor at({K + 1, M + 1}), b({K + 1, N + 2});
        at.random(uint32_t(M + K));
        b.random(uint32_t(N * 3 + K));
        const optimized::MatView a{at.f(), 1, M + 1};
        optimized::set_isa_override(isa);
        EXPECT_TRUE(optimized::small_m_available(M));
        std::vector<float> ap(optimized::packed_a_floats(M, K)), bp(optimized::packed_b_floats(K, N) + 1);
        optimized::pack_a(a, M, K, ap.data(), 1);
        const optimized::MatView bv{b.f(), N + 2, 1};
        optimized::pack_b(bv, K, N, bp.data(), 1);
        for (const optimized::Epilogue& e : {optimized::Epilogue{}, by_col}) {
          const int64_t ldc = N + 5;
          std::vector<float> want(size_t(M * ldc), kSentinel), got(size_t(M * ldc), kSentinel), in_place = got;
          optimized::sgemm_packed(1, M, N, K, ap.data(), bp.data(), want.data(), ldc, e);
          optimized::sgemm_small_m(2, M, N, K, a, bp.data(), got.data(), ldc, e);
          optimized::sgemm_small_m_rowmajor(2, M, N, K, a, bv, in_place.data(), ldc, e);
          if (!same_bits(want.data(), got.data(), want.size()) ||
              !same_bits(want.data(), in_place.data(), want.size())) {
            printf("  %s small M=%lld N=%lld K=%lld (packed or in-place B) differs from the tile kernels\n",
                   optimized::isa_name(isa), (long long)M, (long long)N, (long long)K);
            EXPECT_TRUE(false);
            optimized::clear_isa_override();
            return;
          }
        }
        optimized::clear_isa_override();
      }
    }
  }
  optimized::set_isa_override(isas.back());
  EXPECT_FALSE(optimized::small_m_available(5));
  optimized::set_isa_override(Isa::Scalar);
  EXPECT_FALSE(optimized::small_m_available(1));
  optimized::clear_isa_override();
}
