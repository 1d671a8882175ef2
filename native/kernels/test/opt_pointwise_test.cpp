// Optimized float32 activations and add/sub/mul/div against the portable
// kernels: sizes 1, 7, 17 and 1000+ (vector tails), NaN, infinities and -0,
// scalar and every vector instruction set; exact ops (relu, clamp, hardtanh,
// the arithmetic) bit for bit, the transcendental ones at the suites' float32
// tolerance; 1 and 3 threads give the same bits on large tensors; layouts and
// dtypes the kernels do not handle report NotSupported at prepare.
#include <algorithm>
#include <functional>
#include <utility>
#include <vector>

#include "kernels/generated/kernel_decls.h"
#include "kernels/test/opt_pointwise_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::opttest;
using optimized::Isa;

namespace {

using UnaryFn = std::function<Error(KernelContext&, const Tensor&, Tensor&)>;

struct UnaryCase {
  const char* name;
  UnaryFn prepare, opt, portable;
  bool exact;
  float scale;  // input range
};

Scalar dbl(double v) {
  Scalar s;
  s.kind = Scalar::Kind::Double;
  s.d = v;
  return s;
}
Scalar intg(int64_t v) {
  Scalar s;
  s.i = v;
  return s;
}

std::vector<UnaryCase> unary_cases() {
  using namespace etb::optimized;
  static const char kTanh[] = "tanh", kNone[] = "none";
  const StringView tanh_mode{kTanh, 4}, none_mode{kNone, 4};
  Optional<Scalar> lo{true, dbl(-0.5)}, hi{true, intg(2)}, none{};
  return {
      {"relu", opt_relu_out_prepare, opt_relu_out, portable::relu_out, true, 10},
      {"sigmoid", opt_sigmoid_out_prepare, opt_sigmoid_out, portable::sigmoid_out, false, 30},
      {"tanh", opt_tanh_out_prepare, opt_tanh_out, portable::tanh_out, false, 12},
      {"tanh small", opt_tanh_out_prepare, opt_tanh_out, portable::tanh_out, false, 0.7f},
      {"silu", opt_silu_out_prepare, opt_silu_out, portable::silu_out, false, 30},
      {"hardswish", opt_hardswish_out_prepare, opt_hardswish_out, portable::hardswish_out, false, 6},
      {"hardsigmoid", opt_hardsigmoid_out_prepare, opt_hardsigmoid_out, portable::hardsigmoid_out, false, 6},
      {"gelu none", [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_gelu_out_prepare(c, x, none_mode, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_gelu_out(c, x, none_mode, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return portable::gelu_out(c, x, none_mode, y); }, false, 8},
      {"gelu tanh", [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_gelu_out_prepare(c, x, tanh_mode, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_gelu_out(c, x, tanh_mode, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return portable::gelu_out(c, x, tanh_mode, y); }, false, 8},
      {"hardtanh", [](KernelContext& c, const Tensor& x, Tensor& y) { return opt_hardtanh_out_prepare(c, x, dbl(-1.5), intg(1), y); },
       [](KernelContext& c, const Tensor& x, Tensor& y) { return opt_hardtanh_out(c, x, dbl(-1.5), intg(1), y); },
       [](KernelContext& c, const Tensor& x, Tensor& y) { return portable::hardtanh_out(c, x, dbl(-1.5), intg(1), y); }, true, 3},
      {"clamp both", [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_clamp_out_prepare(c, x, lo, hi, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_clamp_out(c, x, lo, hi, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return portable::clamp_out(c, x, lo, hi, y); }, true, 3},
      {"clamp min", [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_clamp_out_prepare(c, x, lo, none, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_clamp_out(c, x, lo, none, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return portable::clamp_out(c, x, lo, none, y); }, true, 3},
      {"clamp max", [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_clamp_out_prepare(c, x, none, hi, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return opt_clamp_out(c, x, none, hi, y); },
       [=](KernelContext& c, const Tensor& x, Tensor& y) { return portable::clamp_out(c, x, none, hi, y); }, true, 3},
  };
}

bool run_opt(const UnaryCase& u, OwnedTensor& x, OwnedTensor& y, int threads) {
  Ctx c(threads);
  Error e = u.prepare(c.ctx, x.t, y.t);
  if (e == Error::Ok) e = u.opt(c.ctx, x.t, y.t);
  if (e != Error::Ok) printf("  %s: error %s: %s\n", u.name, error_name(e), c.diag.message);
  return e == Error::Ok;
}

}  // namespace

TEST(OptActivation, MatchesPortableOnOddSizesAndSpecials) {
  for (const UnaryCase& u : unary_cases()) {
    for (int64_t n : {1, 7, 17, 1000, 1037}) {
      for (bool specials : {false, true}) {
        OwnedTensor x({n}), want({n}), got({n});
        fill(x, uint32_t(n * 3 + 1), u.scale, specials);
        Ctx pc(1);
        EXPECT_TRUE(u.portable(pc.ctx, x.t, want.t) == Error::Ok);
        for_each_isa([&](Isa isa) {
          char what[128];
          snprintf(what, sizeof(what), "%s n=%lld%s (%s)", u.name, (long long)n, specials ? " specials" : "",
                   optimized::isa_name(isa));
          EXPECT_TRUE(run_opt(u, x, got, 1));
          EXPECT_TRUE(matches(got.f(), want.f(), x.n(), u.exact, what));
        });
      }
    }
  }
}

TEST(OptActivation, ExtremeInputs) {
  // exp's overflow and underflow edges, huge values, subnormals.
  const float v[] = {88.0f, 88.7f, 89.0f, -87.0f, -87.5f, -104.0f, 1e30f, -1e30f, 1e-40f, -1e-40f, 0.625f, -0.625f,
                     0.6249f, 9.0f, -9.0f, 20.0f, -20.0f, 1e-4f, -1e-4f};
  const int64_t n = sizeof(v) / sizeof(v[0]);
  for (const UnaryCase& u : unary_cases()) {
    OwnedTensor x({n}), want({n}), got({n});
    for (int64_t i = 0; i < n; i++) x.data[size_t(i)] = v[i];
    Ctx pc(1);
    EXPECT_TRUE(u.portable(pc.ctx, x.t, want.t) == Error::Ok);
    for_each_isa([&](Isa isa) {
      char what[128];
      snprintf(what, sizeof(what), "%s extremes (%s)", u.name, optimized::isa_name(isa));
      EXPECT_TRUE(run_opt(u, x, got, 1));
      EXPECT_TRUE(matches(got.f(), want.f(), x.n(), u.exact, what));
    });
  }
}

TEST(OptActivation, ThreadsGiveSameBitsAndInPlaceWorks) {
  for (const UnaryCase& u : unary_cases()) {
    OwnedTensor x({3, 100003}), a({3, 100003}), b({3, 100003}), want({3, 100003});
    fill(x, 9, u.scale, true);
    EXPECT_TRUE(run_opt(u, x, a, 1));
    EXPECT_TRUE(run_opt(u, x, b, 3));
    EXPECT_TRUE(same_bits(a.f(), b.f(), x.n()));
    Ctx pc(1);
    EXPECT_TRUE(u.portable(pc.ctx, x.t, want.t) == Error::Ok);
    EXPECT_TRUE(matches(a.f(), want.f(), x.n(), u.exact, u.name));
    EXPECT_TRUE(run_opt(u, x, x, 2));  // in place
    EXPECT_TRUE(same_bits(a.f(), x.f(), x.n()));
  }
}

TEST(OptActivation, OtherDtypesAndLayoutsAreNotSupported) {
  OwnedTensor d({4}, ScalarType::Double), dy({4}, ScalarType::Double);
  Ctx c(1);
  EXPECT_EQ(optimized::opt_sigmoid_out_prepare(c.ctx, d.t, dy.t), Error::NotSupported);
  // A channels-last [1, 2, 2, 2] input.
  OwnedTensor x({1, 2, 2, 2}), y({1, 2, 2, 2});
  const uint8_t order[4] = {0, 2, 3, 1};
  for (int i = 0; i < 4; i++) x.order[i] = order[i];
  compute_strides(4, x.sizes, x.order, x.strides);
  Ctx c2(1);
  EXPECT_EQ(optimized::opt_relu_out_prepare(c2.ctx, x.t, y.t), Error::NotSupported);
}

namespace {

enum class Kind { Add, Sub, Mul, Div };

Error call_binary(bool opt, Kind k, KernelContext& c, const Tensor& a, const Tensor& b, const Scalar& alpha, Tensor& y,
                  bool prepare) {
  using namespace etb::optimized;
  switch (k) {
    case Kind::Add:
      return prepare ? opt_add_out_prepare(c, a, b, alpha, y) : opt ? opt_add_out(c, a, b, alpha, y) : portable::add_out(c, a, b, alpha, y);
    case Kind::Sub:
      return prepare ? opt_sub_out_prepare(c, a, b, alpha, y) : opt ? opt_sub_out(c, a, b, alpha, y) : portable::sub_out(c, a, b, alpha, y);
    case Kind::Mul: return prepare ? opt_mul_out_prepare(c, a, b, y) : opt ? opt_mul_out(c, a, b, y) : portable::mul_out(c, a, b, y);
    case Kind::Div: return prepare ? opt_div_out_prepare(c, a, b, y) : opt ? opt_div_out(c, a, b, y) : portable::div_out(c, a, b, y);
  }
  return Error::Internal;
}

// Runs self op other both ways; returns the prepare verdict of the optimized kernel.
Error check_binary(Kind k, std::vector<int64_t> sa, std::vector<int64_t> sb, std::vector<int64_t> so, double alpha_v,
                   int threads = 1) {
  OwnedTensor a(sa), b(sb), want(so), got(so);
  fill(a, 5, 4.0f, true);
  fill(b, 6, 4.0f, true);
  const Scalar alpha = dbl(alpha_v);
  Ctx pc(1);
  EXPECT_TRUE(call_binary(false, k, pc.ctx, a.t, b.t, alpha, want.t, false) == Error::Ok);
  Error verdict = Error::Ok;
  for_each_isa([&](Isa isa) {
    Ctx c(threads);
    Error e = call_binary(true, k, c.ctx, a.t, b.t, alpha, got.t, true);
    verdict = e;
    if (e != Error::Ok) return;
    e = call_binary(true, k, c.ctx, a.t, b.t, alpha, got.t, false);
    EXPECT_TRUE(e == Error::Ok);
    char what[96];
    snprintf(what, sizeof(what), "binary %d (%s)", int(k), optimized::isa_name(isa));
    EXPECT_TRUE(matches(got.f(), want.f(), want.n(), true, what));
  });
  return verdict;
}

}  // namespace

TEST(OptBinary, BroadcastPatternsMatchPortableBitForBit) {
  for (Kind k : {Kind::Add, Kind::Sub, Kind::Mul, Kind::Div}) {
    for (int64_t n : {1, 7, 17, 1037}) {
      EXPECT_EQ(check_binary(k, {3, n}, {3, n}, {3, n}, 1.0), Error::Ok);     // same shape
      EXPECT_EQ(check_binary(k, {3, n}, {1}, {3, n}, 1.0), Error::Ok);        // scalar other
      EXPECT_EQ(check_binary(k, {1}, {3, n}, {3, n}, 1.0), Error::Ok);        // scalar self
      EXPECT_EQ(check_binary(k, {5, n}, {n}, {5, n}, 1.0), Error::Ok);        // row
      EXPECT_EQ(check_binary(k, {n}, {5, n}, {5, n}, 1.0), Error::Ok);        // row, self small
      EXPECT_EQ(check_binary(k, {2, 3, n}, {3, 1}, {2, 3, n}, 1.0), Error::Ok);  // per channel
      EXPECT_EQ(check_binary(k, {3, 1}, {2, 3, n}, {2, 3, n}, 1.0), Error::Ok);
      EXPECT_EQ(check_binary(k, {2, 3, 4, n}, {1, 3, 1, 1}, {2, 3, 4, n}, 1.0), Error::Ok);
    }
  }
  for (Kind k : {Kind::Add, Kind::Sub}) {
    EXPECT_EQ(check_binary(k, {4, 33}, {4, 33}, {4, 33}, 2.5), Error::Ok);
    EXPECT_EQ(check_binary(k, {4, 33}, {33}, {4, 33}, -0.5), Error::Ok);
    EXPECT_EQ(check_binary(k, {4, 33}, {1, 1}, {4, 33}, 3.0), Error::Ok);
    EXPECT_EQ(check_binary(k, {4, 33, 5}, {33, 1}, {4, 33, 5}, 3.0), Error::Ok);
    // alpha on the full operand when self is the small one: portable.
    EXPECT_EQ(check_binary(k, {33}, {4, 33}, {4, 33}, 2.0), Error::NotSupported);
  }
}

// Out on self's bytes (the memory plan does that): every vector, including
// the overlapping last one of rows that are not a whole number of vectors,
// must read its inputs before anything is stored over them.
TEST(OptBinary, InPlaceMatchesOutOfPlaceBitForBit) {
  for (Kind k : {Kind::Add, Kind::Mul, Kind::Div}) {
    const std::vector<std::pair<std::vector<int64_t>, std::vector<int64_t>>> shapes = {
        {{3, 1037}, {3, 1037}}, {{2, 6, 49}, {6, 1}}, {{4, 37}, {37}}};
    for (const auto& sh : shapes) {
      OwnedTensor a(sh.first), b(sh.second), want(sh.first);
      fill(a, 11, 4.0f, false);
      fill(b, 12, 4.0f, false);
      for_each_isa([&](Isa isa) {
        Ctx c(1);
        EXPECT_TRUE(call_binary(true, k, c.ctx, a.t, b.t, dbl(1.0), want.t, false) == Error::Ok);
        OwnedTensor y(sh.first);
        std::copy(a.data.begin(), a.data.end(), y.data.begin());
        EXPECT_TRUE(call_binary(true, k, c.ctx, y.t, b.t, dbl(1.0), y.t, false) == Error::Ok);
        char what[96];
        snprintf(what, sizeof(what), "binary %d in place, %zu elements (%s)", int(k), a.n(), optimized::isa_name(isa));
        EXPECT_TRUE(matches(y.f(), want.f(), a.n(), true, what));
      });
    }
  }
}

TEST(OptBinary, UnhandledBroadcastsFallBackAtPrepare) {
  EXPECT_EQ(check_binary(Kind::Add, {3, 1}, {1, 4}, {3, 4}, 1.0), Error::NotSupported);  // outer product
  EXPECT_EQ(check_binary(Kind::Mul, {3, 4, 5}, {3, 1, 5}, {3, 4, 5}, 1.0), Error::NotSupported);
  EXPECT_EQ(check_binary(Kind::Mul, {5}, {1, 1, 1}, {1, 1, 5}, 1.0), Error::NotSupported);  // out rank grows
}

TEST(OptBinary, LargeTensorsAcrossThreads) {
  EXPECT_EQ(check_binary(Kind::Add, {64, 8192}, {64, 8192}, {64, 8192}, 1.0, 3), Error::Ok);
  EXPECT_EQ(check_binary(Kind::Mul, {64, 8192}, {8192}, {64, 8192}, 1.0, 3), Error::Ok);
  EXPECT_EQ(check_binary(Kind::Div, {64, 64, 128}, {64, 1, 1}, {64, 64, 128}, 1.0, 3), Error::Ok);
}

TEST(OptBinary, ScalarOverloadsMatchPortable) {
  for (int64_t n : {1, 7, 17, 1037}) {
    OwnedTensor x({n}), want({n}), got({n});
    fill(x, 2, 5.0f, true);
    const Scalar other = dbl(0.3), alpha = intg(3);
    for_each_isa([&](Isa) {
      Ctx c(1), pc(1);
      EXPECT_TRUE(optimized::opt_add_scalar_out_prepare(c.ctx, x.t, other, alpha, got.t) == Error::Ok);
      EXPECT_TRUE(optimized::opt_add_scalar_out(c.ctx, x.t, other, alpha, got.t) == Error::Ok);
      EXPECT_TRUE(portable::add_scalar_out(pc.ctx, x.t, other, alpha, want.t) == Error::Ok);
      EXPECT_TRUE(matches(got.f(), want.f(), x.n(), true, "add.Scalar"));
      EXPECT_TRUE(optimized::opt_sub_scalar_out(c.ctx, x.t, other, alpha, got.t) == Error::Ok);
      EXPECT_TRUE(portable::sub_scalar_out(pc.ctx, x.t, other, alpha, want.t) == Error::Ok);
      EXPECT_TRUE(matches(got.f(), want.f(), x.n(), true, "sub.Scalar"));
      EXPECT_TRUE(optimized::opt_mul_scalar_out(c.ctx, x.t, other, got.t) == Error::Ok);
      EXPECT_TRUE(portable::mul_scalar_out(pc.ctx, x.t, other, want.t) == Error::Ok);
      EXPECT_TRUE(matches(got.f(), want.f(), x.n(), true, "mul.Scalar"));
      EXPECT_TRUE(optimized::opt_div_scalar_out(c.ctx, x.t, intg(7), got.t) == Error::Ok);
      EXPECT_TRUE(portable::div_scalar_out(pc.ctx, x.t, intg(7), want.t) == Error::Ok);
      EXPECT_TRUE(matches(got.f(), want.f(), x.n(), true, "div.Scalar"));
    });
  }
}
