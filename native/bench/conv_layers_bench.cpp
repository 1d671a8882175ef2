// sgemm_bench --conv: the optimized convolution on single layers of
// ResNet-18 and MobileNetV2 (constant weights packed in prepare, bias), by
// this thread's CPU time (1 thread) and wall time: median ms over rounds and
// GFLOP/s (2 * Cout * P * Kg). Where the 57 ms of ResNet-18's convolutions
// go, layer by layer, without the runtime around it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <vector>

#include "kernels/generated/kernel_decls.h"
#include "runtime/memory.h"

using namespace etb;

namespace {

double now(clockid_t id) {
  timespec ts;
  clock_gettime(id, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

struct T {
  Tensor t;
  int32_t sizes[4];
  uint8_t order[4] = {0, 1, 2, 3};
  int64_t strides[4];
  std::vector<float> data;
  explicit T(std::vector<int32_t> s, bool constant = false) {
    size_t n = 1;
    for (size_t i = 0; i < s.size(); i++) sizes[i] = s[i], n *= size_t(s[i]);
    data.resize(n);
    uint32_t x = uint32_t(n);
    for (float& v : data) v = float(((x = x * 1664525u + 1013904223u) >> 9) & 0xffff) / 65536.0f - 0.5f;
    t.dim = int(s.size());
    t.sizes = sizes;
    t.dim_order = order;
    t.strides = strides;
    compute_strides(t.dim, sizes, order, strides);
    t.data = data.data();
    t.capacity = n * sizeof(float);
    t.is_constant = constant;
  }
};

struct Layer {
  const char* name;
  int32_t c, h, cout, k, stride, pad, groups;
  int32_t w = 0;  // input width when not h
};

const Layer kLayers[] = {
    {"resnet18 stem 7x7/2 3->64 @224", 3, 224, 64, 7, 2, 3, 1},
    {"resnet18 3x3 64->64 @56", 64, 56, 64, 3, 1, 1, 1},
    {"resnet18 3x3/2 64->128 @56", 64, 56, 128, 3, 2, 1, 1},
    {"resnet18 3x3 128->128 @28", 128, 28, 128, 3, 1, 1, 1},
    {"resnet18 1x1/2 64->128 @56", 64, 56, 128, 1, 2, 0, 1},
    {"resnet18 3x3 256->256 @14", 256, 14, 256, 3, 1, 1, 1},
    {"resnet18 3x3 512->512 @7", 512, 7, 512, 3, 1, 1, 1},
    {"mobilenetv2 1x1 16->96 @112", 16, 112, 96, 1, 1, 0, 1},
    {"mobilenetv2 1x1 144->24 @56", 144, 56, 24, 1, 1, 0, 1},
    {"mobilenetv2 1x1 320->1280 @7", 320, 7, 1280, 1, 1, 0, 1},
    {"mobilenetv2 1x1 960->160 @7", 960, 7, 160, 1, 1, 0, 1},
    {"mobilenetv2 1x1 160->960 @7", 160, 7, 960, 1, 1, 0, 1},
    {"mobilenetv2 1x1 576->96 @14", 576, 14, 96, 1, 1, 0, 1},
    {"mobilenetv2 1x1 192->32 @28", 192, 28, 32, 1, 1, 0, 1},
    {"mobilenetv2 1x1 384->64 @14", 384, 14, 64, 1, 1, 0, 1},
    {"mobilenetv2 3x3/2 stem 3->32 @224", 3, 224, 32, 3, 2, 1, 1},
    {"mobilenetv2 1x1 32->16 @112", 32, 112, 16, 1, 1, 0, 1},
    {"mobilenetv3s 3x3/2 stem 3->16 @224", 3, 224, 16, 3, 2, 1, 1},
    {"mobilenetv2 dw 3x3 144 @56", 144, 56, 144, 3, 1, 1, 144},
    {"mobilenetv2 dw 3x3/2 96 @112", 96, 112, 96, 3, 2, 1, 96},
    {"mobilenetv3s dw 3x3/2 72 @56", 72, 56, 72, 3, 2, 1, 72},
    {"mobilenetv3s dw 5x5/2 96 @28", 96, 28, 96, 5, 2, 2, 96},
    {"mobilenetv3s dw 5x5 240 @14", 240, 14, 240, 5, 1, 2, 240},
    {"mobilenetv3s dw 5x5 576 @7", 576, 7, 576, 5, 1, 2, 576},
    {"mobilenetv2 dw 3x3 960 @7", 960, 7, 960, 3, 1, 1, 960},
    {"mobilenetv2 dw 3x3/2 576 @14", 576, 14, 576, 3, 2, 1, 576},
    {"ds-cnn dw 3x3 64 @25x5", 64, 25, 64, 3, 1, 1, 64, 5},
};

}  // namespace

int run_conv_bench(int threads, int runs) {
  std::vector<uint8_t> pool(size_t(256) << 20), temp(size_t(64) << 20);
  printf("{\"threads\":%d,\"runs\":%d,\"layers\":[", threads, runs);
  bool first = true;
  // ETB_CONV_ONLY=text: only the layers whose name contains it.
  const char* only = getenv("ETB_CONV_ONLY");
  for (const Layer& l : kLayers) {
    if (only != nullptr && strstr(l.name, only) == nullptr) continue;
    const int32_t iw = l.w != 0 ? l.w : l.h;
    const int32_t oh = (l.h + 2 * l.pad - l.k) / l.stride + 1, ow = (iw + 2 * l.pad - l.k) / l.stride + 1;
    T x({1, l.c, l.h, iw}), w({l.cout, l.c / l.groups, l.k, l.k}, true), b({l.cout}, true), y({1, l.cout, oh, ow});
    const int64_t s[1] = {l.stride}, p[1] = {l.pad}, d[1] = {1}, op[1] = {0};
    Span<const int64_t> st(s, 1), pd(p, 1), dl(d, 1), opd(op, 1);
    MemoryAllocator method(pool.data(), pool.size()), tmp(temp.data(), temp.size());
    KernelContext ctx("aten::convolution.out", nullptr, &tmp, &method);
    ctx.threads = threads;
    if (optimized::opt_convolution_out_prepare(ctx, x.t, w.t, &b.t, st, pd, dl, false, opd, l.groups, y.t) != Error::Ok) {
      fprintf(stderr, "%s: prepare failed\n", l.name);
      return 1;
    }
    const double flops = 2.0 * l.cout * double(oh) * ow * (l.c / l.groups) * l.k * l.k;
    const int reps = std::max(1, int(2e8 / flops));
    std::vector<double> cpu, wall;
    for (int r = 0; r < runs + 1; r++) {
      const double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_THREAD_CPUTIME_ID);
      for (int i = 0; i < reps; i++) {
        if (optimized::opt_convolution_out(ctx, x.t, w.t, &b.t, st, pd, dl, false, opd, l.groups, y.t) != Error::Ok) {
          return 1;
        }
      }
      const double w1 = now(CLOCK_MONOTONIC), c1 = now(CLOCK_THREAD_CPUTIME_ID);
      if (r == 0) continue;  // warm-up
      wall.push_back((w1 - w0) * 1e3 / reps);
      cpu.push_back((c1 - c0) * 1e3 / reps);
    }
    std::sort(cpu.begin(), cpu.end());
    std::sort(wall.begin(), wall.end());
    const double cm = cpu[cpu.size() / 2], wm = wall[wall.size() / 2];
    printf("%s{\"name\":\"%s\",\"cpu_ms\":%.4f,\"wall_ms\":%.4f,\"gflops_cpu\":%.1f,\"gflops_wall\":%.1f}",
           first ? "" : ",", l.name, threads == 1 ? cm : 0.0, wm, threads == 1 ? flops / cm * 1e-6 : 0.0,
           flops / wm * 1e-6);
    first = false;
  }
  printf("]}\n");
  return 0;
}
