// sgemm_bench: float32 GEMM GFLOP/s of the optimized kernels against this
// machine's FMA peak, both measured in the same process.
//
//   node bench/sgemm.mjs                            # builds, runs, prints ratios
//   build/native/release/sgemm_bench --sizes 256,512,1024 --runs 7 --threads 1
//   build/native/release/sgemm_bench --conv --runs 7 --threads 1   # conv layers (conv_layers_bench.cpp)
//   build/native/release/sgemm_bench --isa avx2 ...                # force AVX2+FMA kernels on an AVX-512 CPU
//   build/native/release/sgemm_bench --sizes 128x768x256,128x256x1024  # M x N x K (a model's linear layers)
//
// peak: an FMA-bound loop (12 independent 8-wide FMA chains, 16-wide on an
// AVX-512 CPU: enough to cover the FMA latency on both pipes) timed for about
// 0.1 s; GFLOP/s = 2 * lanes * 12 per iteration, measured again before every
// round. Per size (n: an n x n x n product; MxNxK: A is M x K, B is K x N), four
// modes, each run in rotation `--runs` times (a sample repeats the product
// for about 2 GFLOP), reporting medians of GFLOP/s and of the ratio to the
// peak of the same round:
//   mm       the aten::mm.out kernel on non-constant operands (packs A and B
//            on every call: what a product of two activations costs);
//   weights  the same with mat2 constant (packed once in prepare: a linear
//            layer);
//   kernel   sgemm_packed alone on operands packed beforehand (the blocked
//            loop and the micro-kernel);
//   cold     weights mode rotating over copies of mat2 (at least 16 MiB of
//            them), so B comes from L3 or memory as in a whole model, not
//            from the L2 the previous product left it in.
// Output: one JSON document on stdout.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <vector>

#include "kernels/generated/kernel_decls.h"
#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/sgemm.h"
#include "kernels/optimized/util/thread_pool.h"
#include "runtime/memory.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

using namespace etb;

namespace {

double clock_s(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

// Wall time, and this thread's CPU time: on a shared, overloaded VM the
// second leaves out the time other processes held the core (single-thread
// figures only; caches are still shared).
struct Stamp {
  double wall, cpu;
  static Stamp now() { return {clock_s(CLOCK_MONOTONIC), clock_s(CLOCK_THREAD_CPUTIME_ID)}; }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

#if defined(__x86_64__)
// 12 independent chains: FMA latency (4-5 cycles) x 2 pipes needs at least 10 in flight.
__attribute__((target("avx2,fma"), noinline)) float fma_loop(int64_t iters) {
  __m256 c0 = _mm256_set1_ps(0.0f), c1 = _mm256_set1_ps(0.1f), c2 = _mm256_set1_ps(0.2f), c3 = _mm256_set1_ps(0.3f),
         c4 = _mm256_set1_ps(0.4f), c5 = _mm256_set1_ps(0.5f), c6 = _mm256_set1_ps(0.6f), c7 = _mm256_set1_ps(0.7f),
         c8 = _mm256_set1_ps(0.8f), c9 = _mm256_set1_ps(0.9f), c10 = _mm256_set1_ps(1.0f), c11 = _mm256_set1_ps(1.1f);
  const __m256 m = _mm256_set1_ps(0.999999f), a = _mm256_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; it++) {
    c0 = _mm256_fmadd_ps(c0, m, a), c1 = _mm256_fmadd_ps(c1, m, a), c2 = _mm256_fmadd_ps(c2, m, a);
    c3 = _mm256_fmadd_ps(c3, m, a), c4 = _mm256_fmadd_ps(c4, m, a), c5 = _mm256_fmadd_ps(c5, m, a);
    c6 = _mm256_fmadd_ps(c6, m, a), c7 = _mm256_fmadd_ps(c7, m, a), c8 = _mm256_fmadd_ps(c8, m, a);
    c9 = _mm256_fmadd_ps(c9, m, a), c10 = _mm256_fmadd_ps(c10, m, a), c11 = _mm256_fmadd_ps(c11, m, a);
  }
  __m256 s = _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3)),
                           _mm256_add_ps(_mm256_add_ps(c4, c5), _mm256_add_ps(c6, c7)));
  s = _mm256_add_ps(s, _mm256_add_ps(_mm256_add_ps(c8, c9), _mm256_add_ps(c10, c11)));
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

// The same with 16-float zmm chains: the peak of the AVX-512 kernels (a CPU
// with one 512-bit FMA pipe shows the same figure as the ymm loop).
__attribute__((target("avx512f,avx2,fma"), noinline)) float fma_loop512(int64_t iters) {
  __m512 c[12];
  for (int i = 0; i < 12; i++) c[i] = _mm512_set1_ps(0.1f * float(i));
  const __m512 m = _mm512_set1_ps(0.999999f), a = _mm512_set1_ps(1e-7f);
  for (int64_t it = 0; it < iters; it++) {
#pragma GCC unroll 12
    for (int i = 0; i < 12; i++) c[i] = _mm512_fmadd_ps(c[i], m, a);
  }
  __m512 s = c[0];
  for (int i = 1; i < 12; i++) s = _mm512_add_ps(s, c[i]);
  float out[16];
  _mm512_storeu_ps(out, s);
  return out[0];
}
#endif

// FMA-bound GFLOP/s on `threads` threads (each runs the loop once) by wall
// time, and by the caller's CPU time when single-threaded (0 without AVX2+FMA).
void fma_peak_gflops(int threads, double* wall, double* cpu) {
  *wall = *cpu = 0;
#if defined(__x86_64__)
  if (!optimized::has_avx2_fma(optimized::detected_isa())) return;
  // The widest vectors the kernels use on this CPU.
  const bool wide = optimized::detected_isa() == optimized::Isa::Avx512;
  const int64_t iters = 8000000;  // about 16 ms (ymm) per thread at 3 GHz
  const Stamp t0 = Stamp::now();
  optimized::parallel_for(threads, threads, [&](int64_t, int) {
    volatile float sink = wide ? fma_loop512(iters) : fma_loop(iters);
    (void)sink;
  });
  const Stamp t1 = Stamp::now();
  const double flops = double(iters) * 12 * (wide ? 32 : 16) * threads;
  *wall = flops / (t1.wall - t0.wall) * 1e-9;
  *cpu = threads == 1 ? flops / (t1.cpu - t0.cpu) * 1e-9 : 0;
#endif
}

struct Mat {
  Tensor t;
  int32_t sizes[2];
  uint8_t order[2] = {0, 1};
  int64_t strides[2];
  std::vector<float> data;
  Mat(int64_t r, int64_t c) : data(size_t(r * c)) {
    sizes[0] = int32_t(r), sizes[1] = int32_t(c);
    t.dim = 2;
    t.sizes = sizes;
    t.dim_order = order;
    t.strides = strides;
    compute_strides(2, sizes, order, strides);
    uint32_t s = uint32_t(r * 131 + c);
    for (float& v : data) v = float(((s = s * 1664525u + 1013904223u) >> 9) & 0xffff) / 32768.0f - 1.0f;
    t.data = data.data();
    t.capacity = data.size() * sizeof(float);
  }
};

}  // namespace

int run_conv_bench(int threads, int runs);  // conv_layers_bench.cpp

int main(int argc, char** argv) {
  struct Shape {
    int64_t m, n, k;
  };
  std::vector<Shape> sizes = {{256, 256, 256}, {512, 512, 512}, {1024, 1024, 1024}};
  int runs = 7, threads = 1;
  bool conv = false;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--conv")) conv = true;
  }
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--conv")) i--;
    if (!strcmp(argv[i], "--runs")) runs = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--isa")) {
      // Force a lesser instruction set (avx2 on an AVX-512 CPU, scalar) to compare kernels in one run.
      const char* v = argv[i + 1];
      optimized::set_isa_override(!strcmp(v, "avx2") ? optimized::Isa::Avx2Fma
                                  : !strcmp(v, "avx512") ? optimized::Isa::Avx512
                                                          : optimized::Isa::Scalar);
    }
    else if (!strcmp(argv[i], "--sizes")) {
      sizes.clear();
      for (char* p = argv[i + 1]; *p;) {
        Shape sh;
        sh.m = sh.n = sh.k = strtoll(p, &p, 10);
        if (*p == 'x') sh.n = strtoll(p + 1, &p, 10);
        if (*p == 'x') sh.k = strtoll(p + 1, &p, 10);
        if (sh.m <= 0 || sh.n <= 0 || sh.k <= 0 || (*p != ',' && *p != 0)) {
          fprintf(stderr, "--sizes: expected N or MxNxK items separated by commas, got '%s'\n", argv[i + 1]);
          return 2;
        }
        sizes.push_back(sh);
        if (*p == ',') p++;
      }
    }
  }
  {
    double w, c;
    fma_peak_gflops(threads, &w, &c);  // wakes the workers and the clocks
  }
  if (conv) return run_conv_bench(threads, runs);
  printf("{\"isa\":\"%s\",\"threads\":%d,\"runs\":%d,\"sizes\":[", optimized::isa_name(optimized::active_isa()),
         threads, runs);
  std::vector<uint8_t> pool(size_t(64) << 20), temp(size_t(64) << 20);
  for (size_t si = 0; si < sizes.size(); si++) {
    const int64_t M = sizes[si].m, n = sizes[si].n, K = sizes[si].k;
    Mat a(M, K), b(K, n), c(M, n), bw(K, n);
    bw.t.is_constant = true;
    MemoryAllocator method(pool.data(), pool.size()), tmp(temp.data(), temp.size());
    KernelContext ctx_mm("aten::mm.out", nullptr, &tmp, &method), ctx_w("aten::mm.out", nullptr, &tmp, &method);
    ctx_mm.threads = ctx_w.threads = threads;
    if (optimized::opt_mm_out_prepare(ctx_mm, a.t, b.t, c.t) != Error::Ok ||
        optimized::opt_mm_out_prepare(ctx_w, a.t, bw.t, c.t) != Error::Ok) {
      fprintf(stderr, "prepare failed\n");
      return 1;
    }
    // Cold mode's copies, each with its own context (its own packed B).
    const size_t b_bytes = size_t(K * n) * sizeof(float);
    const int copies = int(std::min<size_t>(64, std::max<size_t>(2, (size_t(16) << 20) / b_bytes + 1)));
    std::vector<Mat> cold_b;
    std::vector<KernelContext> cold_ctx;
    cold_b.reserve(size_t(copies)), cold_ctx.reserve(size_t(copies));
    for (int q = 0; q < copies; q++) {
      cold_b.emplace_back(K, n);
      cold_b.back().t.is_constant = true;
      cold_ctx.emplace_back("aten::mm.out", nullptr, &tmp, &method);
      cold_ctx.back().threads = threads;
      if (optimized::opt_mm_out_prepare(cold_ctx.back(), a.t, cold_b.back().t, c.t) != Error::Ok) {
        fprintf(stderr, "prepare failed (cold copy %d)\n", q);
        return 1;
      }
    }
    int next_cold = 0;
    std::vector<float> ap(optimized::packed_a_floats(M, K)), bp(optimized::packed_b_floats(K, n));
    optimized::pack_a(optimized::MatView{a.data.data(), K, 1}, M, K, ap.data(), threads);
    optimized::pack_b(optimized::MatView{b.data.data(), n, 1}, K, n, bp.data(), threads);
    // Per round: the FMA peak, then the four modes in rotated order; each
    // mode's ratio to the peak of its own round, so slow phases of a shared
    // machine hit both sides of the ratio.
    std::vector<double> wall[4], cpu[4], rwall[4], rcpu[4], pwall, pcpu;
    // Each sample repeats the product for about 2 GFLOP (tens of ms), so
    // small sizes are not lost in timer and scheduler jitter.
    const double one = 2.0 * double(M) * double(n) * double(K);
    const int reps = one >= 2e9 ? 1 : int(2e9 / one + 0.5);
    const double flops = one * reps;
    for (int r = 0; r < runs + 1; r++) {  // the first round warms up and is dropped
      double pw, pc;
      fma_peak_gflops(threads, &pw, &pc);
      for (int mode = 0; mode < 4; mode++) {
        const int m = (mode + r) % 4;
        const Stamp t0 = Stamp::now();
        Error e = Error::Ok;
        for (int i = 0; i < reps && e == Error::Ok; i++) {
          if (m == 0) e = optimized::opt_mm_out(ctx_mm, a.t, b.t, c.t);
          if (m == 1) e = optimized::opt_mm_out(ctx_w, a.t, bw.t, c.t);
          if (m == 3) {
            e = optimized::opt_mm_out(cold_ctx[size_t(next_cold)], a.t, cold_b[size_t(next_cold)].t, c.t);
            next_cold = (next_cold + 1) % copies;
          }
          if (m == 2) optimized::sgemm_packed(threads, M, n, K, ap.data(), bp.data(), c.data.data(), n, optimized::Epilogue{});
        }
        const Stamp t1 = Stamp::now();
        if (e != Error::Ok) return 1;
        if (r == 0) continue;
        wall[m].push_back(flops / (t1.wall - t0.wall) * 1e-9);
        cpu[m].push_back(threads == 1 ? flops / (t1.cpu - t0.cpu) * 1e-9 : 0);
        rwall[m].push_back(wall[m].back() / pw);
        rcpu[m].push_back(threads == 1 ? cpu[m].back() / pc : 0);
      }
      if (r > 0) pwall.push_back(pw), pcpu.push_back(pc);
    }
    static const char* kModes[4] = {"mm", "weights", "kernel", "cold"};
    printf("%s{\"n\":%lld,\"m\":%lld,\"k\":%lld,\"peak\":{\"wall\":%.2f,\"cpu\":%.2f}", si ? "," : "",
           (long long)n, (long long)M, (long long)K, median(pwall), median(pcpu));
    for (int m = 0; m < 4; m++) {
      printf(",\"%s\":{\"wall\":%.2f,\"cpu\":%.2f,\"ratio_wall\":%.4f,\"ratio_cpu\":%.4f}", kModes[m],
             median(wall[m]), median(cpu[m]), median(rwall[m]), median(rcpu[m]));
    }
    printf("}");
  }
  printf("]}\n");
  return 0;
}
