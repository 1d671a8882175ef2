// Integer dot products for the quantized nodes: sum of a[i] * b[i] over
// int16 operands (zero points already subtracted, so |a|, |b| <= 255),
// exact. AVX2 (vpmaddwd) when this CPU has it, else scalar.
#pragma once
#include <stdint.h>

namespace etb {
namespace xnn {

int64_t dot_s16(const int16_t* a, const int16_t* b, int64_t n);

}  // namespace xnn
}  // namespace etb
