// Packing and the blocked SGEMM driver (layout and blocking in sgemm.h).
#include "kernels/optimized/util/sgemm.h"

#include <string.h>

#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/thread_pool.h"

namespace etb {
namespace optimized {
namespace {

inline int64_t kc_of(int64_t K, int64_t pc) { return K - pc < kKC ? K - pc : kKC; }

// Panel `panel` (width W rows of A or columns of B) for every K block.
// `at(k, i)` is element k of line i, a line being a row of A or a column of B.
template <int64_t W>
void pack_panel(MatView v, bool lines_are_rows, int64_t lines, int64_t K, int64_t panel, float* dst) {
  const int64_t line_stride = lines_are_rows ? v.rs : v.cs, k_stride = lines_are_rows ? v.cs : v.rs;
  const int64_t first = panel * W, padded = round_up(lines, W);
  const int64_t valid = lines - first < W ? lines - first : W;
  for (int64_t pc = 0; pc < K; pc += kKC) {
    const int64_t kc = kc_of(K, pc);
    float* out = dst + pc * padded + panel * W * kc;
    const float* src = v.p + first * line_stride + pc * k_stride;
    if (line_stride == 1) {
      // Lines are contiguous: each k copies a short run.
      for (int64_t k = 0; k < kc; k++, out += W, src += k_stride) {
        int64_t i = 0;
        for (; i < valid; i++) out[i] = src[i];
        for (; i < W; i++) out[i] = 0.0f;
      }
    } else if (k_stride == 1 && valid == W && W == kMR && has_avx2_fma(active_isa())) {
      f32_pack_6rows__avx2(src, line_stride, kc, out);
    } else if (k_stride == 1 && valid == W) {
      // Rows of A (or columns of a transposed B) are contiguous along k:
      // read W of them side by side so the writes stay sequential.
      const float* line[W];
      for (int64_t i = 0; i < W; i++) line[i] = src + i * line_stride;
      for (int64_t k = 0; k < kc; k++, out += W) {
        for (int64_t i = 0; i < W; i++) out[i] = line[i][k];
      }
    } else {
      for (int64_t i = 0; i < W; i++) {
        const float* s = src + i * line_stride;
        for (int64_t k = 0; k < kc; k++) out[k * W + i] = i < valid ? s[k * k_stride] : 0.0f;
      }
    }
  }
}

// Tile sizes for the task grid: whole max_mc x N tiles on one thread;
// smaller ones (multiples of the micro-tile, step_m x step_n) until each
// thread has about four tasks. Tiling never changes results.
void choose_tiles(int threads, int64_t M, int64_t N, int64_t max_mc, int64_t step_m, int64_t step_n, int64_t* mc,
                  int64_t* nc) {
  *mc = round_up(M, kMR) < max_mc ? round_up(M, kMR) : max_mc;
  *nc = round_up(N, kNR);
  if (threads <= 1) return;
  auto tiles = [&] { return ((M + *mc - 1) / *mc) * ((N + *nc - 1) / *nc); };
  while (tiles() < 4 * threads) {
    if (*nc > 4 * step_n) {
      *nc = round_up(*nc / 2, step_n);
    } else if (*mc > step_m) {
      *mc = round_up(*mc / 2, step_m);
    } else if (*nc > step_n) {
      *nc = round_up(*nc / 2, step_n);
    } else {
      break;
    }
  }
}

}  // namespace

void apply_epilogue(float* c, int64_t ldc, int64_t row0, int64_t col0, int m, int n, const Epilogue& ep) {
  const bool use_bias = ep.bias != nullptr && ep.beta != 0.0f;
  const float alpha = ep.alpha, beta = ep.beta, lo = ep.lo, hi = ep.hi;
  // The same operations in the same order in every branch (and in the
  // AVX-512 kernel's registers); the branches only let the compiler
  // vectorize the common bias layouts (per row, unit stride along the row).
  for (int i = 0; i < m; i++) {
    float* ci = c + i * ldc;
    const float* bi = use_bias ? ep.bias + (row0 + i) * ep.bias_rs + col0 * ep.bias_cs : nullptr;
    if (bi == nullptr) {
      for (int j = 0; j < n; j++) {
        float v = alpha * ci[j];
        v = v < lo ? lo : v;
        ci[j] = v > hi ? hi : v;
      }
    } else if (ep.bias_cs == 0) {
      const float b = beta * bi[0];
      for (int j = 0; j < n; j++) {
        float v = alpha * ci[j] + b;
        v = v < lo ? lo : v;
        ci[j] = v > hi ? hi : v;
      }
    } else if (ep.bias_cs == 1) {
      for (int j = 0; j < n; j++) {
        float v = alpha * ci[j] + beta * bi[j];
        v = v < lo ? lo : v;
        ci[j] = v > hi ? hi : v;
      }
    } else {
      for (int j = 0; j < n; j++) {
        float v = alpha * ci[j] + beta * bi[j * ep.bias_cs];
        v = v < lo ? lo : v;
        ci[j] = v > hi ? hi : v;
      }
    }
  }
}

void pack_a(MatView a, int64_t M, int64_t K, float* dst, int threads) {
  threads = threads_for(threads, double(M) * double(K));
  parallel_for(threads, (M + kMR - 1) / kMR,
               [&](int64_t panel, int) { pack_panel<kMR>(a, true, M, K, panel, dst); });
}

void pack_b(MatView b, int64_t K, int64_t N, float* dst, int threads) {
  threads = threads_for(threads, double(K) * double(N));
  if (b.cs != 1) {
    parallel_for(threads, (N + kNR - 1) / kNR,
                 [&](int64_t panel, int) { pack_panel<kNR>(b, false, N, K, panel, dst); });
    return;
  }
  // Row-major B: walking one panel reads a cache line per row at the row
  // stride (slow, poorly prefetched at power-of-two strides); walking whole
  // rows scatters the writes over every panel. Middle way: 16 rows at a time
  // (a task; kKC is a multiple of 16, so never across a K block), panel by
  // panel: 16 read streams that advance together and 1 KiB written in order.
  const int64_t n_pad = round_up(N, kNR), full = N / kNR * kNR;
  parallel_for(threads, (K + 15) / 16, [&](int64_t task, int) {
    const int64_t k0 = task * 16, k1 = k0 + 16 < K ? k0 + 16 : K;
    const int64_t pc = k0 / kKC * kKC, kc = kc_of(K, pc);
    float* base = dst + pc * n_pad + (k0 - pc) * kNR;
    for (int64_t j = 0; j < n_pad; j += kNR) {
      float* out = base + j * kc;
      for (int64_t k = k0; k < k1; k++, out += kNR) {
        const float* row = b.p + k * b.rs + j;
        if (j < full) {
          memcpy(out, row, kNR * sizeof(float));
        } else {
          for (int64_t x = 0; x < kNR; x++) out[x] = j + x < N ? row[x] : 0.0f;
        }
      }
    }
  });
}

namespace {

// The blocked loop nest of sgemm_packed and sgemm_rows: B is either packed
// (`b_packed`) or rows read in place (`b_rows` from column `b_col0`; AVX-512 only).
void sgemm_driver(int threads, int64_t M, int64_t N, int64_t K, const float* a_packed, const float* b_packed,
                  const float* const* b_rows, int64_t b_col0, float* c, int64_t ldc, const Epilogue& ep) {
  if (M <= 0 || N <= 0) return;
  threads = threads_for(threads, double(M) * double(N) * double(K));
  const MicroKernel kernel = gemm_micro_kernel();
  // AVX-512 runs 12 x 32 tiles (two panels of each operand) per call.
  const bool wide = b_rows != nullptr || active_isa() == Isa::Avx512;
  const int64_t step_m = wide ? 2 * kMR : kMR, step_n = wide ? 2 * kNR : kNR;
  const bool identity = ep.identity();
  const bool fused = wide && !identity && tile_epilogue_supported(ep);
  const int64_t m_pad = round_up(M, kMR), n_pad = round_up(N, kNR);
  int64_t mc, nc;
  choose_tiles(threads, M, N, wide ? kMCWide : kMC, step_m, step_n, &mc, &nc);
  const int64_t tiles_n = (N + nc - 1) / nc;
  const int64_t tasks = ((M + mc - 1) / mc) * tiles_n;
  parallel_for(threads, tasks, [&](int64_t t, int) {
    const int64_t i0 = (t / tiles_n) * mc, j0 = (t % tiles_n) * nc;
    const int64_t i1 = i0 + mc < M ? i0 + mc : M, j1 = j0 + nc < N ? j0 + nc : N;
    // K == 0 still runs one pass so C gets the epilogue of an empty sum.
    for (int64_t pc = 0; pc < K || (K == 0 && pc == 0); pc += kKC) {
      const int64_t kc = K == 0 ? 0 : kc_of(K, pc);
      const bool last = pc + kc >= K;
      const float* a_block = a_packed + pc * m_pad;
      const float* b_block = b_packed != nullptr ? b_packed + pc * n_pad : nullptr;
      for (int64_t j = j0; j < j1; j += step_n) {
        const float* b_panel = b_block != nullptr ? b_block + j * kc : nullptr;
        const int n = int(j1 - j < step_n ? j1 - j : step_n);
        // The first tile on a B panel streams it into L1 a few k steps
        // ahead of its loads (b_cold); the first of those steps of the next
        // panels are pulled toward L2 here, a share per micro-kernel call.
        const char* next = b_panel != nullptr ? reinterpret_cast<const char*>(b_panel + step_n * kc) : nullptr;
        const int64_t panels = step_n / kNR, ahead = kc < kPrefetchSteps ? kc : kPrefetchSteps;
        const int64_t calls = (i1 - i0 + step_m - 1) / step_m, lines = ahead * panels;
        const int64_t per = (lines + calls - 1) / calls;
        int64_t line = 0;
        for (int64_t i = i0; i < i1; i += step_m) {
          const int m = int(i1 - i < step_m ? i1 - i : step_m);
          if (b_panel != nullptr && j + step_n < j1) {
            for (int64_t l = 0; l < per && line < lines; l++, line++) {
              __builtin_prefetch(next + ((line % panels) * kNR * kc + (line / panels) * kNR) * sizeof(float), 0, 2);
            }
          }
          float* ct = c + i * ldc + j;
          const float* a_panel = a_block + i * kc;
          const TileEpilogue te{&ep, i, j};
          const TileEpilogue* tep = last && fused ? &te : nullptr;
          if (b_panel == nullptr) {
            f32_gemm_12x32_rows__avx512(kc, a_panel, a_panel + kMR * kc, b_rows + pc, b_col0 + j, ct, ldc, m, n,
                                        pc > 0, tep, i == i0);
          } else if (wide) {
            f32_gemm_12x32__avx512(kc, a_panel, a_panel + kMR * kc, b_panel, b_panel + kNR * kc, ct, ldc, m, n,
                                   pc > 0, tep, i == i0);
          } else {
            kernel(kc, a_panel, b_panel, ct, ldc, m, n, pc > 0);
          }
          if (last && !identity && !fused) apply_epilogue(ct, ldc, i, j, m, n, ep);
        }
      }
    }
  });
}

}  // namespace

void sgemm_packed(int threads, int64_t M, int64_t N, int64_t K, const float* a_packed, const float* b_packed,
                  float* c, int64_t ldc, const Epilogue& ep) {
  sgemm_driver(threads, M, N, K, a_packed, b_packed, nullptr, 0, c, ldc, ep);
}

bool sgemm_rows_available() { return active_isa() == Isa::Avx512; }

void sgemm_rows(int threads, int64_t M, int64_t N, int64_t K, const float* a_packed, const float* const* b_rows,
                int64_t b_col0, float* c, int64_t ldc, const Epilogue& ep) {
  sgemm_driver(threads, M, N, K, a_packed, nullptr, b_rows, b_col0, c, ldc, ep);
}

}  // namespace optimized
}  // namespace etb
