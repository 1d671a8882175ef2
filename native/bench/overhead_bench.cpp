// overhead_bench: framework cost per instruction of Method::execute().
//
//   node bench/overhead.mjs                 # writes the program, builds, runs, prints a table
//   build/native/release/overhead_bench chain.pte --batches 15 --reps 200 --order 0 --json
//
// The program is a chain of tiny kernels (bench/overhead.mjs writes N chained
// aten::add.out on float32[1]). In one process, batch after batch, this times
// three things in a rotating order so drift hits them alike:
//   kernel  the same N portable::add_out calls made directly on tensors of
//           the same shape (the peer: pure kernel time),
//   entry   the same N calls through the generated KernelEntry::call wrapper
//           (argument unpacking and missing-data checks, no interpreter),
//   execute Method::execute() with no tracer,
//   traced  Method::execute() with a minimal EventTracer attached,
//   ticks   n calls of etb_platform_ticks() (the tracer reads it twice per
//           instruction), for explaining the tracing cost.
// Each batch runs every mode for `reps` iterations (ns per iteration); each
// reported figure, differences and ratios included, is a median over batches
// of that batch's value.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <algorithm>
#include <vector>

#include "kernels/generated/kernel_decls.h"
#include "kernels/generated/register_kernels.h"
#include "runtime/method.h"
#include "runtime/platform.h"
#include "runtime/program.h"
#include "runtime/schema.h"

namespace {

using namespace etb;

uint64_t now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

[[noreturn]] void die(const char* what, Error err, const Diag& diag) {
  fprintf(stderr, "overhead_bench: %s: %s: %s\n", what, error_name(err), diag.message);
  exit(1);
}

// What a cheap production tracer does: one add into a preallocated slot.
struct SlotTracer final : public EventTracer {
  std::vector<uint64_t> ticks;
  void on_instruction(uint32_t chain, uint32_t index, InstructionKind kind, const char* name, uint32_t name_len,
                      uint64_t start, uint64_t end) override {
    if (index < ticks.size()) ticks[index] += end - start;
  }
};

// A float32[1] tensor with its own metadata, like one Method value.
struct OwnedTensor {
  int32_t size = 1;
  uint8_t order = 0;
  int64_t stride = 1;
  Tensor t;
  void bind(float* data) {
    t.dtype = ScalarType::Float;
    t.dim = 1;
    t.sizes = &size;
    t.dim_order = &order;
    t.strides = &stride;
    t.data = data;
    t.capacity = sizeof(float);
    t.is_planned = true;
  }
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: overhead_bench PROGRAM.pte [--batches N] [--reps N] [--order K] [--json]\n");
    return 2;
  }
  int batches = 15, reps = 200, order = 0;
  bool json = false;
  for (int i = 2; i < argc; i++) {
    if (!strcmp(argv[i], "--json")) json = true;
    else if (!strcmp(argv[i], "--batches") && i + 1 < argc) batches = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--order") && i + 1 < argc) order = atoi(argv[++i]);
    else {
      fprintf(stderr, "overhead_bench: unknown argument %s\n", argv[i]);
      return 2;
    }
  }
  if (batches < 1 || reps < 1) return 2;

  FILE* f = fopen(argv[1], "rb");
  if (f == nullptr) {
    perror(argv[1]);
    return 1;
  }
  fseek(f, 0, SEEK_END);
  size_t size = size_t(ftell(f));
  fseek(f, 0, SEEK_SET);
  uint8_t* bytes = static_cast<uint8_t*>(aligned_alloc(64, (size + 63) / 64 * 64));
  if (fread(bytes, 1, size, f) != size) return 1;
  fclose(f);

  Diag diag;
  static KernelRegistry registry;
  if (register_kernels(registry) != Error::Ok) return 1;
  BufferDataLoader loader(bytes, size);
  auto program = Program::load(&loader, nullptr, &diag);
  if (!program.ok()) die("load program", program.error(), diag);
  auto plan = program->plan("forward", &diag);
  if (!plan.ok()) die("plan", plan.error(), diag);
  auto sizes = plan->vector<int64_t>(schema::plan::kNonConstBufferSizes, "non_const_buffer_sizes", true);
  if (!sizes.ok()) die("buffer sizes", sizes.error(), diag);
  std::vector<std::vector<uint8_t>> storage;
  std::vector<Span<uint8_t>> arenas;
  for (uint32_t i = 1; i < sizes->size(); i++) storage.emplace_back(size_t((*sizes)[i]) + 64, 0);
  for (auto& s : storage) arenas.emplace_back(s.data(), s.size() - 64);
  PlannedMemory planned(Span<Span<uint8_t>>(arenas.data(), arenas.size()));
  std::vector<uint8_t> method_pool(16 << 20), temp_pool(1 << 20);
  MemoryAllocator method_alloc(method_pool.data(), method_pool.size());
  MemoryAllocator temp_alloc(temp_pool.data(), temp_pool.size());
  MethodConfig config;
  config.kernels = &registry;
  config.memory = MemoryManager{&method_alloc, &planned, &temp_alloc};
  auto method = Method::load(*program, "forward", config, &diag);
  if (!method.ok()) die("load method", method.error(), diag);
  float x = 0.5f;
  int32_t one_size = 1;
  Error err = method->set_input_bytes(0, Span<const int32_t>(&one_size, 1), &x, sizeof(x), &diag);
  if (err != Error::Ok) die("set input", err, diag);
  const size_t n = method->num_instructions();

  // The direct peer: n chained adds on ping-pong buffers, one Tensor per value.
  float buffers[2] = {0.5f, 0.f}, one = 1.f;
  std::vector<OwnedTensor> chain(n + 1);
  for (size_t i = 0; i <= n; i++) chain[i].bind(&buffers[i % 2]);
  OwnedTensor one_t;
  one_t.bind(&one);
  one_t.t.is_planned = false;
  one_t.t.is_constant = true;
  Scalar alpha;  // Int 1
  alpha.i = 1;
  // The same calls as argument arrays for the generated entry.
  const KernelEntry* entry = registry.find("aten::add.out", strlen("aten::add.out"), KernelSet::Portable);
  if (entry == nullptr) return 1;
  EValue one_v;
  one_v.tag = Tag::Tensor;
  one_v.u.t = &one_t.t;
  std::vector<EValue> tensors(n + 1), alphas(n);
  std::vector<EValue*> args(5 * n);
  for (size_t i = 0; i <= n; i++) {
    tensors[i].tag = Tag::Tensor;
    tensors[i].u.t = &chain[i].t;
  }
  for (size_t i = 0; i < n; i++) {
    alphas[i].tag = Tag::Int;
    alphas[i].u.i = 1;
    EValue** a = &args[5 * i];
    a[0] = &tensors[i], a[1] = &one_v, a[2] = &alphas[i], a[3] = &tensors[i + 1], a[4] = &tensors[i + 1];
  }
  SlotTracer tracer;
  tracer.ticks.assign(n, 0);

  auto run_mode = [&](int mode) -> double {
    uint64_t t0 = now_ns();
    for (int r = 0; r < reps; r++) {
      Error e = Error::Ok;
      if (mode == 0) {
        KernelContext ctx("aten::add.out", &diag, &temp_alloc, nullptr);
        for (size_t i = 0; i < n && e == Error::Ok; i++) {
          e = portable::add_out(ctx, chain[i].t, one_t.t, alpha, chain[i + 1].t);
        }
      } else if (mode == 1) {
        KernelContext ctx("aten::add.out", &diag, &temp_alloc, nullptr);
        for (size_t i = 0; i < n && e == Error::Ok; i++) e = entry->call(ctx, &args[5 * i]);
      } else if (mode == 4) {
        uint64_t sum = 0;
        for (size_t i = 0; i < n; i++) sum += etb_platform_ticks();
        if (sum == 0) e = Error::Internal;
      } else {
        method->set_tracer(mode == 3 ? &tracer : nullptr);
        e = method->execute(&diag);
      }
      if (e != Error::Ok) die("run", e, diag);
    }
    return double(now_ns() - t0) / reps;
  };

  const int kModes = 5;
  const char* names[kModes] = {"kernel", "entry", "execute", "traced", "ticks"};
  for (int m = 0; m < kModes; m++) run_mode(m);  // warm-up
  std::vector<double> samples[kModes];
  for (int b = 0; b < batches; b++) {
    for (int k = 0; k < kModes; k++) {
      int m = (k + order + b) % kModes;
      samples[m].push_back(run_mode(m));
    }
  }
  // Differences and ratios are taken within a batch (its modes ran back to
  // back), then the median over batches: the host's speed drifts over
  // seconds, and pairing keeps a slow stretch from landing on one mode only.
  const double per = double(n);
  auto per_instr = [&](auto f) {
    std::vector<double> v;
    for (int b = 0; b < batches; b++) v.push_back(f(b) / per);
    return median(v);
  };
  auto at = [&](int m) { return [&samples, m](int b) { return samples[m][b]; }; };
  double kernel = per_instr(at(0)), entry_ns = per_instr(at(1)), exec = per_instr(at(2));
  double traced = per_instr(at(3)), ticks = per_instr(at(4));
  double overhead = per_instr([&](int b) { return samples[2][b] - samples[0][b]; });
  double unpack = per_instr([&](int b) { return samples[1][b] - samples[0][b]; });
  double tracing = per_instr([&](int b) { return samples[3][b] - samples[2][b]; });
  double ratio = per_instr([&](int b) { return per * (samples[2][b] - samples[0][b]) / samples[0][b]; });
  if (json) {
    printf("{\"instructions\":%zu,\"batches\":%d,\"reps\":%d", n, batches, reps);
    printf(",\"kernel_ns_per_instruction\":%.3f,\"entry_ns_per_instruction\":%.3f", kernel, entry_ns);
    printf(",\"execute_ns_per_instruction\":%.3f,\"traced_ns_per_instruction\":%.3f", exec, traced);
    printf(",\"ticks_ns_per_call\":%.3f", ticks);
    printf(",\"overhead_ns_per_instruction\":%.3f,\"unpack_ns_per_instruction\":%.3f", overhead, unpack);
    printf(",\"tracer_ns_per_instruction\":%.3f,\"overhead_to_kernel\":%.4f", tracing, ratio);
    // Raw per-batch samples (ns per execute / per n calls), in batch order.
    printf(",\"samples\":{");
    for (int m = 0; m < kModes; m++) {
      printf("%s\"%s\":[", m ? "," : "", names[m]);
      for (size_t b = 0; b < samples[m].size(); b++) printf("%s%.0f", b ? "," : "", samples[m][b]);
      printf("]");
    }
    printf("}}\n");
  } else {
    printf("instructions            %zu (median of %d batches x %d reps)\n", n, batches, reps);
    printf("kernel (direct add_out) %8.2f ns/instruction\n", kernel);
    printf("entry (generated call)  %8.2f ns/instruction  (+%.2f unpacking)\n", entry_ns, unpack);
    printf("execute                 %8.2f ns/instruction\n", exec);
    printf("execute + tracer        %8.2f ns/instruction  (+%.2f tracing)\n", traced, tracing);
    printf("etb_platform_ticks()    %8.2f ns/call\n", ticks);
    printf("framework overhead      %8.2f ns/instruction = %.2fx the kernel time\n", overhead, ratio);
  }
  free(bytes);
  return 0;
}
