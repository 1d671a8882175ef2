#include "kernels/portable/util/reduce_util.h"

namespace etb {
namespace portable {

Error plan_reduce(KernelContext& ctx, const Tensor& self, const Span<const int64_t>* dims, bool keepdim,
                  bool empty_is_all, ReducePlan* p) {
  *p = ReducePlan();
  const int32_t rank = self.dim;
  const bool all = dims == nullptr || (dims->size() == 0 && empty_is_all);
  if (!all) {
    for (size_t i = 0; i < dims->size(); i++) {
      int64_t d = (*dims)[i];
      int64_t r = rank == 0 ? 1 : rank;
      if (d < -r || d >= r) {
        return ctx.fail(Error::InvalidArgument, "dim %lld is out of range for rank %d", static_cast<long long>(d), rank);
      }
      if (d < 0) d += r;
      if (rank == 0) continue;
      if (p->reduce[d]) return ctx.fail(Error::InvalidArgument, "dim %lld appears more than once", static_cast<long long>(d));
      p->reduce[d] = true;
    }
  }
  for (int32_t k = 0; k < rank; k++) {
    const bool r = all || p->reduce[k];
    p->reduce[k] = r;
    if (r) {
      p->red_sizes[p->reduced] = self.sizes[k];
      p->red_in[p->reduced++] = self.strides[k];
      p->count *= self.sizes[k];
      if (keepdim) p->out_sizes[p->out_dim++] = 1;
    } else {
      p->kept_sizes[p->kept] = self.sizes[k];
      p->kept_in[p->kept++] = self.strides[k];
      p->out_sizes[p->out_dim++] = self.sizes[k];
    }
  }
  return Error::Ok;
}

void bind_reduce_out(ReducePlan* p, const Tensor& out) {
  int32_t j = 0, od = 0;
  for (int32_t k = 0; k < p->kept + p->reduced; k++) {
    if (p->reduce[k]) {
      if (p->out_dim > p->kept) od++;  // keepdim: a size-1 dim in out
      continue;
    }
    p->kept_out[j++] = out.strides[od++];
  }
}

}  // namespace portable
}  // namespace etb
