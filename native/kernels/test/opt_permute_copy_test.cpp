// Optimized permute_copy against the portable kernel, bit for bit: every
// permutation of rank-2..4 shapes with odd sizes and size-1 dims (runs,
// tiled transposes across tile edges, merged dims), 1-, 2-, 4- and 8-byte
// dtypes, a channels-last self; an out in another dim order is NotSupported.
#include <algorithm>
#include <vector>

#include "kernels/generated/kernel_decls.h"
#include "kernels/test/opt_pointwise_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::opttest;

namespace {

void fill_bytes(OwnedTensor& t) {
  uint8_t* p = static_cast<uint8_t*>(t.t.data);
  uint32_t s = 77;
  for (size_t i = 0; i < t.t.nbytes(); i++) s = s * 1664525u + 1013904223u, p[i] = uint8_t(s >> 24);
}

bool check(const std::vector<int64_t>& shape, ScalarType dtype, const std::vector<int64_t>& perm, bool cl_self) {
  std::vector<int64_t> oshape;
  for (int64_t d : perm) oshape.push_back(shape[size_t(d < 0 ? d + int64_t(shape.size()) : d)]);
  OwnedTensor x(shape, dtype), want(oshape, dtype), got(oshape, dtype);
  if (cl_self) {
    const uint8_t order[4] = {0, 2, 3, 1};
    for (int i = 0; i < 4; i++) x.order[i] = order[i];
    compute_strides(4, x.sizes, x.order, x.strides);
  }
  fill_bytes(x);
  const Span<const int64_t> dims(perm.data(), perm.size());
  Ctx pc(1), c(1);
  if (portable::permute_copy_out(pc.ctx, x.t, dims, want.t) != Error::Ok) return false;
  Error e = optimized::opt_permute_copy_out_prepare(c.ctx, x.t, dims, got.t);
  if (e == Error::Ok) e = optimized::opt_permute_copy_out(c.ctx, x.t, dims, got.t);
  if (e != Error::Ok) {
    printf("  permute error %s: %s\n", error_name(e), c.diag.message);
    return false;
  }
  if (memcmp(got.t.data, want.t.data, want.t.nbytes()) != 0) {
    printf("  permute of rank %zu (dtype %s) differs from portable\n", shape.size(), scalar_type_name(dtype));
    return false;
  }
  return true;
}

void all_perms(const std::vector<int64_t>& shape, ScalarType dtype, bool cl_self = false) {
  std::vector<int64_t> perm(shape.size());
  for (size_t i = 0; i < perm.size(); i++) perm[i] = int64_t(i);
  do EXPECT_TRUE(check(shape, dtype, perm, cl_self));
  while (std::next_permutation(perm.begin(), perm.end()));
}

}  // namespace

TEST(OptPermuteCopy, EveryPermutationMatchesPortable) {
  for (ScalarType dt : {ScalarType::Float, ScalarType::Char, ScalarType::Short, ScalarType::Double}) {
    all_perms({7, 33}, dt);
    all_perms({3, 1, 37, 5}, dt);
    all_perms({2, 65, 3, 40}, dt);
  }
  all_perms({1, 1}, ScalarType::Float);
  all_perms({100, 130}, ScalarType::Float);  // many tiles with ragged edges
  all_perms({2, 3, 5, 7}, ScalarType::Float, true);
}

TEST(OptPermuteCopy, NegativeDimsAndEmpty) {
  EXPECT_TRUE(check({4, 5, 6}, ScalarType::Float, {-1, 0, -2}, false));
  EXPECT_TRUE(check({4, 0, 6}, ScalarType::Float, {2, 1, 0}, false));
}

TEST(OptPermuteCopy, OutInAnotherDimOrderIsNotSupported) {
  OwnedTensor x({1, 2, 3, 4}), y({1, 3, 4, 2});
  const uint8_t order[4] = {0, 2, 3, 1};
  for (int i = 0; i < 4; i++) y.order[i] = order[i];
  compute_strides(4, y.sizes, y.order, y.strides);
  const int64_t perm[4] = {0, 2, 3, 1};
  Ctx c(1);
  EXPECT_EQ(optimized::opt_permute_copy_out_prepare(c.ctx, x.t, Span<const int64_t>(perm, 4), y.t), Error::NotSupported);
  const int64_t bad[4] = {0, 2, 2, 1};
  Ctx c2(1);
  EXPECT_EQ(optimized::opt_permute_copy_out_prepare(c2.ctx, x.t, Span<const int64_t>(bad, 4), y.t), Error::InvalidArgument);
}
