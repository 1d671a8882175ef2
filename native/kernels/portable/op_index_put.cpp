// aten::index_put.out: out = self with out[indices] = values (or +=
// values when accumulate); values broadcast to the indexing result. Used
// for KV caches, where out usually is self's own memory.
#include "kernels/generated/kernel_decls.h"
#include "kernels/portable/util/dtype_util.h"
#include "kernels/portable/util/index_util.h"

namespace etb {
namespace portable {

namespace {

// dst[...] += src[...] over a strided block, in the element type T (half
// types through float; bool is OR, as ATen's bool += does).
template <typename T>
void accumulate_block(int32_t dim, const int32_t* sizes, const void* src, const int64_t* ss, void* dst,
                      const int64_t* ds, ScalarType dtype) {
  int64_t n = checked_numel(dim, sizes);
  int32_t coords[kMaxTensorRank] = {};
  int64_t so = 0, o = 0;
  for (int64_t i = 0; i < n; i++) {
    if constexpr (std::is_same<T, bool>::value) {
      uint8_t* p = static_cast<uint8_t*>(dst) + o;
      *p = (*p != 0 || static_cast<const uint8_t*>(src)[so] != 0) ? 1 : 0;
    } else if constexpr (std::is_integral<T>::value) {
      using U = typename std::make_unsigned<T>::type;
      T* p = static_cast<T*>(dst) + o;
      *p = T(U(*p) + U(static_cast<const T*>(src)[so]));
    } else {
      store_as<T>(dst, dtype, o, load_as<T>(dst, dtype, o) + load_as<T>(src, dtype, so));
    }
    for (int32_t d = dim - 1; d >= 0; d--) {
      so += ss[d];
      o += ds[d];
      if (++coords[d] < sizes[d]) break;
      so -= ss[d] * sizes[d];
      o -= ds[d] * sizes[d];
      coords[d] = 0;
    }
  }
}

void accumulate_into(int32_t dim, const int32_t* sizes, const void* src, const int64_t* ss, void* dst, const int64_t* ds,
                ScalarType t) {
  switch (t) {
    case ScalarType::Bool: accumulate_block<bool>(dim, sizes, src, ss, dst, ds, t); break;
    case ScalarType::Byte: accumulate_block<uint8_t>(dim, sizes, src, ss, dst, ds, t); break;
    case ScalarType::Char: accumulate_block<int8_t>(dim, sizes, src, ss, dst, ds, t); break;
    case ScalarType::Short: accumulate_block<int16_t>(dim, sizes, src, ss, dst, ds, t); break;
    case ScalarType::Int: accumulate_block<int32_t>(dim, sizes, src, ss, dst, ds, t); break;
    case ScalarType::Long: accumulate_block<int64_t>(dim, sizes, src, ss, dst, ds, t); break;
    case ScalarType::Double: accumulate_block<double>(dim, sizes, src, ss, dst, ds, t); break;
    default: accumulate_block<float>(dim, sizes, src, ss, dst, ds, t); break;  // float, half, bfloat16
  }
}

// Strides that read `values` broadcast to the plan's result shape.
Error value_strides(KernelContext& ctx, const Tensor& values, const IndexPlan& p, int64_t* strides) {
  if (values.dim > p.dim) {
    return ctx.fail(Error::InvalidArgument, "values of rank %d cannot be broadcast to the rank-%d indexing result",
                    values.dim, p.dim);
  }
  for (int32_t d = 0; d < p.dim; d++) {
    int32_t v = d - (p.dim - values.dim);
    if (v < 0 || values.sizes[v] == 1) {
      strides[d] = 0;
    } else if (values.sizes[v] == p.sizes[d]) {
      strides[d] = values.strides[v];
    } else {
      return ctx.fail(Error::InvalidArgument, "values size %d at dim %d does not broadcast to the indexing result size %d",
                      values.sizes[v], v, p.sizes[d]);
    }
  }
  return Error::Ok;
}

}  // namespace

Error index_put_out_prepare(KernelContext& ctx, const Tensor& self, const ValueList& indices, const Tensor& values,
                            bool accumulate, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, values, out, "values"));
  if (self.dim != out.dim) return ctx.fail(Error::InvalidArgument, "self has rank %d but out has rank %d", self.dim, out.dim);
  return check_index_list(ctx, self, indices);
}

Error index_put_out(KernelContext& ctx, const Tensor& self, const ValueList& indices, const Tensor& values,
                    bool accumulate, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, values, out, "values"));
  if (out.data != self.data) {
    ETB_RETURN_IF_ERROR(write_view(ctx, self, identity_view(self), out));
  } else {
    ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
    ETB_RETURN_IF_ERROR(resize_out(ctx, out, self.sizes, self.dim));
    if (!out.same_dim_order(self)) return ctx.fail(Error::InvalidArgument, "out shares self's memory in another dim order");
  }
  IndexPlan plan;
  int64_t vstrides[kMaxTensorRank];
  ETB_RETURN_IF_ERROR(make_index_plan(ctx, out, indices, &plan));
  ETB_RETURN_IF_ERROR(value_strides(ctx, values, plan, vstrides));
  const int32_t outer = index_outer_dims(plan);
  const int64_t esize = int64_t(element_size(out.dtype));
  const uint8_t* src = static_cast<const uint8_t*>(values.data);
  uint8_t* dst = static_cast<uint8_t*>(out.data);
  return for_each_index(ctx, plan, [&](int64_t off, const int32_t* coords) {
    int64_t v = 0;
    for (int32_t d = 0; d < outer; d++) v += coords[d] * vstrides[d];
    if (accumulate) {
      accumulate_into(plan.dim - outer, plan.sizes + outer, src + v * esize, vstrides + outer, dst + off * esize,
                 plan.strides + outer, out.dtype);
    } else {
      strided_copy(size_t(esize), plan.dim - outer, plan.sizes + outer, src + v * esize, vstrides + outer,
                   dst + off * esize, plan.strides + outer);
    }
  });
}

}  // namespace portable
}  // namespace etb
