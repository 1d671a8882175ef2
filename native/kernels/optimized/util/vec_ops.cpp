#include "kernels/optimized/util/vec_ops.h"

namespace etb {
namespace optimized {

const VecOps& vec_ops_for(Isa isa) {
  switch (isa) {
#if defined(__x86_64__)
    case Isa::Avx2Fma: return avx2_impl::kVecOps;
    case Isa::Avx512: return avx512_impl::kVecOps;
#endif
#if defined(__aarch64__)
    case Isa::Neon: return neon_impl::kVecOps;
#endif
    default: break;
  }
  return scalar_impl::kVecOps;
}

}  // namespace optimized
}  // namespace etb
