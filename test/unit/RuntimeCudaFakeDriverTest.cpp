//===- RuntimeCudaFakeDriverTest.cpp - the CUDA backend on a fake driver --===//
//
// LDNRT_CUDA_LIBRARY points the runtime at fixtures/gpu/fake_libcuda.c, a
// driver whose kernels run on the host and reject pointers that are not
// driver allocations. That runs the CUDA backend's real code - driver
// loading, context, managed memory, launches, error strings - and the
// runtime around it (inputs copied to managed memory, results adopted from
// it, failed launches turned into errors) on a machine without a GPU.
//
//===----------------------------------------------------------------------===//

#include "RuntimeGpuTestUtil.h"

#include <dlfcn.h>

#include <atomic>
#include <cstdlib>
#include <thread>
#include <vector>

namespace ldnrt_test {
namespace {

// Before any test: the runtime reads it when it first initialises CUDA.
const bool kDriverChosen = setenv("LDNRT_CUDA_LIBRARY", kFakeLibcuda, 1) == 0;

/// The fake driver's introspection functions.
struct FakeDriver {
  int (*liveBlocks)(void);
  int (*isManaged)(const void *);
  int (*liveStreams)(void);
  int (*launches)(void);
  int (*sharedAttribute)(void);

  /// Binds to the copy of the fake the runtime loaded (it is loaded once
  /// the CUDA backend is initialised).
  bool bind() {
    void *h = dlopen(kFakeLibcuda, RTLD_NOW | RTLD_NOLOAD);
    if (!h)
      return false;
    liveBlocks = reinterpret_cast<int (*)(void)>(
        dlsym(h, "fake_cuda_live_blocks"));
    isManaged = reinterpret_cast<int (*)(const void *)>(
        dlsym(h, "fake_cuda_is_managed"));
    liveStreams = reinterpret_cast<int (*)(void)>(
        dlsym(h, "fake_cuda_live_streams"));
    launches =
        reinterpret_cast<int (*)(void)>(dlsym(h, "fake_cuda_launches"));
    sharedAttribute = reinterpret_cast<int (*)(void)>(
        dlsym(h, "fake_cuda_shared_attribute"));
    dlclose(h); /* drops the reference NOLOAD added */
    return liveBlocks && isManaged && liveStreams && launches &&
           sharedAttribute;
  }
};

class CudaFakeDriverTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(kDriverChosen);
    ldnrt_context *ctx = nullptr;
    LDNRT_ASSERT_OK(ldnrt_context_create(LDNRT_BACKEND_CUDA, &ctx));
    ctx_.reset(ctx);
    ASSERT_TRUE(fake_.bind());
    ldnrt_release_cached_memory();
    baselineBlocks_ = fake_.liveBlocks();
    baselineStreams_ = fake_.liveStreams();
    ASSERT_EQ(takeGpuError(), "");
  }

  void TearDown() override {
    ldnrt_release_cached_memory();
    EXPECT_EQ(fake_.liveBlocks(), baselineBlocks_) << "driver memory leaked";
    EXPECT_EQ(takeGpuError(), "");
  }

  Artifact load(const char *path) {
    ldnrt_artifact *a = nullptr;
    ldnrt_error *err = ldnrt_artifact_load(ctx_.get(), path, &a);
    if (err)
      ADD_FAILURE() << takeError(err);
    return Artifact(a);
  }

  /// Invokes a (x: f32[?]) -> f32[?] entry.
  ldnrt_error *invoke(const ldnrt_artifact *a, const char *entry,
                      const ldnrt_tensor *x, Tensor &y) {
    ldnrt_tensor *out = nullptr;
    ldnrt_error *err = ldnrt_invoke(a, entry, &x, 1, &out, 1);
    y.reset(out);
    return err;
  }

  Context ctx_;
  FakeDriver fake_{};
  int baselineBlocks_ = 0;
  int baselineStreams_ = 0;
};

TEST_F(CudaFakeDriverTest, InvokeRunsKernelsOnManagedCopies) {
  Artifact a = load(kCudaArtifact);
  ASSERT_TRUE(a);
  EXPECT_STREQ(ldnrt_artifact_target(a.get()), "cuda");

  // A strided view of the caller's memory: copied, never handed to kernels.
  std::vector<float> host(2 * 1000);
  for (size_t i = 0; i < host.size(); ++i)
    host[i] = static_cast<float>(i);
  const std::vector<float> before = host;
  const int64_t shape[1] = {1000}, strides[1] = {2};
  ldnrt_tensor *raw = nullptr;
  LDNRT_ASSERT_OK(ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 1, shape, strides,
                                    host.data(), &raw));
  Tensor x(raw);

  int launches = fake_.launches();
  Tensor y;
  LDNRT_ASSERT_OK(invoke(a.get(), "scale4", x.get(), y));
  EXPECT_EQ(fake_.launches(), launches + 2);
  ASSERT_EQ(shapeOf(y.get()), std::vector<int64_t>({1000}));
  std::vector<float> values = valuesF32(y.get());
  for (size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(values[i], 4.0f * host[2 * i]) << i;
  EXPECT_EQ(host, before);
  EXPECT_TRUE(fake_.isManaged(ldnrt_tensor_data(y.get())))
      << "results stay in managed memory";
  EXPECT_EQ(fake_.liveStreams(), baselineStreams_);
}

TEST_F(CudaFakeDriverTest, LargeBuffersAreCachedAcrossCalls) {
  Artifact a = load(kCudaArtifact);
  ASSERT_TRUE(a);
  Tensor x = makeTensor(LDNRT_DTYPE_F32, {400000}); // 1.6 MB: cached
  float *in = static_cast<float *>(ldnrt_tensor_data(x.get()));
  for (int i = 0; i < 400000; ++i)
    in[i] = static_cast<float>(i % 1000);
  for (int round = 0; round < 3; ++round) {
    Tensor y;
    LDNRT_ASSERT_OK(invoke(a.get(), "scale4", x.get(), y));
    const float *out = static_cast<const float *>(ldnrt_tensor_data(y.get()));
    ASSERT_EQ(out[399999], 4.0f * in[399999]);
  }
  // Freed managed blocks wait in the cache (TearDown releases them).
  EXPECT_GT(fake_.liveBlocks(), baselineBlocks_);
}

TEST_F(CudaFakeDriverTest, InvokesFromManyThreadsAtOnce) {
  Artifact a = load(kCudaArtifact);
  ASSERT_TRUE(a);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int round = 0; round < 25; ++round) {
        int64_t n = 1 + t * 1000 + round;
        std::vector<float> host(static_cast<size_t>(n), float(t));
        ldnrt_tensor *x = nullptr, *y = nullptr;
        ldnrt_error *err = ldnrt_tensor_wrap(LDNRT_DTYPE_F32, 1, &n, nullptr,
                                             host.data(), &x);
        const ldnrt_tensor *in[1] = {x};
        if (!err)
          err = ldnrt_invoke(a.get(), round % 5 ? "scale4" : "fail", in, 1,
                             &y, 1);
        bool ok = round % 5 ? !err && static_cast<const float *>(
                                          ldnrt_tensor_data(y))[n - 1] ==
                                          4.0f * float(t)
                            : err && !y;
        if (!ok)
          ++failures;
        ldnrt_error_free(err);
        ldnrt_tensor_free(y);
        ldnrt_tensor_free(x);
      }
    });
  for (std::thread &th : threads)
    th.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(fake_.liveStreams(), baselineStreams_);
}

TEST_F(CudaFakeDriverTest, FailedLaunchIsAnError) {
  Artifact a = load(kCudaArtifact);
  ASSERT_TRUE(a);
  Tensor x = makeF32({3}, {1, 2, 3});
  Tensor y;
  ldnrt_error *err = invoke(a.get(), "fail", x.get(), y);
  EXPECT_EQ(y, nullptr);
  EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_DEVICE);
  EXPECT_EQ(takeError(err),
            "CUDA launch of fail_launch failed: unspecified launch failure");
  EXPECT_EQ(fake_.liveStreams(), baselineStreams_) << "the stream leaked";

  // The artifact is still usable.
  LDNRT_ASSERT_OK(invoke(a.get(), "scale4", x.get(), y));
  EXPECT_EQ(valuesF32(y.get()), std::vector<float>({4, 8, 12}));
}

TEST_F(CudaFakeDriverTest, FailedCallReleasesWhatItHeld) {
  Artifact a = load(kCudaArtifact);
  ASSERT_TRUE(a);
  Tensor x = makeF32({3}, {1, 2, 3});
  Tensor y;
  LDNRT_EXPECT_ERROR(invoke(a.get(), "fail_holding", x.get(), y),
                     "CUDA launch of fail_launch failed");
  // Its stream, event and gpu.alloc block are gone (TearDown checks the
  // driver's memory).
  EXPECT_EQ(fake_.liveStreams(), baselineStreams_);
}

TEST_F(CudaFakeDriverTest, MissingKernelIsAnError) {
  Artifact a = load(kCudaArtifact);
  ASSERT_TRUE(a);
  Tensor x = makeF32({1}, {1});
  Tensor y;
  ldnrt_error *err = invoke(a.get(), "missing_kernel", x.get(), y);
  EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_DEVICE);
  EXPECT_EQ(takeError(err),
            "CUDA kernel no_such_kernel not found: named symbol not found");
}

TEST_F(CudaFakeDriverTest, FailedSynchronizationIsAnError) {
  Artifact a = load(kCudaArtifact);
  ASSERT_TRUE(a);
  Tensor x = makeF32({2}, {1, 2});
  Tensor y;
  setenv("FAKE_CUDA_FAIL_SYNC", "1", 1);
  ldnrt_error *err = invoke(a.get(), "scale4", x.get(), y);
  unsetenv("FAKE_CUDA_FAIL_SYNC");
  EXPECT_EQ(y, nullptr);
  EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_DEVICE);
  EXPECT_EQ(takeError(err), "entry point 'scale4': CUDA work failed: an "
                            "illegal memory access was encountered");
}

TEST_F(CudaFakeDriverTest, ModuleLoadFailureFailsTheArtifactLoad) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    ldnrt_artifact *a = reinterpret_cast<ldnrt_artifact *>(0x1);
    ldnrt_error *err = ldnrt_artifact_load(ctx_.get(), kBadCudaArtifact, &a);
    EXPECT_EQ(a, nullptr);
    EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_DEVICE);
    EXPECT_EQ(takeError(err),
              std::string(kBadCudaArtifact) +
                  ": CUDA module load failed: device kernel image is invalid");
  }
}

TEST_F(CudaFakeDriverTest, TargetMustMatchTheContext) {
  ldnrt_context *cpu = nullptr;
  LDNRT_ASSERT_OK(ldnrt_context_create(LDNRT_BACKEND_CPU, &cpu));
  Context cpuCtx(cpu);
  ldnrt_artifact *a = nullptr;
  LDNRT_EXPECT_ERROR(ldnrt_artifact_load(cpu, kCudaArtifact, &a),
                     "artifact was compiled for target 'cuda', but the "
                     "context's backend is 'cpu'");
}

/// A module of the fake driver loaded by hand, and managed buffers.
class CudaFakeDriverAbiTest : public CudaFakeDriverTest {
protected:
  void SetUp() override {
    CudaFakeDriverTest::SetUp();
    static char payload[] = "FAKECUBIN";
    module_ = mgpuModuleLoad(payload, sizeof payload - 1);
    ASSERT_NE(module_, nullptr) << takeGpuError();
    scale2_ = mgpuModuleGetFunction(module_, "scale2");
    ASSERT_NE(scale2_, nullptr) << takeGpuError();
  }
  void TearDown() override {
    mgpuModuleUnload(module_);
    CudaFakeDriverTest::TearDown();
  }

  /// Launches scale2(in, out, n) with `blocks` blocks of one thread.
  void launch(float *in, float *out, int64_t n, intptr_t blocks,
              intptr_t threads = 1, int32_t smem = 0) {
    void *params[] = {&in, &out, &n};
    mgpuLaunchKernel(scale2_, blocks, 1, 1, threads, 1, 1, smem, nullptr,
                     params, nullptr, 3);
  }

  void *module_ = nullptr;
  void *scale2_ = nullptr;
};

TEST_F(CudaFakeDriverAbiTest, KernelHandlesAreCached) {
  EXPECT_EQ(mgpuModuleGetFunction(module_, "scale2"), scale2_);
  EXPECT_EQ(mgpuModuleGetFunction(module_, "nope"), nullptr);
  EXPECT_EQ(takeGpuError(),
            "CUDA kernel nope not found: named symbol not found");
}

TEST_F(CudaFakeDriverAbiTest, KernelsGetManagedMemoryNotHostMemory) {
  float in[4] = {1, 2, 3, 4}, out[4] = {};
  launch(in, out, 4, 4);
  EXPECT_EQ(takeGpuError(), "CUDA launch of scale2 failed: an illegal "
                            "memory access was encountered");

  auto *din = static_cast<float *>(mgpuMemAlloc(16, nullptr, true));
  auto *dout = static_cast<float *>(mgpuMemAlloc(16, nullptr, true));
  ASSERT_NE(din, nullptr) << takeGpuError();
  ASSERT_NE(dout, nullptr) << takeGpuError();
  EXPECT_TRUE(fake_.isManaged(din));
  mgpuMemcpy(din, in, sizeof in, nullptr);
  launch(din, dout, 4, 4);
  mgpuStreamSynchronize(nullptr);
  EXPECT_EQ(takeGpuError(), "");
  EXPECT_EQ(std::vector<float>(dout, dout + 4),
            std::vector<float>({2, 4, 6, 8}));
  mgpuMemFree(din, nullptr);
  mgpuMemFree(dout, nullptr);
  EXPECT_EQ(takeGpuError(), "");
}

TEST_F(CudaFakeDriverAbiTest, LaunchDimensionsAndSharedMemory) {
  auto *buf = static_cast<float *>(mgpuMemAlloc(64, nullptr, true));
  ASSERT_NE(buf, nullptr) << takeGpuError();

  int launches = fake_.launches();
  launch(buf, buf, 16, 0); // an empty grid runs nothing
  EXPECT_EQ(fake_.launches(), launches);
  EXPECT_EQ(takeGpuError(), "");

  launch(buf, buf, 16, 1, 0);
  EXPECT_EQ(takeGpuError(), "CUDA launch of scale2 failed: block size in x "
                            "is 0 (must be in [1, 4294967295])");
  launch(buf, buf, 16, -3);
  EXPECT_EQ(takeGpuError(), "CUDA launch of scale2 failed: grid size in x "
                            "is -3 (must be in [1, 4294967295])");
  launch(buf, buf, 16, 1, 1, -1);
  EXPECT_EQ(takeGpuError(), "CUDA launch of scale2 failed: negative shared "
                            "memory size -1");

  launch(buf, buf, 16, 1, 16, 64 * 1024); // past 48 KiB: opted in
  EXPECT_EQ(takeGpuError(), "");
  EXPECT_EQ(fake_.sharedAttribute(), 64 * 1024);
  launch(buf, buf, 16, 1, 16, 200 * 1024); // past the device's limit
  EXPECT_EQ(takeGpuError(), "CUDA launch of scale2 failed: it needs 204800 "
                            "bytes of shared memory per block, the device "
                            "allows 102400");
  mgpuMemFree(buf, nullptr);
}

TEST_F(CudaFakeDriverAbiTest, MemoryOperations) {
  auto *a = static_cast<uint32_t *>(mgpuMemAlloc(32, nullptr, false));
  auto *b = static_cast<uint32_t *>(mgpuMemAlloc(32, nullptr, true));
  ASSERT_NE(a, nullptr) << takeGpuError();
  ASSERT_NE(b, nullptr) << takeGpuError();
  EXPECT_FALSE(fake_.isManaged(a));
  EXPECT_EQ(mgpuMemAlloc(0, nullptr, false), nullptr); // empty: no block
  mgpuMemset32(a, 0xdeadbeefu, 8, nullptr);
  mgpuMemcpy(b, a, 32, nullptr);
  EXPECT_EQ(b[7], 0xdeadbeefu);
  mgpuMemset16(b, 0x1234, 16, nullptr);
  EXPECT_EQ(b[0], 0x12341234u);
  mgpuMemset32(b, 0, 9, nullptr); // one past the end
  EXPECT_EQ(takeGpuError(), "CUDA fill of 9 32-bit values failed: an "
                            "illegal memory access was encountered");
  mgpuMemFree(a, nullptr);
  mgpuMemFree(b, nullptr);
  EXPECT_EQ(takeGpuError(), "");
  mgpuMemFree(a, nullptr);
  std::string msg = takeGpuError();
  EXPECT_NE(msg.find("which mgpuMemAlloc did not return"), std::string::npos)
      << msg;
}

TEST_F(CudaFakeDriverAbiTest, StreamsAndEvents) {
  void *stream = mgpuStreamCreate();
  void *event = mgpuEventCreate();
  ASSERT_NE(stream, nullptr) << takeGpuError();
  ASSERT_NE(event, nullptr) << takeGpuError();
  EXPECT_EQ(fake_.liveStreams(), baselineStreams_ + 1);
  mgpuEventRecord(event, stream);
  mgpuStreamWaitEvent(stream, event);
  mgpuEventSynchronize(event);
  mgpuStreamSynchronize(stream);
  mgpuEventDestroy(event);
  mgpuStreamDestroy(stream);
  EXPECT_EQ(fake_.liveStreams(), baselineStreams_);
  EXPECT_EQ(takeGpuError(), "");
}

TEST_F(CudaFakeDriverAbiTest, PtxGoesToTheDriver) {
  static char ptx[] = "FAKECUBIN as if it were PTX";
  void *m = mgpuModuleLoadJIT(ptx, 2);
  ASSERT_NE(m, nullptr) << takeGpuError();
  mgpuModuleUnload(m);
  static char bad[] = ".version 8.0";
  EXPECT_EQ(mgpuModuleLoadJIT(bad, 2), nullptr);
  EXPECT_EQ(takeGpuError(),
            "CUDA PTX module load failed: device kernel image is invalid");
}

//===----------------------------------------------------------------------===//
// Initialisation failures: each needs a process whose driver is not set up.
//===----------------------------------------------------------------------===//

TEST(CudaFakeDriverInitTest, NoDevice) {
  LDNRT_EXPECT_IN_FRESH_PROCESS({
    Checks checks;
    setenv("FAKE_CUDA_DEVICES", "0", 1);
    ldnrt_context *ctx = nullptr;
    ldnrt_error *err = ldnrt_context_create(LDNRT_BACKEND_CUDA, &ctx);
    checks.expect(ldnrt_error_get_code(err) == LDNRT_ERROR_UNSUPPORTED,
                  "code is not LDNRT_ERROR_UNSUPPORTED");
    checks.expectEq(takeError(err), "no CUDA device", "context error");
    std::string fatbin = fakeFatbin();
    checks.expect(mgpuModuleLoad(fatbin.data(), fatbin.size()) == nullptr,
                  "module loaded");
    checks.expectEq(takeGpuError(), "no CUDA device", "recorded error");
    checks.finish();
  });
}

TEST(CudaFakeDriverInitTest, NoManagedMemory) {
  LDNRT_EXPECT_IN_FRESH_PROCESS({
    Checks checks;
    setenv("FAKE_CUDA_NO_MANAGED", "1", 1);
    ldnrt_context *ctx = nullptr;
    checks.expectEq(
        takeError(ldnrt_context_create(LDNRT_BACKEND_CUDA, &ctx)),
        "CUDA device 0 does not support managed memory, which the runtime "
        "shares between host code and kernels",
        "context error");
    checks.finish();
  });
}

TEST(CudaFakeDriverInitTest, DefaultDeviceIsChosenBeforeInit) {
  LDNRT_EXPECT_IN_FRESH_PROCESS({
    Checks checks;
    mgpuSetDefaultDevice(3);
    checks.expectEq(takeGpuError(), "", "set before init");
    ldnrt_context *ctx = nullptr;
    checks.expectEq(
        takeError(ldnrt_context_create(LDNRT_BACKEND_CUDA, &ctx)),
        "CUDA device 3 does not exist (the machine has 1)", "context error");
    checks.finish();
  });
  LDNRT_EXPECT_IN_FRESH_PROCESS({
    Checks checks;
    ldnrt_context *ctx = nullptr;
    checks.expectEq(
        takeError(ldnrt_context_create(LDNRT_BACKEND_CUDA, &ctx)), "",
        "context error");
    ldnrt_context_free(ctx);
    mgpuSetDefaultDevice(0);
    checks.expectEq(takeGpuError(), "", "same device");
    mgpuSetDefaultDevice(1);
    checks.expectEq(takeGpuError(),
                    "CUDA: cannot use device 1: the runtime already uses "
                    "CUDA device 0 for this process",
                    "other device");
    checks.finish();
  });
}

} // namespace
} // namespace ldnrt_test
