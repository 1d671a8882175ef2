// Optimized quantize_per_tensor / dequantize_per_tensor (quantized_decomposed)
// against the quantized kernels, bit for bit: int8 and uint8, sizes with
// vector tails, ties that round half to even, NaN, infinities and values
// far outside the range; other dtypes are handed to the quantized kernels.
#include <vector>

#include "kernels/generated/kernel_decls.h"
#include "kernels/test/opt_pointwise_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::opttest;
using optimized::Isa;

namespace {

void check(int64_t n, ScalarType dt, double scale, int64_t zp) {
  const int64_t lo = dt == ScalarType::Byte ? 0 : -128, hi = dt == ScalarType::Byte ? 255 : 127;
  OwnedTensor x({n}), want({n}, dt), got({n}, dt), back_want({n}), back_got({n});
  fill(x, uint32_t(n), 200.0f * float(scale), true);
  // Exact ties: x * (1 / scale) = k + 0.5.
  for (int64_t i = 5; i < n; i += 11) x.data[size_t(i)] = float((double(i % 9) - 4.5) * scale);
  Ctx qc(1);
  EXPECT_TRUE(quantized::decomposed_quantize_per_tensor_out(qc.ctx, x.t, scale, zp, lo, hi, dt, want.t) == Error::Ok);
  const Optional<ScalarType> none{};
  EXPECT_TRUE(quantized::decomposed_dequantize_per_tensor_out(qc.ctx, want.t, scale, zp, lo, hi, dt, none, back_want.t) ==
              Error::Ok);
  for_each_isa([&](Isa isa) {
    for (int threads : {1, 3}) {
      Ctx c(threads);
      EXPECT_TRUE(optimized::opt_decomposed_quantize_per_tensor_out_prepare(c.ctx, x.t, scale, zp, lo, hi, dt, got.t) ==
                  Error::Ok);
      EXPECT_TRUE(optimized::opt_decomposed_quantize_per_tensor_out(c.ctx, x.t, scale, zp, lo, hi, dt, got.t) == Error::Ok);
      const bool q_same = memcmp(got.t.data, want.t.data, size_t(n)) == 0;
      if (!q_same) printf("  quantize n=%lld %s zp=%lld differs (%s)\n", (long long)n, scalar_type_name(dt), (long long)zp, optimized::isa_name(isa));
      EXPECT_TRUE(q_same);
      EXPECT_TRUE(optimized::opt_decomposed_dequantize_per_tensor_out(c.ctx, want.t, scale, zp, lo, hi, dt, none,
                                                                      back_got.t) == Error::Ok);
      EXPECT_TRUE(matches(back_got.f(), back_want.f(), size_t(n), true, "dequantize"));
    }
  });
}

}  // namespace

TEST(OptQuantize, MatchesQuantizedKernelsBitForBit) {
  for (int64_t n : {1, 7, 17, 1037, 70001}) {
    check(n, ScalarType::Char, 0.05, 3);
    check(n, ScalarType::Byte, 0.1, 128);
    check(n, ScalarType::Char, 1.0 / 3.0, -128);
  }
}

TEST(OptQuantize, OtherDtypesUseTheQuantizedKernel) {
  // int16 is not vectorized here: the optimized entry hands it over and gets the same answer.
  OwnedTensor x({9}), want({9}, ScalarType::Short), got({9}, ScalarType::Short);
  fill(x, 3, 1000.0f, false);
  Ctx c(1), qc(1);
  EXPECT_TRUE(optimized::opt_decomposed_quantize_per_tensor_out_prepare(c.ctx, x.t, 0.01, 0, -32768, 32767,
                                                                        ScalarType::Short, got.t) == Error::Ok);
  EXPECT_TRUE(optimized::opt_decomposed_quantize_per_tensor_out(c.ctx, x.t, 0.01, 0, -32768, 32767, ScalarType::Short,
                                                                got.t) == Error::Ok);
  EXPECT_TRUE(quantized::decomposed_quantize_per_tensor_out(qc.ctx, x.t, 0.01, 0, -32768, 32767, ScalarType::Short,
                                                            want.t) == Error::Ok);
  EXPECT_TRUE(memcmp(got.t.data, want.t.data, 18) == 0);
  // A bad quant range is still refused with the quantized kernel's message.
  Ctx c2(1);
  EXPECT_EQ(optimized::opt_decomposed_quantize_per_tensor_out_prepare(c2.ctx, x.t, 0.01, 0, 10, 5, ScalarType::Char,
                                                                      want.t),
            Error::InvalidArgument);
}
