//===- RuntimeGpuTest.cpp - the GPU layer without a GPU driver ------------===//
//
// Through the public API and the exported mgpu ABI only: on a machine
// without libcuda.so.1 (or with LDNRT_CUDA_LIBRARY pointing nowhere) every
// GPU path returns a clear error and nothing crashes; the emulator slot
// reports that it is not built until it is.
//
//===----------------------------------------------------------------------===//

#include "RuntimeGpuTestUtil.h"

#include <dlfcn.h>

#include <cstdlib>

namespace ldnrt_test {
namespace {

constexpr const char *kEmuPayload = "LDNEMU01 an emulator module";

TEST(RuntimeGpuTest, BuiltBackends) {
  EXPECT_EQ(ldnrt_backend_is_built(LDNRT_BACKEND_CPU), 1);
  EXPECT_EQ(ldnrt_backend_is_built(LDNRT_BACKEND_CUDA), 1);
  EXPECT_EQ(ldnrt_backend_is_built(static_cast<ldnrt_backend>(7)), 0);
}

TEST(RuntimeGpuTest, DefaultDriverMissing) {
  void *driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (driver) {
    dlclose(driver);
    GTEST_SKIP() << "this machine has libcuda.so.1: the no-driver path "
                    "cannot be seen here";
  }
  const std::string expected =
      std::string("no CUDA driver found (") + dlerror() + ")";
  LDNRT_EXPECT_IN_FRESH_PROCESS({
    Checks checks;
    unsetenv("LDNRT_CUDA_LIBRARY");
    ldnrt_context *ctx = reinterpret_cast<ldnrt_context *>(0x1);
    ldnrt_error *err = ldnrt_context_create(LDNRT_BACKEND_CUDA, &ctx);
    checks.expect(ctx == nullptr, "context not NULL on error");
    checks.expect(ldnrt_error_get_code(err) == LDNRT_ERROR_UNSUPPORTED,
                  "code is not LDNRT_ERROR_UNSUPPORTED");
    checks.expectEq(takeError(err), expected, "context error");
    std::string fatbin = fakeFatbin();
    checks.expect(mgpuModuleLoad(fatbin.data(), fatbin.size()) == nullptr,
                  "module loaded");
    checks.expectEq(takeGpuError(), expected, "recorded error");
    checks.expectEq(takeGpuError(), "", "second take");
    checks.finish();
  });
}

TEST(RuntimeGpuTest, ForcedMissingDriver) {
  LDNRT_EXPECT_IN_FRESH_PROCESS({
    Checks checks;
    setenv("LDNRT_CUDA_LIBRARY", "/nonexistent", 1);
    const std::string expected =
        "no CUDA driver found (/nonexistent: cannot open shared object file: "
        "No such file or directory)";
    ldnrt_context *ctx = nullptr;
    checks.expectEq(
        takeError(ldnrt_context_create(LDNRT_BACKEND_CUDA, &ctx)), expected,
        "context error");

    // A CUDA artifact in a CPU context: its constructor's module load fails,
    // but the wrong target is what the load reports, and nothing is left
    // recorded.
    ldnrt_context *cpu = nullptr;
    checks.expect(ldnrt_context_create(LDNRT_BACKEND_CPU, &cpu) == nullptr,
                  "cpu context");
    ldnrt_artifact *a = nullptr;
    checks.expectEq(
        takeError(ldnrt_artifact_load(cpu, kCudaArtifact, &a)),
        std::string(kCudaArtifact) +
            ": artifact was compiled for target 'cuda', but the context's "
            "backend is 'cpu'",
        "load error");
    checks.expectEq(takeGpuError(), "", "recorded after load");
    ldnrt_context_free(cpu);

    // Loaded without the runtime, its constructor's failure is recorded;
    // running its host code anyway records more (only the first is kept)
    // and crashes nothing.
    void *h = dlopen(kCudaArtifact, RTLD_NOW | RTLD_LOCAL);
    checks.expect(h != nullptr, "dlopen");
    checks.expectEq(takeGpuError(), expected, "constructor's error");
    auto entry =
        reinterpret_cast<void (*)(void **)>(dlsym(h, "ldn_entry_scale4"));
    checks.expect(entry != nullptr, "entry symbol");
    float x[4] = {1, 2, 3, 4};
    struct {
      void *allocated, *aligned;
      int64_t offset, size, stride;
    } in = {x, x, 0, 4, 1}, out = {};
    void *args[] = {&in, &out};
    entry(args);
    checks.expectEq(takeGpuError(),
                    "GPU kernel scale2: its module was not loaded",
                    "host code's error");
    if (out.allocated)
      _mlir_memref_to_llvm_free(out.allocated);
    dlclose(h);
    checks.expectEq(takeGpuError(), "", "recorded after dlclose");
    checks.finish();
  });
}

TEST(RuntimeGpuTest, EmulatorNotBuilt) {
  if (ldnrt_backend_is_built(LDNRT_BACKEND_EMU))
    GTEST_SKIP() << "the emulator backend is built into this runtime; "
                    "RuntimeGpuInternalTests covers the empty slot";
  ldnrt_context *ctx = reinterpret_cast<ldnrt_context *>(0x1);
  ldnrt_error *err = ldnrt_context_create(LDNRT_BACKEND_EMU, &ctx);
  EXPECT_EQ(ctx, nullptr);
  EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_UNSUPPORTED);
  EXPECT_EQ(takeError(err), "emulator backend not built (this libldnrt "
                            "cannot run artifacts compiled with "
                            "--target=emu)");

  std::string payload = kEmuPayload;
  EXPECT_EQ(mgpuModuleLoad(payload.data(), payload.size()), nullptr);
  std::string msg = takeGpuError();
  EXPECT_EQ(msg.rfind("emulator backend not built", 0), 0u) << msg;
}

TEST(RuntimeGpuTest, NullHandlesAreHarmless) {
  mgpuModuleUnload(nullptr);
  mgpuStreamDestroy(nullptr);
  mgpuEventDestroy(nullptr);
  mgpuMemFree(nullptr, nullptr);
  EXPECT_EQ(takeGpuError(), "");

  // These reach no backend: the handle they need is missing.
  mgpuLaunchKernel(nullptr, 1, 1, 1, 1, 1, 1, 0, nullptr, nullptr, nullptr,
                   0);
  EXPECT_EQ(takeGpuError(), "GPU launch of a kernel that was not found (see "
                            "the error its lookup reported)");
  EXPECT_EQ(mgpuModuleGetFunction(nullptr, "k"), nullptr);
  EXPECT_EQ(takeGpuError(), "GPU kernel k: its module was not loaded");
  mgpuEventSynchronize(nullptr);
  EXPECT_EQ(takeGpuError(), "GPU synchronization on a NULL event");
  EXPECT_EQ(mgpuModuleLoad(nullptr, 0), nullptr);
  EXPECT_EQ(takeGpuError(), "GPU module load: the binary is NULL");

  int local = 0;
  mgpuMemFree(&local, nullptr);
  std::string msg = takeGpuError();
  EXPECT_NE(msg.find("which mgpuMemAlloc did not return"), std::string::npos)
      << msg;
}

TEST(RuntimeGpuTest, OnlyTheFirstErrorIsKept) {
  mgpuModuleGetFunction(nullptr, "first");
  mgpuModuleGetFunction(nullptr, "second");
  EXPECT_EQ(takeGpuError(), "GPU kernel first: its module was not loaded");
  EXPECT_EQ(takeGpuError(), "");
}

} // namespace
} // namespace ldnrt_test
