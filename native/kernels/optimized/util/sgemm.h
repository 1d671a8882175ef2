// Single-precision GEMM on packed operands: C[M, N] = epilogue(A[M, K] * B[K, N]).
//
//   std::vector<float> a(packed_a_floats(M, K)), b(packed_b_floats(K, N));
//   pack_a(MatView{A, K, 1}, M, K, a.data(), threads);   // or once, in prepare, for weights
//   pack_b(MatView{B, N, 1}, K, N, b.data(), threads);
//   sgemm_packed(threads, M, N, K, a.data(), b.data(), C, N, Epilogue{});
//
// Blocking (Goto/van de Geijn): K is cut into kKC-deep blocks; in each block
// A is stored as panels of kMR rows and B as panels of kNR columns, k-major,
// so the micro-kernel streams both with unit stride. Block `p` of a packed
// operand starts at p * kKC * (M or N rounded up to the panel width), panel
// `i` of that block at i * width * kc. Rows/columns past M/N are zero.
//
// Micro-kernels: 6x16 (scalar, AVX2+FMA, NEON; sgemm_kernels.cpp) and, on
// AVX-512 CPUs, 12x32 from two A and two B panels of the same layout
// (sgemm_avx512.cpp), so weights packed at load never depend on the CPU.
// At most kSmallM rows skip A packing (sgemm_small_m.cpp).
//
// Work is split over tiles of C (never over K), and every C element sums its
// K products in the same order whatever the tiling (and whatever the vector
// kernel: one FMA per product, in k order), so results are bitwise identical
// for any thread count, and between AVX2 and AVX-512.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace etb {
namespace optimized {

constexpr int64_t kMR = 6;    // micro-tile rows: 12 accumulators of 8 floats
constexpr int64_t kNR = 16;   // micro-tile columns: two 8-float vectors
constexpr int64_t kKC = 256;  // K block: a kKC x kNR panel of B (16 KiB) stays in L1
constexpr int64_t kMC = 288;  // M block: kMC x kKC of A (288 KiB) stays in L2 (512 KiB on Zen 3)
// M block for the AVX-512 12x32 tiles (a multiple of 12). AVX-512 CPUs have
// 1-2 MiB of L2 per core, but on the shared development VM (Sapphire Rapids,
// L2 shared with whatever runs on the sibling thread) 576 rows measured no
// better than 288 at n = 512-2048, and slightly worse in interleaved runs.
constexpr int64_t kMCWide = 288;
// How many k steps ahead the first tile on a B panel prefetches its lines.
constexpr int64_t kPrefetchSteps = 32;

// A strided matrix: element (r, c) at p[r * rs + c * cs]. Transposes are strides.
struct MatView {
  const float* p;
  int64_t rs, cs;
};

// What happens to each C element after the K sum: c = alpha * sum + beta * bias(r, c),
// then clamped to [lo, hi]. bias(r, c) = bias[r * bias_rs + c * bias_cs] (0 strides broadcast).
struct Epilogue {
  float alpha = 1.0f;
  float beta = 0.0f;  // bias is ignored when beta == 0 (NaN in it does not propagate)
  const float* bias = nullptr;
  int64_t bias_rs = 0, bias_cs = 0;
  float lo = -__builtin_inff(), hi = __builtin_inff();
  bool identity() const {
    return alpha == 1.0f && (bias == nullptr || beta == 0.0f) && lo == -__builtin_inff() && hi == __builtin_inff();
  }
};

inline int64_t round_up(int64_t v, int64_t m) { return (v + m - 1) / m * m; }
inline size_t packed_a_floats(int64_t M, int64_t K) { return size_t(round_up(M, kMR) * K); }
inline size_t packed_b_floats(int64_t K, int64_t N) { return size_t(round_up(N, kNR) * K); }

// Address of packed B element (k, n) (for writers such as im2col).
inline size_t packed_b_index(int64_t K, int64_t N, int64_t k, int64_t n) {
  const int64_t block = k / kKC, kc = (block + 1) * kKC <= K ? kKC : K - block * kKC;
  return size_t(block * kKC * round_up(N, kNR) + (n / kNR) * kNR * kc + (k % kKC) * kNR + n % kNR);
}

// Pack a strided M x K (or K x N) matrix; `dst` holds packed_*_floats floats.
void pack_a(MatView a, int64_t M, int64_t K, float* dst, int threads);
void pack_b(MatView b, int64_t K, int64_t N, float* dst, int threads);

// C (row stride ldc, unit column stride) = epilogue(A * B) for packed A and B.
void sgemm_packed(int threads, int64_t M, int64_t N, int64_t K, const float* a_packed, const float* b_packed,
                  float* c, int64_t ldc, const Epilogue& ep);

// c(i, j) = epilogue(c(i, j)) for the m x n block at C(row0, col0) (bias indexed from there).
void apply_epilogue(float* c, int64_t ldc, int64_t row0, int64_t col0, int m, int n, const Epilogue& ep);

// At most kSmallM rows against a packed B, A read in place through its
// strides (no packing), bitwise equal to sgemm_packed (sgemm_small_m.cpp).
// Only where small_m_available(M) (AVX-512 or AVX2+FMA).
constexpr int64_t kSmallM = 4;
bool small_m_available(int64_t M);
void sgemm_small_m(int threads, int64_t M, int64_t N, int64_t K, MatView a, const float* b_packed, float* c,
                   int64_t ldc, const Epilogue& ep);
// The same with B read in place, row-major (b.cs == 1): a run-time B needs no packing.
void sgemm_small_m_rowmajor(int threads, int64_t M, int64_t N, int64_t K, MatView a, MatView b, float* c,
                            int64_t ldc, const Epilogue& ep);

// C = epilogue(A * B) with B read in place from row pointers, B(k, j) =
// b_rows[k][b_col0 + j] (row k of B may be anywhere: a row of an input
// image for a 1x1 convolution, a shifted row of a padded image for a k x k
// one, conv_rows.cpp), so B is never packed. Reads no B element past column
// N - 1 of a row. AVX-512 only (sgemm_rows_available()); same sums in the
// same order as sgemm_packed, so bitwise equal to it.
bool sgemm_rows_available();
void sgemm_rows(int threads, int64_t M, int64_t N, int64_t K, const float* a_packed, const float* const* b_rows,
                int64_t b_col0, float* c, int64_t ldc, const Epilogue& ep);

// The micro-kernel: C tile (m <= kMR rows, n <= kNR columns) = (accumulate ? C : 0) + A panel * B panel.
using MicroKernel = void (*)(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int m, int n,
                             bool accumulate);
void f32_gemm_6x16__scalar(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int m, int n,
                           bool accumulate);
void f32_gemm_6x16__avx2(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int m, int n,
                         bool accumulate);
void f32_gemm_6x16__neon(int64_t kc, const float* a, const float* b, float* c, int64_t ldc, int m, int n,
                         bool accumulate);
// An epilogue for one tile whose first element is C(row0, col0); the
// AVX-512 kernel applies it in registers when its bias is per row
// (bias_cs == 0) or unit-stride along the row (bias_cs == 1).
struct TileEpilogue {
  const Epilogue* ep;
  int64_t row0, col0;
};
inline bool tile_epilogue_supported(const Epilogue& ep) {
  return ep.bias == nullptr || ep.beta == 0.0f || ep.bias_cs == 0 || ep.bias_cs == 1;
}
// AVX-512: a 12 x 32 tile (m <= 12, n <= 32) from two A panels and two B panels of
// the same layout; `a1` is read only when m > 6, `b1` only when n > 16. A
// non-null `ep` (last K block only) is applied before the store. `b_cold`:
// the B panels were not read since they were packed (first tile of a panel);
// their lines are prefetched into L1 a few k steps ahead.
void f32_gemm_12x32__avx512(int64_t kc, const float* a0, const float* a1, const float* b0, const float* b1, float* c,
                            int64_t ldc, int m, int n, bool accumulate, const TileEpilogue* ep, bool b_cold = false);
// The same with the B tile at rows[k] + col for k < kc (sgemm_rows); `b_cold`:
// the first tile on these columns, which also prefetches the next columns.
void f32_gemm_12x32_rows__avx512(int64_t kc, const float* a0, const float* a1, const float* const* rows, int64_t col,
                                 float* c, int64_t ldc, int m, int n, bool accumulate, const TileEpilogue* ep,
                                 bool b_cold = false);
// Packs 6 full rows of A (k contiguous, rows `row_stride` apart) into one k-major panel.
void f32_pack_6rows__avx2(const float* src, int64_t row_stride, int64_t kc, float* out);
// The micro-kernel for active_isa().
MicroKernel gemm_micro_kernel();

}  // namespace optimized
}  // namespace etb
