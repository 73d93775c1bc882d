//===- EmuLowering.h - pieces of ldn-emu-lower-kernels ----------*- C++ -*-===//
//
// Internal to compiler/Target: the runtime intrinsics emulated kernels call
// (implemented in runtime/emu/intrinsics.c; docs/emulator.md is the
// contract), and the steps of ldn-emu-lower-kernels that work on the LLVM
// dialect once the kernels are lowered.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_COMPILER_TARGET_EMULOWERING_H
#define LDN_COMPILER_TARGET_EMULOWERING_H

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Builders.h"

#include <string>

namespace mlir::ldn::emu {

/// The runtime functions kernels call. Pure ones depend only on the emulated
/// thread, which does not change while a kernel runs, so LLVM may hoist and
/// merge calls to them.
enum class Intrinsic {
  ThreadId,           // int64_t (int32_t dim)
  BlockId,            // int64_t (int32_t dim)
  BlockDim,           // int64_t (int32_t dim)
  GridDim,            // int64_t (int32_t dim)
  LaneId,             // int64_t (void)
  Barrier,            // void (void)
  SharedBase,         // void *(void)
  DynamicSharedBase,  // void *(void)
  DynamicSharedBytes, // int64_t (void)
  ShuffleI32,         // int32_t (int32_t value, int32_t offset,
                      //          int32_t width, int32_t mode, int8_t *valid)
  CheckAccess,        // void (const void *address, int64_t bytes,
                      //       int32_t kind): 0 load, 1 store, 2 atomic
  AssertFail,         // noreturn void (const char *message)
  Printf,             // libc's int printf(const char *, ...)
};

/// The declaration of `intrinsic` in `module`, added on first use.
LLVM::LLVMFuncOp getOrInsertIntrinsic(gpu::GPUModuleOp module,
                                      Intrinsic intrinsic);

/// What the lowering knows about each kernel once it is a plain function.
struct KernelInfo {
  std::string name;
  uint64_t sharedBytes; // static workgroup memory, a multiple of 16
};

/// For every kernel (an llvm.func named `name`, its LLVM-lowered signature):
/// renames it `__ldnemu_kernel_<name>` with internal linkage and adds the
/// exported `void <name>(void **params)` and
/// `const uint64_t __ldnemu_shared_bytes_<name>`. Every other function
/// defined in the module becomes internal.
LogicalResult emitKernelEntryPoints(gpu::GPUModuleOp module,
                                    ArrayRef<KernelInfo> kernels);

/// Calls ldnemu_check_access before every memory access of the module's
/// functions whose address may point to global or shared memory (all but
/// the stack and the module's own globals).
void instrumentAccesses(gpu::GPUModuleOp module);

} // namespace mlir::ldn::emu

#endif // LDN_COMPILER_TARGET_EMULOWERING_H
