//===- IoSafetensorsTest.cpp - .safetensors reader/writer, tensor maps ----===//
//
// Round trips through the writer, hand-built headers, and hostile files:
// every prefix of valid files, bad header lengths, malformed JSON, offsets
// out of range / overlapping / reversed, shape overflow, unknown dtypes.
//
//===----------------------------------------------------------------------===//

#include "IoTestUtil.h"

namespace ldnrt_test {
namespace {

/// A .safetensors file: 8-byte length, `json` padded to a multiple of 8,
/// then `data`.
std::string stFile(std::string json, const std::string &data) {
  while (json.size() % 8)
    json += ' ';
  return le64(json.size()) + json + data;
}

std::string readError(const std::string &file) {
  ldnrt_tensor_map *m = reinterpret_cast<ldnrt_tensor_map *>(0x1);
  ldnrt_error *err =
      ldnrt_safetensors_read_memory(file.data(), file.size(), &m);
  if (!err) {
    ldnrt_tensor_map_free(m);
    return "";
  }
  EXPECT_EQ(m, nullptr);
  return takeError(err);
}

Map readOk(const std::string &file) {
  ldnrt_tensor_map *m = nullptr;
  ldnrt_error *err =
      ldnrt_safetensors_read_memory(file.data(), file.size(), &m);
  if (err)
    ADD_FAILURE() << takeError(err);
  return Map(m);
}

std::string writeMemory(const ldnrt_tensor_map *map) {
  void *data = nullptr;
  size_t size = 0;
  ldnrt_error *err = ldnrt_safetensors_write_memory(map, &data, &size);
  if (err) {
    ADD_FAILURE() << takeError(err);
    return "";
  }
  Buffer owner(data);
  return std::string(static_cast<const char *>(data), size);
}

Map newMap() {
  ldnrt_tensor_map *m = nullptr;
  ldnrt_error *err = ldnrt_tensor_map_create(&m);
  if (err)
    ADD_FAILURE() << takeError(err);
  return Map(m);
}

void insert(ldnrt_tensor_map *map, const std::string &name, Tensor t) {
  ldnrt_error *err = ldnrt_tensor_map_insert(map, name.c_str(), t.get());
  if (err)
    ADD_FAILURE() << takeError(err);
  else
    t.release();
}

/// One F32 tensor "a" of shape [2] at [0, 8) plus whatever `extra` adds.
std::string header(const std::string &a_info, const std::string &extra = "") {
  return "{\"a\":" + a_info + extra + "}";
}
const std::string kA = R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})";

TEST(IoSafetensorsTest, RoundTripsEveryDtypeAndRank) {
  const ldnrt_dtype dtypes[] = {
      LDNRT_DTYPE_F32, LDNRT_DTYPE_F16, LDNRT_DTYPE_BF16,
      LDNRT_DTYPE_F64, LDNRT_DTYPE_I32, LDNRT_DTYPE_I64,
      LDNRT_DTYPE_I8,  LDNRT_DTYPE_I1,  LDNRT_DTYPE_INDEX};
  Map map = newMap();
  Map expected = newMap();
  unsigned seed = 0;
  for (ldnrt_dtype dtype : dtypes)
    for (const auto &shape : kShapesByRank) {
      std::string name = std::string(ldnrt_dtype_name(dtype)) + "_rank" +
                         std::to_string(shape.size());
      insert(map.get(), name, patterned(dtype, shape, ++seed));
      insert(expected.get(), name, patterned(dtype, shape, seed));
    }
  std::string file = writeMemory(map.get());
  ASSERT_GE(file.size(), 8u);
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i)
    header_len = header_len << 8 | static_cast<unsigned char>(file[i]);
  EXPECT_EQ(header_len % 8, 0u);
  EXPECT_EQ(file[8], '{');
  EXPECT_NE(file.find("\"f32_rank2\":{\"dtype\":\"F32\",\"shape\":[2, 3],"
                      "\"data_offsets\":["),
            std::string::npos);
  EXPECT_NE(file.find("\"i1_rank0\":{\"dtype\":\"BOOL\",\"shape\":[]"),
            std::string::npos);

  Map back = readOk(file);
  ASSERT_TRUE(back);
  size_t n = ldnrt_tensor_map_size(expected.get());
  ASSERT_EQ(ldnrt_tensor_map_size(back.get()), n);
  for (size_t i = 0; i < n; ++i) {
    const ldnrt_tensor *t = ldnrt_tensor_map_tensor(expected.get(), i);
    SCOPED_TRACE(ldnrt_tensor_map_name(expected.get(), i));
    EXPECT_STREQ(ldnrt_tensor_map_name(back.get(), i),
                 ldnrt_tensor_map_name(expected.get(), i));
    ldnrt_dtype dtype = ldnrt_tensor_dtype(t) == LDNRT_DTYPE_INDEX
                            ? LDNRT_DTYPE_I64
                            : ldnrt_tensor_dtype(t);
    expectSameTensor(t, ldnrt_tensor_map_tensor(back.get(), i), dtype);
  }
}

TEST(IoSafetensorsTest, WritesExactBytes) {
  Map map = newMap();
  insert(map.get(), "w", makeF32({2}, {1, 2}));
  insert(map.get(), "e\"s\\c", makeTensor(LDNRT_DTYPE_I8, {0}));
  std::string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
                     "\"data_offsets\":[0,8]},"
                     "\"e\\\"s\\\\c\":{\"dtype\":\"I8\",\"shape\":[0],"
                     "\"data_offsets\":[8,8]}}";
  float data[2] = {1, 2};
  EXPECT_EQ(writeMemory(map.get()),
            stFile(json, std::string(reinterpret_cast<char *>(data), 8)));
  Map back = readOk(writeMemory(map.get()));
  ASSERT_TRUE(back);
  EXPECT_NE(ldnrt_tensor_map_lookup(back.get(), "e\"s\\c"), nullptr);

  Map empty = newMap();
  EXPECT_EQ(writeMemory(empty.get()), stFile("{}", ""));
  back = readOk(stFile("{}", ""));
  ASSERT_TRUE(back);
  EXPECT_EQ(ldnrt_tensor_map_size(back.get()), 0u);
}

TEST(IoSafetensorsTest, FileRoundTripAndPathInErrors) {
  ScratchDir dir;
  std::string path = dir.file("w.safetensors");
  Map map = newMap();
  insert(map.get(), "x", patterned(LDNRT_DTYPE_BF16, {4, 3}, 1));
  insert(map.get(), "y", patterned(LDNRT_DTYPE_I64, {2}, 2));
  LDNRT_ASSERT_OK(ldnrt_safetensors_write(path.c_str(), map.get()));
  ldnrt_tensor_map *raw = nullptr;
  LDNRT_ASSERT_OK(ldnrt_safetensors_read(path.c_str(), &raw));
  Map back(raw);
  ASSERT_EQ(ldnrt_tensor_map_size(back.get()), 2u);
  expectSameTensor(ldnrt_tensor_map_lookup(map.get(), "x"),
                   ldnrt_tensor_map_lookup(back.get(), "x"), LDNRT_DTYPE_BF16);
  expectSameTensor(ldnrt_tensor_map_lookup(map.get(), "y"),
                   ldnrt_tensor_map_lookup(back.get(), "y"), LDNRT_DTYPE_I64);

  std::string missing = dir.file("missing.safetensors");
  LDNRT_EXPECT_ERROR(ldnrt_safetensors_read(missing.c_str(), &raw),
                     missing + ": cannot open: No such file or directory");
  std::string full = readFile(path);
  std::string cut = dir.file("cut.safetensors");
  writeFile(cut, full.substr(0, full.size() - 1));
  LDNRT_EXPECT_ERROR(ldnrt_safetensors_read(cut.c_str(), &raw),
                     cut + ": tensor 'y': data_offsets");
  std::string nowhere = dir.file("no/dir/w.safetensors");
  LDNRT_EXPECT_ERROR(ldnrt_safetensors_write(nowhere.c_str(), map.get()),
                     nowhere + ": cannot open for writing");
}

TEST(IoSafetensorsTest, ReadsHandWrittenFiles) {
  float a[2] = {1.5f, -3};
  std::string data(reinterpret_cast<char *>(a), 8);
  // __metadata__ is ignored; whitespace and key order are free; the map
  // keeps header order, not offset order.
  std::string json =
      "{\"__metadata__\": {\"format\": \"pt\"},\n"
      " \"z\": {\"shape\": [], \"data_offsets\": [4, 8], \"dtype\": \"F32\"},\n"
      " \"a\": {\"dtype\": \"F32\", \"shape\": [1, 1], \"data_offsets\": [0, "
      "4]}}";
  Map m = readOk(stFile(json, data));
  ASSERT_TRUE(m);
  ASSERT_EQ(ldnrt_tensor_map_size(m.get()), 2u);
  EXPECT_STREQ(ldnrt_tensor_map_name(m.get(), 0), "z");
  EXPECT_STREQ(ldnrt_tensor_map_name(m.get(), 1), "a");
  EXPECT_EQ(valuesF32(ldnrt_tensor_map_lookup(m.get(), "z")),
            (std::vector<float>{-3}));
  EXPECT_EQ(valuesF32(ldnrt_tensor_map_lookup(m.get(), "a")),
            (std::vector<float>{1.5f}));
  EXPECT_EQ(ldnrt_tensor_map_lookup(m.get(), "__metadata__"), nullptr);
  // Unpadded headers are fine too.
  std::string unpadded = header(kA);
  EXPECT_EQ(readError(le64(unpadded.size()) + unpadded + data), "");
}

TEST(IoSafetensorsTest, RejectsBadHeaderLengths) {
  const std::string data(8, '\0');
  EXPECT_EQ(readError(""),
            "not a .safetensors file (0 bytes is shorter than the 8-byte "
            "header length)");
  EXPECT_EQ(readError("1234567"),
            "not a .safetensors file (7 bytes is shorter than the 8-byte "
            "header length)");
  std::string json = header(kA);
  const std::string file = le64(json.size() + data.size() + 1) + json + data;
  EXPECT_EQ(readError(file), "header length " +
                                 std::to_string(json.size() + 9) +
                                 " exceeds the file size (" +
                                 std::to_string(file.size()) + " bytes)");
  EXPECT_NE(readError(le64(uint64_t(1) << 63) + json + data)
                .find("header length 9223372036854775808 exceeds the file "
                      "size"),
            std::string::npos);
  EXPECT_NE(readError(le64(~uint64_t(0)) + json + data)
                .find("header length 18446744073709551615 exceeds"),
            std::string::npos);
  EXPECT_EQ(readError(le64(0) + json + data),
            "header is not a JSON object (it must start with '{')");
}

TEST(IoSafetensorsTest, RejectsMalformedHeaders) {
  const std::string data(8, '\0');
  const struct {
    std::string json;
    const char *error;
  } cases[] = {
      {"{\"a\": ", "header is not valid JSON"},
      {"{\"a\": {\"dtype\": \"F32\",}}", "header is not valid JSON"},
      {"[1, 2]", "header is not a JSON object (it must start with '{')"},
      {" {}", "it must start with '{'"},
      {header(kA) + "x", "header has unexpected bytes after the JSON object"},
      {header(kA) + "{}", "header has unexpected bytes after the JSON object"},
      {std::string("{\"a\"\0:1}", 8),
       "header has a control byte (0x00) at offset 4"},
      {"{\"a\x01\":1}", "header has a control byte (0x01) at offset 3"},
      {header("7"), "tensor 'a': expected a JSON object"},
      {header(R"({"shape":[2],"data_offsets":[0,8]})"),
       "tensor 'a': missing field 'dtype'"},
      {header(R"({"dtype":"F32","data_offsets":[0,8]})"),
       "tensor 'a': missing field 'shape'"},
      {header(R"({"dtype":"F32","shape":[2]})"),
       "tensor 'a': missing field 'data_offsets'"},
      {header(R"({"dtype":"U8","shape":[8],"data_offsets":[0,8]})"),
       "tensor 'a': unsupported dtype 'U8' (supported: F32 F16 BF16 F64 I32 "
       "I64 I8 BOOL)"},
      {header(R"({"dtype":"f32","shape":[2],"data_offsets":[0,8]})"),
       "unsupported dtype 'f32'"},
      {header(R"({"dtype":4,"shape":[2],"data_offsets":[0,8]})"),
       "tensor 'a': dtype must be a string"},
      {header(R"({"dtype":"F32","shape":2,"data_offsets":[0,8]})"),
       "tensor 'a': shape must be an array"},
      {header(R"({"dtype":"F32","shape":[-2],"data_offsets":[0,8]})"),
       "tensor 'a': shape[0] is not a non-negative integer"},
      {header(R"({"dtype":"F32","shape":[2.5],"data_offsets":[0,8]})"),
       "tensor 'a': shape[0] is not a non-negative integer"},
      {header(R"({"dtype":"F32","shape":["2"],"data_offsets":[0,8]})"),
       "tensor 'a': shape[0] is not a non-negative integer"},
      {header(R"({"dtype":"F32","shape":[1e300],"data_offsets":[0,8]})"),
       "tensor 'a': shape[0] is not a non-negative integer"},
      {header(R"({"dtype":"F32","shape":[4294967296,4294967296],)"
              R"("data_offsets":[0,8]})"),
       "tensor 'a': shape [4294967296, 4294967296] is too large (its size "
       "in bytes overflows)"},
      {header(R"({"dtype":"F64","shape":[1125899906842624,1024],)"
              R"("data_offsets":[0,8]})"),
       "is too large"},
      {header(R"({"dtype":"I8","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,8],)"
              R"("data_offsets":[0,8]})"),
       "tensor 'a': rank 17 exceeds the maximum rank 16"},
      {header(R"({"dtype":"F32","shape":[2],"data_offsets":[0]})"),
       "tensor 'a': data_offsets must be two non-negative integers"},
      {header(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8,8]})"),
       "data_offsets must be two non-negative integers"},
      {header(R"({"dtype":"F32","shape":[2],"data_offsets":"0,8"})"),
       "data_offsets must be two non-negative integers"},
      {header(R"({"dtype":"F32","shape":[2],"data_offsets":[-8,0]})"),
       "data_offsets must be two non-negative integers"},
      {header(R"({"dtype":"F32","shape":[2],"data_offsets":[0,1e300]})"),
       "data_offsets must be two non-negative integers"},
      {header(R"({"dtype":"F32","shape":[2],"data_offsets":[8,0]})"),
       "tensor 'a': data_offsets [8, 0] end before they begin"},
      {header(R"({"dtype":"F32","shape":[2],"data_offsets":[0,16]})"),
       "tensor 'a': data_offsets [0, 16] exceed the data section (8 bytes)"},
      {header(R"({"dtype":"F32","shape":[2],)"
              R"("data_offsets":[9007199254740000,9007199254740992]})"),
       "exceed the data section"},
      {header(R"({"dtype":"F32","shape":[3],"data_offsets":[0,8]})"),
       "tensor 'a': data_offsets [0, 8] hold 8 bytes, but F32 [3] needs 12"},
      {header(R"({"dtype":"F32","shape":[1],"data_offsets":[0,8]})"),
       "hold 8 bytes, but F32 [1] needs 4"},
      {header(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})"),
       "the data section has 4 bytes not covered by any tensor"},
      {header(R"({"dtype":"F32","shape":[1],"data_offsets":[4,8]})"),
       "tensor 'a': data_offsets [4, 8] leave a gap after offset 0"},
      {header(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})",
              R"(,"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]})"),
       "tensor 'b': data_offsets [4, 8] overlap tensor 'a' [0, 8]"},
      {header(R"({"dtype":"F32","shape":[2],"data_offsets":[0,8]})",
              R"(,"b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]})"),
       "overlap tensor 'a' [0, 8]"},
      {header(R"({"dtype":"F32","shape":[1],"data_offsets":[0,4]})",
              R"(,"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]})"),
       "duplicate tensor name 'a'"},
  };
  for (const auto &c : cases) {
    std::string msg = readError(stFile(c.json, data));
    EXPECT_NE(msg.find(c.error), std::string::npos)
        << "header: " << c.json << "\nmessage: " << msg;
  }
}

TEST(IoSafetensorsTest, EveryPrefixOfAValidFileIsAnError) {
  Map map = newMap();
  insert(map.get(), "weight", patterned(LDNRT_DTYPE_F16, {3, 2}, 4));
  insert(map.get(), "bias", patterned(LDNRT_DTYPE_F32, {3}, 5));
  insert(map.get(), "scalar", patterned(LDNRT_DTYPE_I1, {}, 6));
  const std::string file = writeMemory(map.get());
  ASSERT_EQ(readError(file), "");
  for (size_t n = 0; n < file.size(); ++n) {
    std::vector<char> prefix(file.begin(), file.begin() + n);
    ldnrt_tensor_map *out = nullptr;
    ldnrt_error *err = ldnrt_safetensors_read_memory(prefix.data(), n, &out);
    ASSERT_NE(err, nullptr) << "prefix of " << n << " bytes was accepted";
    EXPECT_EQ(out, nullptr);
    ldnrt_error_free(err);
  }
}

TEST(IoSafetensorsTest, SurvivesEveryCorruptedByte) {
  Map map = newMap();
  insert(map.get(), "w", patterned(LDNRT_DTYPE_F32, {2, 2}, 1));
  insert(map.get(), "b", patterned(LDNRT_DTYPE_I8, {3}, 2));
  const std::string file = writeMemory(map.get());
  const char values[] = {'\0', '\xff', '"', ',', '-', '9', '[', '}', '\x80'};
  for (size_t i = 0; i < file.size(); ++i) {
    for (char v : values) {
      std::vector<char> copy(file.begin(), file.end());
      copy[i] = v;
      ldnrt_tensor_map *out = nullptr;
      ldnrt_error *err =
          ldnrt_safetensors_read_memory(copy.data(), copy.size(), &out);
      EXPECT_TRUE((err == nullptr) != (out == nullptr));
      ldnrt_error_free(err);
      ldnrt_tensor_map_free(out);
    }
  }
}

TEST(IoSafetensorsTest, WriterRejectsUnrepresentableNames) {
  Map map = newMap();
  insert(map.get(), "__metadata__", makeTensor(LDNRT_DTYPE_F32, {1}));
  void *data = nullptr;
  size_t size = 0;
  LDNRT_EXPECT_ERROR(ldnrt_safetensors_write_memory(map.get(), &data, &size),
                     "tensor name '__metadata__' is reserved");
  EXPECT_EQ(data, nullptr);
  map = newMap();
  insert(map.get(), "bad\xff", makeTensor(LDNRT_DTYPE_F32, {1}));
  LDNRT_EXPECT_ERROR(ldnrt_safetensors_write_memory(map.get(), &data, &size),
                     "is not valid UTF-8");
  map = newMap();
  insert(map.get(), "ok \xc3\xa9\tname", makeTensor(LDNRT_DTYPE_F32, {1}));
  std::string file = writeMemory(map.get());
  EXPECT_NE(file.find("\"ok \xc3\xa9\\u0009name\""), std::string::npos);
  Map back = readOk(file);
  ASSERT_TRUE(back);
  EXPECT_NE(ldnrt_tensor_map_lookup(back.get(), "ok \xc3\xa9\tname"), nullptr);
}

TEST(IoSafetensorsTest, WritesNonContiguousTensors) {
  std::vector<int32_t> buf = {0, 1, 2, 3, 4, 5};
  int64_t shape[] = {3, 2}, strides[] = {1, 3};
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_I32, 2, shape, strides, buf.data(), &raw));
  Map map = newMap();
  insert(map.get(), "t", Tensor(raw));
  Map back = readOk(writeMemory(map.get()));
  ASSERT_TRUE(back);
  const int32_t *p = static_cast<const int32_t *>(
      ldnrt_tensor_data(ldnrt_tensor_map_lookup(back.get(), "t")));
  EXPECT_EQ(std::vector<int32_t>(p, p + 6),
            (std::vector<int32_t>{0, 3, 1, 4, 2, 5}));
}

TEST(IoTensorMapTest, InsertLookupTake) {
  Map map = newMap();
  EXPECT_EQ(ldnrt_tensor_map_size(map.get()), 0u);
  for (int i = 0; i < 20; ++i)
    insert(map.get(), "t" + std::to_string(i),
           makeTensor(LDNRT_DTYPE_F32, {i}));
  ASSERT_EQ(ldnrt_tensor_map_size(map.get()), 20u);
  EXPECT_STREQ(ldnrt_tensor_map_name(map.get(), 7), "t7");
  EXPECT_EQ(ldnrt_tensor_dim(ldnrt_tensor_map_lookup(map.get(), "t13"), 0), 13);
  EXPECT_EQ(ldnrt_tensor_map_lookup(map.get(), "t20"), nullptr);
  EXPECT_EQ(ldnrt_tensor_map_name(map.get(), 20), nullptr);
  EXPECT_EQ(ldnrt_tensor_map_tensor(map.get(), 20), nullptr);

  // A duplicate is refused and the caller keeps the tensor.
  Tensor dup = makeTensor(LDNRT_DTYPE_F32, {1});
  LDNRT_EXPECT_ERROR(ldnrt_tensor_map_insert(map.get(), "t3", dup.get()),
                     "duplicate tensor name 't3'");
  LDNRT_EXPECT_ERROR(ldnrt_tensor_map_insert(map.get(), "", dup.get()),
                     "empty tensor name");

  Tensor taken(ldnrt_tensor_map_take(map.get(), 3));
  ASSERT_TRUE(taken);
  EXPECT_EQ(ldnrt_tensor_dim(taken.get(), 0), 3);
  EXPECT_EQ(ldnrt_tensor_map_size(map.get()), 19u);
  EXPECT_STREQ(ldnrt_tensor_map_name(map.get(), 3), "t4");
  EXPECT_EQ(ldnrt_tensor_map_lookup(map.get(), "t3"), nullptr);
  EXPECT_EQ(ldnrt_tensor_map_take(map.get(), 19), nullptr);
  insert(map.get(), "t3", std::move(dup));
  EXPECT_STREQ(ldnrt_tensor_map_name(map.get(), 19), "t3");
}

} // namespace
} // namespace ldnrt_test
