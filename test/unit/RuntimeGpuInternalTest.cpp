//===- RuntimeGpuInternalTest.cpp - the GPU layer from the inside ---------===//
//
// Linked with a static copy of the runtime (ldnrt_whitebox), so that it can
// use the internal interface of runtime/gpu/: the allocation registry, and
// the backend slots, into which it installs a fake emulator backend. The
// fake keeps what the on_alloc/on_free hooks told it and bounds-checks every
// kernel argument against the registry, as the real emulator will.
//
//===----------------------------------------------------------------------===//

#include "RuntimeGpuTestUtil.h"

extern "C" {
#include "gpu/backend.h"
#include "gpu/registry.h"
}

#include <map>
#include <mutex>

namespace ldnrt_test {
namespace {

//===----------------------------------------------------------------------===//
// The registry
//===----------------------------------------------------------------------===//

TEST(RuntimeGpuRegistryTest, FindsTheAllocationContainingAnAddress) {
  static char arena[256];
  size_t before = ldnrt_gpu_registry_count();
  LDNRT_ASSERT_OK(ldnrt_gpu_registry_add(arena + 64, 32, nullptr,
                                         LDNRT_GPU_ALLOC_SHARED, nullptr));
  LDNRT_ASSERT_OK(ldnrt_gpu_registry_add(arena, 16, nullptr,
                                         LDNRT_GPU_ALLOC_DEVICE, arena));
  LDNRT_ASSERT_OK(ldnrt_gpu_registry_add(arena + 128, 0, nullptr,
                                         LDNRT_GPU_ALLOC_SHARED, nullptr));
  EXPECT_EQ(ldnrt_gpu_registry_count(), before + 3);

  ldnrt_gpu_allocation found{};
  ASSERT_TRUE(ldnrt_gpu_registry_find(arena + 64 + 31, &found));
  EXPECT_EQ(found.base, arena + 64);
  EXPECT_EQ(found.size, 32u);
  EXPECT_EQ(found.kind, LDNRT_GPU_ALLOC_SHARED);
  ASSERT_TRUE(ldnrt_gpu_registry_find(arena + 3, &found));
  EXPECT_EQ(found.base, arena);
  EXPECT_EQ(found.kind, LDNRT_GPU_ALLOC_DEVICE);
  EXPECT_FALSE(ldnrt_gpu_registry_find(arena + 16, &found)) << "one past";
  EXPECT_FALSE(ldnrt_gpu_registry_find(arena + 96, &found)) << "one past";
  EXPECT_FALSE(ldnrt_gpu_registry_find(arena + 40, &found)) << "a gap";
  ASSERT_TRUE(ldnrt_gpu_registry_find(arena + 128, &found)) << "empty";
  EXPECT_EQ(found.size, 0u);
  EXPECT_FALSE(ldnrt_gpu_registry_find(arena + 129, &found));

  EXPECT_TRUE(ldnrt_gpu_registry_remove(arena + 64, &found));
  EXPECT_EQ(found.size, 32u);
  EXPECT_FALSE(ldnrt_gpu_registry_remove(arena + 64, nullptr));
  EXPECT_FALSE(ldnrt_gpu_registry_find(arena + 70, nullptr));

  // Owned entries (a call's mgpuMemAlloc blocks) are found by owner.
  EXPECT_FALSE(ldnrt_gpu_registry_take_owned(arena + 1, &found));
  ldnrt_gpu_registry_disown(arena + 1);
  ASSERT_TRUE(ldnrt_gpu_registry_find(arena, &found));
  EXPECT_EQ(found.owner, arena);
  EXPECT_TRUE(ldnrt_gpu_registry_take_owned(arena, &found));
  EXPECT_EQ(found.base, arena);
  EXPECT_FALSE(ldnrt_gpu_registry_find(arena, nullptr));
  LDNRT_ASSERT_OK(ldnrt_gpu_registry_add(arena, 16, nullptr,
                                         LDNRT_GPU_ALLOC_DEVICE, arena));
  ldnrt_gpu_registry_disown(arena);
  EXPECT_FALSE(ldnrt_gpu_registry_take_owned(arena, &found));
  EXPECT_TRUE(ldnrt_gpu_registry_remove(arena, nullptr));
  EXPECT_TRUE(ldnrt_gpu_registry_remove(arena + 128, nullptr));
  EXPECT_EQ(ldnrt_gpu_registry_count(), before);
}

//===----------------------------------------------------------------------===//
// A fake emulator backend
//===----------------------------------------------------------------------===//

/// What the fake backend saw. Hooks may run on any thread.
struct FakeEmuState {
  std::mutex lock;
  std::map<void *, size_t> live; // from on_alloc / on_free
  int allocs = 0, frees = 0, unmatchedFrees = 0, launches = 0;
  bool failModuleLoad = false;
} emu;

int kModuleToken, kStreamToken;
const char *const kKernels[] = {"scale2", "fail_launch"};

/// Bounds check: [p, p + bytes) must lie in one registered allocation of
/// this backend.
const char *checkAccess(const void *p, size_t bytes, const char *what);

extern "C" {
static const char *emuInit(void) { return nullptr; }
static const char *emuModuleLoad(const void *data, size_t size,
                                 void **module) {
  if (emu.failModuleLoad)
    return "bad payload";
  if (size < 8 || std::string(static_cast<const char *>(data), 8) !=
                      "LDNEMU01")
    return "not an emulator payload";
  *module = &kModuleToken;
  return nullptr;
}
static const char *emuModuleUnload(void *module) {
  return module == &kModuleToken ? nullptr : "unknown module";
}
static const char *emuGetFunction(void *module, const char *name,
                                  void **function) {
  (void)module;
  for (const char *k : kKernels)
    if (std::string(name) == k) {
      *function = const_cast<char *>(k);
      return nullptr;
    }
  return "no such kernel";
}
static const char *emuLaunch(void *function, const ldnrt_gpu_launch *l,
                             void *stream) {
  (void)stream;
  {
    std::lock_guard<std::mutex> g(emu.lock);
    ++emu.launches;
  }
  if (function == kKernels[1])
    return "kernel trapped";
  if (l->num_params != 3)
    return "wrong parameter count";
  const float *in = *static_cast<float **>(l->params[0]);
  float *out = *static_cast<float **>(l->params[1]);
  int64_t n = *static_cast<int64_t *>(l->params[2]);
  size_t bytes = static_cast<size_t>(n) * sizeof(float);
  if (const char *why = checkAccess(in, bytes, "input"))
    return why;
  if (const char *why = checkAccess(out, bytes, "output"))
    return why;
  int64_t threads = int64_t(l->grid[0]) * l->block[0];
  for (int64_t i = 0; i < threads && i < n; ++i)
    out[i] = 2 * in[i];
  return nullptr;
}
static const char *emuStreamCreate(void **stream) {
  *stream = &kStreamToken;
  return nullptr;
}
static const char *emuStreamOp(void *stream) {
  (void)stream;
  return nullptr;
}
static void emuOnAlloc(void *base, size_t size) {
  std::lock_guard<std::mutex> g(emu.lock);
  emu.live[base] = size;
  ++emu.allocs;
}
static void emuOnFree(void *base, size_t size) {
  std::lock_guard<std::mutex> g(emu.lock);
  auto it = emu.live.find(base);
  if (it == emu.live.end() || it->second != size)
    ++emu.unmatchedFrees;
  else
    emu.live.erase(it);
  ++emu.frees;
}
}

ldnrt_gpu_backend makeFakeEmu() {
  ldnrt_gpu_backend b{};
  b.kind = LDNRT_GPU_EMU;
  b.name = "emu";
  b.label = "emulator";
  b.init = emuInit;
  b.module_load = emuModuleLoad;
  b.module_unload = emuModuleUnload;
  b.module_get_function = emuGetFunction;
  b.launch = emuLaunch;
  b.stream_create = emuStreamCreate;
  b.stream_destroy = emuStreamOp;
  b.stream_synchronize = emuStreamOp;
  b.on_alloc = emuOnAlloc;
  b.on_free = emuOnFree;
  return b; // host_alloc NULL: host memory, like the real emulator
}
const ldnrt_gpu_backend kFakeEmu = makeFakeEmu();

const char *checkAccess(const void *p, size_t bytes, const char *what) {
  ldnrt_gpu_allocation a{};
  if (!ldnrt_gpu_registry_find(p, &a) || a.backend != &kFakeEmu)
    return what[0] == 'i' ? "input outside every allocation"
                          : "output outside every allocation";
  size_t offset = static_cast<const char *>(p) -
                  static_cast<const char *>(a.base);
  if (offset + bytes > a.size)
    return "access past the end of an allocation";
  return nullptr;
}

class FakeEmuTest : public ::testing::Test {
protected:
  void SetUp() override {
    previous_ = ldnrt_gpu_set_backend(LDNRT_GPU_EMU, &kFakeEmu);
    {
      std::lock_guard<std::mutex> g(emu.lock);
      emu.live.clear();
      emu.allocs = emu.frees = emu.unmatchedFrees = emu.launches = 0;
      emu.failModuleLoad = false;
    }
    ldnrt_context *ctx = nullptr;
    LDNRT_ASSERT_OK(ldnrt_context_create(LDNRT_BACKEND_EMU, &ctx));
    ctx_.reset(ctx);
    baseline_ = ldnrt_gpu_registry_count();
  }
  void TearDown() override {
    ctx_.reset();
    ldnrt_release_cached_memory();
    EXPECT_EQ(ldnrt_gpu_registry_count(), baseline_);
    std::lock_guard<std::mutex> g(emu.lock);
    EXPECT_TRUE(emu.live.empty()) << emu.live.size() << " hooked blocks live";
    EXPECT_EQ(emu.allocs, emu.frees);
    EXPECT_EQ(emu.unmatchedFrees, 0);
    ldnrt_gpu_set_backend(LDNRT_GPU_EMU, previous_);
    EXPECT_EQ(takeGpuError(), "");
  }

  Artifact load(const char *path) {
    ldnrt_artifact *a = nullptr;
    ldnrt_error *err = ldnrt_artifact_load(ctx_.get(), path, &a);
    if (err)
      ADD_FAILURE() << takeError(err);
    return Artifact(a);
  }

  ldnrt_error *invoke(const ldnrt_artifact *a, const char *entry,
                      const ldnrt_tensor *x, Tensor &y) {
    ldnrt_tensor *out = nullptr;
    ldnrt_error *err = ldnrt_invoke(a, entry, &x, 1, &out, 1);
    y.reset(out);
    return err;
  }

  std::map<void *, size_t> hooked() {
    std::lock_guard<std::mutex> g(emu.lock);
    return emu.live;
  }

  const ldnrt_gpu_backend *previous_ = nullptr;
  Context ctx_;
  size_t baseline_ = 0;
};

TEST_F(FakeEmuTest, EveryBufferKernelsTouchIsRegisteredAndHooked) {
  Artifact a = load(kEmuArtifact);
  ASSERT_TRUE(a);
  EXPECT_STREQ(ldnrt_artifact_target(a.get()), "emu");
  Tensor x = makeF32({5}, {1, 2, 3, 4, 5});
  Tensor y;
  // scale4: the input copy, a temporary and the result, each checked by
  // the fake's launches against the registry.
  LDNRT_ASSERT_OK(invoke(a.get(), "scale4", x.get(), y));
  EXPECT_EQ(valuesF32(y.get()), std::vector<float>({4, 8, 12, 16, 20}));
  EXPECT_EQ(emu.launches, 2);

  // Only the result is still live, registered with the size it was asked
  // for; the input copy and the temporary were unregistered.
  void *data = ldnrt_tensor_data(y.get());
  EXPECT_EQ(hooked(), (std::map<void *, size_t>{{data, 5 * sizeof(float)}}));
  EXPECT_EQ(emu.allocs, 3);
  ldnrt_gpu_allocation found{};
  ASSERT_TRUE(ldnrt_gpu_registry_find(static_cast<char *>(data) + 19, &found));
  EXPECT_EQ(found.base, data);
  EXPECT_EQ(found.size, 20u);
  EXPECT_EQ(found.backend, &kFakeEmu);
  EXPECT_EQ(found.kind, LDNRT_GPU_ALLOC_SHARED);
  EXPECT_EQ(ldnrt_gpu_registry_count(), baseline_ + 1);

  y.reset();
  EXPECT_TRUE(hooked().empty());
  EXPECT_EQ(ldnrt_gpu_registry_count(), baseline_);
}

TEST_F(FakeEmuTest, FailedLaunchReleasesTheCallsBuffers) {
  Artifact a = load(kEmuArtifact);
  ASSERT_TRUE(a);
  Tensor x = makeF32({2}, {1, 2});
  Tensor y;
  ldnrt_error *err = invoke(a.get(), "fail", x.get(), y);
  EXPECT_EQ(y, nullptr);
  EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_DEVICE);
  EXPECT_EQ(takeError(err),
            "emulator launch of fail_launch failed: kernel trapped");
  EXPECT_TRUE(hooked().empty());
  EXPECT_EQ(ldnrt_gpu_registry_count(), baseline_);
}

TEST_F(FakeEmuTest, ModuleLoadFailureFailsTheArtifactLoad) {
  emu.failModuleLoad = true;
  ldnrt_artifact *a = nullptr;
  ldnrt_error *err = ldnrt_artifact_load(ctx_.get(), kEmuArtifact, &a);
  EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_DEVICE);
  EXPECT_EQ(takeError(err), std::string(kEmuArtifact) +
                                ": emulator module load failed: bad payload");
}

TEST_F(FakeEmuTest, CachedBlocksKeepHostAndGpuMemoryApart) {
  Artifact a = load(kEmuArtifact);
  ASSERT_TRUE(a);
  const int64_t n = 400000; // 1.6 MB: cached when freed
  Tensor x = makeTensor(LDNRT_DTYPE_F32, {n});
  Tensor y;
  LDNRT_ASSERT_OK(invoke(a.get(), "scale4", x.get(), y));
  void *gpuBlock = ldnrt_tensor_data(y.get());
  y.reset(); // into the cache, unregistered
  EXPECT_FALSE(ldnrt_gpu_registry_find(gpuBlock, nullptr));

  // A CPU allocation of the same size must not get the emulator's block...
  void *cpu = _mlir_memref_to_llvm_alloc(n * sizeof(float));
  ASSERT_NE(cpu, nullptr);
  EXPECT_NE(cpu, gpuBlock);
  EXPECT_FALSE(ldnrt_gpu_registry_find(cpu, nullptr));
  _mlir_memref_to_llvm_free(cpu);

  // ...while the next GPU call reuses it, registered again.
  LDNRT_ASSERT_OK(invoke(a.get(), "scale4", x.get(), y));
  EXPECT_TRUE(ldnrt_gpu_registry_find(ldnrt_tensor_data(y.get()), nullptr));
}

TEST_F(FakeEmuTest, CpuArtifactsAreUntouched) {
  ldnrt_context *raw = nullptr;
  LDNRT_ASSERT_OK(ldnrt_context_create(LDNRT_BACKEND_CPU, &raw));
  Context cpu(raw);
  // Allocations outside any GPU call are plain host blocks.
  void *p = _mlir_memref_to_llvm_alloc(64);
  EXPECT_FALSE(ldnrt_gpu_registry_find(p, nullptr));
  _mlir_memref_to_llvm_free(p);
  EXPECT_EQ(emu.allocs, 0);
}

TEST(RuntimeGpuSlotTest, EmptyEmulatorSlot) {
  const ldnrt_gpu_backend *previous =
      ldnrt_gpu_set_backend(LDNRT_GPU_EMU, nullptr);
  EXPECT_EQ(ldnrt_backend_is_built(LDNRT_BACKEND_EMU), 0);
  ldnrt_context *ctx = nullptr;
  ldnrt_error *err = ldnrt_context_create(LDNRT_BACKEND_EMU, &ctx);
  EXPECT_EQ(ldnrt_error_get_code(err), LDNRT_ERROR_UNSUPPORTED);
  EXPECT_EQ(takeError(err), "emulator backend not built (this libldnrt "
                            "cannot run artifacts compiled with "
                            "--target=emu)");
  static char payload[] = "LDNEMU01 module";
  EXPECT_EQ(mgpuModuleLoad(payload, sizeof payload - 1), nullptr);
  EXPECT_EQ(takeGpuError().rfind("emulator backend not built", 0), 0u);
  ldnrt_gpu_set_backend(LDNRT_GPU_EMU, previous);
}

} // namespace
} // namespace ldnrt_test
