#include "backends/xnnpack/xnn_qdot.h"

#include "kernels/optimized/util/cpu_features.h"

#if defined(__x86_64__) && !defined(ETB_NO_OPTIMIZED_KERNELS)
#include <immintrin.h>
#define ETB_XNN_AVX2 1
#endif

namespace etb {
namespace xnn {
namespace {

int64_t dot_scalar(const int16_t* a, const int16_t* b, int64_t n) {
  int64_t s = 0;
  for (int64_t i = 0; i < n; i++) s += int32_t(a[i]) * int32_t(b[i]);
  return s;
}

#ifdef ETB_XNN_AVX2
// Eight int32 lanes, each adding two products of at most 255 * 255 per step:
// no lane overflows for n <= kMaxAvx2 (n / 16 steps of at most 130050).
constexpr int64_t kMaxAvx2 = 1 << 17;

__attribute__((target("avx2"))) int64_t dot_avx2(const int16_t* a, const int16_t* b, int64_t n) {
  __m256i acc = _mm256_setzero_si256();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i va = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a + i));
    __m256i vb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b + i));
    acc = _mm256_add_epi32(acc, _mm256_madd_epi16(va, vb));
  }
  alignas(32) int32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), acc);
  int64_t s = 0;
  for (int k = 0; k < 8; k++) s += lanes[k];
  return s + dot_scalar(a + i, b + i, n - i);
}
#endif

}  // namespace

int64_t dot_s16(const int16_t* a, const int16_t* b, int64_t n) {
#ifdef ETB_XNN_AVX2
  if (n >= 16 && n <= kMaxAvx2 && optimized::has_avx2_fma(optimized::active_isa())) return dot_avx2(a, b, n);
#endif
  return dot_scalar(a, b, n);
}

}  // namespace xnn
}  // namespace etb
