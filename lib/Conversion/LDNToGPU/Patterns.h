//===- Patterns.h - per-op kernels of ldn-to-gpu ----------------*- C++ -*-===//
//
// One populate function per ldn op that has a GPU kernel, each defined in the
// file named after the op (the kernel itself is Kernels/<op>.mlir).
// LDNToGPU.cpp collects them into the pass.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_LIB_CONVERSION_LDNTOGPU_PATTERNS_H
#define LDN_LIB_CONVERSION_LDNTOGPU_PATTERNS_H

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

} // namespace ldn::gpu_lowering
} // namespace mlir

#endif // LDN_LIB_CONVERSION_LDNTOGPU_PATTERNS_H
