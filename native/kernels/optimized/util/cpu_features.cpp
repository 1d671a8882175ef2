#include "kernels/optimized/util/cpu_features.h"

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#ifndef HWCAP_ASIMDDP
#define HWCAP_ASIMDDP (1 << 20)  // the kernel's bit for the dot-product instructions
#endif
#endif

namespace etb {
namespace optimized {
namespace {

Isa detect() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  // __builtin_cpu_supports reports the AVX-512 bits only when XCR0 says the
  // OS saves the zmm registers.
  if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma")) {
    return Isa::Avx512;
  }
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2Fma;
#endif
#if defined(__aarch64__)
  return Isa::Neon;
#else
  return Isa::Scalar;
#endif
}

bool detect_avx512_vnni() {
#if (defined(__x86_64__) || defined(__i386__)) && !defined(ETB_NO_OPTIMIZED_KERNELS)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vnni");
#else
  return false;
#endif
}

bool detect_neon_dot() {
#if defined(__aarch64__) && defined(__linux__) && !defined(ETB_NO_OPTIMIZED_KERNELS)
  return (getauxval(AT_HWCAP) & HWCAP_ASIMDDP) != 0;
#else
  return false;
#endif
}

bool g_overridden = false;
Isa g_override = Isa::Scalar;

}  // namespace

Isa detected_isa() {
  static const Isa isa = detect();
  return isa;
}

bool isa_supported(Isa isa) {
  static const bool vnni = detect_avx512_vnni(), dot = detect_neon_dot();
  const Isa best = detected_isa();
  switch (isa) {
    case Isa::Scalar: return true;
    case Isa::Avx512Vnni: return vnni;
    case Isa::NeonDot: return dot;
    case Isa::Avx2Fma: return best == Isa::Avx2Fma || best == Isa::Avx512;
    case Isa::Avx512:
    case Isa::Neon: return best == isa;
  }
  return false;
}

bool isa_overridden() { return g_overridden; }

Isa active_isa() { return g_overridden ? g_override : detected_isa(); }

void set_isa_override(Isa isa) {
  g_overridden = true;
  g_override = isa_supported(isa) ? isa : Isa::Scalar;
}

void clear_isa_override() { g_overridden = false; }

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx2Fma: return "avx2+fma";
    case Isa::Avx512: return "avx512";
    case Isa::Neon: return "neon";
    case Isa::Avx512Vnni: return "avx512-vnni";
    case Isa::NeonDot: return "neon-dotprod";
    case Isa::Scalar: break;
  }
  return "scalar";
}

}  // namespace optimized
}  // namespace etb
