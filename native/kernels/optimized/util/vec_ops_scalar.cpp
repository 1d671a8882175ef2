// VecOps with one-lane vectors: the fallback every CPU runs (and the
// reference the vector versions are tested against).
#include <stdint.h>

#include "kernels/optimized/util/vec_ops.h"

#define ETB_VEC_NS scalar_impl
#define ETB_VEC_LANES 1
#include "kernels/optimized/util/vec_ops_body.inc"
