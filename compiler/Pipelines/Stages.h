//===- Stages.h - the pipeline stages every target shares -------*- C++ -*-===//
//
// The CPU, CUDA and emulator pipelines differ only in how ldn ops and loops
// become code; the model clean-up, bufferization and host lowering are these
// shared stages (docs/design.md, "The pipeline").
//
//===----------------------------------------------------------------------===//

#ifndef LDN_COMPILER_PIPELINES_STAGES_H
#define LDN_COMPILER_PIPELINES_STAGES_H

namespace mlir {
class OpPassManager;
namespace ldn::stages {

/// Inline and canonicalize the model, fuse ldn ops (`fuse`), lower tosa and
/// elementwise arith/math on tensors to linalg, and add run-time checks for
/// the upstream ops.
void addModelToLinalg(OpPassManager &pm, bool fuse);

/// One-shot bufferization with identity-layout function boundaries (the
/// artifact ABI passes plain row-major descriptors), then deallocation.
void addBufferization(OpPassManager &pm);

/// Host code to the LLVM dialect: strided metadata, affine and scf lowered,
/// cf.assert to the runtime's trap, buffers from the runtime's allocator.
/// `gpuToLLVM` also lowers gpu.launch_func to the mgpu* runtime ABI.
void addHostToLLVM(OpPassManager &pm, bool gpuToLLVM);

} // namespace ldn::stages
} // namespace mlir

#endif // LDN_COMPILER_PIPELINES_STAGES_H
