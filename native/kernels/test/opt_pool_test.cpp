// Optimized max_pool2d_with_indices against the portable kernel, values and
// indices bit for bit: kernels 1..3, strides, padding, dilation, ceil_mode,
// [C, H, W] and [N, C, H, W], NaN / -inf windows, 1 and 3 threads.
#include <vector>

#include "kernels/generated/kernel_decls.h"
#include "kernels/test/opt_pointwise_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::opttest;

namespace {

struct P {
  std::vector<int64_t> shape, k, s, pad, d;
  bool ceil;
  int64_t oh, ow;
};

void check(const P& c, bool specials, int threads) {
  std::vector<int64_t> oshape(c.shape);
  oshape[oshape.size() - 2] = c.oh, oshape[oshape.size() - 1] = c.ow;
  OwnedTensor x(c.shape), want(oshape), got(oshape), wi(oshape, ScalarType::Long), gi(oshape, ScalarType::Long);
  std::vector<int64_t> wbuf(want.n() + 1), gbuf(want.n() + 1);
  wi.t.data = wbuf.data(), gi.t.data = gbuf.data();
  wi.t.capacity = gi.t.capacity = want.n() * 8;
  fill(x, uint32_t(c.shape.back()), 3.0f, specials);
  if (specials) for (size_t i = 0; i < x.n(); i += 29) x.data[i] = -INFINITY;
  const Span<const int64_t> k(c.k.data(), c.k.size()), s(c.s.data(), c.s.size()), p(c.pad.data(), c.pad.size()),
      d(c.d.data(), c.d.size());
  Ctx pc(1), oc(threads);
  EXPECT_TRUE(portable::max_pool2d_with_indices_out(pc.ctx, x.t, k, s, p, d, c.ceil, want.t, wi.t) == Error::Ok);
  Error e = optimized::opt_max_pool2d_with_indices_out_prepare(oc.ctx, x.t, k, s, p, d, c.ceil, got.t, gi.t);
  if (e == Error::Ok) e = optimized::opt_max_pool2d_with_indices_out(oc.ctx, x.t, k, s, p, d, c.ceil, got.t, gi.t);
  if (e != Error::Ok) printf("  max_pool error %s: %s\n", error_name(e), oc.diag.message);
  EXPECT_TRUE(e == Error::Ok);
  EXPECT_TRUE(matches(got.f(), want.f(), want.n(), true, "max_pool2d values"));
  EXPECT_TRUE(memcmp(gbuf.data(), wbuf.data(), want.n() * 8) == 0);
}

}  // namespace

TEST(OptMaxPool2d, MatchesPortableValuesAndIndices) {
  const P cases[] = {
      {{2, 3, 9, 11}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, false, 5, 6},
      {{2, 3, 9, 11}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, true, 5, 6},
      {{3, 10, 10}, {2, 2}, {2, 2}, {0, 0}, {1, 1}, false, 5, 5},
      {{1, 2, 12, 13}, {3, 2}, {1, 3}, {1, 1}, {2, 1}, false, 10, 5},
      {{1, 4, 7, 7}, {1, 1}, {1, 1}, {0, 0}, {1, 1}, false, 7, 7},
      {{1, 2, 8, 9}, {3, 3}, {2, 2}, {0, 0}, {1, 1}, true, 4, 4},
      {{1, 64, 112, 112}, {3, 3}, {2, 2}, {1, 1}, {1, 1}, false, 56, 56},  // ResNet's stem pool
  };
  for (const P& c : cases) {
    for (bool specials : {false, true}) {
      check(c, specials, 1);
      check(c, specials, 3);
    }
  }
}

TEST(OptMaxPool2d, OtherDtypesAreNotSupported) {
  OwnedTensor x({1, 1, 4, 4}, ScalarType::Double), y({1, 1, 2, 2}, ScalarType::Double), i({1, 1, 2, 2}, ScalarType::Long);
  const int64_t k[2] = {2, 2};
  Ctx c(1);
  EXPECT_EQ(optimized::opt_max_pool2d_with_indices_out_prepare(c.ctx, x.t, Span<const int64_t>(k, 2), Span<const int64_t>(k, 2),
                                                               Span<const int64_t>(), Span<const int64_t>(), false, y.t, i.t),
            Error::NotSupported);
}
