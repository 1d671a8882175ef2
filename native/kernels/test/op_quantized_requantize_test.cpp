// CMSIS-NN requantization ("double rounding") used by every cortex_m kernel.
#include "kernels/quantized/util/requantize_util.h"
#include "kernels/test/op_quantized_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using etb::qtest::kHalf;
using quantized::divide_by_power_of_two;
using quantized::doubling_high_mult;
using quantized::offset_and_clamp;
using quantized::requantize;

TEST(QuantizedRequantize, DoublingHighMultRoundsHalfUp) {
  // (v * 2^30 + 2^30) >> 31 = floor((v + 1) / 2).
  EXPECT_EQ(doubling_high_mult(3, kHalf), 2);    // 1.5 -> 2
  EXPECT_EQ(doubling_high_mult(-3, kHalf), -1);  // -1.5 -> -1 (towards +inf, not away from zero)
  EXPECT_EQ(doubling_high_mult(-5, kHalf), -2);  // -2.5 -> -2
  EXPECT_EQ(doubling_high_mult(4, kHalf), 2);
}

TEST(QuantizedRequantize, DoublingHighMultExtremesDoNotOverflow) {
  EXPECT_EQ(doubling_high_mult(2147483647, 2147483647), 2147483646);
  EXPECT_EQ(doubling_high_mult(-2147483647 - 1, 2147483647), -2147483647);
}

TEST(QuantizedRequantize, DivideByPowerOfTwoRoundsHalfAwayFromZero) {
  EXPECT_EQ(divide_by_power_of_two(3, 1), 2);    // 1.5
  EXPECT_EQ(divide_by_power_of_two(-3, 1), -2);  // -1.5
  EXPECT_EQ(divide_by_power_of_two(5, 2), 1);    // 1.25
  EXPECT_EQ(divide_by_power_of_two(-5, 2), -1);  // -1.25
  EXPECT_EQ(divide_by_power_of_two(6, 2), 2);    // 1.5
  EXPECT_EQ(divide_by_power_of_two(-6, 2), -2);  // -1.5
  EXPECT_EQ(divide_by_power_of_two(-7, 2), -2);  // -1.75
  EXPECT_EQ(divide_by_power_of_two(7, 0), 7);
  EXPECT_EQ(divide_by_power_of_two(-2147483647 - 1, 31), -1);
  EXPECT_EQ(divide_by_power_of_two(2147483647, 31), 1);  // 0.99999... -> 1
}

TEST(QuantizedRequantize, NegativeShiftRoundsTwice) {
  // 5 * 0.5 / 2 = 1.25: step 2 rounds 2.5 up to 3, step 3 rounds 1.5 away to 2.
  EXPECT_EQ(requantize(5, kHalf, -1), 2);
  EXPECT_EQ(requantize(-5, kHalf, -1), -1);  // -2.5 -> -2, then -1.0
  EXPECT_EQ(requantize(-7, kHalf, -1), -2);  // -3.5 -> -3, then -1.5 -> -2
  EXPECT_EQ(requantize(7, kHalf, -1), 2);    // 3.5 -> 4, then 2
  EXPECT_EQ(requantize(-6, kHalf, -2), -1);  // -3 -> floor(-2.5) = -3, then -0.75 -> -1
  EXPECT_EQ(requantize(1, kHalf, -1), 1);    // 0.5 -> 1, then 0.5 -> 1
  EXPECT_EQ(requantize(-1, kHalf, -1), 0);   // -0.5 -> 0
}

TEST(QuantizedRequantize, PositiveShiftScalesInInt32First) {
  EXPECT_EQ(requantize(3, kHalf, 2), 6);     // 12 * 0.5
  EXPECT_EQ(requantize(-3, kHalf, 2), -6);
  EXPECT_EQ(requantize(-1, kHalf, 1), -1);   // -2 * 0.5
  EXPECT_EQ(requantize(5, kHalf, 0), 3);     // 2.5 -> 3
  // The int32 pre-shift wraps like the CMSIS-NN code on a 32-bit core.
  EXPECT_EQ(requantize(1 << 30, kHalf, 1), -1073741824);
}

TEST(QuantizedRequantize, KeywordSpottingLinearParameters) {
  // multiplier 1500406475 (~0.69868), shift -8: acc * 0.69868 / 256.
  EXPECT_EQ(requantize(10000, 1500406475, -8), 27);   // 27.29
  EXPECT_EQ(requantize(-10000, 1500406475, -8), -27);
  EXPECT_EQ(requantize(0, 1500406475, -8), 0);
}

TEST(QuantizedRequantize, OffsetThenClamp) {
  EXPECT_EQ(offset_and_clamp(100, 23, -128, 127), 123);
  EXPECT_EQ(offset_and_clamp(120, 23, -128, 127), 127);
  EXPECT_EQ(offset_and_clamp(-200, -128, -128, 127), -128);
  EXPECT_EQ(offset_and_clamp(2147483647, 127, -128, 5), 5);
}
