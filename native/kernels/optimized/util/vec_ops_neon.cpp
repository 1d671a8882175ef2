// VecOps with 4-lane vectors on aarch64, where GCC and Clang lower 16-byte
// vector-extension code to NEON (always present there).
#include <stdint.h>

#include "kernels/optimized/util/vec_ops.h"

#if defined(__aarch64__)
#define ETB_VEC_NS neon_impl
#define ETB_VEC_LANES 4
#include "kernels/optimized/util/vec_ops_body.inc"
#endif
