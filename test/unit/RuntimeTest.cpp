//===- RuntimeTest.cpp - runtime core: errors, dtypes, tensors, contexts --===//

#include "RuntimeTestUtil.h"

#include <climits>
#include <cstring>

namespace ldnrt_test {
namespace {

//===----------------------------------------------------------------------===//
// Errors and dtypes
//===----------------------------------------------------------------------===//

TEST(RuntimeErrorTest, NullIsSuccess) {
  EXPECT_STREQ(ldnrt_error_message(nullptr), "success");
  EXPECT_EQ(ldnrt_error_get_code(nullptr), 0);
  ldnrt_error_free(nullptr);
  ldnrt_free(nullptr);
}

TEST(RuntimeDtypeTest, SizesAndNamesRoundTrip) {
  struct {
    ldnrt_dtype dtype;
    const char *name;
    size_t size;
  } cases[] = {
      {LDNRT_DTYPE_F32, "f32", 4},     {LDNRT_DTYPE_F16, "f16", 2},
      {LDNRT_DTYPE_BF16, "bf16", 2},   {LDNRT_DTYPE_F64, "f64", 8},
      {LDNRT_DTYPE_I32, "i32", 4},     {LDNRT_DTYPE_I64, "i64", 8},
      {LDNRT_DTYPE_I8, "i8", 1},       {LDNRT_DTYPE_I1, "i1", 1},
      {LDNRT_DTYPE_INDEX, "index", 8},
  };
  static_assert(sizeof(cases) / sizeof(cases[0]) == LDNRT_DTYPE_COUNT);
  for (const auto &c : cases) {
    EXPECT_EQ(ldnrt_dtype_size(c.dtype), c.size) << c.name;
    EXPECT_STREQ(ldnrt_dtype_name(c.dtype), c.name);
    ldnrt_dtype parsed = LDNRT_DTYPE_F32;
    LDNRT_ASSERT_OK(ldnrt_dtype_from_name(c.name, &parsed));
    EXPECT_EQ(parsed, c.dtype);
  }
}

TEST(RuntimeDtypeTest, RejectsUnknownNames) {
  ldnrt_dtype out;
  LDNRT_EXPECT_ERROR(ldnrt_dtype_from_name("f128", &out),
                     "unknown dtype 'f128'");
  LDNRT_EXPECT_ERROR(ldnrt_dtype_from_name("F32", &out), "unknown dtype");
  LDNRT_EXPECT_ERROR(ldnrt_dtype_from_name("", &out), "unknown dtype");
  EXPECT_EQ(ldnrt_dtype_size(static_cast<ldnrt_dtype>(99)), 0u);
  EXPECT_STREQ(ldnrt_dtype_name(static_cast<ldnrt_dtype>(-1)), "invalid");
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

TEST(RuntimeTensorTest, CreateIsZeroFilledRowMajorAndAligned) {
  Tensor t = makeTensor(LDNRT_DTYPE_F32, {2, 3, 4});
  ASSERT_TRUE(t);
  EXPECT_EQ(ldnrt_tensor_dtype(t.get()), LDNRT_DTYPE_F32);
  EXPECT_EQ(ldnrt_tensor_rank(t.get()), 3u);
  EXPECT_EQ(shapeOf(t.get()), (std::vector<int64_t>{2, 3, 4}));
  const int64_t *s = ldnrt_tensor_strides(t.get());
  EXPECT_EQ((std::vector<int64_t>{s[0], s[1], s[2]}),
            (std::vector<int64_t>{12, 4, 1}));
  EXPECT_EQ(ldnrt_tensor_dim(t.get(), 1), 3);
  EXPECT_EQ(ldnrt_tensor_dim(t.get(), 3), -1);
  EXPECT_EQ(ldnrt_tensor_num_elements(t.get()), 24);
  EXPECT_EQ(ldnrt_tensor_size_bytes(t.get()), 96u);
  EXPECT_TRUE(ldnrt_tensor_is_owned(t.get()));
  EXPECT_TRUE(ldnrt_tensor_is_contiguous(t.get()));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(ldnrt_tensor_data(t.get())) % 64, 0u);
  for (float v : valuesF32(t.get()))
    EXPECT_EQ(v, 0.0f);
}

TEST(RuntimeTensorTest, CreateRankZeroAndEmpty) {
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(ldnrt_tensor_create(LDNRT_DTYPE_I64, 0, nullptr, &raw));
  Tensor scalar(raw);
  EXPECT_EQ(ldnrt_tensor_rank(scalar.get()), 0u);
  EXPECT_EQ(ldnrt_tensor_num_elements(scalar.get()), 1);
  EXPECT_EQ(ldnrt_tensor_size_bytes(scalar.get()), 8u);
  EXPECT_EQ(*static_cast<int64_t *>(ldnrt_tensor_data(scalar.get())), 0);

  Tensor empty = makeTensor(LDNRT_DTYPE_F64, {3, 0, 2});
  ASSERT_TRUE(empty);
  EXPECT_EQ(ldnrt_tensor_num_elements(empty.get()), 0);
  EXPECT_EQ(ldnrt_tensor_size_bytes(empty.get()), 0u);
  EXPECT_NE(ldnrt_tensor_data(empty.get()), nullptr);
  EXPECT_TRUE(ldnrt_tensor_is_contiguous(empty.get()));

  // A zero dimension makes any other dimension harmless.
  for (std::vector<int64_t> shape :
       {std::vector<int64_t>{INT64_MAX, 0, INT64_MAX},
        std::vector<int64_t>{INT64_MAX, INT64_MAX, 0}}) {
    Tensor huge_empty = makeTensor(LDNRT_DTYPE_F64, shape);
    ASSERT_TRUE(huge_empty);
    EXPECT_EQ(ldnrt_tensor_num_elements(huge_empty.get()), 0);
    EXPECT_EQ(ldnrt_tensor_size_bytes(huge_empty.get()), 0u);
    ldnrt_tensor *copy = nullptr;
    LDNRT_ASSERT_OK(ldnrt_tensor_to_contiguous(huge_empty.get(), &copy));
    ldnrt_tensor_free(copy);
  }
}

TEST(RuntimeTensorTest, CreateRejectsBadShapes) {
  ldnrt_tensor *t = reinterpret_cast<ldnrt_tensor *>(0x1);
  int64_t negative[] = {2, -2};
  LDNRT_EXPECT_ERROR(ldnrt_tensor_create(LDNRT_DTYPE_F32, 2, negative, &t),
                     "dimension 1 is negative (-2)");
  EXPECT_EQ(t, nullptr);
  int64_t big[LDNRT_MAX_RANK + 1] = {};
  LDNRT_EXPECT_ERROR(
      ldnrt_tensor_create(LDNRT_DTYPE_F32, LDNRT_MAX_RANK + 1, big, &t),
      "rank 17 exceeds the maximum rank 16");
  LDNRT_EXPECT_ERROR(ldnrt_tensor_create(LDNRT_DTYPE_F32, 2, nullptr, &t),
                     "shape is NULL");
  int64_t ok[] = {2};
  LDNRT_EXPECT_ERROR(
      ldnrt_tensor_create(static_cast<ldnrt_dtype>(42), 1, ok, &t),
      "invalid dtype 42");
  LDNRT_EXPECT_ERROR(ldnrt_tensor_create(LDNRT_DTYPE_F32, 1, ok, nullptr),
                     "out is NULL");
}

TEST(RuntimeTensorTest, CreateRejectsOverflowingShapes) {
  ldnrt_tensor *t = nullptr;
  const std::vector<std::vector<int64_t>> shapes = {
      {int64_t(1) << 32, int64_t(1) << 32},    // element count overflows
      {INT64_MAX, 2},                          // element count overflows
      {int64_t(1) << 62},                      // bytes (x4) overflow
      {int64_t(1) << 31, int64_t(1) << 31, 2}, // bytes overflow
      {3, 5, 7, int64_t(1) << 40, int64_t(1) << 20},
  };
  for (const auto &shape : shapes) {
    LDNRT_EXPECT_ERROR(
        ldnrt_tensor_create(LDNRT_DTYPE_F32, shape.size(), shape.data(), &t),
        "is too large");
    EXPECT_EQ(t, nullptr);
    LDNRT_EXPECT_ERROR(ldnrt_tensor_wrap(LDNRT_DTYPE_F32, shape.size(),
                                         shape.data(), nullptr, nullptr, &t),
                       "is too large");
  }
}

TEST(RuntimeTensorTest, WrapBorrowsCallerMemory) {
  std::vector<int32_t> buf = {1, 2, 3, 4, 5, 6};
  int64_t shape[] = {2, 3};
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_I32, 2, shape, nullptr, buf.data(), &raw));
  Tensor t(raw);
  EXPECT_FALSE(ldnrt_tensor_is_owned(t.get()));
  EXPECT_EQ(ldnrt_tensor_data(t.get()), buf.data());
  EXPECT_TRUE(ldnrt_tensor_is_contiguous(t.get()));
  EXPECT_EQ(ldnrt_tensor_strides(t.get())[0], 3);
  t.reset(); // must not free buf
  EXPECT_EQ(buf[5], 6);
}

TEST(RuntimeTensorTest, WrapStridedViewAndCopyToContiguous) {
  // The transpose of a row-major 2x3 matrix: shape [3, 2], strides [1, 3].
  std::vector<float> buf = {0, 1, 2, 10, 11, 12};
  int64_t shape[] = {3, 2}, strides[] = {1, 3};
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 2, shape, strides, buf.data(), &raw));
  Tensor view(raw);
  EXPECT_FALSE(ldnrt_tensor_is_contiguous(view.get()));
  LDNRT_ASSERT_OK(ldnrt_tensor_to_contiguous(view.get(), &raw));
  Tensor copy(raw);
  EXPECT_TRUE(ldnrt_tensor_is_owned(copy.get()));
  EXPECT_TRUE(ldnrt_tensor_is_contiguous(copy.get()));
  EXPECT_EQ(shapeOf(copy.get()), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(valuesF32(copy.get()), (std::vector<float>{0, 10, 1, 11, 2, 12}));
}

TEST(RuntimeTensorTest, ZeroAndNegativeStrides) {
  std::vector<int16_t> buf = {1, 2, 3, 4};
  // Broadcast a row of 4 to 3 rows (stride 0), reversed (stride -1).
  int64_t shape[] = {3, 4}, strides[] = {0, -1};
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(ldnrt_tensor_wrap(LDNRT_DTYPE_F16, 2, shape, strides,
                                    buf.data() + 3, &raw));
  Tensor view(raw);
  EXPECT_FALSE(ldnrt_tensor_is_contiguous(view.get()));
  LDNRT_ASSERT_OK(ldnrt_tensor_to_contiguous(view.get(), &raw));
  Tensor copy(raw);
  const int16_t *p =
      static_cast<const int16_t *>(ldnrt_tensor_data(copy.get()));
  EXPECT_EQ(std::vector<int16_t>(p, p + 12),
            (std::vector<int16_t>{4, 3, 2, 1, 4, 3, 2, 1, 4, 3, 2, 1}));
}

TEST(RuntimeTensorTest, ContiguityIgnoresUnitDimensions) {
  float buf[3] = {};
  int64_t shape[] = {1, 3, 1}, strides[] = {999, 1, -7};
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 3, shape, strides, buf, &raw));
  Tensor t(raw);
  EXPECT_TRUE(ldnrt_tensor_is_contiguous(t.get()));
}

TEST(RuntimeTensorTest, ToContiguousPermutedRank4) {
  // A row-major [2,3,4,5] array viewed with axes permuted to (3, 1, 0, 2).
  const int64_t full[] = {2, 3, 4, 5};
  const int64_t full_strides[] = {60, 20, 5, 1};
  const int perm[] = {3, 1, 0, 2};
  std::vector<double> buf(120);
  for (size_t i = 0; i < buf.size(); ++i)
    buf[i] = static_cast<double>(i);
  int64_t shape[4], strides[4];
  for (int i = 0; i < 4; ++i) {
    shape[i] = full[perm[i]];
    strides[i] = full_strides[perm[i]];
  }
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F64, 4, shape, strides, buf.data(), &raw));
  Tensor view(raw);
  LDNRT_ASSERT_OK(ldnrt_tensor_to_contiguous(view.get(), &raw));
  Tensor copy(raw);
  const double *p = static_cast<const double *>(ldnrt_tensor_data(copy.get()));
  int64_t n = 0;
  for (int64_t a = 0; a < shape[0]; ++a)
    for (int64_t b = 0; b < shape[1]; ++b)
      for (int64_t c = 0; c < shape[2]; ++c)
        for (int64_t d = 0; d < shape[3]; ++d, ++n)
          ASSERT_EQ(p[n], static_cast<double>(a * strides[0] + b * strides[1] +
                                              c * strides[2] + d * strides[3]));
}

TEST(RuntimeTensorTest, ToContiguousRankZero) {
  double v = 2.5;
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F64, 0, nullptr, nullptr, &v, &raw));
  Tensor view(raw);
  LDNRT_ASSERT_OK(ldnrt_tensor_to_contiguous(view.get(), &raw));
  Tensor copy(raw);
  EXPECT_EQ(*static_cast<double *>(ldnrt_tensor_data(copy.get())), 2.5);
}

TEST(RuntimeTensorTest, WrapRejectsOverflowingStridesAndNullData) {
  float buf[4] = {};
  ldnrt_tensor *t = nullptr;
  int64_t shape[] = {3, 2};
  int64_t huge[] = {INT64_MAX / 2, 1};
  LDNRT_EXPECT_ERROR(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 2, shape, huge, buf, &t),
      "beyond what fits in 64 bits");
  EXPECT_EQ(t, nullptr);
  int64_t min[] = {INT64_MIN, 1};
  LDNRT_EXPECT_ERROR(ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 2, shape, min, buf, &t),
                     "beyond what fits in 64 bits");
  int64_t bytes[] = {INT64_MAX / 4, 1}; // elements fit, bytes do not
  LDNRT_EXPECT_ERROR(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 2, shape, bytes, buf, &t),
      "beyond what fits in 64 bits");
  LDNRT_EXPECT_ERROR(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 2, shape, nullptr, nullptr, &t),
      "data is NULL");
  // No elements: NULL data and any strides are fine.
  int64_t empty[] = {0, 5};
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 2, empty, huge, nullptr, &t));
  ldnrt_tensor_free(t);
}

//===----------------------------------------------------------------------===//
// Contexts
//===----------------------------------------------------------------------===//

TEST(RuntimeContextTest, CpuIsSupported) {
  ldnrt_context *raw = nullptr;
  LDNRT_ASSERT_OK(ldnrt_context_create(LDNRT_BACKEND_CPU, &raw));
  Context ctx(raw);
  EXPECT_EQ(ldnrt_context_backend(ctx.get()), LDNRT_BACKEND_CPU);
  EXPECT_STREQ(ldnrt_backend_name(LDNRT_BACKEND_CPU), "cpu");
}

TEST(RuntimeContextTest, GpuContextsNeedTheirBackend) {
  // Whether they can be created depends on the machine (a CUDA driver and
  // device) and the build (the emulator); when not, the error says why.
  // RuntimeGpuTests checks the messages.
  for (ldnrt_backend b : {LDNRT_BACKEND_CUDA, LDNRT_BACKEND_EMU}) {
    ldnrt_context *raw = reinterpret_cast<ldnrt_context *>(0x1);
    ldnrt_error *err = ldnrt_context_create(b, &raw);
    Context ctx(raw);
    if (err) {
      EXPECT_EQ(raw, nullptr);
      EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_UNSUPPORTED);
      std::string msg = takeError(err);
      EXPECT_NE(msg.find(b == LDNRT_BACKEND_CUDA ? "CUDA" : "emulator"),
                std::string::npos)
          << msg;
    } else {
      EXPECT_EQ(ldnrt_context_backend(raw), b);
    }
  }
  ldnrt_context *raw = nullptr;
  LDNRT_EXPECT_ERROR(ldnrt_context_create(static_cast<ldnrt_backend>(7), &raw),
                     "invalid backend 7");
}

} // namespace
} // namespace ldnrt_test
