// Helpers of the shape/copy/indexing family: kernels that only move bytes.
// They describe their result as a strided view of the input (sizes plus a
// source stride per output dim, in elements, possibly 0 or negative) and hand
// it to strided_copy, which walks the destination in memory order, so any
// dim order of input or output is honoured and no dtype dispatch is needed.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "runtime/evalue.h"
#include "runtime/kernel.h"
#include "runtime/tensor.h"

namespace etb {
namespace portable {

// Copies a `dim`-rank block of `sizes` elements of `esize` bytes from `src`
// (element strides src_strides) to `dst` (element strides dst_strides).
// Pointers point at the block's first element; strides may be 0 (src) or
// negative. Nothing is checked: callers validate shapes and bounds first.
void strided_copy(size_t esize, int32_t dim, const int32_t* sizes, const void* src, const int64_t* src_strides,
                  void* dst, const int64_t* dst_strides);

// strided_copy with an element conversion from `from` to `to` (ATen's
// copy_ casts: integers wrap, floats truncate into integers).
void convert_copy(ScalarType from, ScalarType to, int32_t dim, const int32_t* sizes, const void* src,
                  const int64_t* src_strides, void* dst, const int64_t* dst_strides);

// Copies a view of `src` (sizes = out's sizes, element strides `src_strides`,
// starting `src_offset` elements into src.data) into all of `out`.
void copy_view_to_out(const Tensor& src, int64_t src_offset, const int64_t* src_strides, Tensor& out);

// A strided view of a tensor: element (i0, i1, ...) of the view is element
// offset + sum(ik * strides[k]) of the tensor's memory.
struct View {
  int32_t dim = 0;
  int32_t sizes[kMaxTensorRank] = {};
  int64_t strides[kMaxTensorRank] = {};
  int64_t offset = 0;
};

// The view of all of t in its own layout.
View identity_view(const Tensor& t);

// Checks out's dtype against self's, resizes out to the view's sizes and
// copies the view of self into it.
Error write_view(KernelContext& ctx, const Tensor& self, const View& v, Tensor& out);

// Copies self into out element by element in logical row-major order (a
// reshape): both may have any dim order; numels must match.
void copy_reshaped(const Tensor& self, Tensor& out);

// Wraps a possibly negative dim into [0, rank); rank 0 accepts -1 and 0 as
// ATen does. Fails with InvalidArgument naming the dim.
Error wrap_dim(KernelContext& ctx, int64_t dim, int32_t rank, int32_t* out);

// Fails with InvalidArgument unless a and out share a dtype (shape kernels
// never convert).
Error check_same_dtype(KernelContext& ctx, const Tensor& a, const Tensor& out, const char* a_name);

// Resizes out to `sizes` (rank `dim`), failing with a message naming the op.
Error resize_out(KernelContext& ctx, Tensor& out, const int32_t* sizes, int32_t dim);

// Checks a `Tensor(a!)[]` out argument: every item a writable tensor of
// `dtype`; returns the count in *n.
Error check_out_list(KernelContext& ctx, const ValueList& out, ScalarType dtype, size_t* n);

// Writes self[start:start+length] along dim into piece (resized to fit),
// or, when `drop_dim`, self.select(dim, start) (length must be 1).
Error write_piece(KernelContext& ctx, const Tensor& self, int32_t dim, int64_t start, int64_t length, bool drop_dim,
                  Tensor& piece);

// Reads index element `i` (in elements from data) of an int64 or int32 tensor.
inline int64_t load_index(const void* data, ScalarType t, int64_t i) {
  return t == ScalarType::Long ? static_cast<const int64_t*>(data)[i] : static_cast<const int32_t*>(data)[i];
}

// One element of esize bytes.
inline void copy_element(size_t esize, void* dst, const void* src) {
  switch (esize) {
    case 1: *static_cast<uint8_t*>(dst) = *static_cast<const uint8_t*>(src); break;
    case 2: *static_cast<uint16_t*>(dst) = *static_cast<const uint16_t*>(src); break;
    case 4: *static_cast<uint32_t*>(dst) = *static_cast<const uint32_t*>(src); break;
    default: *static_cast<uint64_t*>(dst) = *static_cast<const uint64_t*>(src); break;
  }
}

// The bytes of `value` converted to dtype (ATen's Scalar-to-element cast:
// integers wrap, floats truncate into integers, nonzero is true).
void scalar_bytes(ScalarType dtype, const Scalar& value, uint8_t* pattern);

// ATen's checked Scalar conversion (c10::overflows): false when `value`
// overflows dtype (integers: outside [lowest, max], NaN or inf; uint8 also
// takes integers down to -255, which wrap; floats: finite beyond the max).
bool scalar_fits(ScalarType dtype, const Scalar& value);

// Fills all of out with `value` converted to out's dtype.
void fill_scalar(Tensor& out, const Scalar& value);

}  // namespace portable
}  // namespace etb
