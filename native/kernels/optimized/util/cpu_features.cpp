#include "kernels/optimized/util/cpu_features.h"

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

bool g_overridden = false;
Isa g_override = Isa::Scalar;

}  // namespace

Isa detected_isa() {
  static const Isa isa = detect();
  return isa;
}

Isa active_isa() { return g_overridden ? g_override : detected_isa(); }

bool isa_supported(Isa isa) {
  const Isa best = detected_isa();
  return isa == Isa::Scalar || isa == best || (isa == Isa::Avx2Fma && best == Isa::Avx512);
}

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
    case Isa::Scalar: break;
  }
  return "scalar";
}

}  // namespace optimized
}  // namespace etb
