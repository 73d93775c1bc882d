//===- Compile.h - model IR to a deployable artifact ------------*- C++ -*-===//
//
// The C++ entry point behind ldn-compile: compile(module, options) lowers a
// model and writes one artifact (docs/artifact-abi.md).
//
//===----------------------------------------------------------------------===//

#ifndef LDN_COMPILER_DRIVER_COMPILE_H
#define LDN_COMPILER_DRIVER_COMPILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace llvm {
class SourceMgr;
} // namespace llvm

namespace mlir {
class PassManager;
namespace ldn {

enum class Target { CPU, CUDA, Emu };
enum class Emit { MLIR, LLVM, Object, SharedLibrary, PTX };

/// "cpu", "cuda" or "emu": the name of a target in flags and manifests.
StringRef stringifyTarget(Target target);

struct CompileOptions {
  Target target = Target::CPU;
  Emit emit = Emit::SharedLibrary;
  unsigned optLevel = 3;
  /// The CPU to generate code for: "native" (this machine, with all its
  /// features) or an LLVM CPU name such as "x86-64-v3" for portable code.
  std::string cpu = "native";
  int64_t fftThreshold = 1024;
  /// Run the ldn-fuse-* passes (off only to measure what fusion buys).
  bool fuse = true;
  /// Report kernels and bytes moved after bufferization (remarks).
  bool reportTraffic = false;
  /// --target=cuda: the chips, the device code format (isa, bin, fatbin),
  /// the PTX ISA version (times ten) and the CUDA toolkit.
  SmallVector<std::string> chips;
  std::string cudaFormat = "fatbin";
  unsigned ptxVersion = 80;
  std::string cudaPath;
  std::string outputPath;
  /// Applies the user's pass-manager flags (--mlir-print-ir-after-all...).
  std::function<LogicalResult(PassManager &)> configurePassManager;
};

/// The manifest JSON of docs/artifact-abi.md for the public functions of
/// `module` (still on tensors), compiled for `target`. Argument names come
/// from the SSA names in `sourceMgr`'s buffers (`%x` -> "x") or an `ldn.name`
/// argument attribute; `ldn.name` attributes are removed once read.
FailureOr<std::string> buildManifest(ModuleOp module,
                                     llvm::SourceMgr &sourceMgr,
                                     Target target);

/// Lowers `module` in place and writes the requested output. Errors are
/// emitted as diagnostics at the module's location.
LogicalResult compile(ModuleOp module, llvm::SourceMgr &sourceMgr,
                      const CompileOptions &options);

} // namespace ldn
} // namespace mlir

#endif // LDN_COMPILER_DRIVER_COMPILE_H
