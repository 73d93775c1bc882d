//===- IoTestUtil.h - helpers for the .npy/.safetensors tests ----*- C++
//-*-===//

#ifndef LDN_TEST_UNIT_IOTESTUTIL_H
#define LDN_TEST_UNIT_IOTESTUTIL_H

#include "RuntimeTestUtil.h"

#include <cstring>
#include <string>
#include <vector>

namespace ldnrt_test {

/// Shapes of ranks 0 to 4, with a unit and an odd dimension.
inline const std::vector<std::vector<int64_t>> kShapesByRank = {
    {}, {5}, {2, 3}, {2, 1, 3}, {2, 3, 1, 2}};

/// A tensor of `dtype` and `shape` filled with a byte pattern derived from
/// `seed` (0/1 for i1 so that booleans stay canonical).
inline Tensor patterned(ldnrt_dtype dtype, const std::vector<int64_t> &shape,
                        unsigned seed) {
  Tensor t = makeTensor(dtype, shape);
  if (!t)
    return t;
  auto *p = static_cast<unsigned char *>(ldnrt_tensor_data(t.get()));
  size_t n = ldnrt_tensor_size_bytes(t.get());
  for (size_t i = 0; i < n; ++i)
    p[i] = dtype == LDNRT_DTYPE_I1
               ? (i * 7 + seed) % 3 == 0
               : static_cast<unsigned char>(i * 31 + seed * 17 + 1);
  return t;
}

inline std::string bytesOf(const ldnrt_tensor *t) {
  return std::string(static_cast<const char *>(ldnrt_tensor_data(t)),
                     ldnrt_tensor_size_bytes(t));
}

/// Expects `b` to equal `a` in shape and bytes, with dtype `dtype`.
inline void expectSameTensor(const ldnrt_tensor *a, const ldnrt_tensor *b,
                             ldnrt_dtype dtype) {
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(ldnrt_tensor_dtype(b), dtype);
  EXPECT_EQ(shapeOf(b), shapeOf(a));
  EXPECT_TRUE(ldnrt_tensor_is_owned(b));
  EXPECT_TRUE(ldnrt_tensor_is_contiguous(b));
  EXPECT_EQ(bytesOf(b), bytesOf(a));
}

inline std::string le64(uint64_t v) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i)
    s[i] = static_cast<char>(v >> (8 * i));
  return s;
}

} // namespace ldnrt_test

#endif // LDN_TEST_UNIT_IOTESTUTIL_H
