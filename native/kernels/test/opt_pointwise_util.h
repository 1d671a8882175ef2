// Helpers for the optimized pointwise/softmax/normalization tests: inputs
// with special values, and a comparison against the portable kernel's output
// at the operator suites' float32 tolerance (rtol 1e-5, atol 1e-6) or bit for
// bit.
#pragma once
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kernels/test/opt_test_util.h"

namespace etb {
namespace opttest {

// Seeded values in [-scale, scale), with NaN, +-inf and -0 sprinkled in when
// `specials` (at fixed positions so vector bodies and tails both see them).
inline void fill(OwnedTensor& t, uint32_t seed, float scale, bool specials) {
  t.random(seed);
  for (size_t i = 0; i < t.n(); i++) t.data[i] *= scale;
  if (!specials) return;
  const float sp[] = {NAN, INFINITY, -INFINITY, -0.0f, 0.0f, 3.4028235e38f, -3.4028235e38f};
  for (size_t i = 3, k = 0; i < t.n(); i += 13, k++) t.data[i] = sp[k % 7];
}

// NaN matches NaN; infinities match exactly; else within tolerance (exact
// when `bitwise`, apart from NaN payloads).
inline bool matches(const float* got, const float* want, size_t n, bool bitwise, const char* what) {
  for (size_t i = 0; i < n; i++) {
    const float g = got[i], w = want[i];
    bool ok;
    if (isnan(w) || isnan(g)) {
      ok = isnan(w) && isnan(g);
    } else if (bitwise || isinf(w) || isinf(g)) {
      ok = memcmp(&g, &w, sizeof(float)) == 0;
    } else {
      ok = fabs(double(g) - double(w)) <= 1e-6 + 1e-5 * fabs(double(w));
    }
    if (!ok) {
      printf("  %s: element %zu is %.9g, portable gives %.9g\n", what, i, double(g), double(w));
      return false;
    }
  }
  return true;
}

}  // namespace opttest
}  // namespace etb
