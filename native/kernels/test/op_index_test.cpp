// index.Tensor, index_put, index_select, embedding: advanced indexing
// layouts, bool masks, None entries, accumulation and bounds errors.
#include "kernels/test/shape_test_util.h"

using namespace etb;
using namespace shape_test;

namespace {
float iota[24] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};
}

TEST(Index, NoneThenIndexKeepsPlace) {
  // x[2, 3, 4][:, [2, 0]] -> [2, 2, 4]
  int64_t idx[2] = {2, 0};
  float out[16] = {0};
  int32_t sx[3] = {2, 3, 4}, si[1] = {2}, so[3] = {1, 1, 1};
  T tx(ScalarType::Float, 3, sx, iota), ti(ScalarType::Long, 1, si, idx);
  T to(ScalarType::Float, 3, so, out, nullptr, sizeof(out));
  List l({nullptr, &ti});
  Ctx c("aten::index.Tensor_out");
  ASSERT_EQ(portable::index_tensor_out(c.ctx, tx.t, l.list, to.t), Error::Ok);
  EXPECT_EQ(to.sizes[0], 2);
  EXPECT_EQ(to.sizes[1], 2);
  EXPECT_EQ(to.sizes[2], 4);
  EXPECT_EQ(out[0], 8.0f);
  EXPECT_EQ(out[4], 0.0f);
  EXPECT_EQ(out[8], 20.0f);
}

TEST(Index, NonAdjacentIndicesMoveToTheFront) {
  // x[2, 3, 4][[1, 0], :, [-1, 1]] -> [2, 3]: rows x[1, :, 3] and x[0, :, 1]
  int32_t i0[2] = {1, 0}, i2[2] = {-1, 1};
  float out[6] = {0};
  int32_t sx[3] = {2, 3, 4}, si[1] = {2}, so[2] = {2, 3};
  T tx(ScalarType::Float, 3, sx, iota), ta(ScalarType::Int, 1, si, i0), tb(ScalarType::Int, 1, si, i2);
  T to(ScalarType::Float, 2, so, out);
  List l({&ta, nullptr, &tb});
  Ctx c("aten::index.Tensor_out");
  ASSERT_EQ(portable::index_tensor_out(c.ctx, tx.t, l.list, to.t), Error::Ok);
  const float want[6] = {15, 19, 23, 1, 5, 9};
  for (int i = 0; i < 6; i++) EXPECT_EQ(out[i], want[i]);
}

TEST(Index, BroadcastIndexTensors) {
  // x[3, 4][[[0], [2]], [1, 3]] -> [2, 2]
  int64_t rows[2] = {0, 2}, cols[2] = {1, 3};
  float out[4] = {0};
  int32_t sx[2] = {3, 4}, sr[2] = {2, 1}, sc[1] = {2}, so[2] = {2, 2};
  T tx(ScalarType::Float, 2, sx, iota), tr(ScalarType::Long, 2, sr, rows), tc(ScalarType::Long, 1, sc, cols);
  T to(ScalarType::Float, 2, so, out);
  List l({&tr, &tc});
  Ctx c("aten::index.Tensor_out");
  ASSERT_EQ(portable::index_tensor_out(c.ctx, tx.t, l.list, to.t), Error::Ok);
  const float want[4] = {1, 3, 9, 11};
  for (int i = 0; i < 4; i++) EXPECT_EQ(out[i], want[i]);
}

TEST(Index, BoolMaskSelectsTrueElements) {
  uint8_t mask[3] = {1, 0, 1};
  float out[8] = {0};
  int32_t sx[2] = {3, 4}, sm[1] = {3}, so[2] = {3, 4};
  T tx(ScalarType::Float, 2, sx, iota), tm(ScalarType::Bool, 1, sm, mask);
  T to(ScalarType::Float, 2, so, out, nullptr, sizeof(out));
  List l({&tm});
  Ctx c("aten::index.Tensor_out");
  ASSERT_EQ(portable::index_tensor_out(c.ctx, tx.t, l.list, to.t), Error::Ok);
  EXPECT_EQ(to.sizes[0], 2);
  EXPECT_EQ(out[3], 3.0f);
  EXPECT_EQ(out[4], 8.0f);
}

TEST(Index, OutOfRangeNamesIndexAndDim) {
  int64_t idx[1] = {-4};
  float out[4];
  int32_t sx[2] = {3, 4}, si[1] = {1}, so[2] = {3, 1};
  T tx(ScalarType::Float, 2, sx, iota), ti(ScalarType::Long, 1, si, idx), to(ScalarType::Float, 2, so, out);
  List l({nullptr, &ti});
  Ctx c("aten::index.Tensor_out");
  ASSERT_EQ(portable::index_tensor_out(c.ctx, tx.t, l.list, to.t), Error::Ok);
  idx[0] = 4;
  EXPECT_EQ(portable::index_tensor_out(c.ctx, tx.t, l.list, to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "index 4 is out of bounds for dim 1 with size 4");
}

TEST(IndexPut, KvCacheUpdateInPlace) {
  // cache[1, 2, 4, 2][:, :, [pos]] = v[1, 2, 1, 2]; out is the cache itself.
  float cache[16] = {0};
  float v[4] = {1, 2, 3, 4};
  int64_t pos[1] = {3};
  int32_t sc[4] = {1, 2, 4, 2}, sv[4] = {1, 2, 1, 2}, sp[1] = {1};
  T tc(ScalarType::Float, 4, sc, cache), tv(ScalarType::Float, 4, sv, v), tp(ScalarType::Long, 1, sp, pos);
  List l({nullptr, nullptr, &tp});
  Ctx c("aten::index_put.out");
  ASSERT_EQ(portable::index_put_out_prepare(c.ctx, tc.t, l.list, tv.t, false, tc.t), Error::Ok);
  ASSERT_EQ(portable::index_put_out(c.ctx, tc.t, l.list, tv.t, false, tc.t), Error::Ok);
  EXPECT_EQ(cache[6], 1.0f);
  EXPECT_EQ(cache[7], 2.0f);
  EXPECT_EQ(cache[14], 3.0f);
  EXPECT_EQ(cache[15], 4.0f);
  EXPECT_EQ(cache[5], 0.0f);
}

TEST(IndexPut, AccumulateSumsDuplicatesAndBroadcastsValues) {
  int32_t self[4] = {1, 1, 1, 1}, out[4] = {0}, val[1] = {5};
  int64_t idx[3] = {2, 2, 0};
  int32_t s[1] = {4}, si[1] = {3}, sv[1] = {1};
  T ts(ScalarType::Int, 1, s, self), to(ScalarType::Int, 1, s, out), ti(ScalarType::Long, 1, si, idx),
      tv(ScalarType::Int, 1, sv, val);
  List l({&ti});
  Ctx c("aten::index_put.out");
  ASSERT_EQ(portable::index_put_out(c.ctx, ts.t, l.list, tv.t, true, to.t), Error::Ok);
  EXPECT_EQ(out[0], 6);
  EXPECT_EQ(out[1], 1);
  EXPECT_EQ(out[2], 11);
  EXPECT_EQ(self[2], 1);
  idx[1] = 9;
  EXPECT_EQ(portable::index_put_out(c.ctx, ts.t, l.list, tv.t, false, to.t), Error::InvalidArgument);
  EXPECT_STR_CONTAINS(c.diag.message, "index 9 is out of bounds for dim 0 with size 4");
}

TEST(IndexSelect, ChannelsLastAndNegativeIndexRejected) {
  // x logical [1, 2, 1, 2] = {0, 1, 2, 3} stored NHWC {0, 2, 1, 3}; pick channel 1.
  float in[4] = {0, 2, 1, 3}, out[2] = {0};
  int64_t idx[1] = {1};
  int32_t sx[4] = {1, 2, 1, 2}, so[4] = {1, 1, 1, 2}, si[1] = {1};
  const uint8_t nhwc[4] = {0, 2, 3, 1};
  T tx(ScalarType::Float, 4, sx, in, nhwc), ti(ScalarType::Long, 1, si, idx), to(ScalarType::Float, 4, so, out);
  Ctx c("aten::index_select.out");
  ASSERT_EQ(portable::index_select_out(c.ctx, tx.t, 1, ti.t, to.t), Error::Ok);
  EXPECT_EQ(out[0], 2.0f);
  EXPECT_EQ(out[1], 3.0f);
  idx[0] = -1;
  EXPECT_EQ(portable::index_select_out(c.ctx, tx.t, 1, ti.t, to.t), Error::InvalidArgument);
}

TEST(Embedding, Int32IndicesAndBounds) {
  float w[6] = {0, 1, 10, 11, 20, 21}, out[6] = {0};
  int32_t idx[3] = {2, 0, 2};
  int32_t sw[2] = {3, 2}, si[1] = {3}, so[2] = {3, 2};
  T tw(ScalarType::Float, 2, sw, w), ti(ScalarType::Int, 1, si, idx), to(ScalarType::Float, 2, so, out);
  Ctx c("aten::embedding.out");
  ASSERT_EQ(portable::embedding_out(c.ctx, tw.t, ti.t, -1, false, false, to.t), Error::Ok);
  EXPECT_EQ(out[0], 20.0f);
  EXPECT_EQ(out[3], 1.0f);
  EXPECT_EQ(out[5], 21.0f);
  idx[1] = 3;
  EXPECT_EQ(portable::embedding_out(c.ctx, tw.t, ti.t, -1, false, false, to.t), Error::InvalidArgument);
}
