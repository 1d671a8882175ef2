// Run-time CPU-feature dispatch for the optimized kernels: which instruction
// set the micro-kernels use on this machine.
//
//   if (etb::optimized::active_isa() == etb::optimized::Isa::Avx2Fma) { ... }
//
// Detection runs once (cpuid through __builtin_cpu_supports on x86-64; NEON is
// part of every aarch64 CPU); tests may force the scalar path to check it
// against the vector one.
#pragma once

namespace etb {
namespace optimized {

enum class Isa { Scalar, Avx2Fma, Neon };

// The best instruction set this CPU supports (and this build can emit).
Isa detected_isa();
// The instruction set kernels use now: detected_isa() unless overridden.
Isa active_isa();
// For tests and benchmarks: force `isa` (clamped to detected_isa()).
void set_isa_override(Isa isa);
void clear_isa_override();
const char* isa_name(Isa isa);

}  // namespace optimized
}  // namespace etb
