// Shared body of the comparison kernels (eq/ne/lt/le/gt/ge, Tensor and
// Scalar overloads): operands promote to ATen's result type and compare
// there (half types after rounding to it); the bool result casts to any out
// dtype, as ATen's comparison ops allow. NaN compares unequal to everything.
#pragma once
#include "kernels/portable/util/elementwise_util.h"

namespace etb {
namespace portable {

enum class Cmp { Eq, Ne, Lt, Le, Gt, Ge };

Error compare_tensor_prepare(KernelContext& ctx, const Tensor& self, const Tensor& other, const Tensor& out);
Error compare_tensor(KernelContext& ctx, const Tensor& self, const Tensor& other, Tensor& out, Cmp cmp);
Error compare_scalar_prepare(KernelContext& ctx, const Tensor& self, const Scalar& other, const Tensor& out);
Error compare_scalar(KernelContext& ctx, const Tensor& self, const Scalar& other, Tensor& out, Cmp cmp);

}  // namespace portable
}  // namespace etb
