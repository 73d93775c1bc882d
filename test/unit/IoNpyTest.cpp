//===- IoNpyTest.cpp - .npy reader and writer -----------------------------===//
//
// Round trips through the writer, hand-built files for what the writer never
// produces (versions 2.0/3.0, Fortran order, Python 2 longs), and hostile
// files: every prefix of valid files, bad magic, bad header dicts, sizes.
//
//===----------------------------------------------------------------------===//

#include "IoTestUtil.h"

namespace ldnrt_test {
namespace {

/// An .npy file with header dict `dict` (padded to a multiple of 64 like
/// NumPy does) followed by `data`.
std::string npyFile(const std::string &dict, const std::string &data,
                    int major = 1) {
  size_t prefix = major == 1 ? 10 : 12;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64)
    header += ' ';
  header += '\n';
  std::string out = "\x93NUMPY";
  out += static_cast<char>(major);
  out += '\0';
  for (size_t i = 0; i < prefix - 8; ++i)
    out += static_cast<char>(header.size() >> (8 * i));
  return out + header + data;
}

std::string readError(const std::string &file) {
  ldnrt_tensor *t = reinterpret_cast<ldnrt_tensor *>(0x1);
  ldnrt_error *err = ldnrt_npy_read_memory(file.data(), file.size(), &t);
  if (!err) {
    ldnrt_tensor_free(t);
    return "";
  }
  EXPECT_EQ(t, nullptr);
  EXPECT_NE(ldnrt_error_get_code(err), 0);
  return takeError(err);
}

Tensor readOk(const std::string &file) {
  ldnrt_tensor *t = nullptr;
  ldnrt_error *err = ldnrt_npy_read_memory(file.data(), file.size(), &t);
  if (err)
    ADD_FAILURE() << takeError(err);
  return Tensor(t);
}

std::string writeMemory(const ldnrt_tensor *t) {
  void *data = nullptr;
  size_t size = 0;
  ldnrt_error *err = ldnrt_npy_write_memory(t, &data, &size);
  if (err) {
    ADD_FAILURE() << takeError(err);
    return "";
  }
  Buffer owner(data);
  return std::string(static_cast<const char *>(data), size);
}

std::string f32Bytes(std::vector<float> v) {
  return std::string(reinterpret_cast<const char *>(v.data()),
                     v.size() * sizeof(float));
}

TEST(IoNpyTest, RoundTripsEveryDtypeAndRank) {
  const ldnrt_dtype dtypes[] = {
      LDNRT_DTYPE_F32, LDNRT_DTYPE_F16, LDNRT_DTYPE_F64, LDNRT_DTYPE_I32,
      LDNRT_DTYPE_I64, LDNRT_DTYPE_I8,  LDNRT_DTYPE_I1,  LDNRT_DTYPE_INDEX};
  unsigned seed = 0;
  for (ldnrt_dtype dtype : dtypes) {
    for (const auto &shape : kShapesByRank) {
      SCOPED_TRACE(std::string(ldnrt_dtype_name(dtype)) + " rank " +
                   std::to_string(shape.size()));
      Tensor t = patterned(dtype, shape, ++seed);
      std::string file = writeMemory(t.get());
      ASSERT_GE(file.size(), 64u);
      EXPECT_EQ(file.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
      size_t header_len = static_cast<unsigned char>(file[8]) |
                          static_cast<unsigned char>(file[9]) << 8;
      EXPECT_EQ((10 + header_len) % 64, 0u);
      EXPECT_EQ(file[10 + header_len - 1], '\n');
      Tensor back = readOk(file);
      expectSameTensor(t.get(), back.get(),
                       dtype == LDNRT_DTYPE_INDEX ? LDNRT_DTYPE_I64 : dtype);
    }
  }
}

TEST(IoNpyTest, WritesTheHeaderNumpyWrites) {
  Tensor t = makeF32({2, 3}, {0, 1, 2, 3, 4, 5});
  std::string file = writeMemory(t.get());
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  EXPECT_EQ(file, npyFile(dict, f32Bytes({0, 1, 2, 3, 4, 5})));
  EXPECT_EQ(file.size(), 128u + 24u);

  Tensor v = makeTensor(LDNRT_DTYPE_I1, {7});
  EXPECT_NE(writeMemory(v.get()).find("{'descr': '|b1', 'fortran_order': "
                                      "False, 'shape': (7,), }"),
            std::string::npos);
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(ldnrt_tensor_create(LDNRT_DTYPE_I8, 0, nullptr, &raw));
  Tensor s(raw);
  EXPECT_NE(writeMemory(s.get()).find("'shape': (), }"), std::string::npos);
}

TEST(IoNpyTest, WritesNonContiguousTensorsInRowMajorOrder) {
  std::vector<float> buf = {0, 1, 2, 3, 4, 5};
  int64_t shape[] = {3, 2}, strides[] = {1, 3};
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 2, shape, strides, buf.data(), &raw));
  Tensor view(raw);
  Tensor back = readOk(writeMemory(view.get()));
  ASSERT_TRUE(back);
  EXPECT_EQ(shapeOf(back.get()), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(valuesF32(back.get()), (std::vector<float>{0, 3, 1, 4, 2, 5}));
}

TEST(IoNpyTest, RejectsBf16) {
  Tensor t = makeTensor(LDNRT_DTYPE_BF16, {2});
  void *data = nullptr;
  size_t size = 0;
  LDNRT_EXPECT_ERROR(ldnrt_npy_write_memory(t.get(), &data, &size),
                     "dtype bf16 has no .npy equivalent (write it as "
                     ".safetensors)");
  EXPECT_EQ(data, nullptr);
  EXPECT_NE(readError(npyFile("{'descr': '<V2', 'fortran_order': False, "
                              "'shape': (1,), }",
                              "ab"))
                .find("unsupported dtype '<V2'"),
            std::string::npos);
}

TEST(IoNpyTest, FileRoundTripAndPathInErrors) {
  ScratchDir dir;
  std::string path = dir.file("x.npy");
  Tensor t = patterned(LDNRT_DTYPE_F64, {3, 4}, 9);
  LDNRT_ASSERT_OK(ldnrt_npy_write(path.c_str(), t.get()));
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(ldnrt_npy_read(path.c_str(), &raw));
  Tensor back(raw);
  expectSameTensor(t.get(), back.get(), LDNRT_DTYPE_F64);

  std::string missing = dir.file("missing.npy");
  LDNRT_EXPECT_ERROR(ldnrt_npy_read(missing.c_str(), &raw),
                     missing + ": cannot open: No such file or directory");
  LDNRT_EXPECT_ERROR(ldnrt_npy_read(dir.path().c_str(), &raw),
                     dir.path() + ": not a regular file");
  std::string bad = dir.file("bad.npy");
  writeFile(bad, std::string("\x93NUMPX\x01\x00\x00\x00", 10));
  LDNRT_EXPECT_ERROR(ldnrt_npy_read(bad.c_str(), &raw),
                     bad + ": not an .npy file (bad magic)");
  std::string unwritable = dir.file("no/such/dir/y.npy");
  LDNRT_EXPECT_ERROR(ldnrt_npy_write(unwritable.c_str(), t.get()),
                     unwritable + ": cannot open for writing: No such file");
  // A truncated file read through the file path (not memory).
  std::string full = readFile(path);
  writeFile(bad, full.substr(0, full.size() - 1));
  LDNRT_EXPECT_ERROR(ldnrt_npy_read(bad.c_str(), &raw), "truncated data");
}

TEST(IoNpyTest, ReadsVersions2And3) {
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  for (int major : {2, 3}) {
    Tensor t = readOk(npyFile(dict, f32Bytes({1.5f, -2}), major));
    ASSERT_TRUE(t);
    EXPECT_EQ(valuesF32(t.get()), (std::vector<float>{1.5f, -2}));
  }
}

TEST(IoNpyTest, ReadsFortranOrderAsRowMajor) {
  // A 2x3 array [[0, 1, 2], [3, 4, 5]] stored column by column.
  Tensor t = readOk(npyFile("{'descr': '<f4', 'fortran_order': True, "
                            "'shape': (2, 3), }",
                            f32Bytes({0, 3, 1, 4, 2, 5})));
  ASSERT_TRUE(t);
  EXPECT_EQ(shapeOf(t.get()), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(valuesF32(t.get()), (std::vector<float>{0, 1, 2, 3, 4, 5}));

  // Rank 3: element (i, j, k) is at i + 2 j + 6 k in Fortran order.
  std::vector<float> fortran(24), expected(24);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) {
        float v = static_cast<float>(100 * i + 10 * j + k);
        fortran[i + 2 * j + 6 * k] = v;
        expected[(i * 3 + j) * 4 + k] = v;
      }
  t = readOk(npyFile("{'descr': '<f4', 'fortran_order': True, "
                     "'shape': (2, 3, 4), }",
                     f32Bytes(fortran)));
  ASSERT_TRUE(t);
  EXPECT_EQ(valuesF32(t.get()), expected);

  for (const char *shape : {"(0, 3)", "(4611686018427387904, 0, 8)",
                            "(4611686018427387904, 4611686018427387904, 0)"}) {
    t = readOk(npyFile(std::string("{'descr': '<f4', 'fortran_order': True, "
                                   "'shape': ") +
                           shape + ", }",
                       ""));
    ASSERT_TRUE(t) << shape;
    EXPECT_EQ(ldnrt_tensor_num_elements(t.get()), 0);
  }
}

TEST(IoNpyTest, AcceptsHeaderVariants) {
  std::string one = f32Bytes({7});
  const char *dicts[] = {
      // key order, double quotes, no trailing comma, odd spacing
      "{'shape': (1,), 'fortran_order': False, 'descr': '<f4'}",
      "{\"descr\": \"<f4\", \"fortran_order\": False, \"shape\": (1,)}",
      "{ 'descr' : '<f4' ,'fortran_order':False,'shape':( 1 , ) , }",
      // Python 2 long literal
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1L,), }",
  };
  for (const char *dict : dicts) {
    Tensor t = readOk(npyFile(dict, one));
    ASSERT_TRUE(t) << dict;
    EXPECT_EQ(valuesF32(t.get()), (std::vector<float>{7})) << dict;
  }
  Tensor t = readOk(npyFile(
      "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1, 1,), }", one));
  ASSERT_TRUE(t);
  EXPECT_EQ(shapeOf(t.get()), (std::vector<int64_t>{1, 1, 1}));
}

TEST(IoNpyTest, RejectsBadHeaders) {
  const std::string one = f32Bytes({7});
  const struct {
    const char *dict;
    const char *error;
  } cases[] = {
      {"", "expected '{' at the start of the header"},
      {"{}", "missing key 'descr'"},
      {"{'descr': '<f4', 'shape': (1,)}", "missing key 'fortran_order'"},
      {"{'descr': '<f4', 'fortran_order': False}", "missing key 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}",
       "unexpected key 'x'"},
      {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, "
       "'shape': (1,)}",
       "duplicate key 'descr'"},
      {"{'descr': '>f4', 'fortran_order': False, 'shape': (1,)}",
       "big-endian dtype '>f4' is not supported"},
      {"{'descr': '<u4', 'fortran_order': False, 'shape': (1,)}",
       "unsupported dtype '<u4' (supported: <f4 <f2 <f8 <i4 <i8 |i1 |b1; "
       "bf16 has no .npy dtype)"},
      {"{'descr': '<i2', 'fortran_order': False, 'shape': (1,)}",
       "unsupported dtype '<i2'"},
      {"{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}",
       "structured dtypes are not supported"},
      {"{'descr': 4, 'fortran_order': False, 'shape': (1,)}",
       "expected a string"},
      {"{'descr': '<f4, 'fortran_order': False, 'shape': (1,)}",
       "expected ',' or '}'"},
      {"{'descr' '<f4', 'fortran_order': False, 'shape': (1,)}",
       "expected ':' after a key"},
      {"{'descr': '<f4', 'fortran_order': 'no', 'shape': (1,)}",
       "'fortran_order' must be True or False"},
      {"{'descr': '<f4', 'fortran_order': Falsey, 'shape': (1,)}",
       "'fortran_order' must be True or False"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}",
       "'shape' has a negative dimension"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1)}",
       "'shape' must be a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': [1]}",
       "'shape' must be a tuple"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1.0,)}",
       "expected ',' or ')' in 'shape'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1, x)}",
       "'shape' must be a tuple of integers"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,,)}",
       "'shape' must be a tuple of integers"},
      {"{'descr': '<f4', 'fortran_order': False, "
       "'shape': (99999999999999999999,)}",
       "does not fit in 64 bits"},
      {"{'descr': '<f4', 'fortran_order': False, "
       "'shape': (4294967296, 4294967296)}",
       "is too large"},
      {"{'descr': '<f8', 'fortran_order': False, "
       "'shape': (1152921504606846976, 8)}",
       "is too large"},
      {"{'descr': '<f4', 'fortran_order': False, "
       "'shape': (1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1)}",
       "more than 16 dimensions"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)} extra",
       "unexpected text after '}'"},
      {"{'descr': '<f4' 'fortran_order': False, 'shape': (1,)}",
       "expected ',' or '}'"},
      {"{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1,)}",
       "unsupported character in a string"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,)",
       "expected ',' or '}'"},
      {"{'descr': '<f4', 'fortran_order': False, 'shape': (1,),",
       "expected a string"},
      {"{'descr': '<f4", "unterminated string"},
      {"{'descr': 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
       "aaaaaaaaaaaaa', 'fortran_order': False, 'shape': (1,)}",
       "string longer than 64 characters"},
  };
  for (const auto &c : cases) {
    std::string msg = readError(npyFile(c.dict, one));
    EXPECT_NE(msg.find(c.error), std::string::npos)
        << "dict: " << c.dict << "\nmessage: " << msg;
  }
}

TEST(IoNpyTest, RejectsBadPreamblesAndSizes) {
  const std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  const std::string good = npyFile(dict, f32Bytes({1, 2}));
  EXPECT_EQ(readError(good), "");
  EXPECT_EQ(readError(""), "not an .npy file (0 bytes is too short)");

  std::string bad = good;
  bad[0] = 'x';
  EXPECT_EQ(readError(bad), "not an .npy file (bad magic)");
  bad = good;
  bad[6] = 4;
  EXPECT_EQ(readError(bad),
            "unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)");
  bad = good;
  bad[7] = 1;
  EXPECT_NE(readError(bad).find("unsupported .npy format version 1.1"),
            std::string::npos);
  bad = good;
  bad[6] = 0;
  EXPECT_NE(readError(bad).find("version 0.0"), std::string::npos);

  // Header lengths beyond the file, for v1 (16 bits) and v2 (32 bits).
  bad = good;
  bad[8] = bad[9] = '\xff';
  EXPECT_NE(readError(bad).find("header length 65535 exceeds the file size"),
            std::string::npos);
  std::string v2 = npyFile(dict, f32Bytes({1, 2}), 2);
  v2[8] = v2[9] = v2[10] = v2[11] = '\xff';
  EXPECT_NE(readError(v2).find("header length 4294967295 exceeds the file "
                               "size"),
            std::string::npos);

  EXPECT_EQ(readError(npyFile(dict, f32Bytes({1}))),
            "truncated data: shape needs 8 bytes, the file has 4");
  EXPECT_EQ(readError(npyFile(dict, f32Bytes({1, 2, 3}))),
            "4 unexpected bytes after the array data");
  EXPECT_NE(readError(npyFile(dict, f32Bytes({1, 2}) + "x"))
                .find("1 "
                      "unexpected"),
            std::string::npos);
}

TEST(IoNpyTest, EveryPrefixOfAValidFileIsAnError) {
  std::vector<std::string> files;
  Tensor t = patterned(LDNRT_DTYPE_I32, {3, 2}, 5);
  files.push_back(writeMemory(t.get()));
  files.push_back(npyFile("{'descr': '<f4', 'fortran_order': True, "
                          "'shape': (2, 2), }",
                          f32Bytes({1, 2, 3, 4}), 2));
  for (const std::string &file : files) {
    ASSERT_EQ(readError(file), "");
    for (size_t n = 0; n < file.size(); ++n) {
      // A copy of exactly n bytes, so that tools like valgrind see any
      // read past the end.
      std::vector<char> prefix(file.begin(), file.begin() + n);
      ldnrt_tensor *out = nullptr;
      ldnrt_error *err = ldnrt_npy_read_memory(prefix.data(), n, &out);
      ASSERT_NE(err, nullptr) << "prefix of " << n << " bytes was accepted";
      EXPECT_EQ(out, nullptr);
      ldnrt_error_free(err);
    }
  }
}

TEST(IoNpyTest, SurvivesEveryCorruptedByte) {
  // Flip each byte of a valid file to a few values: any outcome is fine
  // except a crash or an out-of-bounds access.
  Tensor t = patterned(LDNRT_DTYPE_F32, {2, 3}, 3);
  const std::string file = writeMemory(t.get());
  const char values[] = {'\0', '\xff', '(', ',', '-', '9', '\'', '}'};
  for (size_t i = 0; i < file.size() - 24; ++i) {
    for (char v : values) {
      std::vector<char> copy(file.begin(), file.end());
      copy[i] = v;
      ldnrt_tensor *out = nullptr;
      ldnrt_error *err = ldnrt_npy_read_memory(copy.data(), copy.size(), &out);
      EXPECT_TRUE((err == nullptr) != (out == nullptr));
      ldnrt_error_free(err);
      ldnrt_tensor_free(out);
    }
  }
}

TEST(IoNpyTest, NullArguments) {
  ldnrt_tensor *t = nullptr;
  LDNRT_EXPECT_ERROR(ldnrt_npy_read(nullptr, &t), "path is NULL");
  LDNRT_EXPECT_ERROR(ldnrt_npy_read_memory("x", 1, nullptr), "out is NULL");
  EXPECT_EQ(readError(std::string()),
            "not an .npy file (0 bytes is too short)");
  LDNRT_EXPECT_ERROR(ldnrt_npy_read_memory(nullptr, 100, &t), "too short");
  void *data;
  size_t size;
  LDNRT_EXPECT_ERROR(ldnrt_npy_write_memory(nullptr, &data, &size),
                     "tensor is NULL");
}

} // namespace
} // namespace ldnrt_test
