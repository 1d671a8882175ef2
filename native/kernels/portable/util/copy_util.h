// Layout conversions shared by the dim-order copy kernels.
#pragma once
#include "runtime/evalue.h"
#include "runtime/kernel.h"

namespace etb {
namespace portable {

// Checks the requested dim order (contiguous or channels-last) against out.
Error check_dim_order_arg(KernelContext& ctx, const Tensor& self, bool non_blocking,
                          const Optional<Span<const int64_t>>& dim_order, const Tensor& out);

// Resizes out to self's sizes and copies every logical element, converting
// the layout (and dtype, when they differ).
Error copy_elements(KernelContext& ctx, const Tensor& self, Tensor& out);

}  // namespace portable
}  // namespace etb
