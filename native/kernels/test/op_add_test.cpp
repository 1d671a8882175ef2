// Portable elementwise kernels: promotion, broadcasting, dim order.
#include "kernels/generated/kernel_decls.h"
#include "testing/minitest.h"

using namespace etb;

namespace {

struct T {
  Tensor t;
  int32_t sizes[4];
  uint8_t order[4];
  int64_t strides[4];
  T(ScalarType dtype, int dim, const int32_t* s, void* data, const uint8_t* o = nullptr) {
    t.dtype = dtype;
    t.dim = dim;
    t.sizes = sizes;
    t.dim_order = order;
    t.strides = strides;
    for (int i = 0; i < dim; i++) {
      sizes[i] = s[i];
      order[i] = o ? o[i] : uint8_t(i);
    }
    compute_strides(dim, sizes, order, strides);
    t.data = data;
    t.capacity = size_t(t.numel()) * element_size(dtype);
  }
};

Scalar int_scalar(int64_t v) {
  Scalar s;
  s.kind = Scalar::Kind::Int;
  s.i = v;
  return s;
}

}  // namespace

TEST(Add, BroadcastsAndPromotesIntWithFloat) {
  int32_t a[6] = {1, 2, 3, 4, 5, 6};
  float b[3] = {0.5f, 1.5f, 2.5f};
  float out[6] = {0};
  int32_t sa[2] = {2, 3}, sb[1] = {3};
  T ta(ScalarType::Int, 2, sa, a), tb(ScalarType::Float, 1, sb, b), to(ScalarType::Float, 2, sa, out);
  KernelContext ctx("aten::add.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::add_out_prepare(ctx, ta.t, tb.t, int_scalar(2), to.t), Error::Ok);
  ASSERT_EQ(portable::add_out(ctx, ta.t, tb.t, int_scalar(2), to.t), Error::Ok);
  EXPECT_EQ(out[0], 2.0f);
  EXPECT_EQ(out[2], 8.0f);
  EXPECT_EQ(out[5], 11.0f);
}

TEST(Add, IntegerOverflowWraps) {
  int32_t a[1] = {2147483647}, b[1] = {1}, out[1] = {0};
  int32_t s[1] = {1};
  T ta(ScalarType::Int, 1, s, a), tb(ScalarType::Int, 1, s, b), to(ScalarType::Int, 1, s, out);
  KernelContext ctx("aten::add.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::add_out(ctx, ta.t, tb.t, int_scalar(1), to.t), Error::Ok);
  EXPECT_EQ(out[0], -2147483647 - 1);
}

TEST(Add, FloatIntoIntOutIsRejectedAtPrepare) {
  float a[1] = {1};
  int32_t out[1];
  int32_t s[1] = {1};
  T ta(ScalarType::Float, 1, s, a), to(ScalarType::Int, 1, s, out);
  Diag diag;
  KernelContext ctx("aten::add.out", &diag, nullptr, nullptr);
  EXPECT_EQ(portable::add_out_prepare(ctx, ta.t, ta.t, int_scalar(1), to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "aten::add.out: result type float32 cannot be cast to the out dtype int32");
}

TEST(Add, IncompatibleShapesNameBoth) {
  float a[6] = {0}, b[4] = {0}, out[6];
  int32_t sa[2] = {2, 3}, sb[1] = {4};
  T ta(ScalarType::Float, 2, sa, a), tb(ScalarType::Float, 1, sb, b), to(ScalarType::Float, 2, sa, out);
  Diag diag;
  KernelContext ctx("aten::add.out", &diag, nullptr, nullptr);
  EXPECT_EQ(portable::add_out(ctx, ta.t, tb.t, int_scalar(1), to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "[2, 3] and [4]");
}

TEST(Mul, BoolIsLogicalAnd) {
  uint8_t a[2] = {1, 1}, b[2] = {0, 1}, out[2] = {9, 9};
  int32_t s[1] = {2};
  T ta(ScalarType::Bool, 1, s, a), tb(ScalarType::Bool, 1, s, b), to(ScalarType::Bool, 1, s, out);
  KernelContext ctx("aten::mul.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::mul_out(ctx, ta.t, tb.t, to.t), Error::Ok);
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(out[1], 1);
}

TEST(CloneDimOrder, ConvertsNchwToNhwc) {
  float in[12], out[12];
  for (int i = 0; i < 12; i++) in[i] = float(i);
  int32_t s[4] = {1, 3, 2, 2};
  const uint8_t nhwc[4] = {0, 2, 3, 1};
  T ti(ScalarType::Float, 4, s, in), to(ScalarType::Float, 4, s, out, nhwc);
  int64_t order_values[4] = {0, 2, 3, 1};
  Optional<Span<const int64_t>> order;
  order.has_value = true;
  order.value = Span<const int64_t>(order_values, 4);
  KernelContext ctx("dim_order_ops::_clone_dim_order.out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::clone_dim_order_out_prepare(ctx, ti.t, false, order, to.t), Error::Ok);
  ASSERT_EQ(portable::clone_dim_order_out(ctx, ti.t, false, order, to.t), Error::Ok);
  // NHWC memory: for each (h, w), the 3 channels.
  EXPECT_EQ(out[0], 0.0f);
  EXPECT_EQ(out[1], 4.0f);
  EXPECT_EQ(out[2], 8.0f);
  EXPECT_EQ(out[3], 1.0f);
  EXPECT_EQ(out[11], 11.0f);
}

TEST(AddScalar, IntTensorPlusIntScalarStaysInt) {
  int32_t a[3] = {1, -2, 3}, out[3] = {0};
  int32_t s[1] = {3};
  T ta(ScalarType::Int, 1, s, a), to(ScalarType::Int, 1, s, out);
  KernelContext ctx("aten::add.Scalar_out", nullptr, nullptr, nullptr);
  ASSERT_EQ(portable::add_scalar_out_prepare(ctx, ta.t, int_scalar(5), int_scalar(2), to.t), Error::Ok);
  ASSERT_EQ(portable::add_scalar_out(ctx, ta.t, int_scalar(5), int_scalar(2), to.t), Error::Ok);
  EXPECT_EQ(out[0], 11);
  EXPECT_EQ(out[1], 8);
}

TEST(MulScalar, FloatScalarPromotesIntTensorToFloat) {
  int32_t a[2] = {3, -4};
  float out[2] = {0};
  int32_t s[1] = {2};
  T ta(ScalarType::Int, 1, s, a), to(ScalarType::Float, 1, s, out), wrong(ScalarType::Int, 1, s, a);
  Scalar half;
  half.kind = Scalar::Kind::Double;
  half.d = 0.5;
  Diag diag;
  KernelContext ctx("aten::mul.Scalar_out", &diag, nullptr, nullptr);
  EXPECT_EQ(portable::mul_scalar_out_prepare(ctx, ta.t, half, wrong.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(diag.message, "result type float32 must equal the out dtype int32");
  ASSERT_EQ(portable::mul_scalar_out_prepare(ctx, ta.t, half, to.t), Error::Ok);
  ASSERT_EQ(portable::mul_scalar_out(ctx, ta.t, half, to.t), Error::Ok);
  EXPECT_EQ(out[0], 1.5f);
  EXPECT_EQ(out[1], -2.0f);
}
