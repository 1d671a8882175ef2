#include "kernels/portable/util/broadcast_util.h"

#include <stdio.h>

namespace etb {
namespace portable {
namespace {

void format_shape(const Tensor& t, char* buf, size_t cap) {
  size_t n = 0;
  n += size_t(snprintf(buf, cap, "["));
  for (int32_t d = 0; d < t.dim && n < cap; d++) {
    n += size_t(snprintf(buf + n, cap - n, d ? ", %d" : "%d", t.sizes[d]));
  }
  if (n < cap) snprintf(buf + n, cap - n, "]");
}

}  // namespace

Error broadcast_shape(KernelContext& ctx, const Tensor& a, const Tensor& b, int32_t* sizes, int32_t* dim) {
  int32_t n = a.dim > b.dim ? a.dim : b.dim;
  for (int32_t i = 0; i < n; i++) {
    int32_t ia = a.dim - n + i, ib = b.dim - n + i;
    int32_t sa = ia >= 0 ? a.sizes[ia] : 1;
    int32_t sb = ib >= 0 ? b.sizes[ib] : 1;
    if (sa != sb && sa != 1 && sb != 1) {
      char sha[96], shb[96];
      format_shape(a, sha, sizeof(sha));
      format_shape(b, shb, sizeof(shb));
      return ctx.fail(Error::InvalidArgument, "shapes %s and %s cannot be broadcast together", sha, shb);
    }
    sizes[i] = sa == 1 ? sb : sa;
  }
  *dim = n;
  return Error::Ok;
}

BroadcastIterator::BroadcastIterator(const Tensor& out, const Tensor* const* inputs, int count)
    : dim_(out.dim), count_(count), numel_(out.numel()) {
  for (int p = 0; p < dim_; p++) {
    int32_t d = out.dim_order[p];  // logical dim at physical position p
    size_[p] = out.sizes[d];
    out_stride_[p] = out.strides[d];
    for (int k = 0; k < count_; k++) {
      const Tensor& in = *inputs[k];
      int32_t id = in.dim - out.dim + d;  // right-aligned logical dim of the input
      in_stride_[k][p] = (id >= 0 && in.sizes[id] != 1) ? in.strides[id] : 0;
    }
  }
}

void BroadcastIterator::next() {
  for (int p = dim_ - 1; p >= 0; p--) {
    index_[p]++;
    out_off_ += out_stride_[p];
    for (int k = 0; k < count_; k++) off_[k] += in_stride_[k][p];
    if (index_[p] < size_[p]) return;
    out_off_ -= out_stride_[p] * size_[p];
    for (int k = 0; k < count_; k++) off_[k] -= in_stride_[k][p] * size_[p];
    index_[p] = 0;
  }
}

bool same_layout(const Tensor& t, const Tensor& out) {
  if (t.dim != out.dim || !t.same_dim_order(out)) return false;
  for (int32_t d = 0; d < t.dim; d++) {
    if (t.sizes[d] != out.sizes[d]) return false;
  }
  return true;
}

}  // namespace portable
}  // namespace etb
