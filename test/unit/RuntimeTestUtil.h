//===- RuntimeTestUtil.h - helpers for the runtime unit tests ----*- C++
//-*-===//
//
// RAII owners for the runtime's C objects, error checking that frees the
// error, and a scratch directory per test.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_TEST_UNIT_RUNTIMETESTUTIL_H
#define LDN_TEST_UNIT_RUNTIMETESTUTIL_H

#include "ldnrt/io.h"
#include "ldnrt/ldnrt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace ldnrt_test {

struct TensorDeleter {
  void operator()(ldnrt_tensor *t) const { ldnrt_tensor_free(t); }
};
struct MapDeleter {
  void operator()(ldnrt_tensor_map *m) const { ldnrt_tensor_map_free(m); }
};
struct ContextDeleter {
  void operator()(ldnrt_context *c) const { ldnrt_context_free(c); }
};
struct ArtifactDeleter {
  void operator()(ldnrt_artifact *a) const { ldnrt_artifact_free(a); }
};
struct BufferDeleter {
  void operator()(void *p) const { ldnrt_free(p); }
};
using Tensor = std::unique_ptr<ldnrt_tensor, TensorDeleter>;
using Map = std::unique_ptr<ldnrt_tensor_map, MapDeleter>;
using Context = std::unique_ptr<ldnrt_context, ContextDeleter>;
using Artifact = std::unique_ptr<ldnrt_artifact, ArtifactDeleter>;
using Buffer = std::unique_ptr<void, BufferDeleter>;

/// The error's message ("" for success), freeing the error.
inline std::string takeError(ldnrt_error *err) {
  std::string msg = err ? ldnrt_error_message(err) : "";
  ldnrt_error_free(err);
  return msg;
}

/// Fails the test with the message if `expr` returned an error.
#define LDNRT_ASSERT_OK(expr)                                                  \
  do {                                                                         \
    ldnrt_error *ldnrt_err_ = (expr);                                          \
    ASSERT_EQ(ldnrt_err_, nullptr) << ::ldnrt_test::takeError(ldnrt_err_);     \
  } while (0)

/// Expects `expr` to fail with a message containing `needle`.
#define LDNRT_EXPECT_ERROR(expr, needle)                                       \
  do {                                                                         \
    ldnrt_error *ldnrt_err_ = (expr);                                          \
    EXPECT_NE(ldnrt_err_, nullptr)                                             \
        << "expected an error containing: " << (needle);                       \
    if (ldnrt_err_) {                                                          \
      std::string ldnrt_msg_ = ::ldnrt_test::takeError(ldnrt_err_);            \
      EXPECT_NE(ldnrt_msg_.find(needle), std::string::npos)                    \
          << "message: " << ldnrt_msg_;                                        \
    }                                                                          \
  } while (0)

/// A new owned tensor; fails the calling test (via ADD_FAILURE) on error.
inline Tensor makeTensor(ldnrt_dtype dtype, std::vector<int64_t> shape) {
  ldnrt_tensor *t = nullptr;
  ldnrt_error *err = ldnrt_tensor_create(dtype, shape.size(), shape.data(), &t);
  if (err)
    ADD_FAILURE() << takeError(err);
  return Tensor(t);
}

/// A new f32 tensor holding `values` (row-major).
inline Tensor makeF32(std::vector<int64_t> shape, std::vector<float> values) {
  Tensor t = makeTensor(LDNRT_DTYPE_F32, std::move(shape));
  if (t &&
      values.size() == static_cast<size_t>(ldnrt_tensor_num_elements(t.get())))
    std::copy(values.begin(), values.end(),
              static_cast<float *>(ldnrt_tensor_data(t.get())));
  else
    ADD_FAILURE() << "makeF32: value count does not match the shape";
  return t;
}

inline std::vector<int64_t> shapeOf(const ldnrt_tensor *t) {
  return std::vector<int64_t>(ldnrt_tensor_shape(t),
                              ldnrt_tensor_shape(t) + ldnrt_tensor_rank(t));
}

inline std::vector<float> valuesF32(const ldnrt_tensor *t) {
  const float *p = static_cast<const float *>(ldnrt_tensor_data(t));
  return std::vector<float>(p, p + ldnrt_tensor_num_elements(t));
}

/// A fresh directory, removed with its files at destruction.
class ScratchDir {
public:
  ScratchDir() {
    std::string templ = ::testing::TempDir() + "ldnrt-test-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data()))
      ADD_FAILURE() << "mkdtemp failed";
    path_ = buf.data();
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string &name) const { return path_ + "/" + name; }
  const std::string &path() const { return path_; }

private:
  std::string path_;
};

/// Writes `bytes` to `path`.
inline void writeFile(const std::string &path, const std::string &bytes) {
  FILE *f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  ASSERT_EQ(std::fclose(f), 0);
}

inline std::string readFile(const std::string &path) {
  std::string out;
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f)
    return out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0)
    out.append(buf, n);
  std::fclose(f);
  return out;
}

} // namespace ldnrt_test

#endif // LDN_TEST_UNIT_RUNTIMETESTUTIL_H
