// Runner helpers: statistics as the contract defines them, hashing, seeding.
#include "runner/inputs.h"
#include "runner/sha256.h"
#include "runner/stats.h"
#include "testing/minitest.h"

using namespace etb::runner;

TEST(Stats, NearestRankPercentiles) {
  std::vector<double> s = {5, 1, 4, 2, 3, 10, 9, 8, 7, 6};
  LatencyStats st = summarize(s);
  EXPECT_EQ(st.min, 1.0);
  EXPECT_EQ(st.p50, 5.0);   // ceil(0.5 * 10) = 5th
  EXPECT_EQ(st.p90, 9.0);   // 9th
  EXPECT_EQ(st.p99, 10.0);  // ceil(9.9) = 10th
  EXPECT_EQ(st.mean, 5.5);
  EXPECT_TRUE(st.stddev > 3.0276 && st.stddev < 3.0277);  // n - 1 denominator
}

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_hex(reinterpret_cast<const uint8_t*>("abc"), 3),
            std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  EXPECT_EQ(sha256_hex(nullptr, 0), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
}

TEST(Inputs, SplitMix64Sequence) {
  SplitMix64 rng(0);
  EXPECT_EQ(rng.next(), 0xe220a8397b1dcdafull);
  EXPECT_EQ(rng.next(), 0x6e789e6aa1b965f4ull);
}

TEST(Inputs, FloatsAreInUnitRange) {
  SplitMix64 rng(42);
  TensorData t;
  t.dtype = etb::ScalarType::Float;
  t.shape = {1000};
  fill_random(t, rng);
  const float* v = reinterpret_cast<const float*>(t.bytes.data());
  for (int i = 0; i < 1000; i++) EXPECT_TRUE(v[i] >= -1.0f && v[i] < 1.0f);
}
