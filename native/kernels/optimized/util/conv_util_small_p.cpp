// Convolutions with at most kSmallM output pixels (squeeze-excite 1x1
// convolutions on a 1x1 map, global-pooled heads) as the transposed product
// out^T[P, Cout] = col^T[P, Kg] x W^T[Kg, Cout] on the small-M kernel: the
// weights are read once, where the usual orientation computes a 16-column
// panel for each pixel. Each output still sums its Kg products in k order
// with one FMA each (a * b == b * a exactly), so the result is bitwise the
// one the usual orientation gives.
//
// Larger P (ResNet-18's 7x7 stage: 49 pixels fill 64 columns) was measured
// in this orientation too, with 6-row tiles on P: slower (3x3 512 @7 3.6 ms
// either way, 3x3 256 @14 2.9 ms against 2.0-2.3), since the packed weights
// then stream through the B panels with as little reuse as before and the
// im2col matrix is copied once more into A panels.
#include <string.h>

#include "kernels/optimized/util/conv_util.h"
#include "kernels/optimized/util/sgemm.h"
#include "kernels/optimized/util/thread_pool.h"

namespace etb {
namespace optimized {

bool conv_small_p(const ConvGeom& g) { return g.groups == 1 && g.P() <= kSmallM; }

size_t conv_small_p_scratch_floats(const ConvGeom& g) {
  const int64_t P = g.P(), K = g.kg();
  const size_t col = g.pointwise() ? 0 : size_t(K * P);
  const size_t a = small_m_available(P) ? 0 : packed_a_floats(P, K);
  return col + a + size_t(P * g.Cout);
}

void conv_small_p_pack_weights(const ConvGeom& g, const float* w, float* dst, int threads) {
  // W is [Cout, Kg] row-major: W^T(k, n) = w[n * Kg + k].
  pack_b(MatView{w, 1, g.kg()}, g.kg(), g.Cout, dst, threads);
}

void conv_small_p_run(int threads, const ConvGeom& g, const float* x, const float* w_packed_t, const float* bias,
                      float* y, float* scratch, float lo, float hi) {
  const int64_t P = g.P(), K = g.kg(), hw = g.H * g.W;
  float* col = scratch;
  float* a_packed = col + (g.pointwise() ? 0 : K * P);
  float* ct = a_packed + (small_m_available(P) ? 0 : packed_a_floats(P, K));
  Epilogue ep;
  if (bias != nullptr) {
    ep.bias = bias;
    ep.beta = 1.0f;
    ep.bias_cs = 1;  // per output channel: a column of out^T
  }
  ep.lo = lo;  // a fused activation's clamp (runtime/passes)
  ep.hi = hi;
  for (int64_t n = 0; n < g.N; n++) {
    const float* xn = x + n * g.C * hw;
    // col^T(p, k) = col[k * P + p]; for 1x1 stride 1 unpadded that is the input.
    MatView a{xn, 1, hw};
    if (!g.pointwise()) {
      parallel_for(threads_for(threads, double(K) * double(P)), (K + 15) / 16, [&](int64_t t, int) {
        const int64_t k0 = t * 16, k1 = k0 + 16 < K ? k0 + 16 : K;
        im2col_rows(xn, g, k0, k1, col);
      });
      a = MatView{col, 1, P};
    }
    if (small_m_available(P)) {
      sgemm_small_m(threads, P, g.Cout, K, a, w_packed_t, ct, g.Cout, ep);
    } else {
      pack_a(a, P, K, a_packed, threads);
      sgemm_packed(threads, P, g.Cout, K, a_packed, w_packed_t, ct, g.Cout, ep);
    }
    // out[co, p] = ct[p, co]: a small transpose (P x Cout, P <= 256).
    float* yn = y + n * g.Cout * P;
    for (int64_t co = 0; co < g.Cout; co++) {
      for (int64_t p = 0; p < P; p++) yn[co * P + p] = ct[p * g.Cout + co];
    }
  }
}

}  // namespace optimized
}  // namespace etb
