//===- RuntimeGpuTestUtil.h - helpers for the GPU runtime tests --*- C++ -*-===//
//
// The mgpu ABI the runtime exports (runtime/gpu/mgpu.h, which is C and not
// installed), the GPU fixtures' paths, and a way to run a check in a fresh
// process: the CUDA backend initialises once per process, so a test of how
// initialisation fails needs a process of its own.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_TEST_UNIT_RUNTIMEGPUTESTUTIL_H
#define LDN_TEST_UNIT_RUNTIMEGPUTESTUTIL_H

#include "RuntimeTestUtil.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <unistd.h>

extern "C" {
void *mgpuModuleLoad(void *data, size_t size);
void *mgpuModuleLoadJIT(void *data, int optLevel);
void mgpuModuleUnload(void *module);
void *mgpuModuleGetFunction(void *module, const char *name);
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, void *stream,
                      void **params, void **extra, size_t paramsCount);
void *mgpuStreamCreate(void);
void mgpuStreamDestroy(void *stream);
void mgpuStreamSynchronize(void *stream);
void mgpuStreamWaitEvent(void *stream, void *event);
void *mgpuEventCreate(void);
void mgpuEventDestroy(void *event);
void mgpuEventSynchronize(void *event);
void mgpuEventRecord(void *event, void *stream);
void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared);
void mgpuMemFree(void *ptr, void *stream);
void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream);
void mgpuMemset32(void *dst, uint32_t value, size_t count, void *stream);
void mgpuMemset16(void *dst, uint16_t value, size_t count, void *stream);
void mgpuSetDefaultDevice(int32_t device);
void *_mlir_memref_to_llvm_alloc(uint64_t size);
void _mlir_memref_to_llvm_free(void *ptr);
}

namespace ldnrt_test {

const char *const kFakeLibcuda = LDNRT_FIXTURE_FAKE_LIBCUDA;
const char *const kCudaArtifact = LDNRT_FIXTURE_CUDA_ARTIFACT;
const char *const kBadCudaArtifact = LDNRT_FIXTURE_BAD_CUDA_ARTIFACT;
const char *const kEmuArtifact = LDNRT_FIXTURE_EMU_ARTIFACT;

/// A payload the CUDA path takes for a fatbin (the fatbin magic, then junk).
inline std::string fakeFatbin() {
  return std::string("\x50\xed\x55\xba\x01\x00\x10\x00 not really a fatbin",
                     28);
}

/// The message of the GPU error recorded outside load and invoke ("" if
/// none), emptying the slot.
inline std::string takeGpuError() { return takeError(ldnrt_take_gpu_error()); }

/// Collects failed checks of code that runs in a child process, where gtest
/// assertions cannot report.
class Checks {
public:
  void expect(bool ok, const std::string &what) {
    if (!ok)
      failures_ += what + "\n";
  }
  void expectEq(const std::string &actual, const std::string &expected,
                const std::string &what) {
    expect(actual == expected, what + ": expected \"" + expected +
                                   "\", got \"" + actual + "\"");
  }
  /// Ends the child: exit code 0 if every check passed, else 1 with the
  /// failures on stderr.
  [[noreturn]] void finish() const {
    std::fputs(failures_.c_str(), stderr);
    std::fflush(stderr);
    _exit(failures_.empty() ? 0 : 1);
  }

private:
  std::string failures_;
};

/// Runs the block given as argument (which must end with checks.finish())
/// in a re-executed test binary, where nothing has initialised a GPU
/// backend yet; the test fails with the child's failed checks.
#define LDNRT_EXPECT_IN_FRESH_PROCESS(...)                                     \
  do {                                                                         \
    GTEST_FLAG_SET(death_test_style, "threadsafe");                            \
    auto ldnrt_child_ = [&]() __VA_ARGS__;                                     \
    EXPECT_EXIT(ldnrt_child_(), ::testing::ExitedWithCode(0), "");             \
  } while (0)

} // namespace ldnrt_test

#endif // LDN_TEST_UNIT_RUNTIMEGPUTESTUTIL_H
