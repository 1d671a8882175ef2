#include "kernels/portable/util/shape_util.h"

#include <string.h>

#include "kernels/portable/util/dtype_util.h"

namespace etb {
namespace portable {
namespace {

template <typename E>
void copy_run_typed(const uint8_t* src, int64_t ss, uint8_t* dst, int64_t ds, int64_t n) {
  const E* s = reinterpret_cast<const E*>(src);
  E* d = reinterpret_cast<E*>(dst);
  if (ds == 1) {
    for (int64_t i = 0; i < n; i++) d[i] = s[i * ss];
  } else {
    for (int64_t i = 0; i < n; i++) d[i * ds] = s[i * ss];
  }
}

void copy_run(size_t esize, const uint8_t* src, int64_t ss, uint8_t* dst, int64_t ds, int64_t n) {
  if (ss == 1 && ds == 1) {
    memmove(dst, src, size_t(n) * esize);
    return;
  }
  switch (esize) {
    case 1: copy_run_typed<uint8_t>(src, ss, dst, ds, n); return;
    case 2: copy_run_typed<uint16_t>(src, ss, dst, ds, n); return;
    case 4: copy_run_typed<uint32_t>(src, ss, dst, ds, n); return;
    case 8: copy_run_typed<uint64_t>(src, ss, dst, ds, n); return;
    default:
      for (int64_t i = 0; i < n; i++) memcpy(dst + i * ds * int64_t(esize), src + i * ss * int64_t(esize), esize);
  }
}

inline int64_t abs64(int64_t v) { return v < 0 ? -v : v; }

// A 2-D transpose-like block: dst rows are contiguous, src columns are. Walk
// it in kTile x kTile tiles so both sides stay in cache.
template <typename E>
void copy_tiled_typed(const uint8_t* src, int64_t s_row, uint8_t* dst, int64_t d_row, int64_t rows, int64_t cols,
                      int64_t s_col) {
  constexpr int64_t kTile = 32;
  const E* s = reinterpret_cast<const E*>(src);
  E* d = reinterpret_cast<E*>(dst);
  for (int64_t i0 = 0; i0 < rows; i0 += kTile) {
    const int64_t i1 = i0 + kTile < rows ? i0 + kTile : rows;
    for (int64_t j0 = 0; j0 < cols; j0 += kTile) {
      const int64_t j1 = j0 + kTile < cols ? j0 + kTile : cols;
      for (int64_t i = i0; i < i1; i++) {
        for (int64_t j = j0; j < j1; j++) d[i * d_row + j] = s[i * s_row + j * s_col];
      }
    }
  }
}

// True when it ran: only for element sizes with a typed path.
bool copy_tiled(size_t esize, const uint8_t* src, int64_t s_row, uint8_t* dst, int64_t d_row, int64_t rows,
                int64_t cols, int64_t s_col) {
  switch (esize) {
    case 1: copy_tiled_typed<uint8_t>(src, s_row, dst, d_row, rows, cols, s_col); return true;
    case 2: copy_tiled_typed<uint16_t>(src, s_row, dst, d_row, rows, cols, s_col); return true;
    case 4: copy_tiled_typed<uint32_t>(src, s_row, dst, d_row, rows, cols, s_col); return true;
    case 8: copy_tiled_typed<uint64_t>(src, s_row, dst, d_row, rows, cols, s_col); return true;
    default: return false;
  }
}

}  // namespace

void strided_copy(size_t esize, int32_t dim, const int32_t* sizes, const void* src, const int64_t* src_strides,
                  void* dst, const int64_t* dst_strides) {
  int64_t sz[kMaxTensorRank], ss[kMaxTensorRank], ds[kMaxTensorRank];
  int32_t n = 0;
  for (int32_t i = 0; i < dim; i++) {
    if (sizes[i] == 0) return;
    if (sizes[i] == 1) continue;
    // Insertion by descending destination stride: the destination is then
    // walked in memory order.
    int32_t k = n++;
    while (k > 0 && abs64(ds[k - 1]) < abs64(dst_strides[i])) {
      sz[k] = sz[k - 1];
      ss[k] = ss[k - 1];
      ds[k] = ds[k - 1];
      k--;
    }
    sz[k] = sizes[i];
    ss[k] = src_strides[i];
    ds[k] = dst_strides[i];
  }
  // Merge a dim into its inner neighbour when both sides are dense across
  // them, so the inner run gets as long as possible.
  int32_t m = 0;
  for (int32_t i = 0; i < n; i++) {
    if (m > 0 && ds[m - 1] == ds[i] * sz[i] && ss[m - 1] == ss[i] * sz[i]) {
      sz[m - 1] *= sz[i];
      ss[m - 1] = ss[i];
      ds[m - 1] = ds[i];
    } else {
      sz[m] = sz[i];
      ss[m] = ss[i];
      ds[m] = ds[i];
      m++;
    }
  }
  const uint8_t* s = static_cast<const uint8_t*>(src);
  uint8_t* d = static_cast<uint8_t*>(dst);
  if (m == 0) {
    memmove(d, s, esize);
    return;
  }
  const int64_t e = int64_t(esize);
  // Transposed inner pair (src contiguous along the second-innermost dst dim):
  // copy it tile by tile instead of row by row.
  const bool tiled = m >= 2 && ds[m - 1] == 1 && ss[m - 2] == 1 && ss[m - 1] != 1 && sz[m - 2] >= 8 && sz[m - 1] >= 8 &&
                     (esize == 1 || esize == 2 || esize == 4 || esize == 8);
  const int32_t outer = tiled ? m - 2 : m - 1;
  int64_t idx[kMaxTensorRank] = {};
  while (true) {
    if (tiled) {
      copy_tiled(esize, s, ss[outer], d, ds[outer], sz[outer], sz[outer + 1], ss[outer + 1]);
    } else {
      copy_run(esize, s, ss[outer], d, ds[outer], sz[outer]);
    }
    int32_t k = outer - 1;
    for (; k >= 0; k--) {
      s += ss[k] * e;
      d += ds[k] * e;
      if (++idx[k] < sz[k]) break;
      s -= ss[k] * sz[k] * e;
      d -= ds[k] * sz[k] * e;
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

void convert_copy(ScalarType from, ScalarType to, int32_t dim, const int32_t* sizes, const void* src,
                  const int64_t* src_strides, void* dst, const int64_t* dst_strides) {
  const int64_t n = checked_numel(dim, sizes);
  const bool integral = is_integral(from, true) && is_integral(to, true);
  int32_t coords[kMaxTensorRank] = {};
  int64_t so = 0, o = 0;
  for (int64_t i = 0; i < n; i++) {
    if (integral) {
      store_as<int64_t>(dst, to, o, load_as<int64_t>(src, from, so));
    } else {
      store_as<double>(dst, to, o, load_as<double>(src, from, so));
    }
    for (int32_t d = dim - 1; d >= 0; d--) {
      so += src_strides[d];
      o += dst_strides[d];
      if (++coords[d] < sizes[d]) break;
      so -= src_strides[d] * sizes[d];
      o -= dst_strides[d] * sizes[d];
      coords[d] = 0;
    }
  }
}

void copy_view_to_out(const Tensor& src, int64_t src_offset, const int64_t* src_strides, Tensor& out) {
  size_t esize = element_size(out.dtype);
  strided_copy(esize, out.dim, out.sizes, static_cast<const uint8_t*>(src.data) + src_offset * int64_t(esize),
               src_strides, out.data, out.strides);
}

View identity_view(const Tensor& t) {
  View v;
  v.dim = t.dim;
  for (int32_t i = 0; i < t.dim; i++) {
    v.sizes[i] = t.sizes[i];
    v.strides[i] = t.strides[i];
  }
  return v;
}

Error write_view(KernelContext& ctx, const Tensor& self, const View& v, Tensor& out) {
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, out, "self"));
  ETB_RETURN_IF_ERROR(resize_out(ctx, out, v.sizes, v.dim));
  if (out.numel() == 0) return Error::Ok;
  copy_view_to_out(self, v.offset, v.strides, out);
  return Error::Ok;
}

namespace {

void row_major_strides(int32_t dim, const int32_t* sizes, int64_t* strides) {
  int64_t running = 1;
  for (int32_t i = dim - 1; i >= 0; i--) {
    strides[i] = running;
    running *= sizes[i];
  }
}

}  // namespace

void copy_reshaped(const Tensor& self, Tensor& out) {
  size_t esize = element_size(out.dtype);
  if (out.numel() == 0) return;
  int64_t rm[kMaxTensorRank];
  if (self.is_contiguous() && out.is_contiguous()) {
    memmove(out.data, self.data, out.nbytes());
  } else if (self.is_contiguous()) {
    row_major_strides(out.dim, out.sizes, rm);
    strided_copy(esize, out.dim, out.sizes, self.data, rm, out.data, out.strides);
  } else if (out.is_contiguous()) {
    row_major_strides(self.dim, self.sizes, rm);
    strided_copy(esize, self.dim, self.sizes, self.data, self.strides, out.data, rm);
  } else {
    // Both permuted: walk both logical odometers together.
    int64_t si[kMaxTensorRank] = {}, oi[kMaxTensorRank] = {};
    int64_t soff = 0, ooff = 0, n = out.numel();
    const uint8_t* s = static_cast<const uint8_t*>(self.data);
    uint8_t* d = static_cast<uint8_t*>(out.data);
    for (int64_t i = 0; i < n; i++) {
      memcpy(d + ooff * int64_t(esize), s + soff * int64_t(esize), esize);
      for (int32_t k = self.dim - 1; k >= 0; k--) {
        soff += self.strides[k];
        if (++si[k] < self.sizes[k]) break;
        soff -= self.strides[k] * self.sizes[k];
        si[k] = 0;
      }
      for (int32_t k = out.dim - 1; k >= 0; k--) {
        ooff += out.strides[k];
        if (++oi[k] < out.sizes[k]) break;
        ooff -= out.strides[k] * out.sizes[k];
        oi[k] = 0;
      }
    }
  }
}

Error wrap_dim(KernelContext& ctx, int64_t dim, int32_t rank, int32_t* out) {
  int64_t r = rank == 0 ? 1 : rank;
  if (dim < -r || dim >= r) {
    return ctx.fail(Error::InvalidArgument, "dim %lld is out of range for a rank-%d tensor", static_cast<long long>(dim),
                    rank);
  }
  *out = int32_t(dim < 0 ? dim + r : dim);
  return Error::Ok;
}

Error check_same_dtype(KernelContext& ctx, const Tensor& a, const Tensor& out, const char* a_name) {
  if (a.dtype != out.dtype) {
    return ctx.fail(Error::InvalidArgument, "%s is %s but out is %s", a_name, scalar_type_name(a.dtype),
                    scalar_type_name(out.dtype));
  }
  return Error::Ok;
}

Error resize_out(KernelContext& ctx, Tensor& out, const int32_t* sizes, int32_t dim) {
  return resize(out, Span<const int32_t>(sizes, size_t(dim)), ctx.diag(), ctx.op_name());
}

Error check_out_list(KernelContext& ctx, const ValueList& out, ScalarType dtype, size_t* n) {
  for (uint32_t i = 0; i < out.size; i++) {
    const EValue* v = out.items[i];
    if (v == nullptr || !v->is_tensor()) return ctx.fail(Error::InvalidProgram, "out[%u] is not a tensor", i);
    const Tensor& t = v->tensor();
    if (t.is_constant) return ctx.fail(Error::InvalidProgram, "out[%u] is a constant", i);
    if (t.dtype != dtype) {
      return ctx.fail(Error::InvalidArgument, "out[%u] is %s but self is %s", i, scalar_type_name(t.dtype),
                      scalar_type_name(dtype));
    }
  }
  *n = out.size;
  return Error::Ok;
}

Error write_piece(KernelContext& ctx, const Tensor& self, int32_t dim, int64_t start, int64_t length, bool drop_dim,
                  Tensor& piece) {
  View v = identity_view(self);
  v.sizes[dim] = int32_t(length);
  v.offset = start * self.strides[dim];
  if (drop_dim) {
    for (int32_t i = dim; i + 1 < v.dim; i++) {
      v.sizes[i] = v.sizes[i + 1];
      v.strides[i] = v.strides[i + 1];
    }
    v.dim--;
  }
  ETB_RETURN_IF_ERROR(check_same_dtype(ctx, self, piece, "self"));
  ETB_RETURN_IF_ERROR(resize_out(ctx, piece, v.sizes, v.dim));
  if (piece.numel() == 0) return Error::Ok;
  if (piece.data == nullptr) return ctx.fail(Error::InvalidState, "an out tensor has no memory");
  copy_view_to_out(self, v.offset, v.strides, piece);
  return Error::Ok;
}

void scalar_bytes(ScalarType dtype, const Scalar& value, uint8_t* pattern) {
  memset(pattern, 0, 8);
  if (is_floating(dtype) || value.kind == Scalar::Kind::Double) {
    store_as<double>(pattern, dtype, 0, value.to_double());
  } else {
    store_as<int64_t>(pattern, dtype, 0, value.to_int());
  }
}

bool scalar_fits(ScalarType dtype, const Scalar& value) {
  if (dtype == ScalarType::Bool || dtype == ScalarType::Double || value.kind == Scalar::Kind::Bool) return true;
  double lo, hi;
  switch (dtype) {
    case ScalarType::Byte: lo = 0, hi = 255; break;
    case ScalarType::Char: lo = -128, hi = 127; break;
    case ScalarType::Short: lo = -32768, hi = 32767; break;
    case ScalarType::Int: lo = -2147483648.0, hi = 2147483647.0; break;
    case ScalarType::Long: lo = -9223372036854775808.0, hi = 9223372036854775807.0; break;
    case ScalarType::Half: lo = -65504, hi = 65504; break;
    case ScalarType::BFloat16: lo = -3.3895313892515355e38, hi = 3.3895313892515355e38; break;
    default: lo = -3.4028234663852886e38, hi = 3.4028234663852886e38; break;
  }
  if (value.kind == Scalar::Kind::Int) {
    if (dtype == ScalarType::Long) return true;
    if (dtype == ScalarType::Byte) return value.i <= 255 && value.i >= -255;
    return double(value.i) >= lo && double(value.i) <= hi;
  }
  double v = value.d;
  if (v != v || v == 1.0 / 0.0 || v == -1.0 / 0.0) return is_floating(dtype);
  return v >= lo && (dtype == ScalarType::Long ? v < hi : v <= hi);
}

void fill_scalar(Tensor& out, const Scalar& value) {
  alignas(8) uint8_t pattern[8];
  scalar_bytes(out.dtype, value, pattern);
  size_t esize = element_size(out.dtype);
  int64_t n = out.numel();
  uint8_t* d = static_cast<uint8_t*>(out.data);
  if (esize == 1) {
    memset(d, pattern[0], size_t(n));
    return;
  }
  for (int64_t i = 0; i < n; i++) memcpy(d + i * int64_t(esize), pattern, esize);
}

}  // namespace portable
}  // namespace etb
