// Selecting the optimized kernel set: an optimized kernel whose prepare
// reports NotSupported hands its instruction to the portable kernel of the
// same operator; one that accepts keeps it. Uses the real AddModel program
// (one aten::add.out) and stand-in optimized entries for aten::add.out.
#include "kernels/generated/register_kernels.h"
#include "runtime/data_loader.h"
#include "runtime/method.h"
#include "runtime/program.h"
#include "testing/fixtures.h"
#include "testing/minitest.h"

using namespace etb;

namespace {

int g_optimized_calls = 0;

Error refuse_init(KernelContext& ctx, EValue**, size_t) {
  return ctx.fail(Error::NotSupported, "this stand-in handles nothing");
}
Error accept_init(KernelContext&, EValue**, size_t) { return Error::Ok; }
// Writes 42 everywhere so the test can tell which kernel ran.
Error marker_call(KernelContext&, EValue** args) {
  g_optimized_calls++;
  Tensor& out = args[3]->tensor();
  for (int64_t i = 0; i < out.numel(); i++) out.data_as<float>()[i] = 42.0f;
  return Error::Ok;
}

struct Run {
  testing_util::AlignedBytes bytes;
  uint8_t method_pool[64 * 1024];
  uint8_t temp_pool[4096];
  alignas(64) uint8_t arena[4096];
  Span<uint8_t> arenas[1];
  KernelRegistry registry;
  Diag diag;
};

// Loads AddModel with the optimized set whose aten::add.out entry uses `init`;
// runs it on [1, 2, 3] and returns out[0] (NaN on failure).
float run_with(Run& r, KernelInitFn init) {
  static KernelRegistry all;
  static bool once = register_kernels(all) == Error::Ok;
  (void)once;
  for (size_t i = 0; i < all.size(); i++) {
    if (all.at(i).set != KernelSet::Optimized && r.registry.add(all.at(i)) != Error::Ok) return __builtin_nanf("");
  }
  if (r.registry.add(KernelEntry{"aten::add.out", KernelSet::Optimized, init, marker_call}) != Error::Ok) {
    return __builtin_nanf("");
  }
  if (!testing_util::read_fixture("executorch/arduino_AddModel.pte", &r.bytes)) return __builtin_nanf("");
  BufferDataLoader loader(r.bytes.data, r.bytes.size);
  auto program = Program::load(&loader, nullptr, &r.diag);
  if (!program.ok()) return __builtin_nanf("");
  MemoryAllocator method_alloc(r.method_pool, sizeof(r.method_pool)), temp_alloc(r.temp_pool, sizeof(r.temp_pool));
  r.arenas[0] = Span<uint8_t>(r.arena, sizeof(r.arena));
  PlannedMemory planned(Span<Span<uint8_t>>(r.arenas, 1));
  MethodConfig c;
  c.kernels = &r.registry;
  c.kernel_set = KernelSet::Optimized;
  c.memory = MemoryManager{&method_alloc, &planned, &temp_alloc};
  auto method = Method::load(*program, "forward", c, &r.diag);
  if (!method.ok()) {
    printf("  load failed: %s\n", r.diag.message);
    return __builtin_nanf("");
  }
  float x[3] = {1, 2, 3};
  int32_t sizes[1] = {3};
  if (method->set_input_bytes(0, Span<const int32_t>(sizes, 1), x, sizeof(x), &r.diag) != Error::Ok) return __builtin_nanf("");
  if (method->execute(&r.diag) != Error::Ok) return __builtin_nanf("");
  return method->output(0).tensor().data_as<const float>()[0];
}

}  // namespace

TEST(OptFallback, NotSupportedAtPrepareRunsThePortableKernel) {
  static Run r;
  g_optimized_calls = 0;
  EXPECT_EQ(run_with(r, refuse_init), 2.0f);
  EXPECT_EQ(g_optimized_calls, 0);
  // The refusal is not left behind as the load's diagnostic.
  EXPECT_FALSE(r.diag.has_message);
}

TEST(OptFallback, AnAcceptingOptimizedKernelIsUsed) {
  static Run r;
  g_optimized_calls = 0;
  EXPECT_EQ(run_with(r, accept_init), 42.0f);
  EXPECT_EQ(g_optimized_calls, 1);
}
