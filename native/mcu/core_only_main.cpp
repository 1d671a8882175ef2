// The runtime core with no kernels, linked only to measure its footprint
// (bench/mcu-size.mjs, docs/mcu.md): it loads the linked program, loads the
// method against an empty kernel registry and runs it, which pulls in every
// part of the core a real firmware uses (loader, verifier, method set-up,
// execute, bundled-program checks). Run, it exits with the load's error code.
#include "mcu/semihost.h"
#include "runtime/bundled.h"
#include "runtime/method.h"
#include "runtime/program.h"

extern "C" const uint8_t etb_program_start[];
extern "C" const uint8_t etb_program_end[];

namespace {

alignas(16) uint8_t g_method_pool[32 * 1024];
alignas(16) uint8_t g_planned[16 * 1024];
etb::KernelRegistry g_kernels;

int run() {
  using namespace etb;
  Diag diag;
  const uint8_t* bytes = etb_program_start;
  size_t size = size_t(etb_program_end - etb_program_start);
  Span<const uint8_t> pte(bytes, size);
  BundledProgram bundle;
  bool bundled = is_bundled_program(bytes, size);
  if (bundled) {
    auto b = BundledProgram::parse(bytes, size, &diag);
    if (!b.ok()) return int(b.error());
    bundle = *b;
    pte = bundle.program();
  }
  BufferDataLoader loader(pte.data(), pte.size());
  auto program = Program::load(&loader, nullptr, &diag);
  if (!program.ok()) return int(program.error());
  MemoryAllocator method_alloc(g_method_pool, sizeof(g_method_pool));
  Span<uint8_t> arenas[1] = {{g_planned, sizeof(g_planned)}};
  PlannedMemory planned(Span<Span<uint8_t>>(arenas, 1));
  MethodConfig config;
  config.kernels = &g_kernels;
  config.memory = MemoryManager{&method_alloc, &planned, nullptr};
  auto m = Method::load(*program, "forward", config, &diag);
  if (!m.ok()) return int(m.error());
  if (bundled) {
    Error e = bundle.set_inputs(*m, "forward", 0, &diag);
    if (e != Error::Ok) return int(e);
  }
  Error e = m->execute(&diag);
  if (e != Error::Ok) return int(e);
  OutputCheck checks[4];
  if (bundled) {
    auto n = bundle.check_outputs(*m, "forward", 0, 1e-5, 1e-8, checks, 4, &diag);
    if (!n.ok()) return int(n.error());
  }
  return 0;
}

}  // namespace

int main() { return run(); }
