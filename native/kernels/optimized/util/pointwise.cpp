#include "kernels/optimized/util/pointwise.h"

namespace etb {
namespace optimized {

Error resize_to(KernelContext& ctx, Tensor& out, const int32_t* sizes, int32_t n) {
  Error e = resize(out, Span<const int32_t>(sizes, size_t(n)), ctx.diag(), "out");
  return e == Error::Ok ? e : ctx.fail(e, "cannot resize out");
}

}  // namespace optimized
}  // namespace etb
