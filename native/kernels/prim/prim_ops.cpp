// Prim ops: symbolic-int arithmetic, tensor size queries and views that the
// exporter emits around dynamic shapes. Results keep the kind of the value
// slot they are written to, so a value never changes kind at run time.
#include <math.h>

#include "kernels/generated/kernel_decls.h"

namespace etb {
namespace prim {
namespace {

void set_number(EValue& ret, double d, int64_t i, bool is_int) {
  if (ret.tag == Tag::Double) {
    ret.u.d = is_int ? double(i) : d;
  } else if (ret.tag == Tag::Bool) {
    ret.u.b = is_int ? i != 0 : d != 0;
  } else {
    ret.u.i = is_int ? i : Scalar::saturating_int(d);
  }
}

bool both_int(const Scalar& a, const Scalar& b) { return a.kind != Scalar::Kind::Double && b.kind != Scalar::Kind::Double; }

uint64_t u(int64_t v) { return uint64_t(v); }

}  // namespace

Error add_scalar(KernelContext&, const Scalar& a, const Scalar& b, EValue& ret) {
  set_number(ret, a.to_double() + b.to_double(), int64_t(u(a.to_int()) + u(b.to_int())), both_int(a, b));
  return Error::Ok;
}

Error sub_scalar(KernelContext&, const Scalar& a, const Scalar& b, EValue& ret) {
  set_number(ret, a.to_double() - b.to_double(), int64_t(u(a.to_int()) - u(b.to_int())), both_int(a, b));
  return Error::Ok;
}

Error mul_scalar(KernelContext&, const Scalar& a, const Scalar& b, EValue& ret) {
  set_number(ret, a.to_double() * b.to_double(), int64_t(u(a.to_int()) * u(b.to_int())), both_int(a, b));
  return Error::Ok;
}

Error floordiv_scalar(KernelContext& ctx, const Scalar& a, const Scalar& b, EValue& ret) {
  if (both_int(a, b)) {
    int64_t x = a.to_int(), y = b.to_int();
    if (y == 0) return ctx.fail(Error::InvalidArgument, "integer division by zero");
    if (x == INT64_MIN && y == -1) return ctx.fail(Error::InvalidArgument, "integer overflow in floor division");
    int64_t q = x / y;
    if ((x % y != 0) && ((x < 0) != (y < 0))) q--;
    set_number(ret, 0, q, true);
  } else {
    set_number(ret, floor(a.to_double() / b.to_double()), 0, false);
  }
  return Error::Ok;
}

Error truediv_scalar(KernelContext&, const Scalar& a, const Scalar& b, EValue& ret) {
  set_number(ret, a.to_double() / b.to_double(), 0, false);
  return Error::Ok;
}

Error mod_scalar(KernelContext& ctx, int64_t a, int64_t b, EValue& ret) {
  if (b == 0) return ctx.fail(Error::InvalidArgument, "integer modulo by zero");
  if (b == -1) {
    set_number(ret, 0, 0, true);
    return Error::Ok;
  }
  int64_t r = a % b;
  if (r != 0 && ((r < 0) != (b < 0))) r += b;  // Python's sign convention
  set_number(ret, 0, r, true);
  return Error::Ok;
}

Error neg_scalar(KernelContext&, const Scalar& a, EValue& ret) {
  set_number(ret, -a.to_double(), int64_t(0 - u(a.to_int())), a.kind != Scalar::Kind::Double);
  return Error::Ok;
}

#define ETB_PRIM_COMPARE(name, op)                                               \
  Error name(KernelContext&, const Scalar& a, const Scalar& b, EValue& ret) {    \
    bool r = both_int(a, b) ? (a.to_int() op b.to_int()) : (a.to_double() op b.to_double()); \
    ret.u.b = r;                                                                 \
    return Error::Ok;                                                            \
  }
ETB_PRIM_COMPARE(eq_scalar, ==)
ETB_PRIM_COMPARE(gt_scalar, >)
ETB_PRIM_COMPARE(lt_scalar, <)
ETB_PRIM_COMPARE(ge_scalar, >=)
ETB_PRIM_COMPARE(le_scalar, <=)
#undef ETB_PRIM_COMPARE

Error sym_size_int(KernelContext& ctx, const Tensor& self, int64_t dim, EValue& ret) {
  int64_t d = dim < 0 ? dim + self.dim : dim;
  if (d < 0 || d >= self.dim) {
    return ctx.fail(Error::InvalidArgument, "dim %lld is out of range for a rank-%d tensor", static_cast<long long>(dim),
                    self.dim);
  }
  ret.u.i = self.sizes[d];
  return Error::Ok;
}

Error sym_numel(KernelContext&, const Tensor& self, EValue& ret) {
  ret.u.i = self.numel();
  return Error::Ok;
}

Error et_view_prepare(KernelContext& ctx, const Tensor& self, Span<const int64_t> size, EValue& ret) {
  (void)size;
  Tensor& out = ret.tensor();
  if (out.dtype != self.dtype) {
    return ctx.fail(Error::InvalidArgument, "view of a %s tensor as %s", scalar_type_name(self.dtype),
                    scalar_type_name(out.dtype));
  }
  // ExecuTorch's memory planner may give a view the same storage as its base (a view of a
  // mutable buffer, as Llama's KV cache export writes); that is a view too. Any other planned
  // or constant storage would be silently replaced, so it is refused.
  if (out.is_constant || (out.is_planned && self.data != nullptr && out.data != self.data)) {
    return ctx.fail(Error::InvalidProgram, "the view's result must not own memory other than its base's");
  }
  return Error::Ok;
}

Error et_view(KernelContext& ctx, const Tensor& self, Span<const int64_t> size, EValue& ret) {
  Tensor& out = ret.tensor();
  if (int32_t(size.size()) != out.dim) {
    return ctx.fail(Error::InvalidArgument, "view size has %zu dims, the result has %d", size.size(), out.dim);
  }
  int32_t sizes[kMaxTensorRank];
  int64_t infer = -1, known = 1;
  for (int32_t i = 0; i < out.dim; i++) {
    if (size[i] == -1 && infer < 0) {
      infer = i;
      continue;
    }
    if (size[i] < 0 || size[i] > INT32_MAX) return ctx.fail(Error::InvalidArgument, "view size %d is invalid", i);
    sizes[i] = int32_t(size[i]);
    known *= size[i];
    if (known > (int64_t(1) << 40)) return ctx.fail(Error::InvalidArgument, "view is too large");
  }
  int64_t numel = self.numel();
  if (infer >= 0) {
    if (known == 0 || numel % known != 0) return ctx.fail(Error::InvalidArgument, "cannot infer the view's size");
    sizes[infer] = int32_t(numel / known);
    known = numel;
  }
  if (known != numel) {
    return ctx.fail(Error::InvalidArgument, "view of %lld elements as %lld", static_cast<long long>(numel),
                    static_cast<long long>(known));
  }
  if (out.is_planned && out.data != self.data) {
    return ctx.fail(Error::InvalidProgram, "the view's result must not own memory other than its base's");
  }
  for (int32_t i = 0; i < out.dim; i++) out.sizes[i] = sizes[i];
  compute_strides(out.dim, out.sizes, out.dim_order, out.strides);
  out.data = self.data;
  out.capacity = self.nbytes();
  out.is_constant = self.is_constant;  // a view of a constant is read-only too
  return Error::Ok;
}

}  // namespace prim
}  // namespace etb
