//===- RuntimeArtifactTest.cpp - loading and invoking artifacts -----------===//
//
// Uses the hand-written fixtures in fixtures/: fake_artifact.so follows the
// artifact ABI (docs/artifact-abi.md), no_manifest.so lacks the manifest,
// configurable_artifact.so serves whatever manifest a test sets.
//
//===----------------------------------------------------------------------===//

#include "RuntimeTestUtil.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <thread>

namespace ldnrt_test {
namespace {

const char *const kFake = LDNRT_FIXTURE_FAKE_ARTIFACT;
const char *const kNoManifest = LDNRT_FIXTURE_NO_MANIFEST;
const char *const kConfigurable = LDNRT_FIXTURE_CONFIGURABLE;

class ArtifactTest : public ::testing::Test {
protected:
  void SetUp() override {
    ldnrt_context *ctx = nullptr;
    LDNRT_ASSERT_OK(ldnrt_context_create(LDNRT_BACKEND_CPU, &ctx));
    ctx_.reset(ctx);
  }

  Artifact load(const char *path) {
    ldnrt_artifact *a = nullptr;
    ldnrt_error *err = ldnrt_artifact_load(ctx_.get(), path, &a);
    if (err)
      ADD_FAILURE() << takeError(err);
    return Artifact(a);
  }

  /// The load error's message ("" if loading succeeded).
  std::string loadError(const char *path) {
    ldnrt_artifact *a = reinterpret_cast<ldnrt_artifact *>(0x1);
    ldnrt_error *err = ldnrt_artifact_load(ctx_.get(), path, &a);
    if (!err) {
      ldnrt_artifact_free(a);
      return "";
    }
    EXPECT_EQ(a, nullptr);
    return takeError(err);
  }

  Context ctx_;
};

/// Invokes `entry` and returns the outputs; fails the test on error.
std::vector<Tensor> invoke(const ldnrt_artifact *a, const char *entry,
                           std::vector<const ldnrt_tensor *> inputs,
                           size_t num_outputs) {
  std::vector<ldnrt_tensor *> raw(num_outputs, nullptr);
  ldnrt_error *err = ldnrt_invoke(a, entry, inputs.data(), inputs.size(),
                                  raw.data(), num_outputs);
  if (err)
    ADD_FAILURE() << takeError(err);
  std::vector<Tensor> out;
  for (ldnrt_tensor *t : raw)
    out.emplace_back(t);
  return out;
}

TEST_F(ArtifactTest, LoadsAndIntrospects) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  EXPECT_STREQ(ldnrt_artifact_path(a.get()), kFake);
  EXPECT_STREQ(ldnrt_artifact_producer(a.get()), "fake_artifact.c");
  EXPECT_STREQ(ldnrt_artifact_target(a.get()), "cpu");
  std::string json = ldnrt_artifact_manifest_json(a.get());
  EXPECT_EQ(json.rfind("{ \"abi\": 1,", 0), 0u) << json;
  EXPECT_NE(json.find("\"name\": \"mixed\""), std::string::npos) << json;
  const std::vector<std::string> names = {
      "add", "trap", "alias", "transpose", "constant", "twice", "mixed"};
  ASSERT_EQ(ldnrt_artifact_num_entries(a.get()), names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    const ldnrt_entry *e = ldnrt_artifact_entry(a.get(), i);
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(ldnrt_entry_name(e), names[i]);
    EXPECT_EQ(ldnrt_entry_symbol(e), "ldn_entry_" + names[i]);
    EXPECT_EQ(ldnrt_artifact_find_entry(a.get(), names[i].c_str()), e);
  }
  EXPECT_EQ(ldnrt_artifact_entry(a.get(), names.size()), nullptr);
  EXPECT_EQ(ldnrt_artifact_find_entry(a.get(), "nope"), nullptr);

  const ldnrt_entry *add = ldnrt_artifact_find_entry(a.get(), "add");
  ASSERT_EQ(ldnrt_entry_num_args(add), 2u);
  ASSERT_EQ(ldnrt_entry_num_results(add), 1u);
  const ldnrt_value_info *y = ldnrt_entry_arg(add, 1);
  EXPECT_STREQ(y->name, "y");
  EXPECT_EQ(y->dtype, LDNRT_DTYPE_F32);
  ASSERT_EQ(y->rank, 2u);
  EXPECT_EQ(y->shape[0], -1);
  EXPECT_EQ(y->shape[1], 4);
  EXPECT_STREQ(ldnrt_entry_result(add, 0)->name, "result0");
  EXPECT_EQ(ldnrt_entry_arg(add, 2), nullptr);
  EXPECT_EQ(ldnrt_entry_result(add, 1), nullptr);

  const ldnrt_entry *mixed = ldnrt_artifact_find_entry(a.get(), "mixed");
  EXPECT_EQ(ldnrt_entry_arg(mixed, 1)->dtype, LDNRT_DTYPE_INDEX);
  EXPECT_EQ(ldnrt_entry_arg(mixed, 1)->rank, 0u);
  EXPECT_EQ(ldnrt_entry_arg(mixed, 2)->dtype, LDNRT_DTYPE_I1);
  EXPECT_EQ(ldnrt_entry_num_results(ldnrt_artifact_find_entry(a.get(), "trap")),
            0u);
}

TEST_F(ArtifactTest, InvokeAdd) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  Tensor x = makeF32({2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  Tensor y = makeF32({2, 4}, {10, 20, 30, 40, 50, 60, 70, 80});
  std::vector<Tensor> out = invoke(a.get(), "add", {x.get(), y.get()}, 1);
  ASSERT_TRUE(out[0]);
  EXPECT_TRUE(ldnrt_tensor_is_owned(out[0].get()));
  EXPECT_TRUE(ldnrt_tensor_is_contiguous(out[0].get()));
  EXPECT_EQ(ldnrt_tensor_dtype(out[0].get()), LDNRT_DTYPE_F32);
  EXPECT_EQ(shapeOf(out[0].get()), (std::vector<int64_t>{2, 4}));
  EXPECT_EQ(valuesF32(out[0].get()),
            (std::vector<float>{10, 21, 32, 43, 54, 65, 76, 87}));
}

TEST_F(ArtifactTest, InvokeByEntryHandle) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  Tensor x = makeF32({1, 4}, {1, 2, 3, 4});
  const ldnrt_tensor *in[] = {x.get(), x.get()};
  ldnrt_tensor *out = nullptr;
  LDNRT_ASSERT_OK(ldnrt_invoke_entry(
      a.get(), ldnrt_artifact_find_entry(a.get(), "add"), in, 2, &out, 1));
  Tensor result(out);
  EXPECT_EQ(valuesF32(result.get()), (std::vector<float>{2, 4, 6, 8}));

  // An entry of another artifact object is refused.
  Artifact b = load(kFake);
  ASSERT_TRUE(b);
  LDNRT_EXPECT_ERROR(
      ldnrt_invoke_entry(a.get(), ldnrt_artifact_find_entry(b.get(), "add"), in,
                         2, &out, 1),
      "entry does not belong to");
}

TEST_F(ArtifactTest, InvokeCopiesNonContiguousInputs) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  // x = transpose of a row-major 4x3 buffer: shape [3, 4], strides [1, 3].
  std::vector<float> buf(12);
  for (int i = 0; i < 12; ++i)
    buf[i] = static_cast<float>(i);
  int64_t shape[] = {3, 4}, strides[] = {1, 3};
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 2, shape, strides, buf.data(), &raw));
  Tensor x(raw);
  Tensor zero = makeTensor(LDNRT_DTYPE_F32, {3, 4});
  std::vector<Tensor> out = invoke(a.get(), "add", {x.get(), zero.get()}, 1);
  ASSERT_TRUE(out[0]);
  EXPECT_EQ(valuesF32(out[0].get()),
            (std::vector<float>{0, 3, 6, 9, 1, 4, 7, 10, 2, 5, 8, 11}));
}

TEST_F(ArtifactTest, InvokeWithEmptyDynamicDimension) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  Tensor x = makeTensor(LDNRT_DTYPE_F32, {0, 4});
  std::vector<Tensor> out = invoke(a.get(), "add", {x.get(), x.get()}, 1);
  ASSERT_TRUE(out[0]);
  EXPECT_EQ(shapeOf(out[0].get()), (std::vector<int64_t>{0, 4}));
}

TEST_F(ArtifactTest, InputMismatchesNameTheArgument) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  Tensor good = makeTensor(LDNRT_DTYPE_F32, {2, 4});
  Tensor f16 = makeTensor(LDNRT_DTYPE_F16, {2, 4});
  Tensor rank3 = makeTensor(LDNRT_DTYPE_F32, {2, 4, 1});
  Tensor dim = makeTensor(LDNRT_DTYPE_F32, {2, 5});
  ldnrt_tensor *out[2] = {reinterpret_cast<ldnrt_tensor *>(0x1),
                          reinterpret_cast<ldnrt_tensor *>(0x1)};
  auto call = [&](const ldnrt_tensor *x, const ldnrt_tensor *y) {
    const ldnrt_tensor *in[] = {x, y};
    return ldnrt_invoke(a.get(), "add", in, 2, out, 1);
  };
  LDNRT_EXPECT_ERROR(call(f16.get(), good.get()),
                     "input 'x': expected dtype f32, got f16");
  EXPECT_EQ(out[0], nullptr);
  LDNRT_EXPECT_ERROR(call(good.get(), rank3.get()),
                     "input 'y': expected rank 2 (shape [-1, 4]), got rank 3 "
                     "(shape [2, 4, 1])");
  LDNRT_EXPECT_ERROR(call(good.get(), dim.get()),
                     "input 'y' dimension 1: expected 4, got 5");
  LDNRT_EXPECT_ERROR(call(good.get(), nullptr), "input 'y' (#1) is NULL");

  const ldnrt_tensor *one[] = {good.get()};
  LDNRT_EXPECT_ERROR(ldnrt_invoke(a.get(), "add", one, 1, out, 1),
                     "entry point 'add' takes 2 input(s), got 1");
  const ldnrt_tensor *three[] = {good.get(), good.get(), good.get()};
  LDNRT_EXPECT_ERROR(ldnrt_invoke(a.get(), "add", three, 3, out, 1),
                     "entry point 'add' takes 2 input(s), got 3");
  const ldnrt_tensor *two[] = {good.get(), good.get()};
  LDNRT_EXPECT_ERROR(ldnrt_invoke(a.get(), "add", two, 2, out, 2),
                     "entry point 'add' returns 1 result(s), but num_outputs "
                     "is 2");
  EXPECT_EQ(out[1], nullptr);
  LDNRT_EXPECT_ERROR(ldnrt_invoke(a.get(), "add", two, 2, nullptr, 1),
                     "outputs array is NULL");
}

TEST_F(ArtifactTest, UnknownEntryListsTheEntries) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  ldnrt_error *err = ldnrt_invoke(a.get(), "foo", nullptr, 0, nullptr, 0);
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_NOT_FOUND);
  EXPECT_EQ(takeError(err),
            std::string("no entry point 'foo' in ") + kFake +
                " (entries: add, trap, alias, transpose, constant, twice, "
                "mixed)");
}

TEST_F(ArtifactTest, TrapBecomesAnError) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  for (int i = 0; i < 3; ++i) {
    ldnrt_error *err = ldnrt_invoke(a.get(), "trap", nullptr, 0, nullptr, 0);
    ASSERT_NE(err, nullptr);
    EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_TRAP);
    EXPECT_EQ(takeError(err), "boom");
  }
  // The runtime-shape check of `add` traps; the outputs stay NULL.
  Tensor x = makeTensor(LDNRT_DTYPE_F32, {2, 4});
  Tensor y = makeTensor(LDNRT_DTYPE_F32, {3, 4});
  const ldnrt_tensor *in[] = {x.get(), y.get()};
  ldnrt_tensor *out = reinterpret_cast<ldnrt_tensor *>(0x1);
  ldnrt_error *err = ldnrt_invoke(a.get(), "add", in, 2, &out, 1);
  EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_TRAP);
  EXPECT_EQ(takeError(err), "add: x and y differ in dimension 0");
  EXPECT_EQ(out, nullptr);
  // Invocation still works afterwards.
  std::vector<Tensor> ok = invoke(a.get(), "add", {x.get(), x.get()}, 1);
  EXPECT_TRUE(ok[0]);
}

TEST_F(ArtifactTest, TrapsOnManyThreadsAtOnce) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      float v = static_cast<float>(t);
      int64_t shape[] = {1, 4};
      float buf[4] = {v, v, v, v};
      ldnrt_tensor *x = nullptr;
      if (ldnrt_error *err =
              ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 2, shape, nullptr, buf, &x)) {
        ldnrt_error_free(err);
        ++failures;
        return;
      }
      const ldnrt_tensor *in[] = {x, x};
      for (int i = 0; i < 200; ++i) {
        ldnrt_error *err =
            ldnrt_invoke(a.get(), "trap", nullptr, 0, nullptr, 0);
        if (!err || std::string(ldnrt_error_message(err)) != "boom")
          ++failures;
        ldnrt_error_free(err);
        ldnrt_tensor *out = nullptr;
        err = ldnrt_invoke(a.get(), "add", in, 2, &out, 1);
        if (err || static_cast<float *>(ldnrt_tensor_data(out))[3] != 2 * v)
          ++failures;
        ldnrt_error_free(err);
        ldnrt_tensor_free(out);
      }
      ldnrt_tensor_free(x);
    });
  }
  for (std::thread &th : threads)
    th.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(RuntimeTrapDeathTest, TrapOutsideInvokeAborts) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(ldnrt_trap("lonely"), "outside of ldnrt_invoke.*lonely");
}

TEST_F(ArtifactTest, AliasedResultIsCopiedNotFreed) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  // Borrowed input: freeing it would be an invalid free.
  std::vector<float> buf = {1, 2, 3};
  int64_t shape[] = {3};
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(
      ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 1, shape, nullptr, buf.data(), &raw));
  Tensor borrowed(raw);
  std::vector<Tensor> out = invoke(a.get(), "alias", {borrowed.get()}, 1);
  ASSERT_TRUE(out[0]);
  EXPECT_NE(ldnrt_tensor_data(out[0].get()), buf.data());
  EXPECT_EQ(valuesF32(out[0].get()), buf);

  // Owned input: freeing it would be a double free at Tensor destruction.
  Tensor owned = makeF32({2}, {4, 5});
  out = invoke(a.get(), "alias", {owned.get()}, 1);
  ASSERT_TRUE(out[0]);
  EXPECT_EQ(valuesF32(out[0].get()), (std::vector<float>{4, 5}));
  EXPECT_EQ(valuesF32(owned.get()), (std::vector<float>{4, 5}));

  // Non-contiguous input: the result aliases the runtime's temporary copy.
  int64_t strided_shape[] = {2}, stride[] = {2};
  LDNRT_ASSERT_OK(ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 1, strided_shape, stride,
                                    buf.data(), &raw));
  Tensor strided(raw);
  out = invoke(a.get(), "alias", {strided.get()}, 1);
  ASSERT_TRUE(out[0]);
  EXPECT_EQ(valuesF32(out[0].get()), (std::vector<float>{1, 3}));
}

TEST_F(ArtifactTest, ResultStridesAndOffsetAreHonoured) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  Tensor x = makeF32({2, 3}, {1, 2, 3, 4, 5, 6});
  std::vector<Tensor> out = invoke(a.get(), "transpose", {x.get()}, 1);
  ASSERT_TRUE(out[0]);
  EXPECT_EQ(shapeOf(out[0].get()), (std::vector<int64_t>{3, 2}));
  EXPECT_TRUE(ldnrt_tensor_is_contiguous(out[0].get()));
  EXPECT_EQ(valuesF32(out[0].get()), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST_F(ArtifactTest, ConstantResultIsNotFreed) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  std::vector<Tensor> out = invoke(a.get(), "constant", {}, 1);
  ASSERT_TRUE(out[0]);
  EXPECT_EQ(ldnrt_tensor_dtype(out[0].get()), LDNRT_DTYPE_I32);
  const int32_t *p =
      static_cast<const int32_t *>(ldnrt_tensor_data(out[0].get()));
  EXPECT_EQ(std::vector<int32_t>(p, p + 4),
            (std::vector<int32_t>{7, 8, 9, 10}));
}

TEST_F(ArtifactTest, SharedResultBufferIsFreedOnce) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(ldnrt_tensor_create(LDNRT_DTYPE_F64, 0, nullptr, &raw));
  Tensor s(raw);
  *static_cast<double *>(ldnrt_tensor_data(s.get())) = 5.0;
  std::vector<Tensor> out = invoke(a.get(), "twice", {s.get()}, 2);
  ASSERT_TRUE(out[0] && out[1]);
  EXPECT_EQ(*static_cast<double *>(ldnrt_tensor_data(out[0].get())), 10.0);
  EXPECT_EQ(*static_cast<double *>(ldnrt_tensor_data(out[1].get())), 15.0);
  EXPECT_NE(ldnrt_tensor_data(out[0].get()), ldnrt_tensor_data(out[1].get()));
}

TEST_F(ArtifactTest, IntegerBoolIndexAndRankZeroArguments) {
  Artifact a = load(kFake);
  ASSERT_TRUE(a);
  Tensor v = makeTensor(LDNRT_DTYPE_I64, {3});
  Tensor n = makeTensor(LDNRT_DTYPE_INDEX, {});
  Tensor flag = makeTensor(LDNRT_DTYPE_I1, {});
  ASSERT_TRUE(v && n && flag);
  int64_t *vp = static_cast<int64_t *>(ldnrt_tensor_data(v.get()));
  vp[0] = 1, vp[1] = 2, vp[2] = 3;
  *static_cast<int64_t *>(ldnrt_tensor_data(n.get())) = 10;
  for (uint8_t f : {1, 0}) {
    *static_cast<uint8_t *>(ldnrt_tensor_data(flag.get())) = f;
    std::vector<Tensor> out =
        invoke(a.get(), "mixed", {v.get(), n.get(), flag.get()}, 1);
    ASSERT_TRUE(out[0]);
    EXPECT_EQ(ldnrt_tensor_dtype(out[0].get()), LDNRT_DTYPE_INDEX);
    EXPECT_EQ(ldnrt_tensor_rank(out[0].get()), 0u);
    EXPECT_EQ(*static_cast<int64_t *>(ldnrt_tensor_data(out[0].get())),
              f ? 16 : 10);
  }
  // index and i64 are distinct dtypes.
  Tensor n64 = makeTensor(LDNRT_DTYPE_I64, {});
  const ldnrt_tensor *in[] = {v.get(), n64.get(), flag.get()};
  ldnrt_tensor *out = nullptr;
  LDNRT_EXPECT_ERROR(ldnrt_invoke(a.get(), "mixed", in, 3, &out, 1),
                     "input 'n': expected dtype index, got i64");
}

//===----------------------------------------------------------------------===//
// Load failures
//===----------------------------------------------------------------------===//

TEST_F(ArtifactTest, MissingFile) {
  ScratchDir dir;
  std::string path = dir.file("missing.so");
  EXPECT_EQ(loadError(path.c_str()),
            path + ": cannot open: No such file or directory");
  EXPECT_EQ(loadError(dir.path().c_str()),
            dir.path() + ": cannot open: is a directory");
  // Long paths are not truncated in messages.
  std::string long_path = dir.path();
  for (int i = 0; i < 20; ++i)
    long_path += "/" + std::string(60, 'a' + i);
  EXPECT_EQ(loadError(long_path.c_str()),
            long_path + ": cannot open: No such file or directory");
}

TEST_F(ArtifactTest, NonElfFile) {
  ScratchDir dir;
  std::string path = dir.file("model.so");
  writeFile(path, "this is not an ELF file\n");
  std::string msg = loadError(path.c_str());
  EXPECT_EQ(msg.rfind(path + ": cannot load as a shared library: ", 0), 0u)
      << msg;
  writeFile(path, "");
  msg = loadError(path.c_str());
  EXPECT_EQ(msg.rfind(path + ": cannot load as a shared library: ", 0), 0u)
      << msg;
}

TEST_F(ArtifactTest, LibraryWithoutManifest) {
  EXPECT_EQ(loadError(kNoManifest),
            std::string(kNoManifest) +
                ": not an ldn artifact (no ldn_artifact_manifest symbol)");
}

TEST_F(ArtifactTest, PathWithoutSlashIsRelativeToTheWorkingDirectory) {
  std::string fake = kFake;
  std::string dir = fake.substr(0, fake.rfind('/'));
  std::string base = fake.substr(fake.rfind('/') + 1);
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof cwd), nullptr);
  ASSERT_EQ(chdir(dir.c_str()), 0);
  ldnrt_artifact *a = nullptr;
  ldnrt_error *err = ldnrt_artifact_load(ctx_.get(), base.c_str(), &a);
  ASSERT_EQ(chdir(cwd), 0);
  ASSERT_EQ(err, nullptr) << takeError(err);
  EXPECT_EQ(ldnrt_artifact_num_entries(a), 7u);
  ldnrt_artifact_free(a);
}

//===----------------------------------------------------------------------===//
// Manifest validation (configurable_artifact.so)
//===----------------------------------------------------------------------===//

class ManifestTest : public ArtifactTest {
protected:
  void SetUp() override {
    ArtifactTest::SetUp();
    handle_ = dlopen(kConfigurable, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(handle_, nullptr) << dlerror();
    set_ = reinterpret_cast<void (*)(const char *)>(
        dlsym(handle_, "fixture_set_manifest"));
    ASSERT_NE(set_, nullptr);
  }
  void TearDown() override {
    if (handle_)
      dlclose(handle_);
  }

  /// Loads with `manifest`; returns the error message without the path
  /// prefix ("" on success).
  std::string loadWith(const char *manifest) {
    set_(manifest);
    std::string msg = loadError(kConfigurable);
    std::string prefix = std::string(kConfigurable) + ": ";
    if (msg.rfind(prefix, 0) == 0)
      msg = msg.substr(prefix.size());
    return msg;
  }

  void *handle_ = nullptr;
  void (*set_)(const char *) = nullptr;
};

#define HEAD "\"abi\": 1, \"producer\": \"t\", \"target\": \"cpu\", "
#define ARG(dtype, shape)                                                      \
  "{\"name\": \"x\", \"dtype\": " dtype ", \"shape\": " shape "}"
#define ENTRY(args)                                                            \
  "{\"name\": \"present\", \"symbol\": \"ldn_entry_present\", \"args\": "      \
  "[" args "], \"results\": []}"

TEST_F(ManifestTest, AcceptsAValidManifest) {
  EXPECT_EQ(loadWith("{" HEAD
                     "\"entries\": [" ENTRY(ARG("\"f32\"", "[-1, 0, 7]")) "]}"),
            "");
  EXPECT_EQ(loadWith("{" HEAD "\"entries\": []}"), "");
  // Without a target, an artifact is for the CPU.
  set_("{\"abi\": 1, \"producer\": \"t\", \"entries\": []}");
  Artifact untargeted = load(kConfigurable);
  ASSERT_TRUE(untargeted);
  EXPECT_STREQ(ldnrt_artifact_target(untargeted.get()), "cpu");
  untargeted.reset();
  set_("{" HEAD "\"entries\": [" ENTRY("") "]}");
  Artifact a = load(kConfigurable);
  ASSERT_TRUE(a);
  LDNRT_ASSERT_OK(ldnrt_invoke(a.get(), "present", nullptr, 0, nullptr, 0));
}

TEST_F(ManifestTest, RejectsInvalidManifests) {
  const struct {
    const char *manifest;
    const char *error;
  } cases[] = {
      {"not json", "invalid manifest: manifest is not valid JSON"},
      {"{" HEAD "\"entries\": []} trailing", "not valid JSON"},
      {"[]", "invalid manifest: manifest: expected a JSON object"},
      {"{\"producer\": \"t\", \"target\": \"cpu\", \"entries\": []}",
       "invalid manifest: manifest: missing field 'abi'"},
      {"{\"abi\": 2, \"producer\": \"t\", \"target\": \"cpu\", \"entries\": "
       "[]}",
       "invalid manifest: abi 2 is not supported (this runtime reads abi 1)"},
      {"{\"abi\": \"1\", \"producer\": \"t\", \"target\": \"cpu\", "
       "\"entries\": []}",
       "abi: expected an integer"},
      {"{\"abi\": 1.5, \"producer\": \"t\", \"target\": \"cpu\", "
       "\"entries\": []}",
       "abi: expected an integer"},
      {"{\"abi\": 1, \"target\": \"cpu\", \"entries\": []}",
       "manifest: missing field 'producer'"},
      {"{\"abi\": 1, \"producer\": \"t\", \"target\": \"tpu\", "
       "\"entries\": []}",
       "invalid manifest: target: unknown target 'tpu' (expected cpu, cuda "
       "or emu)"},
      {"{\"abi\": 1, \"producer\": \"t\", \"target\": 1, "
       "\"entries\": []}",
       "manifest.target: expected a string"},
      {"{\"abi\": 1, \"producer\": \"t\", \"target\": \"cuda\", "
       "\"entries\": []}",
       "artifact was compiled for target 'cuda', but the context's backend "
       "is 'cpu'"},
      {"{" HEAD "\"x\": 0}", "manifest: missing field 'entries'"},
      {"{" HEAD "\"entries\": {}}", "entries: expected an array"},
      {"{" HEAD "\"entries\": [7]}", "entries[0]: expected an object"},
      {"{" HEAD "\"entries\": [{\"name\": \"present\", \"args\": [], "
       "\"results\": []}]}",
       "entries[0]: missing field 'symbol'"},
      {"{" HEAD "\"entries\": [{\"name\": \"\", \"symbol\": \"s\", "
       "\"args\": [], \"results\": []}]}",
       "entries[0].name: must not be empty"},
      {"{" HEAD "\"entries\": [{\"name\": 3, \"symbol\": \"s\", "
       "\"args\": [], \"results\": []}]}",
       "entries[0].name: expected a string"},
      {"{" HEAD "\"entries\": [{\"name\": \"present\", \"symbol\": "
       "\"ldn_entry_present\", \"args\": []}]}",
       "entries[0]: missing field 'results'"},
      {"{" HEAD "\"entries\": [" ENTRY(ARG("\"f128\"", "[1]")) "]}",
       "entries[0].args[0].dtype: unknown dtype 'f128'"},
      {"{" HEAD "\"entries\": [" ENTRY(ARG("32", "[1]")) "]}",
       "entries[0].args[0].dtype: expected a string"},
      {"{" HEAD "\"entries\": [" ENTRY(ARG("\"f32\"", "[1, -2]")) "]}",
       "entries[0].args[0].shape[1]: dimension -2 is < -1"},
      {"{" HEAD "\"entries\": [" ENTRY(ARG("\"f32\"", "[1.5]")) "]}",
       "entries[0].args[0].shape[0]: expected an integer"},
      {"{" HEAD "\"entries\": [" ENTRY(ARG("\"f32\"", "[\"4\"]")) "]}",
       "entries[0].args[0].shape[0]: expected an integer"},
      {"{" HEAD "\"entries\": [" ENTRY(ARG("\"f32\"", "[1e300]")) "]}",
       "entries[0].args[0].shape[0]: expected an integer"},
      {"{" HEAD "\"entries\": [" ENTRY(ARG("\"f32\"", "4")) "]}",
       "entries[0].args[0].shape: expected an array of integers"},
      {"{" HEAD "\"entries\": [" ENTRY(
           ARG("\"f32\"", "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]")) "]}",
       "entries[0].args[0].shape: rank 17 exceeds the maximum rank 16"},
      {"{" HEAD "\"entries\": [{\"name\": \"present\", \"symbol\": "
       "\"ldn_entry_present\", \"args\": [{\"dtype\": \"f32\", \"shape\": "
       "[]}], \"results\": []}]}",
       "entries[0].args[0]: missing field 'name'"},
      {"{" HEAD "\"entries\": [" ENTRY("") ", " ENTRY("") "]}",
       "entries[1].name: duplicate entry point 'present'"},
      {"{" HEAD "\"entries\": [{\"name\": \"absent\", \"symbol\": "
       "\"ldn_entry_absent\", \"args\": [], \"results\": []}]}",
       "entry point 'absent': symbol 'ldn_entry_absent' not found"},
  };
  for (const auto &c : cases) {
    std::string msg = loadWith(c.manifest);
    EXPECT_NE(msg.find(c.error), std::string::npos)
        << "manifest: " << c.manifest << "\nmessage: " << msg;
  }
}

TEST_F(ManifestTest, RejectsNullManifest) {
  EXPECT_EQ(loadWith(nullptr), "ldn_artifact_manifest() returned NULL");
}

} // namespace
} // namespace ldnrt_test
