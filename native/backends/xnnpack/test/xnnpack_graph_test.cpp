// The XnnpackBackend's nodes, checks and memory plan on graphs built in
// memory (no payload): every result against a double-precision loop written
// here, quantized ones exactly against the integer formula.
#include <math.h>

#include <vector>

#include "backends/xnnpack/xnn_graph.h"
#include "backends/xnnpack/xnn_ops.h"
#include "kernels/optimized/util/cpu_features.h"
#include "runtime/tensor.h"
#include "testing/minitest.h"

using namespace etb;
using namespace etb::xnn;

namespace {

// A graph under construction plus the memory and tensors to run it.
struct TestGraph {
  std::vector<Value> values;
  std::vector<Node> nodes;
  std::vector<std::vector<float>> owned;  // constant bytes (as floats, so 4-byte aligned)
  std::vector<uint8_t> pool = std::vector<uint8_t>(8 << 20);
  MemoryAllocator alloc{pool.data(), pool.size()};
  Graph g;
  Diag diag;
  uint32_t externs = 0;

  // Tests hold references to the last node while setting its fields.
  TestGraph() {
    values.reserve(64);
    nodes.reserve(64);
  }

  uint32_t value(int16_t dt, std::vector<uint32_t> dims, uint32_t flags = 0) {
    Value v;
    v.dtype = dt;
    v.rank = uint32_t(dims.size());
    v.numel = 1;
    for (uint32_t d = 0; d < v.rank; d++) {
      v.dims[d] = dims[d];
      v.numel *= dims[d];
    }
    v.defined = true;
    v.flags = flags;
    if (flags != 0) v.external_id = externs++;
    if (dt == kQint8 || dt == kQint32 || dt == kQuint8) v.quant = Quant::PerTensor;
    values.push_back(v);
    return uint32_t(values.size() - 1);
  }
  uint32_t input(std::vector<uint32_t> dims, int16_t dt = kFp32) { return value(dt, dims, kFlagExternalInput); }
  uint32_t output(std::vector<uint32_t> dims, int16_t dt = kFp32) { return value(dt, dims, kFlagExternalOutput); }
  uint32_t constant(int16_t dt, std::vector<uint32_t> dims, const void* bytes, size_t n) {
    uint32_t id = value(dt, dims);
    owned.emplace_back((n + 3) / 4 + 1);
    memcpy(owned.back().data(), bytes, n);
    values[id].constant = reinterpret_cast<const uint8_t*>(owned.back().data());
    return id;
  }
  uint32_t weights(std::vector<uint32_t> dims, const std::vector<float>& w) {
    return constant(kFp32, dims, w.data(), w.size() * 4);
  }
  Node& node(uint8_t kind, std::vector<uint32_t> inputs, uint32_t out) {
    Node n;
    n.kind = kind;
    n.index = uint32_t(nodes.size());
    n.num_inputs = uint32_t(inputs.size());
    for (size_t k = 0; k < inputs.size(); k++) n.inputs[k] = inputs[k];
    n.output = out;
    nodes.push_back(n);
    return nodes.back();
  }
  Error prepare(int threads = 1) {
    g.values = values.data();
    g.num_values = uint32_t(values.size());
    g.nodes = nodes.data();
    g.num_nodes = uint32_t(nodes.size());
    g.num_externs = externs;
    g.data = alloc.allocate_array<void*>(values.size());
    ETB_RETURN_IF_ERROR(check_graph(g, &diag));
    return plan_graph(g, &alloc, threads, &diag);
  }
};

// A contiguous tensor over caller data, for the delegate's arguments.
struct Arg {
  std::vector<int32_t> sizes;
  std::vector<uint8_t> order;
  std::vector<int64_t> strides;
  Tensor t;
  EValue v;
  Arg(std::vector<int32_t> s, void* data, ScalarType dt = ScalarType::Float) : sizes(s), order(s.size()), strides(s.size()) {
    for (size_t i = 0; i < s.size(); i++) order[i] = uint8_t(i);
    t.dtype = dt;
    t.dim = int32_t(s.size());
    t.sizes = sizes.data();
    t.dim_order = order.data();
    compute_strides(t.dim, t.sizes, t.dim_order, strides.data());
    t.strides = strides.data();
    t.data = data;
    v.tag = Tag::Tensor;
    v.u.t = &t;
  }
};

std::vector<float> ramp(size_t n, float scale, float offset = 0.0f) {
  std::vector<float> v(n);
  for (size_t i = 0; i < n; i++) v[i] = float(int((i * 37 + 11) % 23) - 11) * scale + offset;
  return v;
}

double max_diff(const std::vector<float>& a, const std::vector<double>& b) {
  double m = a.size() == b.size() ? 0.0 : 1e30;
  for (size_t i = 0; i < a.size() && i < b.size(); i++) m = fmax(m, fabs(double(a[i]) - b[i]));
  return m;
}

// NHWC / OHWI convolution in double; depthwise when `dw` (filter [1, KH, KW, Cout]).
std::vector<double> ref_conv(const std::vector<float>& x, const std::vector<float>& w, const std::vector<float>& b, int N,
                             int H, int W, int C, int Cout, int KH, int KW, int sh, int sw, int dh, int dw_, int pt, int pl,
                             int OH, int OW, int groups, bool dw, float lo, float hi) {
  int cg = C / groups, mg = Cout / groups;
  std::vector<double> out;
  for (int n = 0; n < N; n++)
    for (int oy = 0; oy < OH; oy++)
      for (int ox = 0; ox < OW; ox++)
        for (int co = 0; co < Cout; co++) {
          int gr = co / mg;
          double s = b.empty() ? 0.0 : b[co];
          for (int ky = 0; ky < KH; ky++)
            for (int kx = 0; kx < KW; kx++) {
              int iy = oy * sh + ky * dh - pt, ix = ox * sw + kx * dw_ - pl;
              if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
              for (int ci = 0; ci < cg; ci++) {
                double wv = dw ? w[(ky * KW + kx) * Cout + co] : w[((co * KH + ky) * KW + kx) * cg + ci];
                s += wv * x[((n * H + iy) * W + ix) * C + gr * cg + ci];
              }
            }
          out.push_back(fmin(fmax(s, lo), hi));
        }
  return out;
}

}  // namespace

TEST(XnnpackGraph, Conv2dGroupedStridedDilatedPaddedClamped) {
  // 2 images 7x9x4 -> groups 2, 3x3 kernel, stride (2,1), dilation (1,2), pads t1 r2 b0 l1.
  const int N = 2, H = 7, W = 9, C = 4, Cout = 6, KH = 3, KW = 3, groups = 2;
  const int OH = (H + 1 + 0 - 3) / 2 + 1, OW = (W + 1 + 2 - 5) / 1 + 1;
  TestGraph tg;
  std::vector<float> x = ramp(N * H * W * C, 0.1f), w = ramp(Cout * KH * KW * (C / groups), 0.05f), b = ramp(Cout, 0.2f);
  uint32_t in = tg.input({N, H, W, C});
  uint32_t wid = tg.weights({Cout, KH, KW, C / groups}, w), bid = tg.weights({Cout}, b);
  uint32_t out = tg.output({N, uint32_t(OH), uint32_t(OW), Cout});
  Node& n = tg.node(kConv2d, {in, wid, bid}, out);
  n.pad_top = 1; n.pad_right = 2; n.pad_bottom = 0; n.pad_left = 1;
  n.kernel_h = KH; n.kernel_w = KW; n.stride_h = 2; n.stride_w = 1; n.dilation_h = 1; n.dilation_w = 2;
  n.groups = groups; n.group_in = C / groups; n.group_out = Cout / groups;
  n.out_min = -0.6f; n.out_max = 0.7f;
  ASSERT_EQ(tg.prepare(2), Error::Ok);
  std::vector<float> y(N * OH * OW * Cout, 99.0f);
  Arg ax({N, H, W, C}, x.data()), ay({N, OH, OW, Cout}, y.data());
  EValue* args[] = {&ax.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 2, &tg.diag), Error::Ok);
  std::vector<double> want = ref_conv(x, w, b, N, H, W, C, Cout, KH, KW, 2, 1, 1, 2, 1, 1, OH, OW, groups, false, -0.6f, 0.7f);
  EXPECT_TRUE(max_diff(y, want) < 1e-5);
}

TEST(XnnpackGraph, PointwiseConvAndDepthwiseWithMultiplier) {
  const int H = 5, W = 6, C = 3, M = 2;
  TestGraph tg;
  std::vector<float> x = ramp(H * W * C, 0.1f), wd = ramp(3 * 3 * C * M, 0.07f), bd = ramp(C * M, 0.1f);
  std::vector<float> wp = ramp(4 * C * M, 0.03f);
  uint32_t in = tg.input({1, H, W, C});
  uint32_t mid = tg.value(kFp32, {1, H, W, C * M});
  uint32_t out = tg.output({1, H, W, 4});
  Node& d = tg.node(kDepthwiseConv2d, {in, tg.weights({1, 3, 3, C * M}, wd), tg.weights({C * M}, bd)}, mid);
  d.kernel_h = d.kernel_w = 3; d.pad_top = d.pad_bottom = d.pad_left = d.pad_right = 1;
  d.groups = C; d.group_in = 1; d.group_out = M;
  Node& p = tg.node(kConv2d, {mid, tg.weights({4, 1, 1, C * M}, wp), kInvalidId}, out);
  p.groups = 1; p.group_in = C * M; p.group_out = 4;
  ASSERT_EQ(tg.prepare(), Error::Ok);
  std::vector<float> y(H * W * 4);
  Arg ax({1, H, W, C}, x.data()), ay({1, H, W, 4}, y.data());
  EValue* args[] = {&ax.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::Ok);
  std::vector<double> m = ref_conv(x, wd, bd, 1, H, W, C, C * M, 3, 3, 1, 1, 1, 1, 1, 1, H, W, C, true, -INFINITY, INFINITY);
  std::vector<float> mf(m.begin(), m.end());
  std::vector<double> want = ref_conv(mf, wp, {}, 1, H, W, C * M, 4, 1, 1, 1, 1, 1, 1, 0, 0, H, W, 1, false, -INFINITY, INFINITY);
  EXPECT_TRUE(max_diff(y, want) < 1e-5);
}

TEST(XnnpackGraph, FullyConnectedTransposedWeightsNoBias) {
  const int M = 5, K = 19, N = 7;
  TestGraph tg;
  std::vector<float> x = ramp(M * K, 0.1f), w = ramp(K * N, 0.05f);  // [K, N] with TRANSPOSE_WEIGHTS
  uint32_t in = tg.input({M, K}), out = tg.output({M, N});
  Node& n = tg.node(kFullyConnected, {in, tg.weights({K, N}, w), kInvalidId}, out);
  n.flags = kFcTransposeWeights;
  ASSERT_EQ(tg.prepare(), Error::Ok);
  std::vector<float> y(M * N);
  Arg ax({M, K}, x.data()), ay({M, N}, y.data());
  EValue* args[] = {&ax.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::Ok);
  std::vector<double> want;
  for (int m = 0; m < M; m++)
    for (int j = 0; j < N; j++) {
      double s = 0;
      for (int k = 0; k < K; k++) s += double(x[m * K + k]) * w[k * N + j];
      want.push_back(s);
    }
  EXPECT_TRUE(max_diff(y, want) < 1e-5);
}

TEST(XnnpackGraph, QuantizedFullyConnectedPerChannelIsExact) {
  const int M = 3, K = 6, N = 4;
  TestGraph tg;
  std::vector<int8_t> w(N * K);
  for (int i = 0; i < N * K; i++) w[i] = int8_t((i * 29) % 255 - 127);
  std::vector<int32_t> bias = {100, -250, 0, 4000};
  float wscales[N] = {0.01f, 0.02f, 0.005f, 0.03f};
  uint32_t xf = tg.input({M, K});
  uint32_t xq = tg.value(kQint8, {M, K});
  tg.values[xq].scale = 0.05f; tg.values[xq].zero_point = 3;
  uint32_t wid = tg.constant(kQcint8, {N, K}, w.data(), w.size());
  tg.values[wid].quant = Quant::PerChannel; tg.values[wid].channel_scales = wscales; tg.values[wid].num_scales = N;
  uint32_t bid = tg.constant(kQint32, {N}, bias.data(), bias.size() * 4);
  uint32_t yq = tg.value(kQint8, {M, N});
  tg.values[yq].scale = 0.04f; tg.values[yq].zero_point = -5;
  uint32_t yf = tg.output({M, N});
  tg.node(kConvert, {xf}, xq);
  Node& fc = tg.node(kFullyConnected, {xq, wid, bid}, yq);
  fc.out_min = 0.0f;  // fused ReLU, in the quantized domain: q >= zero point
  tg.node(kConvert, {yq}, yf);
  ASSERT_EQ(tg.prepare(), Error::Ok);
  std::vector<float> x = ramp(M * K, 0.37f), y(M * N);
  x[0] = 0.125f;   // 2.5 steps: ties round to even (2)
  x[1] = 100.0f;   // saturates at 127
  Arg ax({M, K}, x.data()), ay({M, N}, y.data());
  EValue* args[] = {&ax.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::Ok);
  auto q = [](float v, float s, int zp) { return fmin(127.0, fmax(-128.0, nearbyint(double(v) / s) + zp)); };
  for (int m = 0; m < M; m++)
    for (int n = 0; n < N; n++) {
      int64_t acc = bias[n];
      for (int k = 0; k < K; k++) acc += int64_t(q(x[m * K + k], 0.05f, 3) - 3) * w[n * K + k];
      double r = nearbyint(double(float(acc) * (0.05f * wscales[n] / 0.04f)));
      double qy = fmin(127.0, fmax(-5.0, r - 5.0));  // ReLU: never below the zero point
      EXPECT_EQ(y[m * N + n], float(qy + 5.0) * 0.04f);
    }
  EXPECT_EQ(q(0.125f, 0.05f, 3), 5.0);  // the tie case above: 2.5 -> 2, plus zero point 3
}

TEST(XnnpackGraph, PoolingBroadcastSoftmaxLayoutNodes) {
  TestGraph tg;
  // max pool 3x3 s2 p1 and avg pool 2x2 s1 p(0,1) (padding excluded from the average) on 1x5x5x2.
  uint32_t in = tg.input({1, 5, 5, 2});
  uint32_t mp = tg.output({1, 3, 3, 2});
  uint32_t ap = tg.output({1, 4, 5, 2});
  Node& m = tg.node(kMaxPooling2d, {in}, mp);
  m.kernel_h = m.kernel_w = 3; m.stride_h = m.stride_w = 2; m.pad_top = m.pad_left = m.pad_bottom = m.pad_right = 1;
  Node& a = tg.node(kAvgPooling2d, {in}, ap);
  a.kernel_h = a.kernel_w = 2; a.pad_right = 1;
  // [2,1,3] * [4,1] -> [2,4,3], softmax over the last dim, transpose [2,0,1], concat with itself on axis 1, slice.
  uint32_t b1 = tg.input({2, 1, 3}), b2 = tg.input({4, 1});
  uint32_t prod = tg.value(kFp32, {2, 4, 3});
  uint32_t sm = tg.value(kFp32, {2, 4, 3});
  uint32_t tr = tg.value(kFp32, {3, 2, 4});
  uint32_t cat = tg.value(kFp32, {3, 4, 4});
  uint32_t sl = tg.output({2, 3, 2});
  tg.node(kMultiply, {b1, b2}, prod);
  tg.node(kSoftmax, {prod}, sm);
  Node& t = tg.node(kStaticTranspose, {sm}, tr);
  t.rank = 3; t.a[0] = 2; t.a[1] = 0; t.a[2] = 1;
  Node& c = tg.node(kConcatenate2, {tr, tr}, cat);
  c.axis = 1;
  Node& s = tg.node(kStaticSlice, {cat}, sl);
  s.rank = 3; s.a[0] = 1; s.a[1] = 1; s.a[2] = 2; s.b[0] = 2; s.b[1] = 3; s.b[2] = 2;
  ASSERT_EQ(tg.prepare(), Error::Ok);
  std::vector<float> x = ramp(50, 0.3f), vb1 = ramp(6, 0.5f), vb2 = ramp(4, 0.25f, 0.1f);
  std::vector<float> ym(18), ya(40), ys(12);
  Arg ax({1, 5, 5, 2}, x.data()), am({1, 3, 3, 2}, ym.data()), aa({1, 4, 5, 2}, ya.data());
  Arg a1({2, 1, 3}, vb1.data()), a2({4, 1}, vb2.data()), as({2, 3, 2}, ys.data());
  // External ids follow creation order: in, mp, ap, b1, b2, sl.
  EValue* args[] = {&ax.v, &am.v, &aa.v, &a1.v, &a2.v, &as.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 6), 1, &tg.diag), Error::Ok);
  auto X = [&](int y, int xx, int ch) { return double(x[(y * 5 + xx) * 2 + ch]); };
  std::vector<double> wm, wa;
  for (int oy = 0; oy < 3; oy++)
    for (int ox = 0; ox < 3; ox++)
      for (int ch = 0; ch < 2; ch++) {
        double v = -INFINITY;
        for (int ky = 0; ky < 3; ky++)
          for (int kx = 0; kx < 3; kx++) {
            int iy = oy * 2 + ky - 1, ix = ox * 2 + kx - 1;
            if (iy >= 0 && iy < 5 && ix >= 0 && ix < 5) v = fmax(v, X(iy, ix, ch));
          }
        wm.push_back(v);
      }
  for (int oy = 0; oy < 4; oy++)
    for (int ox = 0; ox < 5; ox++)
      for (int ch = 0; ch < 2; ch++) {
        double sum = 0;
        int n = 0;
        for (int ky = 0; ky < 2; ky++)
          for (int kx = 0; kx < 2; kx++)
            if (ox + kx < 5) sum += X(oy + ky, ox + kx, ch), n++;
        wa.push_back(sum / n);
      }
  EXPECT_TRUE(max_diff(ym, wm) < 1e-6);
  EXPECT_TRUE(max_diff(ya, wa) < 1e-6);
  // softmax(prod)[i][j][k], transposed to [k][i][j], concatenated on i, sliced [1:3, 1:4, 2:4].
  auto smx = [&](int i, int j, int k) {
    double den = 0;
    for (int kk = 0; kk < 3; kk++) den += exp(double(vb1[i * 3 + kk]) * vb2[j]);
    return exp(double(vb1[i * 3 + k]) * vb2[j]) / den;
  };
  std::vector<double> want;
  for (int k = 1; k < 3; k++)
    for (int ii = 1; ii < 4; ii++)
      for (int j = 2; j < 4; j++) want.push_back(smx(ii % 2, j, k));
  EXPECT_TRUE(max_diff(ys, want) < 1e-6);
}

TEST(XnnpackGraph, TransposedConvAndBilinearResize) {
  // 1x3x4x4 -> transposed conv (groups 2, 3x3, stride 2, pad 1, adjustment 1) -> 1x6x8x6,
  // then resized to 1x5x7x6 with aligned corners.
  const int H = 3, W = 4, C = 4, Cout = 6, cg = 2, mg = 3, OH = 2 * (H - 1) + 1 + 3 - 2, OW = 2 * (W - 1) + 1 + 3 - 2;
  TestGraph tg;
  std::vector<float> x = ramp(H * W * C, 0.1f), w = ramp(Cout * 3 * 3 * cg, 0.05f), b = ramp(Cout, 0.2f);
  uint32_t in = tg.input({1, H, W, C});
  uint32_t up = tg.output({1, uint32_t(OH), uint32_t(OW), Cout});
  uint32_t rs = tg.output({1, 5, 7, Cout});
  Node& t = tg.node(kConvTranspose2d, {in, tg.weights({Cout, 3, 3, cg}, w), tg.weights({Cout}, b)}, up);
  t.kernel_h = t.kernel_w = 3; t.stride_h = t.stride_w = 2; t.pad_top = t.pad_left = t.pad_bottom = t.pad_right = 1;
  t.adjust_h = t.adjust_w = 1; t.groups = 2; t.group_in = cg; t.group_out = mg;
  Node& r = tg.node(kStaticResizeBilinear2D, {up}, rs);
  r.a[0] = 5; r.a[1] = 7; r.flags = kResizeAlignCorners;
  ASSERT_EQ(tg.prepare(), Error::Ok);
  std::vector<float> y(OH * OW * Cout), z(5 * 7 * Cout);
  Arg ax({1, H, W, C}, x.data()), ay({1, OH, OW, Cout}, y.data()), az({1, 5, 7, Cout}, z.data());
  EValue* args[] = {&ax.v, &ay.v, &az.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 3), 1, &tg.diag), Error::Ok);
  std::vector<double> want;  // gather form: which input pixels and taps reach (oy, ox)
  for (int oy = 0; oy < OH; oy++)
    for (int ox = 0; ox < OW; ox++)
      for (int co = 0; co < Cout; co++) {
        double s = b[co];
        for (int ky = 0; ky < 3; ky++)
          for (int kx = 0; kx < 3; kx++) {
            int ty = oy + 1 - ky, tx = ox + 1 - kx;
            if (ty < 0 || tx < 0 || ty % 2 || tx % 2 || ty / 2 >= H || tx / 2 >= W) continue;
            for (int ci = 0; ci < cg; ci++)
              s += double(w[((co * 3 + ky) * 3 + kx) * cg + ci]) * x[((ty / 2) * W + tx / 2) * C + (co / mg) * cg + ci];
          }
        want.push_back(s);
      }
  EXPECT_TRUE(max_diff(y, want) < 1e-5);
  std::vector<double> rwant;
  for (int oy = 0; oy < 5; oy++)
    for (int ox = 0; ox < 7; ox++)
      for (int co = 0; co < Cout; co++) {
        double sy = oy * double(OH - 1) / 4, sx = ox * double(OW - 1) / 6;
        int y0 = int(sy), x0 = int(sx), y1 = y0 + 1 < OH ? y0 + 1 : y0, x1 = x0 + 1 < OW ? x0 + 1 : x0;
        double fy = sy - y0, fx = sx - x0;
        auto at = [&](int yy, int xx) { return want[(yy * OW + xx) * Cout + co]; };
        rwant.push_back((at(y0, x0) * (1 - fx) + at(y0, x1) * fx) * (1 - fy) + (at(y1, x0) * (1 - fx) + at(y1, x1) * fx) * fy);
      }
  EXPECT_TRUE(max_diff(z, rwant) < 1e-5);
}

TEST(XnnpackGraph, QuantizedAddAndClampRunOnDequantizedValues) {
  // qint8 a (scale 0.1, zp 2) + quint8 b (scale 0.05, zp 128) -> qint8 (scale 0.2, zp -3), ReLU6
  // fused, then an int8 clamp to [-0.5, 0.5] whose output has other parameters.
  TestGraph tg;
  uint32_t a = tg.input({2, 3}, kQint8), b = tg.input({3}, kQuint8);
  tg.values[a].scale = 0.1f; tg.values[a].zero_point = 2;
  tg.values[b].scale = 0.05f; tg.values[b].zero_point = 128;
  uint32_t sum = tg.value(kQint8, {2, 3});
  tg.values[sum].scale = 0.2f; tg.values[sum].zero_point = -3;
  uint32_t out = tg.output({2, 3}, kQint8);
  tg.values[out].scale = 0.01f; tg.values[out].zero_point = 0;
  Node& add = tg.node(kAdd, {a, b}, sum);
  add.out_min = 0.0f; add.out_max = 6.0f;
  Node& clamp = tg.node(kClamp, {sum}, out);
  clamp.out_min = -0.5f; clamp.out_max = 0.5f;
  ASSERT_EQ(tg.prepare(), Error::Ok);
  EXPECT_TRUE(tg.nodes[0].via_float && tg.nodes[1].via_float);
  int8_t va[6] = {-128, -20, 0, 5, 60, 127}, vy[6] = {};
  uint8_t vb[3] = {0, 128, 255};
  Arg aa({2, 3}, va, ScalarType::Char), ab({3}, vb, ScalarType::Byte), ay({2, 3}, vy, ScalarType::Char);
  EValue* args[] = {&aa.v, &ab.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 3), 1, &tg.diag), Error::Ok);
  for (int i = 0; i < 6; i++) {
    double real = (va[i] - 2) * 0.1 + (vb[i % 3] - 128) * 0.05;
    double s = fmin(fmax(real, 0.0), 6.0);
    double qs = fmin(127.0, fmax(-128.0, nearbyint(s / 0.2) - 3));  // the intermediate is int8 too
    double c = fmin(fmax((qs + 3) * 0.2, -0.5), 0.5);
    EXPECT_EQ(double(vy[i]), fmin(127.0, fmax(-128.0, nearbyint(c / 0.01))));
  }
}

TEST(XnnpackGraph, ArenaSharesBytesBetweenValuesThatDoNotOverlap) {
  TestGraph tg;
  uint32_t prev = tg.input({256});
  std::vector<uint32_t> mids;
  for (int i = 0; i < 5; i++) {
    uint32_t next = i == 4 ? tg.output({256}) : tg.value(kFp32, {256});
    tg.node(i % 2 ? kTanh : kSigmoid, {prev}, next);
    if (i < 4) mids.push_back(next);
    prev = next;
  }
  ASSERT_EQ(tg.prepare(), Error::Ok);
  // Four 1 KiB intermediates, at most two alive at once.
  EXPECT_TRUE(tg.g.arena_bytes <= 2 * 1024);
  EXPECT_NE(tg.values[mids[0]].arena_offset, tg.values[mids[1]].arena_offset);
  EXPECT_EQ(tg.values[mids[0]].arena_offset, tg.values[mids[2]].arena_offset);
  std::vector<float> x = ramp(256, 0.1f), y(256);
  Arg ax({256}, x.data()), ay({256}, y.data());
  EValue* args[] = {&ax.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::Ok);
  double v = x[7];
  for (int i = 0; i < 5; i++) v = i % 2 ? tanh(v) : 1.0 / (1.0 + exp(-v));
  EXPECT_TRUE(fabs(y[7] - v) < 1e-6);
}

TEST(XnnpackGraph, ChecksRejectBadGraphsNamingTheProblem) {
  {
    TestGraph tg;  // reads an intermediate no node wrote
    uint32_t mid = tg.value(kFp32, {4});
    tg.node(kAbs, {mid}, tg.output({4}));
    EXPECT_EQ(tg.prepare(), Error::InvalidProgram);
    EXPECT_STR_CONTAINS(tg.diag.message, "reads value 0 before any node writes it");
  }
  {
    TestGraph tg;  // output shape does not follow from the inputs
    uint32_t a = tg.input({2, 3}), b = tg.input({3});
    tg.node(kAdd, {a, b}, tg.output({2, 4}));
    EXPECT_EQ(tg.prepare(), Error::InvalidProgram);
    EXPECT_STR_CONTAINS(tg.diag.message, "node 0 (XNNAdd): output shape is not the broadcast shape");
  }
  {
    TestGraph tg;  // writing into a constant
    float w[4] = {};
    uint32_t c = tg.weights({4}, std::vector<float>(w, w + 4));
    tg.node(kNegate, {tg.input({4})}, c);
    EXPECT_EQ(tg.prepare(), Error::InvalidProgram);
    EXPECT_STR_CONTAINS(tg.diag.message, "output is a constant or a graph input");
  }
  {
    TestGraph tg;  // an int32 add is not implemented: unsupported, naming the datatype
    uint32_t a = tg.input({4}, kInt32), b = tg.input({4}, kInt32);
    tg.node(kAdd, {a, b}, tg.output({4}, kInt32));
    EXPECT_EQ(tg.prepare(), Error::NotSupported);
    EXPECT_STR_CONTAINS(tg.diag.message, "input 1 of datatype int32 not supported");
  }
  {
    TestGraph tg;  // conv output size inconsistent with stride
    std::vector<float> w(2 * 3 * 3 * 1);
    uint32_t in = tg.input({1, 5, 5, 1});
    Node& n = tg.node(kConv2d, {in, tg.weights({2, 3, 3, 1}, w), kInvalidId}, tg.output({1, 4, 4, 2}));  // 5 - 3 + 1 = 3, not 4
    n.kernel_h = n.kernel_w = 3; n.groups = 1; n.group_in = 1; n.group_out = 2;
    EXPECT_EQ(tg.prepare(), Error::InvalidProgram);
    EXPECT_STR_CONTAINS(tg.diag.message, "output height/width do not follow");
  }
}

TEST(XnnpackGraph, ExecuteRejectsArgumentsThatDoNotMatchTheGraph) {
  TestGraph tg;
  // Two statements: the order of a call's arguments is unspecified (aarch64 GCC made the
  // input external 0), and the arguments below need the output as external 0.
  uint32_t out = tg.output({2, 3});
  tg.node(kSigmoid, {tg.input({2, 3})}, out);
  ASSERT_EQ(tg.prepare(), Error::Ok);
  float x[6] = {}, y[6] = {};
  Arg ax({3, 2}, x), ay({2, 3}, y), ai({2, 3}, x, ScalarType::Int);
  EValue* args[] = {&ax.v, &ay.v};
  EXPECT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(tg.diag.message, "physical dim 0 is 3, the graph expects 2");
  tg.diag.clear();
  EValue* wrong_dtype[] = {&ai.v, &ay.v};
  EXPECT_EQ(run_graph(tg.g, Span<EValue*>(wrong_dtype, 2), 1, &tg.diag), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(tg.diag.message, "is int32, the graph expects fp32");
  tg.diag.clear();
  Arg big({3, 3}, x);  // a dynamic input above the exported bound (the input is external 1)
  big.t.dynamism = Dynamism::DynamicBound;
  EValue* too_big[] = {&ay.v, &big.v};
  EXPECT_EQ(run_graph(tg.g, Span<EValue*>(too_big, 2), 1, &tg.diag), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(tg.diag.message, "more than the 6 the graph was exported for");
  tg.diag.clear();
  EValue* too_few[] = {&ay.v};
  EXPECT_EQ(run_graph(tg.g, Span<EValue*>(too_few, 1), 1, &tg.diag), Error::InvalidProgram);
  EXPECT_STR_CONTAINS(tg.diag.message, "has 1 arguments");
}

// Quantized convolution on the int8 GEMM: grouped, strided, dilated, padded
// (the padding is the input zero point), K = 18 (not a multiple of the GEMM's
// k group of 4), per-channel filter, fused ReLU, 1 and 3 threads; then a 1x1
// convolution whose input is the GEMM's A directly (per-tensor filter with a
// zero point). Exact against the integer formula.
TEST(XnnpackGraph, QuantizedConvMatchesTheIntegerFormula) {
  const int N = 2, H = 7, W = 6, C = 6, G = 2, cg = 3, Cout = 10, mg = 5, KH = 3, KW = 2, OH = 4, OW = 7;
  const int C2 = 8, Cout2 = 5;  // the 1x1 convolution's channels: K = 8
  // XNNConvert's quantization: times 1 / scale in float, clamped, rounded half to even.
  auto q = [](float v, float s, int zp) { return int(nearbyintf(fminf(fmaxf(v * (1.0f / s), float(-128 - zp)), float(127 - zp)))) + zp; };
  std::vector<int8_t> w(Cout * KH * KW * cg), w2(Cout2 * C2);
  for (size_t i = 0; i < w.size(); i++) w[i] = int8_t((i * 53) % 256 - 128);
  for (size_t i = 0; i < w2.size(); i++) w2[i] = int8_t((i * 91) % 256 - 128);
  std::vector<int32_t> bias(Cout), bias2(Cout2);
  for (int i = 0; i < Cout; i++) bias[i] = (i * 977) % 4001 - 2000;
  for (int i = 0; i < Cout2; i++) bias2[i] = (i * 311) % 801 - 400;
  float wscales[Cout];
  for (int i = 0; i < Cout; i++) wscales[i] = 0.004f + 0.001f * float(i);
  const float xs = 0.03f, ys = 0.05f, zs = 0.02f, w2s = 0.006f;
  const int xzp = -7, yzp = 4, zzp = -3, w2zp = 5;
  for (int threads : {1, 3}) {
    TestGraph tg;
    uint32_t xf = tg.input({uint32_t(N), H, W, C});
    uint32_t xq = tg.value(kQint8, {uint32_t(N), H, W, C});
    tg.values[xq].scale = xs; tg.values[xq].zero_point = xzp;
    uint32_t wid = tg.constant(kQcint8, {Cout, KH, KW, cg}, w.data(), w.size());
    tg.values[wid].quant = Quant::PerChannel; tg.values[wid].channel_scales = wscales; tg.values[wid].num_scales = Cout;
    uint32_t bid = tg.constant(kQcint32, {Cout}, bias.data(), bias.size() * 4);
    uint32_t yq = tg.value(kQint8, {uint32_t(N), OH, OW, Cout});
    tg.values[yq].scale = ys; tg.values[yq].zero_point = yzp;
    uint32_t w2id = tg.constant(kQint8, {Cout2, 1, 1, C2}, w2.data(), w2.size());
    tg.values[w2id].scale = w2s; tg.values[w2id].zero_point = w2zp;
    uint32_t b2id = tg.constant(kQint32, {Cout2}, bias2.data(), bias2.size() * 4);
    uint32_t yf = tg.output({uint32_t(N), OH, OW, Cout});
    tg.node(kConvert, {xf}, xq);
    Node& cv = tg.node(kConv2d, {xq, wid, bid}, yq);
    cv.kernel_h = KH; cv.kernel_w = KW; cv.stride_h = 2; cv.stride_w = 1; cv.dilation_h = 1; cv.dilation_w = 2;
    cv.pad_top = 1; cv.pad_bottom = 1; cv.pad_left = 2; cv.pad_right = 1; cv.groups = G; cv.group_in = cg; cv.group_out = mg;
    cv.out_min = 0.0f;
    tg.node(kConvert, {yq}, yf);
    // The 1x1 convolution reads its own input.
    uint32_t uf = tg.input({1, 3, 5, C2});
    uint32_t uq = tg.value(kQint8, {1, 3, 5, C2});
    tg.values[uq].scale = xs; tg.values[uq].zero_point = xzp;
    uint32_t zq = tg.value(kQint8, {1, 3, 5, Cout2});
    tg.values[zq].scale = zs; tg.values[zq].zero_point = zzp;
    uint32_t zf = tg.output({1, 3, 5, Cout2});
    tg.node(kConvert, {uf}, uq);
    Node& pw = tg.node(kConv2d, {uq, w2id, b2id}, zq);
    pw.groups = 1; pw.group_in = C2; pw.group_out = Cout2;
    tg.node(kConvert, {zq}, zf);
    ASSERT_EQ(tg.prepare(threads), Error::Ok);
    std::vector<float> x = ramp(size_t(N * H * W * C), 0.11f, 0.02f), y(size_t(N * OH * OW * Cout));
    std::vector<float> u = ramp(15 * C2, 0.4f), z(15 * Cout2);  // 0.4 * 11 / 0.03 saturates the input at both ends
    Arg ax({N, H, W, C}, x.data()), ay({N, OH, OW, Cout}, y.data()), au({1, 3, 5, C2}, u.data()), az({1, 3, 5, Cout2}, z.data());
    EValue* args[] = {&ax.v, &ay.v, &au.v, &az.v};  // external ids in creation order
    ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 4), threads, &tg.diag), Error::Ok);
    int mismatches = 0;
    for (int b = 0; b < N; b++)
      for (int oy = 0; oy < OH; oy++)
        for (int ox = 0; ox < OW; ox++)
          for (int co = 0; co < Cout; co++) {
            int64_t acc = bias[co];
            for (int ky = 0; ky < KH; ky++)
              for (int kx = 0; kx < KW; kx++) {
                int iy = oy * 2 + ky - 1, ix = ox + kx * 2 - 2;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                for (int ci = 0; ci < cg; ci++) {
                  int xv = q(x[((b * H + iy) * W + ix) * C + (co / mg) * cg + ci], xs, xzp) - xzp;
                  acc += int64_t(xv) * w[((co * KH + ky) * KW + kx) * cg + ci];
                }
              }
            double r = nearbyint(double(fminf(fmaxf(float(acc) * (xs * wscales[co] / ys), 0.0f), float(127 - yzp))));
            float want = float(r) * ys;  // (q - zp) * scale, q = r + zp
            mismatches += y[((b * OH + oy) * OW + ox) * Cout + co] != want;
          }
    for (int p = 0; p < 15; p++)
      for (int co = 0; co < Cout2; co++) {
        int64_t acc = bias2[co];
        for (int ci = 0; ci < C2; ci++) acc += int64_t(q(u[p * C2 + ci], xs, xzp) - xzp) * (w2[co * C2 + ci] - w2zp);
        double r = nearbyint(double(fminf(fmaxf(float(acc) * (xs * w2s / zs), float(-128 - zzp)), float(127 - zzp))));
        mismatches += z[p * Cout2 + co] != float(r) * zs;
      }
    EXPECT_EQ(mismatches, 0);
  }
}

// Quantized depthwise convolution, multiplier 1 over 20 channels (16 lanes and a
// tail) with per-channel scales and a fused clamp, and multiplier 17 over 2 input
// channels with a per-tensor filter zero point; the AVX-512 and AVX2 loops (where
// the CPU has them) and the scalar ones, forced, give the integer formula's bits.
TEST(XnnpackGraph, QuantizedDepthwiseMatchesTheIntegerFormula) {
  // XNNConvert's quantization: times 1 / scale in float, clamped, rounded half to even.
  auto q = [](float v, float s, int zp) { return int(nearbyintf(fminf(fmaxf(v * (1.0f / s), float(-128 - zp)), float(127 - zp)))) + zp; };
  const float xs = 0.02f, ys = 0.03f;
  const int xzp = 9, yzp = -6;
  for (int variant = 0; variant < 2; variant++) {
    const int C = variant == 0 ? 20 : 2, mult = variant == 0 ? 1 : 17, Cout = C * mult, H = 6, W = 5, OH = 3, OW = 3;
    const int wzp = variant == 0 ? 0 : -3;
    std::vector<int8_t> w(9 * Cout);
    for (size_t i = 0; i < w.size(); i++) w[i] = int8_t((i * 71) % 256 - 128);
    std::vector<int32_t> bias(Cout);
    for (int i = 0; i < Cout; i++) bias[i] = (i * 613) % 3001 - 1500;
    std::vector<float> wscales(Cout);
    for (int i = 0; i < Cout; i++) wscales[i] = 0.003f + 0.0005f * float(i % 7);
    for (int forced = 0; forced < 3; forced++) {  // the best loops, AVX2's (Scalar where absent), scalar
      if (forced) etb::optimized::set_isa_override(forced == 1 ? etb::optimized::Isa::Avx2Fma : etb::optimized::Isa::Scalar);
      TestGraph tg;
      uint32_t xf = tg.input({1, uint32_t(H), uint32_t(W), uint32_t(C)});
      uint32_t xq = tg.value(kQint8, {1, uint32_t(H), uint32_t(W), uint32_t(C)});
      tg.values[xq].scale = xs; tg.values[xq].zero_point = xzp;
      uint32_t wid = variant == 0 ? tg.constant(kQcint8, {1, 3, 3, uint32_t(Cout)}, w.data(), w.size())
                                  : tg.constant(kQint8, {1, 3, 3, uint32_t(Cout)}, w.data(), w.size());
      if (variant == 0) {
        tg.values[wid].quant = Quant::PerChannel; tg.values[wid].channel_dim = 3;
        tg.values[wid].channel_scales = wscales.data(); tg.values[wid].num_scales = uint32_t(Cout);
      } else {
        tg.values[wid].scale = 0.004f; tg.values[wid].zero_point = wzp;
      }
      uint32_t bid = tg.constant(kQint32, {uint32_t(Cout)}, bias.data(), bias.size() * 4);
      uint32_t yq = tg.value(kQint8, {1, uint32_t(OH), uint32_t(OW), uint32_t(Cout)});
      tg.values[yq].scale = ys; tg.values[yq].zero_point = yzp;
      uint32_t yf = tg.output({1, uint32_t(OH), uint32_t(OW), uint32_t(Cout)});
      tg.node(kConvert, {xf}, xq);
      Node& d = tg.node(kDepthwiseConv2d, {xq, wid, bid}, yq);
      d.kernel_h = d.kernel_w = 3; d.stride_h = d.stride_w = 2; d.pad_top = d.pad_left = d.pad_bottom = d.pad_right = 1;
      d.groups = uint32_t(C); d.group_in = 1; d.group_out = uint32_t(mult);
      if (variant == 0) d.out_min = -1.0f, d.out_max = 1.5f;
      tg.node(kConvert, {yq}, yf);
      ASSERT_EQ(tg.prepare(), Error::Ok);
      std::vector<float> x = ramp(size_t(H * W * C), 0.23f, 0.01f), y(size_t(OH * OW * Cout));
      Arg ax({1, H, W, C}, x.data()), ay({1, OH, OW, Cout}, y.data());
      EValue* args[] = {&ax.v, &ay.v};
      ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::Ok);
      const float lo = variant == 0 ? fmaxf(-128.0f, nearbyintf(-1.0f / ys) + yzp) - yzp : -128.0f - yzp;
      const float hi = variant == 0 ? fminf(127.0f, nearbyintf(1.5f / ys) + yzp) - yzp : 127.0f - yzp;
      int mismatches = 0;
      for (int oy = 0; oy < OH; oy++)
        for (int ox = 0; ox < OW; ox++)
          for (int co = 0; co < Cout; co++) {
            int64_t acc = bias[co];
            for (int ky = 0; ky < 3; ky++)
              for (int kx = 0; kx < 3; kx++) {
                int iy = oy * 2 + ky - 1, ix = ox * 2 + kx - 1;
                if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                acc += int64_t(q(x[(iy * W + ix) * C + co / mult], xs, xzp) - xzp) * (w[(ky * 3 + kx) * Cout + co] - wzp);
              }
            const float m = xs * (variant == 0 ? wscales[co] : 0.004f) / ys;
            const double r = nearbyint(double(fminf(fmaxf(float(acc) * m, lo), hi)));
            mismatches += y[(oy * OW + ox) * Cout + co] != float(r) * ys;
          }
      EXPECT_EQ(mismatches, 0);
      etb::optimized::clear_isa_override();
    }
  }
}

// Dynamic shapes: inputs below the exported (upper-bound) dims re-shape every value through the
// nodes (a 0 in a reshape's new shape is inferred), and dynamic outputs are resized.
TEST(XnnpackGraph, DynamicInputsReshapeTheGraphAndResizeTheOutputs) {
  TestGraph tg;
  std::vector<float> w = ramp(2 * 3, 0.25f), bias = {0.5f, -1.0f};
  uint32_t x = tg.input({4, 3});
  uint32_t fc = tg.value(kFp32, {4, 2});
  tg.node(kFullyConnected, {x, tg.weights({2, 3}, w), kInvalidId}, fc);
  uint32_t sum = tg.value(kFp32, {4, 2});
  tg.node(kAdd, {fc, tg.weights({2}, bias)}, sum);
  Node& r = tg.node(kStaticReshape, {sum}, tg.output({8}));
  r.rank = 1;
  r.a[0] = 0;  // inferred
  ASSERT_EQ(tg.prepare(), Error::Ok);
  std::vector<float> in = ramp(4 * 3, 0.5f), out(8, -99.0f);
  auto expect = [&](int rows) {
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < 2; j++) {
        float want = bias[j];
        for (int k = 0; k < 3; k++) want += in[i * 3 + k] * w[j * 3 + k];
        EXPECT_TRUE(fabsf(out[i * 2 + j] - want) <= 1e-5f);
      }
    }
  };
  Arg ax({2, 3}, in.data()), ay({8}, out.data());
  ax.t.dynamism = ay.t.dynamism = Dynamism::DynamicBound;
  ay.t.capacity = out.size() * sizeof(float);
  EValue* args[] = {&ax.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::Ok);
  EXPECT_EQ(ay.t.sizes[0], 4);  // 2 rows x 2 outputs
  expect(2);
  EXPECT_EQ(out[4], -99.0f);  // nothing written past the re-shaped output
  // Back at the bound, then smaller again: each call derives the shapes from its inputs.
  Arg full({4, 3}, in.data());
  full.t.dynamism = Dynamism::DynamicBound;
  EValue* args_full[] = {&full.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args_full, 2), 1, &tg.diag), Error::Ok);
  EXPECT_EQ(ay.t.sizes[0], 8);
  expect(4);
  Arg one({1, 3}, in.data());
  one.t.dynamism = Dynamism::DynamicBound;
  EValue* args_one[] = {&one.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args_one, 2), 1, &tg.diag), Error::Ok);
  EXPECT_EQ(ay.t.sizes[0], 2);
  expect(1);
}

TEST(XnnpackGraph, DynamicInputsIntoANodeWithoutShapeRulesAreUnsupported) {
  TestGraph tg;
  std::vector<float> w(2 * 1 * 1 * 1, 1.0f);
  uint32_t in = tg.input({1, 4, 4, 1});
  Node& n = tg.node(kConv2d, {in, tg.weights({2, 1, 1, 1}, w), kInvalidId}, tg.output({1, 4, 4, 2}));
  n.groups = 1; n.group_in = 1; n.group_out = 2;
  ASSERT_EQ(tg.prepare(), Error::Ok);
  std::vector<float> x(16), y(32);
  Arg ax({1, 2, 4, 1}, x.data()), ay({1, 4, 4, 2}, y.data());
  ax.t.dynamism = Dynamism::DynamicBound;
  EValue* args[] = {&ax.v, &ay.v};
  EXPECT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::NotSupported);
  EXPECT_STR_CONTAINS(tg.diag.message, "node 0 (XNNConv2d): re-shaping for dynamic shapes is not supported for this node kind");
}

TEST(XnnpackGraph, DynamicSliceKeepsItsOffsetsAndTakesTheRestOfADynamicDim) {
  TestGraph tg;
  uint32_t x = tg.input({4, 3});
  Node& s = tg.node(kStaticSlice, {x}, tg.output({4, 2}));
  s.rank = 2;
  s.a[0] = 0; s.a[1] = 1;  // offsets
  s.b[0] = 0; s.b[1] = 2;  // sizes: all rows (0), 2 columns
  ASSERT_EQ(tg.prepare(), Error::Ok);
  std::vector<float> in = ramp(12, 1.0f), out(8, -99.0f);
  Arg ax({3, 3}, in.data()), ay({4, 2}, out.data());
  ax.t.dynamism = ay.t.dynamism = Dynamism::DynamicBound;
  ay.t.capacity = out.size() * sizeof(float);
  EValue* args[] = {&ax.v, &ay.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::Ok);
  EXPECT_EQ(ay.t.sizes[0], 3);
  EXPECT_EQ(ay.t.sizes[1], 2);
  for (int r = 0; r < 3; r++) {
    for (int c = 0; c < 2; c++) EXPECT_EQ(out[r * 2 + c], in[r * 3 + 1 + c]);
  }
  EXPECT_EQ(out[6], -99.0f);
}

TEST(XnnpackGraph, AFailedReshapeIsRetriedOnTheNextCall) {
  TestGraph tg;  // x [4, 3] + y [4, 3]: with x shrunk to 2 rows and y static, they no longer broadcast
  uint32_t x = tg.input({4, 3}), y = tg.input({4, 3});
  tg.node(kAdd, {x, y}, tg.output({4, 3}));
  ASSERT_EQ(tg.prepare(), Error::Ok);
  std::vector<float> a = ramp(12, 1.0f), b = ramp(12, 0.5f), out(12);
  Arg ax({2, 3}, a.data()), ay({4, 3}, b.data()), ao({4, 3}, out.data());
  ax.t.dynamism = Dynamism::DynamicBound;
  EValue* args[] = {&ax.v, &ay.v, &ao.v};
  EXPECT_EQ(run_graph(tg.g, Span<EValue*>(args, 3), 1, &tg.diag), Error::NotSupported);
  EXPECT_STR_CONTAINS(tg.diag.message, "node 0 (XNNAdd): re-shaping for dynamic shapes: its inputs no longer broadcast");
  tg.diag.clear();
  // The same call again still fails (the half-derived shapes are not used), full size runs.
  EXPECT_EQ(run_graph(tg.g, Span<EValue*>(args, 3), 1, &tg.diag), Error::NotSupported);
  tg.diag.clear();
  Arg full({4, 3}, a.data());
  full.t.dynamism = Dynamism::DynamicBound;
  EValue* ok[] = {&full.v, &ay.v, &ao.v};
  ASSERT_EQ(run_graph(tg.g, Span<EValue*>(ok, 3), 1, &tg.diag), Error::Ok);
  for (int i = 0; i < 12; i++) EXPECT_EQ(out[i], a[i] + b[i]);
}

// The quantize / dequantize conversions (vector lanes where the CPU has them,
// the scalar loop for the tail and elsewhere) against the scalar formula on
// edge values: NaN, infinities, -0, ties, both ends, for qint8 and quint8.
TEST(XnnpackGraph, QuantizeDequantizeEdgeValuesMatchTheScalarFormula) {
  std::vector<float> x = {__builtin_nanf(""), __builtin_inff(), -__builtin_inff(), -0.0f, 0.0f, 0.25f, 0.75f, -0.25f,
                          -0.75f, 1e9f, -1e9f, 12.5f, 13.5f, -12.5f, 3.0f};
  for (int i = 0; x.size() < 37; i++) x.push_back(float(i * 37 % 101 - 50) * 0.173f);
  for (int16_t dt : {kQint8, kQuint8}) {
    for (int forced = 0; forced < 2; forced++) {
      if (forced) etb::optimized::set_isa_override(etb::optimized::Isa::Scalar);
      Value v;
      v.dtype = dt;
      v.quant = Quant::PerTensor;
      v.scale = 0.5f;
      v.zero_point = dt == kQint8 ? -3 : 128;
      v.numel = x.size();
      std::vector<uint8_t> q(x.size());
      quantize_values(v, x.data(), q.data());
      const int32_t qmin = dt == kQint8 ? -128 : 0, qmax = dt == kQint8 ? 127 : 255;
      int bad = 0;
      for (size_t i = 0; i < x.size(); i++) {
        float s = x[i] * (1.0f / v.scale);
        if (!(s >= float(qmin - v.zero_point))) s = float(qmin - v.zero_point);
        if (s > float(qmax - v.zero_point)) s = float(qmax - v.zero_point);
        const int32_t want = int32_t(nearbyintf(s)) + v.zero_point;
        const int32_t got = dt == kQint8 ? int32_t(int8_t(q[i])) : int32_t(q[i]);
        bad += got != want;
      }
      EXPECT_EQ(bad, 0);
      std::vector<float> back(x.size());
      dequantize_values(v, q.data(), back.data());
      bad = 0;
      for (size_t i = 0; i < x.size(); i++) {
        const int32_t qi = dt == kQint8 ? int32_t(int8_t(q[i])) : int32_t(q[i]);
        bad += back[i] != float(qi - v.zero_point) * v.scale;
      }
      EXPECT_EQ(bad, 0);
      etb::optimized::clear_isa_override();
    }
  }
}

// Quantized unary nodes large enough for the 256-entry table (run_unary_lut):
// sigmoid and a clamp on 5000 qint8 values give what the float round trip
// gives element by element (dequantize, the fp32 function, output range, quantize).
TEST(XnnpackGraph, QuantizedUnaryTableMatchesTheFloatRoundTrip) {
  const uint32_t N = 5000;
  for (uint8_t kind : {uint8_t(kSigmoid), uint8_t(kClamp)}) {
    TestGraph tg;
    uint32_t xf = tg.input({1, N});
    uint32_t xq = tg.value(kQint8, {1, N});
    tg.values[xq].scale = 0.05f; tg.values[xq].zero_point = 3;
    uint32_t yq = tg.value(kQint8, {1, N});
    tg.values[yq].scale = kind == kSigmoid ? 1.0f / 256.0f : 0.04f;
    tg.values[yq].zero_point = kind == kSigmoid ? -128 : -10;
    uint32_t yf = tg.output({1, N});
    tg.node(kConvert, {xf}, xq);
    Node& u = tg.node(kind, {xq}, yq);
    if (kind == kClamp) u.out_min = -0.5f, u.out_max = 3.0f;
    tg.node(kConvert, {yq}, yf);
    ASSERT_EQ(tg.prepare(), Error::Ok);
    std::vector<float> x = ramp(N, 0.61f, 0.013f), y(N);
    for (uint32_t i = 0; i < N; i++) x[i] += float(i % 97) * 0.05f - 2.4f;
    Arg ax({1, int32_t(N)}, x.data()), ay({1, int32_t(N)}, y.data());
    EValue* args[] = {&ax.v, &ay.v};
    ASSERT_EQ(run_graph(tg.g, Span<EValue*>(args, 2), 1, &tg.diag), Error::Ok);
    Value xv = tg.values[xq], yv = tg.values[yq];
    xv.numel = yv.numel = 1;
    int bad = 0;
    for (uint32_t i = 0; i < N; i++) {
      int8_t qx, qy;
      float fx, fy;
      quantize_values(xv, &x[i], &qx);
      dequantize_values(xv, &qx, &fx);
      fy = kind == kSigmoid ? 1.0f / (1.0f + expf(-fx)) : fminf(fmaxf(fx, -0.5f), 3.0f);
      quantize_values(yv, &fy, &qy);
      bad += y[i] != float(int32_t(qy) - yv.zero_point) * yv.scale;
    }
    EXPECT_EQ(bad, 0);
  }
}
