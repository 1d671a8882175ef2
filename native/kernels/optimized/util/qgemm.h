// Int8 GEMM with requantization, for quantized fully connected and
// convolution layers:
//
//   C[m, n] = requant(bias[n] + sum_k (A[m, k] - a_zp) * (B[n, k] - b_zp))
//   requant(v) = clamp(v * multiplier[n], lo, hi) rounded half to even, + out_zp
//
// A is int8 activations [M, K] row-major (rows `lda` bytes apart), B int8
// weights [N, K] (per-tensor zero point b_zp, or 0 with per-channel
// multipliers), bias int32, C int8. The arithmetic is exact: the integer sum
// is the same as an int64 reference, and the float step is the one XNNPACK's
// fp32 requantization (and the delegate's scalar code) does, so every
// instruction set gives the same bits for any thread count.
//
//   std::vector<uint8_t> packed(qgemm_packed_bytes(K, N));
//   qgemm_pack(W, K, 1, K, N, params, packed.data());        // once, at init
//   // A rows need qgemm_lda(K) readable bytes each, zero past K:
//   qgemm_run(threads, packed.data(), M, A, lda, C, N, row_scratch);
//
// Packing stores B as u8 (w + 128) in panels of kQNR columns, k-major in
// groups of 4 (column c's 4 bytes adjacent), the layout vpdpbusd reads; the
// micro-kernels compute raw = sum_k A * (B + 128) in wrapping int32, and the
// driver adds per-row (-(128 + b_zp) * rowsum(A)) and per-column (bias and
// zero-point) terms precomputed at pack time. Wrapping int32 is exact
// whenever the true result fits int32, which qgemm_pack checks from the
// weights, zero points and bias; when it cannot prove that (K in the tens of
// thousands) the GEMM runs an int64 scalar path instead.
#pragma once
#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "kernels/optimized/util/cpu_features.h"

namespace etb {
namespace optimized {

constexpr int64_t kQMR = 8;   // micro-tile rows
constexpr int64_t kQNR = 16;  // micro-tile columns: one zmm of int32
constexpr int64_t kQKG = 4;   // k group: the 4 bytes vpdpbusd sums into one lane

struct QGemmParams {
  int32_t a_zp = 0;               // activation zero point, [-128, 127]
  int32_t b_zp = 0;               // weight zero point (per-tensor), [-128, 127]
  const int32_t* bias = nullptr;  // N values, or none
  const float* multiplier = nullptr;  // N values: a_scale * b_scale[n] / out_scale
  float lo = -128.0f, hi = 127.0f;    // bounds of the scaled value, out_zp removed
  int32_t out_zp = 0;
};

// The requantization every int8 kernel here ends with (the delegate's
// scalar one, step for step): float sum * multiplier, clamped to [lo, hi]
// (bounds with the out zero point removed), rounded half to even, + out_zp.
inline int8_t qgemm_requant(float acc, float mult, float lo, float hi, int32_t zp) {
  const float v = fminf(fmaxf(acc * mult, lo), hi);
  return int8_t(int32_t(nearbyintf(v)) + zp);
}

// Row stride A's rows need: K rounded up to the k group (bytes past K zero).
inline int64_t qgemm_lda(int64_t K) { return (K + kQKG - 1) / kQKG * kQKG; }
size_t qgemm_packed_bytes(int64_t K, int64_t N);
// Scratch qgemm_run needs for M rows (the row sums).
inline size_t qgemm_scratch_bytes(int64_t M) { return size_t(M) * sizeof(int32_t); }

// Packs B (element (n, k) at b[n * rs + k * cs]) and the epilogue terms into
// `dst` (qgemm_packed_bytes(K, N) bytes, any alignment).
void qgemm_pack(const int8_t* b, int64_t rs, int64_t cs, int64_t K, int64_t N, const QGemmParams& p, void* dst);

// C (rows ldc bytes apart) = the GEMM above for M rows of A. `row_scratch`
// holds qgemm_scratch_bytes(M) bytes.
void qgemm_run(int threads, const void* packed, int64_t M, const int8_t* a, int64_t lda, int8_t* c, int64_t ldc,
               int32_t* row_scratch);

// The instruction set qgemm_run uses now: active_isa() when overridden, else
// the best this CPU supports (Avx512Vnni, NeonDot, Avx2Fma, Neon, Scalar).
Isa qgemm_isa();
// True when the packed GEMM fell back to the int64 scalar path.
bool qgemm_is_wide(const void* packed);

// Micro-kernels: tile[i * kQNR + j] = sum over kgroups * 4 bytes of
// rows[i][k] * (panel's column j byte k - 128 + qgemm_row_offset(isa)) in
// wrapping int32, for kQMR rows: x * (w + 128) for all but the NEON dot
// kernel, x * w for that one (sdot has no unsigned x signed form).
using QMicroKernel = void (*)(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile);
void qgemm_8x16__scalar(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile);
void qgemm_8x16__avx2(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile);
void qgemm_8x16__avx512vnni(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile);
void qgemm_8x16__neon(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile);
void qgemm_8x16__neondot(int64_t kgroups, const int8_t* const* rows, const uint8_t* panel, int32_t* tile);
QMicroKernel qgemm_micro_kernel(Isa isa);
int32_t qgemm_row_offset(Isa isa);

}  // namespace optimized
}  // namespace etb
