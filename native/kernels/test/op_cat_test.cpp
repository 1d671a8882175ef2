// cat, stack, split_with_sizes_copy, split_copy, unbind_copy.
#include "kernels/test/shape_test_util.h"

using namespace etb;
using namespace shape_test;

TEST(Cat, SkipsLegacyEmptyAndResizes) {
  float a[2] = {1, 2}, b[4] = {3, 4, 5, 6}, out[6] = {0};
  int32_t sa[2] = {1, 2}, sb[2] = {2, 2}, se[1] = {0}, so[2] = {1, 2};
  T ta(ScalarType::Float, 2, sa, a), tb(ScalarType::Float, 2, sb, b), te(ScalarType::Float, 1, se, nullptr);
  T to(ScalarType::Float, 2, so, out, nullptr, sizeof(out));
  List l({&ta, &te, &tb});
  Ctx c("aten::cat.out");
  ASSERT_EQ(portable::cat_out_prepare(c.ctx, l.list, 0, to.t), Error::Ok);
  ASSERT_EQ(portable::cat_out(c.ctx, l.list, 0, to.t), Error::Ok);
  EXPECT_EQ(to.sizes[0], 3);
  for (int i = 0; i < 6; i++) EXPECT_EQ(out[i], float(i + 1));
}

TEST(Cat, ChannelsLastInputAlongLastDim) {
  // a: logical [1, 2, 1, 1] = {1, 2}; b: logical [1, 2, 1, 2] = {3, 4, 5, 6} stored NHWC {3, 5, 4, 6}.
  float a[2] = {1, 2}, b[4] = {3, 5, 4, 6}, out[6] = {0};
  int32_t sa[4] = {1, 2, 1, 1}, sb[4] = {1, 2, 1, 2}, so[4] = {1, 2, 1, 3};
  const uint8_t nhwc[4] = {0, 2, 3, 1};
  T ta(ScalarType::Float, 4, sa, a), tb(ScalarType::Float, 4, sb, b, nhwc), to(ScalarType::Float, 4, so, out);
  List l({&ta, &tb});
  Ctx c("aten::cat.out");
  ASSERT_EQ(portable::cat_out(c.ctx, l.list, -1, to.t), Error::Ok);
  const float want[6] = {1, 3, 4, 2, 5, 6};
  for (int i = 0; i < 6; i++) EXPECT_EQ(out[i], want[i]);
}

TEST(Cat, MismatchedSizesAndDtypesFail) {
  float a[2] = {0}, out[8];
  int32_t b[3] = {0};
  int32_t sa[2] = {1, 2}, sb[2] = {1, 3}, so[2] = {2, 2};
  T ta(ScalarType::Float, 2, sa, a), tb(ScalarType::Float, 2, sb, b), ti(ScalarType::Int, 2, sa, b);
  T to(ScalarType::Float, 2, so, out);
  List l1({&ta, &tb}), l2({&ta, &ti});
  Ctx c("aten::cat.out");
  EXPECT_EQ(portable::cat_out(c.ctx, l1.list, 0, to.t), Error::InvalidArgument);
  EXPECT_EQ(portable::cat_out_prepare(c.ctx, l2.list, 0, to.t), Error::Ok);
  T tio(ScalarType::Int, 2, so, out);
  Ctx c2("aten::cat.out");
  EXPECT_EQ(portable::cat_out_prepare(c2.ctx, l2.list, 0, tio.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c2.diag.message, "tensors[0] is float32, which cannot be cast to out's int32");
}

TEST(Cat, CastsInputsToOutDtype) {
  int32_t a[2] = {-1, 2};
  float b[2] = {0.5f, 1.5f}, out[4] = {0};
  int32_t s[1] = {2}, so[1] = {4};
  T ta(ScalarType::Int, 1, s, a), tb(ScalarType::Float, 1, s, b), to(ScalarType::Float, 1, so, out);
  List l({&ta, &tb});
  Ctx c("aten::cat.out");
  ASSERT_EQ(portable::cat_out(c.ctx, l.list, 0, to.t), Error::Ok);
  EXPECT_EQ(out[0], -1.0f);
  EXPECT_EQ(out[1], 2.0f);
  EXPECT_EQ(out[3], 1.5f);
}

TEST(Stack, NewLastDim) {
  int8_t a[2] = {1, 2}, b[2] = {3, 4}, out[4] = {0};
  int32_t s[1] = {2}, so[2] = {2, 2};
  T ta(ScalarType::Char, 1, s, a), tb(ScalarType::Char, 1, s, b), to(ScalarType::Char, 2, so, out);
  List l({&ta, &tb});
  Ctx c("aten::stack.out");
  ASSERT_EQ(portable::stack_out(c.ctx, l.list, -1, to.t), Error::Ok);
  const int8_t want[4] = {1, 3, 2, 4};
  for (int i = 0; i < 4; i++) EXPECT_EQ(out[i], want[i]);
}

TEST(SplitWithSizesCopy, PiecesAndSumCheck) {
  float in[6] = {0, 1, 2, 3, 4, 5}, o1[2] = {0}, o2[4] = {0};
  int32_t si[2] = {3, 2}, s1[2] = {1, 2}, s2[2] = {2, 2};
  T ti(ScalarType::Float, 2, si, in), t1(ScalarType::Float, 2, s1, o1), t2(ScalarType::Float, 2, s2, o2);
  List l({&t1, &t2});
  Ctx c("aten::split_with_sizes_copy.out");
  ASSERT_EQ(portable::split_with_sizes_copy_out(c.ctx, ti.t, ints({1, 2}), 0, l.list), Error::Ok);
  EXPECT_EQ(o1[1], 1.0f);
  EXPECT_EQ(o2[0], 2.0f);
  EXPECT_EQ(o2[3], 5.0f);
  EXPECT_EQ(portable::split_with_sizes_copy_out(c.ctx, ti.t, ints({1, 1}), 0, l.list), Error::InvalidArgument);
}

TEST(SplitCopy, ShortLastPiece) {
  int64_t in[5] = {0, 1, 2, 3, 4}, o1[3] = {0}, o2[2] = {0};
  int32_t si[1] = {5}, s1[1] = {3}, s2[1] = {2};
  T ti(ScalarType::Long, 1, si, in), t1(ScalarType::Long, 1, s1, o1), t2(ScalarType::Long, 1, s2, o2);
  List l({&t1, &t2});
  Ctx c("aten::split_copy.Tensor_out");
  ASSERT_EQ(portable::split_copy_tensor_out(c.ctx, ti.t, 3, 0, l.list), Error::Ok);
  EXPECT_EQ(o2[1], 4);
  EXPECT_EQ(portable::split_copy_tensor_out(c.ctx, ti.t, 2, 0, l.list), Error::InvalidArgument);
}

TEST(UnbindCopy, SelectsEachIndex) {
  int16_t in[6] = {0, 1, 2, 3, 4, 5}, o[3][2] = {};
  int32_t si[2] = {2, 3}, so[1] = {2};
  T ti(ScalarType::Short, 2, si, in), t0(ScalarType::Short, 1, so, o[0]), t1(ScalarType::Short, 1, so, o[1]),
      t2(ScalarType::Short, 1, so, o[2]);
  List l({&t0, &t1, &t2});
  Ctx c("aten::unbind_copy.int_out");
  ASSERT_EQ(portable::unbind_copy_int_out(c.ctx, ti.t, 1, l.list), Error::Ok);
  EXPECT_EQ(o[2][0], 2);
  EXPECT_EQ(o[2][1], 5);
}

TEST(SplitCopy, HugeSizesDoNotOverflow) {
  int64_t in[5] = {0, 1, 2, 3, 4}, o1[5] = {0}, o2[5] = {0};
  int32_t si[1] = {5};
  T ti(ScalarType::Long, 1, si, in), t1(ScalarType::Long, 1, si, o1), t2(ScalarType::Long, 1, si, o2);
  List one({&t1}), two({&t1, &t2});
  Ctx c("aten::split_copy.Tensor_out");
  ASSERT_EQ(portable::split_copy_tensor_out(c.ctx, ti.t, INT64_MAX, 0, one.list), Error::Ok);
  EXPECT_EQ(o1[4], 4);
  Ctx w("aten::split_with_sizes_copy.out");
  EXPECT_EQ(portable::split_with_sizes_copy_out(w.ctx, ti.t, ints({5, INT64_MAX}), 0, two.list), Error::InvalidArgument);
}
