//===- ReferenceArrayTest.cpp - Array, Result and SplitMix64 --------------===//

#include "ReferenceTestUtil.h"

namespace ldn::reference {
namespace {

using namespace testutil;

TEST(ArrayTest, ShapeStridesAndRowMajorAccess) {
  Array a(Shape{2, 3, 4}, 0.5);
  EXPECT_EQ(a.rank(), 3);
  EXPECT_EQ(a.numElements(), 24);
  EXPECT_EQ(a.strides(), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(a.at({1, 2, 3}), 0.5);
  a.at({1, 2, 3}) = 7.0;
  EXPECT_EQ(a[1 * 12 + 2 * 4 + 3], 7.0);
  EXPECT_EQ(a.offsetOf({1, 0, 2}), 14);
  EXPECT_EQ(a.shapeString(), "[2,3,4]");
}

TEST(ArrayTest, RankZeroAndZeroSizedArrays) {
  Array s = Array::scalar(2.5);
  EXPECT_EQ(s.rank(), 0);
  EXPECT_EQ(s.numElements(), 1);
  EXPECT_EQ(s.at({}), 2.5);
  EXPECT_TRUE(s.strides().empty());

  Array empty(Shape{2, 0, 3});
  EXPECT_EQ(empty.numElements(), 0);
  EXPECT_TRUE(empty.isWellFormed());
}

TEST(ArrayTest, FromDataChecksElementCount) {
  Result<Array> good = Array::fromData({2, 2}, {1, 2, 3, 4});
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(good->at({1, 0}), 3.0);

  Result<Array> bad = Array::fromData({2, 3}, {1, 2, 3});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("needs 6"), std::string::npos) << bad.error();

  Result<Array> negative = Array::fromData({-1, 2}, {});
  EXPECT_FALSE(negative.ok());
}

TEST(ArrayTest, IllFormedArraysAreRejectedByOps) {
  Array x(Shape{1, 4, 2});
  x.data().pop_back(); // Storage no longer matches the shape.
  EXPECT_FALSE(x.isWellFormed());
  Result<Array> r =
      diffuse(x, Array(Shape{1}, 1.0), Array(Shape{2}, 1.0), DiffuseOptions{});
  expectError(r, {"'x'", "ill-formed"});

  Array negative(Shape{2, -3, 1});
  EXPECT_FALSE(negative.isWellFormed());
  expectError(longConv(negative, Array(Shape{1, 2}), LongConvOptions{}),
              {"'v'"});
}

TEST(ResultTest, HoldsValueOrError) {
  Result<int> value = 3;
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 3);
  EXPECT_TRUE(value.error().empty());
  Result<int> error = Error{"boom"};
  EXPECT_FALSE(error.ok());
  EXPECT_FALSE(static_cast<bool>(error));
  EXPECT_EQ(error.error(), "boom");
}

// The standard SplitMix64 generator adds the golden-ratio increment to its
// state and then scrambles it; `mix` in ops.md is that scramble applied to
// state + increment, so the generator seeded with 0 yields mix(0),
// mix(increment), mix(2 * increment), ... These outputs were confirmed with
// an independent implementation (Python, arbitrary-precision integers masked
// to 64 bits).
TEST(SplitMix64Test, MatchesStandardGeneratorSeededWithZero) {
  const uint64_t increment = 0x9E3779B97F4A7C15ULL;
  EXPECT_EQ(splitMix64(0), 0xE220A8397B1DCDAFULL);
  EXPECT_EQ(splitMix64(increment), 0x6E789E6AA1B965F4ULL);
  EXPECT_EQ(splitMix64(2 * increment), 0x06C45D188009454FULL);
  EXPECT_EQ(splitMix64(3 * increment), 0xF88BB8A8724C81ECULL);
  EXPECT_EQ(splitMix64(4 * increment), 0x1B39896A51A8749BULL);
}

TEST(SplitMix64Test, RandomKeyIsMixOfSeedQueryAndIndexModT) {
  // mix(7 ^ (3 << 20) ^ 2) = 0x46B3D496A8FC2FB5, and that mod 100 is 29
  // (computed independently).
  EXPECT_EQ(splitMix64(7ULL ^ (3ULL << 20) ^ 2ULL), 0x46B3D496A8FC2FB5ULL);
  EXPECT_EQ(patternRandomKey(7, 3, 2, 100), 29);
  // The shift is applied on unsigned 64-bit integers: large t and all-ones
  // seeds are well defined and every key lands in [0, T).
  for (int64_t T : kAwkwardLengths)
    for (int64_t t = 0; t < 5; ++t)
      for (int64_t j = 0; j < 5; ++j) {
        const int64_t key = patternRandomKey(~0ULL, (1LL << 40) + t, j, T);
        EXPECT_GE(key, 0);
        EXPECT_LT(key, T);
        EXPECT_EQ(static_cast<uint64_t>(key),
                  splitMix64(~0ULL ^ (static_cast<uint64_t>((1LL << 40) + t)
                                      << 20) ^
                             static_cast<uint64_t>(j)) %
                      static_cast<uint64_t>(T));
      }
}

} // namespace
} // namespace ldn::reference
