//===- HostCodegen.h - LLVM IR to objects and shared libraries --*- C++ -*-===//
//
// Code generation for the machine the compiler runs on, shared by the compile
// driver (the model's artifact) and the emulator target (the kernels' shared
// object embedded in it): a TargetMachine for the host, object emission, and
// linking with the system C compiler driver.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_COMPILER_TARGET_HOSTCODEGEN_H
#define LDN_COMPILER_TARGET_HOSTCODEGEN_H

#include "mlir/IR/Location.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <memory>

namespace llvm {
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir::ldn {

/// A TargetMachine for this machine's architecture and `cpu` ("native": this
/// very CPU and its features, else an LLVM CPU name such as "x86-64-v3"),
/// position-independent code for a shared library. Errors are emitted at
/// `loc`.
FailureOr<std::unique_ptr<llvm::TargetMachine>>
createHostTargetMachine(Location loc, unsigned optLevel, StringRef cpu);

/// Writes `llvmModule` as an object file to `path`.
LogicalResult writeObject(Location loc, llvm::Module &llvmModule,
                          llvm::TargetMachine &machine, StringRef path);

/// `cc -shared -o output object -lm`.
LogicalResult linkSharedLibrary(Location loc, StringRef object,
                                StringRef output);

} // namespace mlir::ldn

#endif // LDN_COMPILER_TARGET_HOSTCODEGEN_H
