// Optimized max_pool2d_with_indices against the portable kernel, values and
// indices bit for bit: kernels 1..3, strides, padding, dilation, ceil_mode,
// [C, H, W] and [N, C, H, W], NaN / -inf windows, 1 and 3 threads. The sweep
// runs every instruction set the CPU has (scalar, AVX2+FMA, AVX-512) over
// widths below, at and past a vector (1..37 columns), strides 1..3, padding,
// dilation and ceil_mode, on data full of ties, -inf and NaNs whose payloads
// differ (so the NaN kept, the last of its window, shows in the bits).
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

int64_t out_size(int64_t in, int64_t k, int64_t pad, int64_t s, int64_t d, bool ceil_mode) {
  const int64_t num = in + 2 * pad - d * (k - 1) - 1 + (ceil_mode ? s - 1 : 0);
  int64_t o = (num >= 0 ? num / s : -((-num + s - 1) / s)) + 1;
  if (ceil_mode && (o - 1) * s >= in + pad) o--;
  return o;
}

// Values from {-inf, -1, 0, 1, NaN}: every window has ties, many have one or
// more NaNs (payload = position, so which NaN wins is visible), some are all
// -inf. Bit-compares values and indices with the portable kernel.
bool sweep_case(int64_t h, int64_t w, int64_t k0, int64_t k1, int64_t s0, int64_t s1, int64_t p0, int64_t p1, int64_t d0,
                int64_t d1, bool ceil, uint32_t seed, bool print) {
  if (p0 * 2 > k0 || p1 * 2 > k1) return true;
  const int64_t oh = out_size(h, k0, p0, s0, d0, ceil), ow = out_size(w, k1, p1, s1, d1, ceil);
  if (oh < 1 || ow < 1) return true;
  const std::vector<int64_t> shape = {2, h, w}, oshape = {2, oh, ow};
  OwnedTensor x(shape), want(oshape), got(oshape), wi(oshape, ScalarType::Long), gi(oshape, ScalarType::Long);
  std::vector<int64_t> wbuf(want.n() + 1), gbuf(want.n() + 1, -7);
  wi.t.data = wbuf.data(), gi.t.data = gbuf.data();
  wi.t.capacity = gi.t.capacity = want.n() * 8;
  uint32_t r = seed * 2654435761u + 1u;
  for (size_t i = 0; i < x.n(); i++) {
    r = r * 1664525u + 1013904223u;
    const uint32_t u = (r >> 8) % 100;
    float v = float(int32_t(u % 3) - 1);
    if (u < 12) {
      const uint32_t bits = 0x7fc00000u | uint32_t(i + 1);
      memcpy(&v, &bits, 4);
    } else if (u < 24) {
      v = -INFINITY;
    }
    x.data[i] = v;
  }
  const int64_t kv[2] = {k0, k1}, sv[2] = {s0, s1}, pv[2] = {p0, p1}, dv[2] = {d0, d1};
  const Span<const int64_t> k(kv, 2), s(sv, 2), p(pv, 2), d(dv, 2);
  Ctx pc(1, 4096, 4096), oc(1, 4096, 4096);
  bool ok = portable::max_pool2d_with_indices_out(pc.ctx, x.t, k, s, p, d, ceil, want.t, wi.t) == Error::Ok;
  Error e = optimized::opt_max_pool2d_with_indices_out_prepare(oc.ctx, x.t, k, s, p, d, ceil, got.t, gi.t);
  if (e == Error::Ok) e = optimized::opt_max_pool2d_with_indices_out(oc.ctx, x.t, k, s, p, d, ceil, got.t, gi.t);
  ok = ok && e == Error::Ok && same_bits(got.f(), want.f(), want.n()) && memcmp(gbuf.data(), wbuf.data(), want.n() * 8) == 0;
  if (!ok && print) {
    printf("  %s: %lldx%lld k %lldx%lld s %lldx%lld p %lldx%lld d %lldx%lld ceil %d differs from portable\n",
           optimized::isa_name(optimized::active_isa()), (long long)h, (long long)w, (long long)k0, (long long)k1,
           (long long)s0, (long long)s1, (long long)p0, (long long)p1, (long long)d0, (long long)d1, int(ceil));
  }
  return ok;
}

}  // namespace

TEST(OptMaxPool2d, EveryIsaMatchesPortableBitForBit) {
  for_each_isa([](optimized::Isa) {
    int bad = 0;
    uint32_t seed = 1;
    for (int64_t w : {1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 37})
      for (int64_t k1 = 1; k1 <= 4; k1++)
        for (int64_t s1 = 1; s1 <= 3; s1++)
          for (int64_t p1 = 0; p1 <= k1 / 2; p1++)
            for (int64_t d1 = 1; d1 <= 2; d1++)
              for (bool ceil : {false, true}) {
                const int64_t h = 3 + w % 4, k0 = 1 + (w + k1) % 3, s0 = 1 + w % 2, p0 = k0 / 2, d0 = 1 + (k1 % 2);
                bad += !sweep_case(h, w, k0, k1, s0, s1, p0, p1, d0, d1, ceil, seed++, bad < 5);
              }
    EXPECT_EQ(bad, 0);
  });
}

// ResNet's stem pool with hand-placed windows: one NaN, two NaNs (the second
// wins), a tie (the first wins), all -inf (the first in-bounds tap), at the
// left and right edges and in the middle.
TEST(OptMaxPool2d, EveryIsaKeepsNanTieAndInfRules) {
  for_each_isa([](optimized::Isa) {
    OwnedTensor x({1, 2, 12, 40}), y({1, 2, 6, 20}), yi({1, 2, 6, 20}, ScalarType::Long), w({1, 2, 6, 20}),
        wi({1, 2, 6, 20}, ScalarType::Long);
    std::vector<int64_t> gb(y.n() + 1), wb(y.n() + 1);
    yi.t.data = gb.data(), wi.t.data = wb.data();
    yi.t.capacity = wi.t.capacity = y.n() * 8;
    x.random(5);
    float* a = x.f();
    const uint32_t n1 = 0x7fc00001u, n2 = 0x7fc00002u;
    memcpy(&a[3 * 40 + 0], &n1, 4);  // row 3, column 0: one NaN in a left-edge window
    memcpy(&a[5 * 40 + 9], &n1, 4);  // two NaNs in the window of output (3, 5)
    memcpy(&a[6 * 40 + 10], &n2, 4);
    a[7 * 40 + 20] = a[8 * 40 + 21] = 5.0f;  // a tie
    for (int r = 9; r < 12; r++)
      for (int c = 35; c < 40; c++) a[r * 40 + c] = -INFINITY;  // right-edge windows of -inf
    for (int c = 0; c < 40; c++) a[480 + c] = -INFINITY;            // plane 1, row 0: the top edge
    const int64_t k[2] = {3, 3}, s[2] = {2, 2}, p[2] = {1, 1}, d[2] = {1, 1};
    const Span<const int64_t> ks(k, 2), ss(s, 2), ps(p, 2), ds(d, 2);
    Ctx pc(1), oc(1);
    EXPECT_TRUE(portable::max_pool2d_with_indices_out(pc.ctx, x.t, ks, ss, ps, ds, false, w.t, wi.t) == Error::Ok);
    EXPECT_TRUE(optimized::opt_max_pool2d_with_indices_out(oc.ctx, x.t, ks, ss, ps, ds, false, y.t, yi.t) == Error::Ok);
    EXPECT_TRUE(same_bits(y.f(), w.f(), y.n()));
    EXPECT_TRUE(memcmp(gb.data(), wb.data(), y.n() * 8) == 0);
    uint32_t b;
    memcpy(&b, &y.f()[3 * 20 + 5], 4);
    EXPECT_EQ(b, n2);  // the last NaN of the window
    EXPECT_EQ(gb[3 * 20 + 5], int64_t(6 * 40 + 10));
    memcpy(&b, &y.f()[1 * 20 + 0], 4);
    EXPECT_EQ(b, n1);  // one NaN
    EXPECT_EQ(gb[4 * 20 + 10], int64_t(7 * 40 + 20));  // tie: the first
    EXPECT_EQ(gb[5 * 20 + 19], int64_t(9 * 40 + 37));  // all -inf: the first in-bounds tap
  });
}

// KernelContext::unread_outs bit 1 (the load-time pass found nobody reading
// the indices): the values are the same bits, the indices are not touched.
TEST(OptMaxPool2d, UnreadIndicesAreLeftUnwritten) {
  for_each_isa([](optimized::Isa isa) {
    for (int64_t w : {7, 40, 112}) {
      const std::vector<int64_t> oshape = {2, 3, 5, (w + 1) / 2};  // 3x3 / 2, padding 1
      OwnedTensor x({2, 3, 9, w}), y(oshape), want(oshape), yi(oshape, ScalarType::Long), wi(oshape, ScalarType::Long);
      std::vector<int64_t> gb(y.n(), -7), wb(y.n());
      yi.t.data = gb.data(), wi.t.data = wb.data();
      yi.t.capacity = wi.t.capacity = y.n() * 8;
      fill(x, uint32_t(w), 3.0f, true);
      const int64_t k[2] = {3, 3}, s[2] = {2, 2}, p[2] = {1, 1}, d[2] = {1, 1};
      const Span<const int64_t> ks(k, 2), ss(s, 2), ps(p, 2), ds(d, 2);
      Ctx wc(1), oc(2);
      EXPECT_TRUE(optimized::opt_max_pool2d_with_indices_out(wc.ctx, x.t, ks, ss, ps, ds, false, want.t, wi.t) == Error::Ok);
      oc.ctx.unread_outs = 1u << 1;
      EXPECT_TRUE(optimized::opt_max_pool2d_with_indices_out(oc.ctx, x.t, ks, ss, ps, ds, false, y.t, yi.t) == Error::Ok);
      char what[64];
      snprintf(what, sizeof(what), "values, width %lld (%s)", (long long)w, optimized::isa_name(isa));
      EXPECT_TRUE(matches(y.f(), want.f(), y.n(), true, what));
      size_t touched = 0;
      for (int64_t v : gb) touched += v != -7;
      EXPECT_EQ(touched, size_t(0));
    }
  });
}

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

// Dilation 3 with padding 1 over a 2x2 plane: the one window's taps (-1 and 2
// on each axis) all fall outside. ATen gives -inf at the index its first tap
// would have (row 2, column 2 of a 2-wide plane: 6); both kernels used to
// read that tap, past the plane (ASan flags it on the last plane).
TEST(OptMaxPool2d, WindowWithNoTapInsideGivesMinusInf) {
  const int64_t k[2] = {2, 2}, s[2] = {1, 1}, p[2] = {1, 1}, d[2] = {3, 3};
  const Span<const int64_t> ks(k, 2), ss(s, 2), ps(p, 2), ds(d, 2);
  for_each_isa([&](optimized::Isa) {
    OwnedTensor x({1, 3, 2, 2}), y({1, 3, 1, 1}), w({1, 3, 1, 1}), yi({1, 3, 1, 1}, ScalarType::Long),
        wi({1, 3, 1, 1}, ScalarType::Long);
    std::vector<int64_t> wb(3), yb(3);  // OwnedTensor stores floats: int64 indices need their own bytes
    wi.t.data = wb.data(), yi.t.data = yb.data();
    wi.t.capacity = yi.t.capacity = 3 * 8;
    x.random(2);
    Ctx pc(1), oc(1);
    EXPECT_TRUE(portable::max_pool2d_with_indices_out(pc.ctx, x.t, ks, ss, ps, ds, false, w.t, wi.t) == Error::Ok);
    EXPECT_TRUE(optimized::opt_max_pool2d_with_indices_out(oc.ctx, x.t, ks, ss, ps, ds, false, y.t, yi.t) == Error::Ok);
    for (int c = 0; c < 3; c++) {
      EXPECT_TRUE(w.f()[c] == -INFINITY && y.f()[c] == -INFINITY);
      EXPECT_EQ(wb[size_t(c)], int64_t(6));
      EXPECT_EQ(yb[size_t(c)], int64_t(6));
    }
  });
  // Integers start from the type's lowest value.
  OwnedTensor xi({1, 1, 2, 2}, ScalarType::Int), yo({1, 1, 1, 1}, ScalarType::Int), io({1, 1, 1, 1}, ScalarType::Long);
  std::vector<int64_t> ib(1);
  io.t.data = ib.data();
  io.t.capacity = 8;
  Ctx pc(1);
  EXPECT_TRUE(portable::max_pool2d_with_indices_out(pc.ctx, xi.t, ks, ss, ps, ds, false, yo.t, io.t) == Error::Ok);
  EXPECT_EQ(static_cast<int32_t*>(yo.t.data)[0], int32_t(-2147483647 - 1));
}

TEST(OptMaxPool2d, OtherDtypesAreNotSupported) {
  OwnedTensor x({1, 1, 4, 4}, ScalarType::Double), y({1, 1, 2, 2}, ScalarType::Double), i({1, 1, 2, 2}, ScalarType::Long);
  const int64_t k[2] = {2, 2};
  Ctx c(1);
  EXPECT_EQ(optimized::opt_max_pool2d_with_indices_out_prepare(c.ctx, x.t, Span<const int64_t>(k, 2), Span<const int64_t>(k, 2),
                                                               Span<const int64_t>(), Span<const int64_t>(), false, y.t, i.t),
            Error::NotSupported);
}
