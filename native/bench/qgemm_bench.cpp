// qgemm_bench: int8 GEMM GOP/s (kernels/optimized/util/qgemm.h) against the
// fp32 SGEMM's GFLOP/s on the same shapes, in the same process and rounds.
//
//   node bench/qgemm.mjs                     # builds, runs, prints ratios
//   build/native/release/qgemm_bench --shapes 256x256x256,1x1024x1024 --runs 7 --threads 1
//
// A shape is MxNxK: C[M, N] = A[M, K] * B[K, N], B a layer's weights packed
// once. Per shape and round, in rotated order, each mode repeats the product
// for about 0.5 G multiply-adds and records GOP/s (2 * M * N * K per product):
//   f32    pack_a + sgemm_packed: the delegate's fp32 fully connected;
//   int8   qgemm_run with requantization to int8 at the best instruction set;
//   int8-avx2 / int8-scalar: the same forced to the AVX2 / scalar kernels.
// Medians over rounds, of wall and of this thread's CPU time (the latter
// leaves out time other processes held the core; single thread only).
// Output: one JSON document on stdout.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kernels/optimized/util/cpu_features.h"
#include "kernels/optimized/util/qgemm.h"
#include "kernels/optimized/util/sgemm.h"

using namespace etb;
using namespace etb::optimized;

namespace {

double clock_s(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

struct Shape {
  int64_t M, N, K;
};

// One shape's operands, both precisions, weights packed.
struct Problem {
  Shape s;
  std::vector<float> a, b, c, a_packed, b_packed;
  std::vector<int8_t> qa, qb, qc;
  std::vector<uint8_t> q_packed;
  std::vector<int32_t> bias, scratch;
  std::vector<float> mult;

  explicit Problem(Shape shape) : s(shape) {
    const int64_t lda = qgemm_lda(s.K);
    a.resize(size_t(s.M * s.K));
    b.resize(size_t(s.K * s.N));
    c.resize(size_t(s.M * s.N));
    qa.assign(size_t(s.M * lda), 0);
    qb.resize(size_t(s.N * s.K));
    qc.resize(size_t(s.M * s.N));
    uint32_t r = 12345;
    auto next = [&]() { return (r = r * 1664525u + 1013904223u) >> 8; };
    for (int64_t m = 0; m < s.M; m++)
      for (int64_t k = 0; k < s.K; k++) {
        qa[size_t(m * lda + k)] = int8_t(next() & 255);
        a[size_t(m * s.K + k)] = float(qa[size_t(m * lda + k)]) / 128.0f;
      }
    for (auto& v : qb) v = int8_t(next() & 255);
    for (int64_t k = 0; k < s.K; k++)
      for (int64_t n = 0; n < s.N; n++) b[size_t(k * s.N + n)] = float(qb[size_t(n * s.K + k)]) / 128.0f;
    a_packed.resize(packed_a_floats(s.M, s.K));
    b_packed.resize(packed_b_floats(s.K, s.N));
    pack_b(MatView{b.data(), s.N, 1}, s.K, s.N, b_packed.data(), 1);
    bias.resize(size_t(s.N));
    mult.resize(size_t(s.N));
    for (int64_t n = 0; n < s.N; n++) bias[size_t(n)] = int32_t(next() % 2001) - 1000, mult[size_t(n)] = 1.0f / float(s.K * 64);
    QGemmParams p;
    p.a_zp = 3;
    p.bias = bias.data();
    p.multiplier = mult.data();
    q_packed.resize(qgemm_packed_bytes(s.K, s.N));
    qgemm_pack(qb.data(), s.K, 1, s.K, s.N, p, q_packed.data());
    scratch.resize(size_t(s.M));
  }
  void f32(int threads) {
    pack_a(MatView{a.data(), s.K, 1}, s.M, s.K, a_packed.data(), threads);
    sgemm_packed(threads, s.M, s.N, s.K, a_packed.data(), b_packed.data(), c.data(), s.N, Epilogue{});
  }
  void int8(int threads) {
    qgemm_run(threads, q_packed.data(), s.M, qa.data(), qgemm_lda(s.K), qc.data(), s.N, scratch.data());
  }
};

struct Mode {
  const char* name;
  Isa isa;  // forced for the int8 modes; Scalar + !forced = default
  bool int8, forced;
};

}  // namespace

int main(int argc, char** argv) {
  std::string shapes = "256x256x256,512x512x512,1024x1024x1024,1x1024x1024,64x1000x512,3136x64x576";
  int runs = 7, threads = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!strcmp(argv[i], "--shapes")) shapes = argv[i + 1];
    else if (!strcmp(argv[i], "--runs")) runs = atoi(argv[i + 1]);
    else if (!strcmp(argv[i], "--threads")) threads = atoi(argv[i + 1]);
    else {
      fprintf(stderr, "qgemm_bench: unknown option %s (--shapes MxNxK,... --runs N --threads N)\n", argv[i]);
      return 2;
    }
  }
  std::vector<Shape> list;
  for (const char* p = shapes.c_str(); *p;) {
    long long m, n, k;
    int used = 0;
    if (sscanf(p, "%lldx%lldx%lld%n", &m, &n, &k, &used) != 3 || m <= 0 || n <= 0 || k <= 0) {
      fprintf(stderr, "qgemm_bench: bad shape at '%s' (want MxNxK with positive sizes)\n", p);
      return 2;
    }
    list.push_back({m, n, k});
    p += used;
    if (*p == ',') p++;
  }
  std::vector<Mode> modes = {{"f32", Isa::Scalar, false, false}, {"int8", Isa::Scalar, true, false}};
  if (isa_supported(Isa::Avx512Vnni) && isa_supported(Isa::Avx2Fma)) modes.push_back({"int8-avx2", Isa::Avx2Fma, true, true});
  modes.push_back({"int8-scalar", Isa::Scalar, true, true});

  printf("{\"isa\":\"%s\",\"f32_isa\":\"%s\",\"threads\":%d,\"runs\":%d,\"shapes\":[", isa_name(qgemm_isa()),
         isa_name(detected_isa()), threads, runs);
  for (size_t si = 0; si < list.size(); si++) {
    Problem pr(list[si]);
    const double ops = 2.0 * double(pr.s.M) * double(pr.s.N) * double(pr.s.K);
    std::vector<std::vector<double>> wall(modes.size()), cpu(modes.size());
    for (int round = 0; round < runs; round++) {
      for (size_t j = 0; j < modes.size(); j++) {
        const size_t mi = (j + size_t(round)) % modes.size();
        const Mode& mode = modes[mi];
        if (mode.forced) set_isa_override(mode.isa);
        // The scalar kernel is ~50x slower: a tenth of the work keeps rounds short.
        const double target = mode.forced && mode.isa == Isa::Scalar ? 5e7 : 5e8;
        const int64_t reps = std::max<int64_t>(1, int64_t(target / ops));
        double w0 = clock_s(CLOCK_MONOTONIC), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
        for (int64_t r = 0; r < reps; r++) mode.int8 ? pr.int8(threads) : pr.f32(threads);
        double w1 = clock_s(CLOCK_MONOTONIC), c1 = clock_s(CLOCK_THREAD_CPUTIME_ID);
        clear_isa_override();
        wall[mi].push_back(ops * double(reps) / (w1 - w0) * 1e-9);
        cpu[mi].push_back(threads == 1 ? ops * double(reps) / (c1 - c0) * 1e-9 : 0.0);
      }
    }
    printf("%s{\"M\":%lld,\"N\":%lld,\"K\":%lld", si ? "," : "", (long long)pr.s.M, (long long)pr.s.N, (long long)pr.s.K);
    for (size_t mi = 0; mi < modes.size(); mi++) {
      printf(",\"%s\":{\"wall\":%.2f,\"cpu\":%.2f}", modes[mi].name, median(wall[mi]), median(cpu[mi]));
    }
    printf("}");
  }
  printf("]}\n");
  return 0;
}
