// The int8 GEMM's packing, driver and requantization epilogue (qgemm.h);
// the micro-kernels are in qgemm_kernels.cpp.
//
// Why the sums are exact: with v = w + 128 (u8) the kernels compute
// raw = sum_k x * (v - 128 + o) in wrapping int32 (o = qgemm_row_offset:
// 128, or 0 for the NEON dot kernel), and
//   bias + sum_k (x - a_zp) (w - b_zp)
//     = raw - (o + b_zp) * rowsum(x) + [bias - a_zp * colsum(w) + K a_zp b_zp]
// where the bracket is the per-column term stored at pack time and the row
// term is computed per run. Every step wraps modulo 2^32, so the result is
// the true value whenever that fits int32 (checked once at pack time).
#include "kernels/optimized/util/qgemm.h"

#include <math.h>
#include <string.h>

#include "kernels/optimized/util/thread_pool.h"

#if defined(__x86_64__) && !defined(ETB_NO_OPTIMIZED_KERNELS)
#include <immintrin.h>
#define ETB_QGEMM_X86 1
// gcc 12 flags the AVX-512 intrinsics' deliberately undefined sources (gcc bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#endif

namespace etb {
namespace optimized {
namespace {

// Packed layout: this header, then int32 colterm[Np], float multiplier[Np],
// int32 bias[Np] (for the wide path), then the panels (Np = N rounded up to kQNR).
struct alignas(64) QHeader {
  int64_t K, N, kgroups, panels;
  int32_t a_zp, b_zp, out_zp, wide;
  float lo, hi;
};

struct QView {
  const QHeader* h;
  const int32_t* colterm;
  const float* mult;
  const int32_t* bias;
  const uint8_t* panels;
};

QView view(const void* packed) {
  const QHeader* h = static_cast<const QHeader*>(packed);
  const int64_t np = h->panels * kQNR;
  const uint8_t* base = static_cast<const uint8_t*>(packed) + sizeof(QHeader);
  return QView{h, reinterpret_cast<const int32_t*>(base), reinterpret_cast<const float*>(base + 4 * np),
               reinterpret_cast<const int32_t*>(base + 8 * np), base + 12 * np};
}

struct TileOut {
  const int32_t* rowterm;  // m values
  const int32_t* colterm;  // kQNR values
  const float* mult;       // kQNR values
  int8_t* c;
  int64_t ldc;
  int m, n;
};

void epilogue_scalar(const int32_t* tile, const TileOut& t, const QHeader& h) {
  for (int i = 0; i < t.m; i++) {
    for (int j = 0; j < t.n; j++) {
      uint32_t acc = uint32_t(tile[i * kQNR + j]) + uint32_t(t.rowterm[i]) + uint32_t(t.colterm[j]);
      t.c[i * t.ldc + j] = qgemm_requant(float(int32_t(acc)), t.mult[j], h.lo, h.hi, h.out_zp);
    }
  }
}

void rowterms_scalar(const int8_t* a, int64_t lda, int64_t M, int64_t K, int32_t factor, int32_t* out) {
  for (int64_t m = 0; m < M; m++) {
    uint32_t s = 0;  // wraps like the kernels' sums
    for (int64_t k = 0; k < K; k++) s += uint32_t(int32_t(a[m * lda + k]));
    out[m] = int32_t(s * uint32_t(factor));
  }
}

#ifdef ETB_QGEMM_X86
// One row of 16 columns per step: int32 sum, float multiply, clamp, convert
// with the default rounding (half to even, as nearbyintf), narrow to bytes.
__attribute__((target("avx512f,avx512bw"))) void epilogue_avx512(const int32_t* tile, const TileOut& t,
                                                                   const QHeader& h) {
  const __mmask16 mask = __mmask16((1u << t.n) - 1u);
  const __m512i col = _mm512_loadu_si512(t.colterm);
  const __m512 mult = _mm512_loadu_ps(t.mult);
  const __m512 lo = _mm512_set1_ps(h.lo), hi = _mm512_set1_ps(h.hi);
  const __m512i zp = _mm512_set1_epi32(h.out_zp);
  for (int i = 0; i < t.m; i++) {
    __m512i acc = _mm512_add_epi32(_mm512_loadu_si512(tile + i * kQNR), col);
    acc = _mm512_add_epi32(acc, _mm512_set1_epi32(t.rowterm[i]));
    __m512 v = _mm512_min_ps(_mm512_max_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(acc), mult), lo), hi);
    _mm512_mask_cvtepi32_storeu_epi8(t.c + i * t.ldc, mask, _mm512_add_epi32(_mm512_cvtps_epi32(v), zp));
  }
}

// The same 8 lanes at a time for AVX2 machines; the int32 results (already in
// int8 range) are narrowed by scalar stores.
__attribute__((target("avx2"))) void epilogue_avx2(const int32_t* tile, const TileOut& t, const QHeader& h) {
  const __m256 lo = _mm256_set1_ps(h.lo), hi = _mm256_set1_ps(h.hi);
  const __m256i zp = _mm256_set1_epi32(h.out_zp);
  for (int j0 = 0; j0 < t.n; j0 += 8) {
    const __m256i col = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(t.colterm + j0));
    const __m256 mult = _mm256_loadu_ps(t.mult + j0);
    const int w = t.n - j0 < 8 ? t.n - j0 : 8;
    for (int i = 0; i < t.m; i++) {
      __m256i acc = _mm256_add_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(tile + i * kQNR + j0)), col);
      acc = _mm256_add_epi32(acc, _mm256_set1_epi32(t.rowterm[i]));
      const __m256 v = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(acc), mult), lo), hi);
      alignas(32) int32_t q[8];
      _mm256_store_si256(reinterpret_cast<__m256i*>(q), _mm256_add_epi32(_mm256_cvtps_epi32(v), zp));
      for (int j = 0; j < w; j++) t.c[i * t.ldc + j0 + j] = int8_t(q[j]);
    }
  }
}

// Row sums with vpsadbw on the bytes flipped to u8 (x + 128), minus 128 per byte.
__attribute__((target("avx512f,avx512bw"))) void rowterms_avx512(const int8_t* a, int64_t lda, int64_t M, int64_t K,
                                                                   int32_t factor, int32_t* out) {
  const __m512i flip = _mm512_set1_epi8(char(0x80)), zero = _mm512_setzero_si512();
  for (int64_t m = 0; m < M; m++) {
    const int8_t* r = a + m * lda;
    __m512i acc = zero;
    int64_t k = 0;
    for (; k + 64 <= K; k += 64) {
      acc = _mm512_add_epi64(acc, _mm512_sad_epu8(_mm512_xor_si512(_mm512_loadu_si512(r + k), flip), zero));
    }
    int64_t s = _mm512_reduce_add_epi64(acc) - 128 * k;
    for (; k < K; k++) s += r[k];
    out[m] = int32_t(uint32_t(uint64_t(s)) * uint32_t(factor));
  }
}
#endif

// int64 sums and float(int64) for the GEMMs whose result may not fit int32.
void run_wide(const QView& q, int64_t M, const int8_t* a, int64_t lda, int8_t* c, int64_t ldc) {
  const QHeader& h = *q.h;
  for (int64_t n = 0; n < h.N; n++) {
    const uint8_t* panel = q.panels + (n / kQNR) * h.kgroups * kQNR * kQKG;
    for (int64_t m = 0; m < M; m++) {
      int64_t s = q.bias[n];
      for (int64_t k = 0; k < h.K; k++) {
        int32_t w = int32_t(panel[(k / kQKG) * kQNR * kQKG + (n % kQNR) * kQKG + k % kQKG]) - 128;
        s += int64_t(a[m * lda + k] - h.a_zp) * (w - h.b_zp);
      }
      c[m * ldc + n] = qgemm_requant(float(s), q.mult[n], h.lo, h.hi, h.out_zp);
    }
  }
}

}  // namespace

Isa qgemm_isa() {
  Isa isa = isa_overridden() ? active_isa()
            : isa_supported(Isa::Avx512Vnni) ? Isa::Avx512Vnni
            : isa_supported(Isa::NeonDot) ? Isa::NeonDot
                                            : detected_isa();
  // The float level AVX-512 without VNNI has no int8 kernel of its own.
  return isa == Isa::Avx512 ? Isa::Avx2Fma : isa;
}

size_t qgemm_packed_bytes(int64_t K, int64_t N) {
  const int64_t np = (N + kQNR - 1) / kQNR * kQNR;
  return sizeof(QHeader) + size_t(np) * 12 + size_t(np) * size_t(qgemm_lda(K));
}

bool qgemm_is_wide(const void* packed) { return static_cast<const QHeader*>(packed)->wide != 0; }

void qgemm_pack(const int8_t* b, int64_t rs, int64_t cs, int64_t K, int64_t N, const QGemmParams& p, void* dst) {
  QHeader* h = static_cast<QHeader*>(dst);
  memset(h, 0, sizeof(QHeader));
  h->K = K;
  h->N = N;
  h->kgroups = qgemm_lda(K) / kQKG;
  h->panels = (N + kQNR - 1) / kQNR;
  h->a_zp = p.a_zp;
  h->b_zp = p.b_zp;
  h->out_zp = p.out_zp;
  h->lo = p.lo;
  h->hi = p.hi;
  QView q = view(dst);
  int32_t* colterm = const_cast<int32_t*>(q.colterm);
  float* mult = const_cast<float*>(q.mult);
  int32_t* bias = const_cast<int32_t*>(q.bias);
  uint8_t* panels = const_cast<uint8_t*>(q.panels);
  int64_t max_w = 0, max_bias = 0;
  for (int64_t n = 0; n < h->panels * kQNR; n++) {
    colterm[n] = 0;
    mult[n] = 0.0f;
    bias[n] = 0;
    if (n >= N) continue;
    int64_t colsum = 0;
    for (int64_t k = 0; k < K; k++) {
      int64_t w = b[n * rs + k * cs];
      colsum += w;
      int64_t d = w - p.b_zp;
      if (d < 0) d = -d;
      if (d > max_w) max_w = d;
    }
    bias[n] = p.bias ? p.bias[n] : 0;
    int64_t ab = bias[n] < 0 ? -int64_t(bias[n]) : int64_t(bias[n]);
    if (ab > max_bias) max_bias = ab;
    int64_t term = int64_t(bias[n]) - int64_t(p.a_zp) * colsum + K * int64_t(p.a_zp) * p.b_zp;
    colterm[n] = int32_t(uint32_t(uint64_t(term)));
    mult[n] = p.multiplier[n];
  }
  for (int64_t pi = 0; pi < h->panels; pi++) {
    uint8_t* panel = panels + pi * h->kgroups * kQNR * kQKG;
    for (int64_t g = 0; g < h->kgroups; g++) {
      for (int64_t j = 0; j < kQNR; j++) {
        for (int64_t e = 0; e < kQKG; e++) {
          const int64_t n = pi * kQNR + j, k = g * kQKG + e;
          const bool in = n < N && k < K;
          panel[(g * kQNR + j) * kQKG + e] = in ? uint8_t(int32_t(b[n * rs + k * cs]) + 128) : 0;
        }
      }
    }
  }
  // |bias + sum (x - a_zp)(w - b_zp)| <= max|bias| + K * max|x - a_zp| * max|w - b_zp|.
  const double max_x = p.a_zp > 0 ? 128.0 + p.a_zp : 127.0 - p.a_zp;
  h->wide = double(max_bias) + double(K) * max_x * double(max_w) > 2147483647.0 ? 1 : 0;
}

void qgemm_run(int threads, const void* packed, int64_t M, const int8_t* a, int64_t lda, int8_t* c, int64_t ldc,
               int32_t* row_scratch) {
  const QView q = view(packed);
  const QHeader& h = *q.h;
  if (M <= 0 || h.N <= 0) return;
  if (h.wide) return run_wide(q, M, a, lda, c, ldc);
  const Isa isa = qgemm_isa();
  const int32_t factor = -(qgemm_row_offset(isa) + h.b_zp);
  const int workers = threads_for(threads, double(M) * double(h.N) * double(h.K));
#ifdef ETB_QGEMM_X86
  const bool avx512 = isa == Isa::Avx512Vnni;
#endif
  if (factor == 0) {  // the NEON dot kernel on a weight zero point of 0: no row term
    memset(row_scratch, 0, size_t(M) * sizeof(int32_t));
#ifdef ETB_QGEMM_X86
  } else if (avx512) {
    rowterms_avx512(a, lda, M, h.K, factor, row_scratch);
#endif
  } else {
    rowterms_scalar(a, lda, M, h.K, factor, row_scratch);
  }
  const QMicroKernel kernel = qgemm_micro_kernel(isa);
  const int64_t row_tiles = (M + kQMR - 1) / kQMR;
  auto tile_task = [&](int64_t t) {
    const int64_t ri = t / h.panels, pi = t % h.panels;
    const int64_t m0 = ri * kQMR;
    const int m = int(M - m0 < kQMR ? M - m0 : kQMR);
    const int n = int(h.N - pi * kQNR < kQNR ? h.N - pi * kQNR : kQNR);
    // Rows past M repeat the last one: readable, and their sums are dropped.
    const int8_t* rows[kQMR];
    for (int i = 0; i < kQMR; i++) rows[i] = a + (m0 + (i < m ? i : m - 1)) * lda;
    alignas(64) int32_t tile[kQMR * kQNR];
    kernel(h.kgroups, rows, q.panels + pi * h.kgroups * kQNR * kQKG, tile);
    TileOut out{row_scratch + m0, q.colterm + pi * kQNR, q.mult + pi * kQNR, c + m0 * ldc + pi * kQNR, ldc, m, n};
#ifdef ETB_QGEMM_X86
    if (avx512) return epilogue_avx512(tile, out, h);
    if (isa == Isa::Avx2Fma) return epilogue_avx2(tile, out, h);
#endif
    epilogue_scalar(tile, out, h);
  };
  const int64_t tasks = row_tiles * h.panels;
  if (workers <= 1) {
    for (int64_t t = 0; t < tasks; t++) tile_task(t);
  } else {
    parallel_for(workers, tasks, [&](int64_t t, int) { tile_task(t); });
  }
}

}  // namespace optimized
}  // namespace etb
