// Run-time CPU-feature dispatch for the optimized kernels: which instruction
// set the micro-kernels use on this machine.
//
//   if (etb::optimized::has_avx2_fma(etb::optimized::active_isa())) { ... }
//
// Detection runs once (cpuid through __builtin_cpu_supports on x86-64; NEON is
// part of every aarch64 CPU); tests may force a lesser instruction set (scalar,
// or AVX2+FMA on an AVX-512 CPU) to check it against the best one.
#pragma once

namespace etb {
namespace optimized {

// Avx512 means AVX-512 F, DQ, BW and VL (Skylake-SP and later) plus AVX2 and
// FMA, with the OS saving zmm state; code for Avx2Fma runs there too.
// Avx512Vnni (AVX-512 F/BW with VNNI's vpdpbusd) and NeonDot (NEON with the
// dot-product extension's sdot) are integer levels used by the int8 GEMM only
// (qgemm.h): detected_isa() never returns them, and a float kernel forced to
// one of them runs its scalar code.
enum class Isa { Scalar, Avx2Fma, Neon, Avx512, Avx512Vnni, NeonDot };

// The best float instruction set this CPU supports (and this build can emit).
Isa detected_isa();
// Whether this CPU (and build) can run `isa`'s kernels.
bool isa_supported(Isa isa);
// Whether set_isa_override is in force (kernels with their own levels, such
// as the int8 GEMM, then use active_isa() instead of their best).
bool isa_overridden();
// The instruction set kernels use now: detected_isa() unless overridden.
Isa active_isa();
// True for the instruction sets that include AVX2 and FMA (Avx2Fma, Avx512).
inline bool has_avx2_fma(Isa isa) { return isa == Isa::Avx2Fma || isa == Isa::Avx512; }
// For tests and benchmarks: force `isa` (Scalar when !isa_supported(isa)).
void set_isa_override(Isa isa);
void clear_isa_override();
const char* isa_name(Isa isa);

}  // namespace optimized
}  // namespace etb
