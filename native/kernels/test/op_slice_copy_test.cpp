// slice_copy, select_copy, narrow_copy: ATen's bound handling and errors.
#include "kernels/test/shape_test_util.h"

using namespace etb;
using namespace shape_test;

TEST(SliceCopy, NegativeStartNoEndStepTwo) {
  int32_t in[7] = {0, 1, 2, 3, 4, 5, 6}, out[7] = {0};
  int32_t si[1] = {7}, so[1] = {7};
  T ti(ScalarType::Int, 1, si, in), to(ScalarType::Int, 1, so, out, nullptr, sizeof(out));
  Ctx c("aten::slice_copy.Tensor_out");
  Optional<int64_t> none;
  ASSERT_EQ(portable::slice_copy_tensor_out(c.ctx, ti.t, 0, some(-5), none, 2, to.t), Error::Ok);
  EXPECT_EQ(to.sizes[0], 3);
  EXPECT_EQ(out[0], 2);
  EXPECT_EQ(out[2], 6);
}

TEST(SliceCopy, ClampsHugeEndAndEmptiesReversedRange) {
  int32_t in[4] = {0, 1, 2, 3}, out[4] = {0};
  int32_t s[2] = {2, 2};
  T ti(ScalarType::Int, 2, s, in), to(ScalarType::Int, 2, s, out, nullptr, sizeof(out));
  Ctx c("aten::slice_copy.Tensor_out");
  ASSERT_EQ(portable::slice_copy_tensor_out(c.ctx, ti.t, 1, some(1), some(INT64_MAX), 1, to.t), Error::Ok);
  EXPECT_EQ(to.sizes[1], 1);
  EXPECT_EQ(out[1], 3);
  ASSERT_EQ(portable::slice_copy_tensor_out(c.ctx, ti.t, 1, some(2), some(-2), 1, to.t), Error::Ok);
  EXPECT_EQ(to.sizes[1], 0);
  EXPECT_EQ(portable::slice_copy_tensor_out(c.ctx, ti.t, 1, some(0), some(2), 0, to.t), Error::InvalidArgument);
}

TEST(SelectCopy, NegativeIndexAndOutOfRangeError) {
  float in[6] = {0, 1, 2, 3, 4, 5}, out[2] = {0};
  int32_t si[2] = {2, 3}, so[1] = {2};
  T ti(ScalarType::Float, 2, si, in), to(ScalarType::Float, 1, so, out);
  Ctx c("aten::select_copy.int_out");
  ASSERT_EQ(portable::select_copy_int_out(c.ctx, ti.t, 1, -1, to.t), Error::Ok);
  EXPECT_EQ(out[0], 2.0f);
  EXPECT_EQ(out[1], 5.0f);
  EXPECT_EQ(portable::select_copy_int_out(c.ctx, ti.t, 1, 3, to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "index 3 is out of range for dim 1 of size 3");
}

TEST(NarrowCopy, DoesNotClamp) {
  float in[4] = {0, 1, 2, 3}, out[2] = {0};
  int32_t si[1] = {4}, so[1] = {2};
  T ti(ScalarType::Float, 1, si, in), to(ScalarType::Float, 1, so, out);
  Ctx c("aten::narrow_copy.out");
  ASSERT_EQ(portable::narrow_copy_out(c.ctx, ti.t, 0, -2, 2, to.t), Error::Ok);
  EXPECT_EQ(out[0], 2.0f);
  EXPECT_EQ(portable::narrow_copy_out(c.ctx, ti.t, 0, 3, 2, to.t), Error::InvalidArgument);
}

TEST(SliceCopy, HugeArgumentsDoNotOverflow) {
  int32_t in[4] = {0, 1, 2, 3}, out[4] = {0};
  int32_t s[1] = {4};
  T ti(ScalarType::Int, 1, s, in), to(ScalarType::Int, 1, s, out, nullptr, sizeof(out));
  Ctx c("aten::slice_copy.Tensor_out");
  ASSERT_EQ(portable::slice_copy_tensor_out(c.ctx, ti.t, 0, some(1), some(INT64_MAX), INT64_MAX, to.t), Error::Ok);
  EXPECT_EQ(to.sizes[0], 1);
  EXPECT_EQ(out[0], 1);
  ASSERT_EQ(portable::slice_copy_tensor_out(c.ctx, ti.t, 0, some(INT64_MIN), some(INT64_MIN), 1, to.t), Error::Ok);
  EXPECT_EQ(to.sizes[0], 0);
  Ctx n("aten::narrow_copy.out");
  EXPECT_EQ(portable::narrow_copy_out(n.ctx, ti.t, 0, 2, INT64_MAX, to.t), Error::InvalidArgument);
  Ctx p("aten::constant_pad_nd.out");
  EXPECT_EQ(portable::constant_pad_nd_out(p.ctx, ti.t, ints({INT64_MAX, INT64_MAX}), int_scalar(0), to.t),
            Error::InvalidArgument);
}
