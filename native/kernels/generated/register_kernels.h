// Registration of every kernel listed in native/kernels/ops.yaml (generated
// in register_kernels.cpp). With ETB_SELECTIVE_BUILD defined, only operators
// with a matching ETB_OP_<name> macro are compiled in.
//
//   etb::KernelRegistry registry;
//   if (etb::register_kernels(registry) != etb::Error::Ok) ...;
#pragma once
#include "runtime/kernel.h"

namespace etb {

Error register_kernels(KernelRegistry& registry);

}  // namespace etb
