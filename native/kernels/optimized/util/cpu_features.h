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

// Avx512Vnni (AVX-512 F/BW with VNNI's vpdpbusd) and NeonDot (NEON with the
// dot-product extension's sdot) are integer levels used by the int8 GEMM only
// (qgemm.h); the float kernels stay on Avx2Fma / Neon there, so
// detected_isa() never returns them.
enum class Isa { Scalar, Avx2Fma, Neon, Avx512Vnni, NeonDot };

// The best float instruction set this CPU supports (and this build can emit).
Isa detected_isa();
// Whether this CPU (and build) can run `isa`'s kernels.
bool isa_supported(Isa isa);
// Whether set_isa_override is in force (kernels with their own levels, such
// as the int8 GEMM, then use active_isa() instead of their best).
bool isa_overridden();
// The instruction set kernels use now: detected_isa() unless overridden.
Isa active_isa();
// For tests and benchmarks: force `isa` (Scalar when !isa_supported(isa)).
void set_isa_override(Isa isa);
void clear_isa_override();
const char* isa_name(Isa isa);

}  // namespace optimized
}  // namespace etb
