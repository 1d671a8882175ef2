// Fixed-point requantization as CMSIS-NN computes it (the default "double
// rounding" build ExecuTorch uses), see shared/docs/ops-in-real-files.md 2.4.
// Every function is defined for all int32 inputs: no signed overflow, shifts
// are kept within the width of their operand.
#pragma once
#include <stdint.h>

namespace etb {
namespace quantized {

// The low 32 bits of `v` as a two's complement int32 (what a wrapping int32
// accumulator would hold).
inline int32_t wrap_i32(int64_t v) { return int32_t(uint32_t(uint64_t(v))); }

// round(v * m / 2^31) with the rounding constant 2^30 added before a flooring
// shift; no saturation (arm_nn_doubling_high_mult_no_sat).
inline int32_t doubling_high_mult(int32_t v, int32_t m) {
  int64_t prod = int64_t(v) * int64_t(m) + (int64_t(1) << 30);
  return wrap_i32(prod >> 31);
}

// v / 2^exponent rounded half away from zero (arm_nn_divide_by_power_of_two).
inline int32_t divide_by_power_of_two(int32_t v, int32_t exponent) {
  const int32_t mask = int32_t((uint32_t(1) << exponent) - 1);
  const int32_t remainder = v & mask;
  int32_t result = v >> exponent;
  int32_t threshold = mask >> 1;
  if (result < 0) threshold++;
  if (remainder > threshold) result++;
  return result;
}

// rq(acc, M, sh): acc * 2^max(sh,0) in int32, times M/2^31, then divided by
// 2^max(-sh,0). Shifts outside [-31, 31] (rejected at prepare) saturate to it.
inline int32_t requantize(int32_t acc, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? (shift > 31 ? 31 : shift) : 0;
  const int32_t right = shift < 0 ? (shift < -31 ? 31 : -shift) : 0;
  const int32_t scaled = int32_t(uint32_t(acc) << left);
  return divide_by_power_of_two(doubling_high_mult(scaled, multiplier), right);
}

// y = clamp(v + offset, lo, hi) as int8; lo/hi are within int8 (checked at prepare).
inline int8_t offset_and_clamp(int32_t v, int32_t offset, int32_t lo, int32_t hi) {
  int64_t y = int64_t(v) + offset;
  if (y < lo) y = lo;
  if (y > hi) y = hi;
  return int8_t(y);
}

}  // namespace quantized
}  // namespace etb
