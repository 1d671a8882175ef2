// The int8 GEMM (kernels/optimized/util/qgemm.h) against an int64 reference
// with the delegate's requantization, bit for bit: every micro-kernel this
// CPU can run (forced through set_isa_override), odd shapes, extreme values
// and zero points, per-channel multipliers, several thread counts, and the
// int64 fallback for sums that may not fit int32.
#include <math.h>
#include <stdio.h>

#include <vector>

#include "kernels/optimized/util/qgemm.h"
#include "kernels/test/opt_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::optimized;
using etb::opttest::for_each_qisa;

namespace {

struct Case {
  int64_t M, N, K;
  int32_t a_zp, b_zp;
  std::vector<int8_t> a, b;  // A [M, K], B [N, K]
  std::vector<int32_t> bias;
  std::vector<float> mult;
  float lo = -128.0f, hi = 127.0f;
  int32_t out_zp = 0;
};

uint32_t next(uint32_t& s) {
  s = s * 1664525u + 1013904223u;
  return s >> 8;
}

// Random values; `extreme` draws only -128 and 127.
Case make_case(int64_t M, int64_t N, int64_t K, uint32_t seed, bool extreme, bool per_channel) {
  Case c;
  c.M = M, c.N = N, c.K = K;
  uint32_t s = seed * 2654435761u + 7u;
  auto byte = [&]() { return extreme ? int8_t((next(s) & 1) ? 127 : -128) : int8_t(int32_t(next(s) & 255) - 128); };
  c.a.resize(size_t(M * K));
  c.b.resize(size_t(N * K));
  for (auto& v : c.a) v = byte();
  for (auto& v : c.b) v = byte();
  c.a_zp = extreme ? ((seed & 1) ? 127 : -128) : int32_t(next(s) % 61) - 30;
  c.b_zp = per_channel ? 0 : extreme ? ((seed & 2) ? -128 : 127) : int32_t(next(s) % 21) - 10;
  // Multipliers so results spread over the int8 range (and some saturate).
  const float base = 1.0f / (float(K) * 90.0f);
  for (int64_t n = 0; n < N; n++) {
    c.bias.push_back(int32_t(next(s) % 20001) - 10000);
    c.mult.push_back(per_channel ? base * (0.25f + float(next(s) % 1000) / 250.0f) : base);
  }
  c.out_zp = int32_t(next(s) % 41) - 20;
  const float qmin = seed % 3 == 0 ? float(c.out_zp) : -128.0f;  // every third a fused ReLU: q >= zero point
  c.lo = qmin - float(c.out_zp);
  c.hi = 127.0f - float(c.out_zp);
  return c;
}

std::vector<int8_t> reference(const Case& c) {
  std::vector<int8_t> out(size_t(c.M * c.N));
  for (int64_t m = 0; m < c.M; m++) {
    for (int64_t n = 0; n < c.N; n++) {
      int64_t acc = c.bias[size_t(n)];
      for (int64_t k = 0; k < c.K; k++) {
        acc += int64_t(c.a[size_t(m * c.K + k)] - c.a_zp) * (c.b[size_t(n * c.K + k)] - c.b_zp);
      }
      float v = fminf(fmaxf(float(acc) * c.mult[size_t(n)], c.lo), c.hi);
      out[size_t(m * c.N + n)] = int8_t(int32_t(nearbyintf(v)) + c.out_zp);
    }
  }
  return out;
}

// Packs B (transposed view when `bt`) and runs with `threads`; A rows are
// copied to qgemm_lda(K) strides with zero padding, C has a guard byte.
std::vector<int8_t> run(const Case& c, int threads, bool bt, bool* wide = nullptr) {
  QGemmParams p;
  p.a_zp = c.a_zp, p.b_zp = c.b_zp, p.bias = c.bias.data(), p.multiplier = c.mult.data();
  p.lo = c.lo, p.hi = c.hi, p.out_zp = c.out_zp;
  std::vector<uint8_t> packed(qgemm_packed_bytes(c.K, c.N) + 64);
  void* dst = packed.data() + (64 - reinterpret_cast<uintptr_t>(packed.data()) % 64) % 64;
  std::vector<int8_t> bt_data;
  if (bt) {  // B stored [K, N]: the view's strides swap
    bt_data.resize(c.b.size());
    for (int64_t n = 0; n < c.N; n++)
      for (int64_t k = 0; k < c.K; k++) bt_data[size_t(k * c.N + n)] = c.b[size_t(n * c.K + k)];
    qgemm_pack(bt_data.data(), 1, c.N, c.K, c.N, p, dst);
  } else {
    qgemm_pack(c.b.data(), c.K, 1, c.K, c.N, p, dst);
  }
  if (wide) *wide = qgemm_is_wide(dst);
  const int64_t lda = qgemm_lda(c.K);
  std::vector<int8_t> a(size_t(c.M * lda), 0);
  for (int64_t m = 0; m < c.M; m++)
    for (int64_t k = 0; k < c.K; k++) a[size_t(m * lda + k)] = c.a[size_t(m * c.K + k)];
  std::vector<int8_t> out(size_t(c.M * c.N) + 1, int8_t(0x5a));
  std::vector<int32_t> scratch(size_t(c.M) + 1);
  qgemm_run(threads, dst, c.M, a.data(), lda, out.data(), c.N, scratch.data());
  if (out.back() != int8_t(0x5a)) out.back() = 0, out[0] ^= 1;  // a write past C fails the comparison
  out.pop_back();
  return out;
}

bool same(const std::vector<int8_t>& got, const std::vector<int8_t>& want, const char* what) {
  for (size_t i = 0; i < want.size(); i++) {
    if (got[i] != want[i]) {
      printf("  %s: element %zu is %d, want %d\n", what, i, got[i], want[i]);
      return false;
    }
  }
  return true;
}

}  // namespace

TEST(OptQgemm, EveryKernelMatchesReferenceOnOddShapes) {
  const int64_t sizes[] = {1, 3, 17, 63, 255};
  for_each_qisa([&](Isa isa) {
    EXPECT_TRUE(qgemm_isa() == isa);
    for (int64_t M : sizes) {
      for (int64_t N : sizes) {
        for (int64_t K : sizes) {
          uint32_t seed = uint32_t(M * 1000 + N * 10 + K);
          Case c = make_case(M, N, K, seed, false, (seed & 1) != 0);
          char what[96];
          snprintf(what, sizeof(what), "%s M=%lld N=%lld K=%lld", isa_name(isa), (long long)M, (long long)N,
                   (long long)K);
          if (!same(run(c, 1, (seed & 2) != 0), reference(c), what)) {
            EXPECT_TRUE(false);
            return;
          }
        }
      }
    }
  });
}

TEST(OptQgemm, ExtremeValuesAndZeroPointsAtTheLimits) {
  for_each_qisa([&](Isa isa) {
    EXPECT_TRUE(qgemm_isa() == isa);
    for (uint32_t seed = 0; seed < 8; seed++) {
      Case c = make_case(19, 33, 257, seed, true, seed >= 4);
      // Multipliers both tiny and large, so some outputs saturate at the clamp bounds.
      for (size_t n = 0; n < c.mult.size(); n++) c.mult[n] = (n % 2) ? 1e-7f : 1e-3f;
      char what[64];
      snprintf(what, sizeof(what), "%s extreme seed %u", isa_name(isa), seed);
      std::vector<int8_t> want = reference(c);
      EXPECT_TRUE(same(run(c, 1, false), want, what));
      int saturated = 0;
      for (int8_t v : want) saturated += (v == int32_t(c.hi) + c.out_zp || v == int32_t(c.lo) + c.out_zp);
      EXPECT_TRUE(saturated > 0);
    }
  });
}

TEST(OptQgemm, ThreadCountsGiveTheSameBits) {
  for_each_qisa([&](Isa isa) {
    EXPECT_TRUE(qgemm_isa() == isa);
    Case c = make_case(70, 90, 300, 5, false, true);
    std::vector<int8_t> want = reference(c);
    EXPECT_TRUE(same(run(c, 1, false), want, isa_name(isa)));
    EXPECT_TRUE(same(run(c, 2, false), want, isa_name(isa)));
    EXPECT_TRUE(same(run(c, 3, true), want, isa_name(isa)));
  });
}

TEST(OptQgemm, SumsNearTheInt32LimitStayExactAndLargerOnesGoWide) {
  // |x - a_zp| = |w - b_zp| = 255: K = 34000 may reach 2.21e9, past int32, so the
  // int64 path runs; 32000 stays below 2^31 with room for the bias, so the int32 one does.
  for (int64_t K : {int64_t(32000), int64_t(34000)}) {
    Case c = make_case(3, 5, K, 2, true, false);
    c.a_zp = -128, c.b_zp = 127;
    for (auto& v : c.a) v = 127;
    for (size_t i = 0; i < c.b.size(); i++) c.b[i] = (i % 7 == 0) ? 127 : -128;
    for (auto& m : c.mult) m = 1.0f / 2.2e9f * 127.0f;
    for_each_qisa([&](Isa isa) {
    EXPECT_TRUE(qgemm_isa() == isa);
      bool wide = false;
      std::vector<int8_t> got = run(c, 2, false, &wide);
      EXPECT_EQ(wide, K == 34000);
      EXPECT_TRUE(same(got, reference(c), isa_name(isa)));
    });
  }
}

TEST(OptQgemm, ZeroRowsOrColumnsWriteNothing) {
  Case c = make_case(4, 0, 8, 1, false, false);
  std::vector<int8_t> got = run(c, 1, false);
  EXPECT_EQ(got.size(), size_t(0));
  Case d = make_case(0, 5, 8, 1, false, false);
  EXPECT_EQ(run(d, 1, false).size(), size_t(0));
}
