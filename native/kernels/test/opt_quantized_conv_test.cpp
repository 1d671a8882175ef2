// The fused int8 convolution (kernels/optimized/quantized_conv.h) against a
// straightforward reference: the exact integer sum, the bias rounded to the
// input scale times the weight scale, one requantization as the int8 GEMM
// does. Every path must give those bytes exactly, on every instruction set
// the CPU has (AVX-512 VNNI's NCHW kernels, the pixel-major GEMM, the
// portable depthwise code), at 1 and 3 threads, with the out over the input.
// And the fused result stays within one step of the float32 graph it
// replaces (dequantize, convolution, relu, quantize).
#include <math.h>

#include <vector>

#include "kernels/optimized/quantized_conv.h"
#include "kernels/optimized/util/qconv_nchw.h"
#include "kernels/optimized/util/qgemm.h"
#include "kernels/test/opt_test_util.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::optimized;
using namespace etb::opttest;

namespace {

struct Case {
  int64_t N, C, H, W, Cout, KH, KW, sh, sw, ph, pw, dh, dw, groups;
  int32_t in_zp, w_zp, out_zp;
  bool relu, bias;
  int64_t OH() const { return (H + 2 * ph - dh * (KH - 1) - 1) / sh + 1; }
  int64_t OW() const { return (W + 2 * pw - dw * (KW - 1) - 1) / sw + 1; }
};

const double kInScale = 0.02, kWScale = 0.005, kOutScale = 0.03;

uint32_t next(uint32_t* s) { return *s = *s * 1664525u + 1013904223u; }

// The argument array of the fused instruction, over buffers the test owns.
struct Args {
  OwnedTensor x, w, bias, y;
  EValue ev[kQcArgs];
  EValue* args[kQcArgs];
  EValue items[3][2];
  EValue* item_ptrs[3][2];
  int64_t unboxed[3][2];
  Args(const Case& c, int8_t* y_data)
      : x({c.N, c.C, c.H, c.W}, ScalarType::Char), w({c.Cout, c.C / c.groups, c.KH, c.KW}, ScalarType::Char),
        bias({c.Cout}), y({c.N, c.Cout, c.OH(), c.OW()}, ScalarType::Char) {
    w.constant();
    bias.constant();
    if (y_data != nullptr) y.t.data = y_data;
    const auto tensor = [&](uint32_t k, OwnedTensor& t) { ev[k].tag = Tag::Tensor, ev[k].u.t = &t.t; };
    const auto number = [&](uint32_t k, double v) { ev[k].tag = Tag::Double, ev[k].u.d = v; };
    const auto integer = [&](uint32_t k, int64_t v) { ev[k].tag = Tag::Int, ev[k].u.i = v; };
    const int64_t lists[3][2] = {{c.sh, c.sw}, {c.ph, c.pw}, {c.dh, c.dw}};
    for (int l = 0; l < 3; l++) {
      for (int i = 0; i < 2; i++) {
        items[l][i].tag = Tag::Int, items[l][i].u.i = lists[l][i];
        item_ptrs[l][i] = &items[l][i];
      }
      EValue& e = ev[kQcStride + l];
      e.tag = Tag::ListInt;
      e.u.int_list = BoxedIntList{item_ptrs[l], unboxed[l], 2};
    }
    tensor(kQcInput, x), number(kQcInScale, kInScale), integer(kQcInZp, c.in_zp);
    tensor(kQcWeight, w), number(kQcWScale, kWScale), integer(kQcWZp, c.w_zp);
    if (c.bias) tensor(kQcBias, bias);
    integer(kQcGroups, c.groups), number(kQcOutScale, kOutScale), integer(kQcOutZp, c.out_zp);
    integer(kQcOutMin, -128), integer(kQcOutMax, 127);
    ev[kQcRelu].tag = Tag::Bool, ev[kQcRelu].u.b = c.relu;
    tensor(kQcOut, y);
    for (uint32_t k = 0; k < kQcArgs; k++) args[k] = &ev[k];
    args[kQcReturn] = args[kQcOut];
  }
  int8_t* xb() { return static_cast<int8_t*>(x.t.data); }
  int8_t* wb() { return static_cast<int8_t*>(w.t.data); }
  int8_t* yb() { return static_cast<int8_t*>(y.t.data); }
};

void fill(Args& a, const Case& c, uint32_t seed) {
  uint32_t s = seed;
  for (size_t i = 0; i < a.x.n(); i++) a.xb()[i] = int8_t(int32_t(next(&s) >> 24) - 128);
  for (size_t i = 0; i < a.w.n(); i++) a.wb()[i] = int8_t(int32_t(next(&s) >> 24) - 128);
  for (size_t i = 0; i < a.bias.n(); i++) a.bias.f()[i] = (float(next(&s) >> 8) / 16777216.0f - 0.5f) * 4.0f;
  (void)c;
}

int64_t window_value(const Case& c, const int8_t* x, int64_t n, int64_t ci, int64_t ih, int64_t iw) {
  if (ih < 0 || ih >= c.H || iw < 0 || iw >= c.W) return c.in_zp;
  return x[((n * c.C + ci) * c.H + ih) * c.W + iw];
}

// The bytes every path must produce.
std::vector<int8_t> reference(const Case& c, Args& a) {
  const int64_t OH = c.OH(), OW = c.OW(), cg = c.C / c.groups, mg = c.Cout / c.groups;
  const float mult = float(kInScale * kWScale / kOutScale);
  const float lo = float((c.relu ? c.out_zp : -128) - c.out_zp), hi = float(127 - c.out_zp);
  std::vector<int8_t> out(size_t(c.N * c.Cout * OH * OW));
  for (int64_t n = 0; n < c.N; n++) {
    for (int64_t o = 0; o < c.Cout; o++) {
      const int64_t b = c.bias ? int64_t(nearbyint(double(a.bias.f()[o]) / (kInScale * kWScale))) : 0;
      for (int64_t oh = 0; oh < OH; oh++) {
        for (int64_t ow = 0; ow < OW; ow++) {
          int64_t acc = b;
          for (int64_t k = 0; k < cg; k++) {
            const int64_t ci = (o / mg) * cg + k;
            for (int64_t kh = 0; kh < c.KH; kh++) {
              for (int64_t kw = 0; kw < c.KW; kw++) {
                const int64_t xv = window_value(c, a.xb(), n, ci, oh * c.sh + kh * c.dh - c.ph, ow * c.sw + kw * c.dw - c.pw);
                const int64_t wv = a.wb()[((o * cg + k) * c.KH + kh) * c.KW + kw];
                acc += (xv - c.in_zp) * (wv - c.w_zp);
              }
            }
          }
          const float v = fminf(fmaxf(float(acc) * mult, lo), hi);
          out[size_t(((n * c.Cout + o) * OH + oh) * OW + ow)] = int8_t(int32_t(nearbyintf(v)) + c.out_zp);
        }
      }
    }
  }
  return out;
}

bool run(Args& a, int threads, const char* what) {
  Ctx k(threads, size_t(16) << 20);
  Error e = quantized_conv2d_init(k.ctx, a.args, kQcArgs);
  if (e == Error::Ok) e = quantized_conv2d_call(k.ctx, a.args);
  if (e != Error::Ok) printf("  %s: %s: %s\n", what, error_name(e), k.diag.message);
  return e == Error::Ok;
}

bool same(const int8_t* got, const std::vector<int8_t>& want, const char* what) {
  for (size_t i = 0; i < want.size(); i++) {
    if (got[i] != want[i]) {
      printf("  %s: element %zu is %d, want %d\n", what, i, got[i], want[i]);
      return false;
    }
  }
  return true;
}

const Case kCases[] = {
    // N  C  H  W Cout KH KW sh sw ph pw dh dw g  in_zp w_zp out_zp relu bias
    {1, 64, 25, 5, 64, 1, 1, 1, 1, 0, 0, 1, 1, 1, -128, 0, -128, true, true},  // DS-CNN pointwise
    {1, 1, 49, 10, 64, 10, 4, 2, 2, 4, 1, 1, 1, 1, -1, 0, -128, true, true},   // DS-CNN first layer
    {1, 64, 25, 5, 64, 3, 3, 1, 1, 1, 1, 1, 1, 64, -128, 0, -128, true, true}, // DS-CNN depthwise
    {2, 7, 9, 11, 13, 3, 3, 1, 1, 1, 1, 1, 1, 1, 5, 0, 3, false, true},        // batch, odd sizes
    {1, 5, 8, 8, 70, 1, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, false, false},        // Cout not a multiple of 4, no bias
    {1, 3, 17, 19, 8, 3, 3, 2, 2, 0, 1, 2, 1, 1, 7, -3, 2, true, true},        // weight zero point: the GEMM path
    {1, 6, 13, 21, 12, 5, 5, 1, 1, 2, 2, 1, 1, 6, 2, 4, -7, false, true},      // depthwise x2 channels, 5x5, w_zp
    {2, 4, 11, 9, 4, 3, 3, 2, 2, 1, 1, 1, 1, 4, -9, 0, 1, true, true},         // depthwise stride 2 (portable code)
    {1, 3, 30, 40, 3, 3, 3, 1, 1, 2, 2, 2, 2, 3, 0, 0, 0, true, false},        // depthwise dilation 2, wide planes
    {1, 8, 9, 9, 8, 5, 5, 1, 1, 2, 2, 1, 1, 8, 11, 0, -2, false, true},        // depthwise 5x5 on a small plane
    {1, 4, 1, 127, 4, 1, 3, 1, 2, 0, 1, 1, 1, 4, 127, 0, 0, true, true},       // 127 input bytes, stride 2
    {2, 5, 7, 7, 5, 3, 3, 1, 1, 1, 1, 1, 1, 5, -128, 3, 0, true, true},        // small plane, weight zero point
    {1, 3, 12, 16, 8, 3, 4, 1, 2, 1, 2, 1, 1, 1, 9, 0, 5, true, true},         // KW 4: 4-byte gathers, 3 channels
    {2, 2, 9, 10, 5, 2, 8, 2, 1, 0, 3, 1, 1, 1, -4, 0, 0, false, true},        // KW 8, batch 2
};

}  // namespace

TEST(OptQuantizedConv, EveryPathGivesTheReferenceBytes) {
  uint32_t seed = 1;
  for (const Case& c : kCases) {
    for (int threads : {1, 3}) {
      for_each_qisa([&](Isa isa) {
        EXPECT_TRUE(qgemm_isa() == isa);
        Args a(c, nullptr);
        fill(a, c, seed++);
        const std::vector<int8_t> want = reference(c, a);
        char what[96];
        snprintf(what, sizeof(what), "C%lld K%lldx%lld g%lld %s t%d", (long long)c.C, (long long)c.KH, (long long)c.KW,
                 (long long)c.groups, isa_name(isa), threads);
        EXPECT_TRUE(run(a, threads, what));
        EXPECT_TRUE(same(a.yb(), want, what));
      });
    }
  }
}

TEST(OptQuantizedConv, OutOverTheInputReadsTheInputFirst) {
  // The memory plan may place the out over the (dead after this) input; both orders of overlap.
  for (const Case& c : {kCases[0], kCases[2], kCases[3]}) {
    for (int shift : {0, 7, -5}) {
      for_each_qisa([&](Isa isa) {
        EXPECT_TRUE(qgemm_isa() == isa);
        Args a(c, nullptr);
        fill(a, c, 99);
        const std::vector<int8_t> want = reference(c, a);
        const size_t in_bytes = a.x.n(), out_bytes = a.y.n();
        std::vector<int8_t> shared(in_bytes + out_bytes + 32);
        int8_t* in = shared.data() + 16 + (shift < 0 ? -shift : 0);
        memcpy(in, a.xb(), in_bytes);
        a.x.t.data = in;
        a.y.t.data = in + shift;
        char what[64];
        snprintf(what, sizeof(what), "overlap %d, C%lld g%lld %s", shift, (long long)c.C, (long long)c.groups,
                 isa_name(isa));
        EXPECT_TRUE(run(a, 1, what));
        EXPECT_TRUE(same(static_cast<int8_t*>(a.y.t.data), want, what));
      });
    }
  }
}

TEST(OptQuantizedConv, WithinOneStepOfTheFloatGraph) {
  // dequantize -> float32 convolution (in double here) -> relu -> quantize, as the program wrote it.
  const Case& c = kCases[1];
  Args a(c, nullptr);
  fill(a, c, 5);
  EXPECT_TRUE(run(a, 1, "float graph"));
  const int64_t OH = c.OH(), OW = c.OW();
  int64_t differ = 0;
  for (int64_t o = 0; o < c.Cout; o++) {
    for (int64_t p = 0; p < OH * OW; p++) {
      double acc = a.bias.f()[o];
      for (int64_t kh = 0; kh < c.KH; kh++) {
        for (int64_t kw = 0; kw < c.KW; kw++) {
          const int64_t xv = window_value(c, a.xb(), 0, 0, (p / OW) * c.sh + kh - c.ph, (p % OW) * c.sw + kw - c.pw);
          acc += (double(xv - c.in_zp) * kInScale) * (double(a.wb()[(o * c.KH + kh) * c.KW + kw]) * kWScale);
        }
      }
      if (c.relu && acc < 0) acc = 0;
      const double q = fmin(fmax(nearbyint(acc / kOutScale) + c.out_zp, -128.0), 127.0);
      const int8_t got = a.yb()[o * OH * OW + p];
      EXPECT_TRUE(fabs(double(got) - q) <= 1.0);
      differ += got != int8_t(q);
    }
  }
  // Exact integer sums: off by one only where the float graph rounds the other way, rarely.
  EXPECT_TRUE(differ * 50 < c.Cout * OH * OW);
}

TEST(OptQuantizedConv, RefusesWhatItCannotComputeExactly) {
  QConvGeom g;
  Case c = kCases[2];
  {
    Args a(c, nullptr);
    EXPECT_TRUE(qconv_geometry(a.args, &g) && g.depthwise);
  }
  c.KH = 13, c.KW = 11, c.ph = 6, c.pw = 5;  // 143 taps: float32 sums could round
  {
    Args a(c, nullptr);
    EXPECT_FALSE(qconv_geometry(a.args, &g));
  }
  c = kCases[0];
  {
    Args a(c, nullptr);
    a.ev[kQcOutZp].u.i = 127;
    a.ev[kQcOutMax].u.i = 100;  // the relu's zero is not a value the quantize can produce
    EXPECT_FALSE(qconv_geometry(a.args, &g));
    a.ev[kQcOutMax].u.i = 127;
    EXPECT_TRUE(qconv_geometry(a.args, &g));
    a.bias.f()[3] = NAN;
    EXPECT_FALSE(qconv_geometry(a.args, &g));
    a.bias.f()[3] = 0.0f;
    a.ev[kQcInScale].u.d = -1.0;
    EXPECT_FALSE(qconv_geometry(a.args, &g));
    a.ev[kQcInScale].u.d = kInScale;
    a.w.t.is_constant = false;  // weights the program writes cannot be packed at load
    EXPECT_FALSE(qconv_geometry(a.args, &g));
  }
}

TEST(OptQuantizedConv, SmallPlaneDepthwiseKernelGivesTheReferenceBytes) {
  // The VBMI kernel itself (the fused convolution takes it for planes under
  // 128 bytes): every window, stride and padding goes through its index tables.
  if (!qdw_vbmi_available()) {
    printf("  note: no AVX-512 VBMI on this CPU; the small-plane depthwise kernel is not tested here\n");
    return;
  }
  for (const Case& c : {kCases[2], kCases[7], kCases[9], kCases[10]}) {
    Args a(c, nullptr);
    fill(a, c, 17);
    Case c0 = c;
    c0.w_zp = 0, c0.relu = false;
    Args z(c0, nullptr);
    memcpy(z.xb(), a.xb(), a.x.n());
    memcpy(z.wb(), a.wb(), a.w.n());
    memcpy(z.bias.f(), a.bias.f(), a.bias.n() * sizeof(float));
    const std::vector<int8_t> want = reference(c0, z);
    const int64_t taps = c.KH * c.KW, groups = (taps + 3) / 4, P = c.OH() * c.OW(), per = c.Cout / c.C;
    std::vector<uint8_t> idx(size_t(qdw_vbmi_table_bytes(P, taps)));
    qdw_vbmi_tables(c.H, c.W, c.OH(), c.OW(), c.KH, c.KW, c.sh, c.sw, c.ph, c.pw, c.dh, c.dw, idx.data());
    const QDwVbmi d{c.H * c.W, P, groups, idx.data()};
    const QRequant r{float(kInScale * kWScale / kOutScale), -128.0f - float(c.out_zp), 127.0f - float(c.out_zp), c.out_zp};
    std::vector<int8_t> got(want.size());
    for (int64_t n = 0; n < c.N; n++) {
      for (int64_t o = 0; o < c.Cout; o++) {
        std::vector<int8_t> w4(size_t(groups * 4), 0);
        int64_t sum = 0;
        for (int64_t t = 0; t < taps; t++) sum += w4[size_t(t)] = z.wb()[o * taps + t];
        const int64_t b = int64_t(nearbyint(double(z.bias.f()[o]) / (kInScale * kWScale)));
        qdw_vbmi_channel(d, z.xb() + (n * c.C + o / per) * c.H * c.W, c.in_zp, w4.data(),
                         int32_t(b - (128 + c.in_zp) * sum), r, got.data() + (n * c.Cout + o) * P);
      }
    }
    EXPECT_TRUE(same(got.data(), want, "small-plane depthwise"));
  }
}
