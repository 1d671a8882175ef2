#include "kernels/portable/util/binary_util.h"

namespace etb {
namespace portable {

Error check_binary_dtypes(KernelContext& ctx, ScalarType a, ScalarType b, ScalarType common, ScalarType out,
                          const Scalar* alpha) {
  if (!is_elementwise_dtype(a) || !is_elementwise_dtype(b) || !is_elementwise_dtype(out)) {
    return ctx.fail(Error::NotSupported, "unsupported dtypes (%s, %s) -> %s", scalar_type_name(a),
                    scalar_type_name(b), scalar_type_name(out));
  }
  if (!can_cast(common, out)) {
    return ctx.fail(Error::InvalidArgument, "result type %s cannot be cast to the out dtype %s",
                    scalar_type_name(common), scalar_type_name(out));
  }
  if (alpha != nullptr) {
    if (is_integral(common, false) && alpha->kind == Scalar::Kind::Double) {
      return ctx.fail(Error::InvalidArgument, "alpha must be an integer for integral inputs (%s)",
                      scalar_type_name(common));
    }
    // ATen takes an integer alpha for bool inputs (cast to bool), but a bool alpha only for bool results.
    if (common != ScalarType::Bool && alpha->kind == Scalar::Kind::Bool) {
      return ctx.fail(Error::InvalidArgument, "a bool alpha is only supported for bool results (%s)",
                      scalar_type_name(common));
    }
  }
  return Error::Ok;
}

Error check_scalar_binary(KernelContext& ctx, const Tensor& self, const Scalar& other, const Scalar* alpha,
                          const Tensor& out) {
  ScalarType common;
  if (!tensor_scalar_result_type(self, other, &common)) {
    return ctx.fail(Error::NotSupported, "no type promotion for %s and a scalar", scalar_type_name(self.dtype));
  }
  if (common != out.dtype) {
    return ctx.fail(Error::InvalidArgument, "result type %s must equal the out dtype %s", scalar_type_name(common),
                    scalar_type_name(out.dtype));
  }
  return check_binary_dtypes(ctx, self.dtype, self.dtype, common, out.dtype, alpha);
}

Tensor scalar_tensor(ScalarType dtype, const Scalar& value, int64_t* storage) {
  Tensor t;
  t.dtype = compute_type(dtype);
  t.data = storage;
  t.capacity = 8;
  switch (value.kind) {
    case Scalar::Kind::Double: store_as<double>(storage, t.dtype, 0, value.d); break;
    case Scalar::Kind::Bool: store_as<int64_t>(storage, t.dtype, 0, value.b ? 1 : 0); break;
    case Scalar::Kind::Int: store_as<int64_t>(storage, t.dtype, 0, value.i); break;
  }
  return t;
}

Error resize_to_broadcast(KernelContext& ctx, const Tensor& a, const Tensor& b, Tensor& out) {
  int32_t sizes[kMaxTensorRank];
  int32_t dim = 0;
  ETB_RETURN_IF_ERROR(broadcast_shape(ctx, a, b, sizes, &dim));
  if (dim != out.dim) {
    return ctx.fail(Error::InvalidArgument, "out has rank %d, the broadcast result has rank %d", out.dim, dim);
  }
  return resize(out, Span<const int32_t>(sizes, size_t(dim)), ctx.diag(), ctx.op_name());
}

}  // namespace portable
}  // namespace etb
