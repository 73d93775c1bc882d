//===- Pipelines.h - registered ldn pass pipelines --------------*- C++ -*-===//

#ifndef LDN_COMPILER_PIPELINES_PIPELINES_H
#define LDN_COMPILER_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
namespace ldn {

struct CPUPipelineOptions : PassPipelineOptions<CPUPipelineOptions> {
  Option<int64_t> fftThreshold{
      *this, "fft-threshold",
      llvm::cl::desc("ldn.long_conv with strategy = auto uses the FFT from "
                     "this sequence length on"),
      llvm::cl::init(1024)};
  Option<bool> entryWrappers{
      *this, "entry-wrappers",
      llvm::cl::desc("Add the ldn_entry_<name> wrappers of the artifact ABI "
                     "for every public function"),
      llvm::cl::init(true)};
};

/// Model IR (func + ldn + linalg/tosa/arith/math on tensors) to the LLVM
/// dialect for the host CPU: tosa and ldn to linalg, elementwise fusion,
/// one-shot bufferization, loops, LLVM.
void buildCPUPipeline(OpPassManager &pm, const CPUPipelineOptions &options);

/// Registers `ldn-cpu-pipeline` (and, later, the CUDA and emulator pipelines).
void registerPipelines();

} // namespace ldn
} // namespace mlir

#endif // LDN_COMPILER_PIPELINES_PIPELINES_H
