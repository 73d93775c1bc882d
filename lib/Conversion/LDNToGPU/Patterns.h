//===- Patterns.h - per-op kernels of ldn-to-gpu ----------------*- C++ -*-===//
//
// One populate function per ldn op that has a GPU kernel, each defined in the
// file named after the op (the kernel itself is Kernels/<op>.mlir).
// LDNToGPU.cpp collects them into the pass.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_LIB_CONVERSION_LDNTOGPU_PATTERNS_H
#define LDN_LIB_CONVERSION_LDNTOGPU_PATTERNS_H

#include "ldn/IR/LDNOps.h"

namespace mlir {
class RewritePatternSet;
namespace ldn::gpu_lowering {

void populateScanKernel(RewritePatternSet &patterns);
void populateLinearAttentionKernel(RewritePatternSet &patterns);
void populateAdditiveDecayKernel(RewritePatternSet &patterns);
void populateAttentionDiffuseKernel(RewritePatternSet &patterns);
void populateDiffuseKernel(RewritePatternSet &patterns);
void populateLongConvKernel(RewritePatternSet &patterns);
void populateLrpeKernel(RewritePatternSet &patterns);
void populateSsmKernelKernel(RewritePatternSet &patterns);
void populateSelectiveScanKernel(RewritePatternSet &patterns);
void populateSsmConvKernel(RewritePatternSet &patterns);

/// Calls the long_conv kernel (LongConv.cpp) on kernel views of v, the
/// kernel and y (see Utils.h); `epilogue` as for callKernelWithEpilogue.
/// For ldn.long_conv and the convolution inside ldn.ssm_conv.
FailureOr<bool> callLongConvKernel(RewriterBase &rewriter, Operation *op,
                                   Value vView, Value kView, Value yView,
                                   bool bidirectional, ConvStrategy strategy,
                                   ElementwiseOp epilogue);

/// callLongConvKernel without a v buffer: the kernel's loads of v are
/// replaced by `prologue` of Kernels/`prologueFile`.mlir (indices, then
/// `prologueArgs`), if the kernel, specialized to this call's flags, reads
/// v only by loads (analyzeKernelArguments). Returns whether it did; if not,
/// nothing was emitted.
FailureOr<bool> callLongConvKernelWithPrologue(
    RewriterBase &rewriter, Operation *op, StringRef prologueFile,
    StringRef prologue, ValueRange prologueArgs, Value kView, Value yView,
    bool bidirectional, ConvStrategy strategy);

} // namespace ldn::gpu_lowering
} // namespace mlir

#endif // LDN_LIB_CONVERSION_LDNTOGPU_PATTERNS_H
