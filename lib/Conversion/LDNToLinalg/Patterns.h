//===- Patterns.h - per-op lowerings of ldn-to-linalg -----------*- C++ -*-===//
//
// One populate function per ldn op, each defined in the file named after the
// op. LDNToLinalg.cpp collects them into the pass.
//
//===----------------------------------------------------------------------===//

#ifndef LDN_LIB_CONVERSION_LDNTOLINALG_PATTERNS_H
#define LDN_LIB_CONVERSION_LDNTOLINALG_PATTERNS_H

#include <cstdint>

namespace mlir {
class RewritePatternSet;
class RewriterBase;
namespace ldn {
class ElementwiseOp;
} // namespace ldn
namespace ldn::lowering {

void populateDiffuseLowering(RewritePatternSet &patterns);
void populateAttentionDiffuseLowering(RewritePatternSet &patterns);
void populateScanLowering(RewritePatternSet &patterns);
void populateSelectiveScanLowering(RewritePatternSet &patterns);
void populateLinearAttentionLowering(RewritePatternSet &patterns);
void populateAdditiveDecayLowering(RewritePatternSet &patterns);
void populateLrpeLowering(RewritePatternSet &patterns);
void populateSsmKernelLowering(RewritePatternSet &patterns);
void populateSsmConvLowering(RewritePatternSet &patterns);
void populateLongConvLowering(RewritePatternSet &patterns,
                              int64_t fftThreshold);

/// Marks the linalg.generic that writes a lowering's result when an
/// epilogue may be merged into its body (Elementwise.cpp): all-parallel over
/// the result, the output never read.
inline constexpr char kEpilogueSiteAttr[] = "ldn.epilogue_site";

/// Marks a loop whose body holds ldn ops still to be lowered (ssm_conv's
/// rows): once they are, the pass hoists what does not depend on the row.
inline constexpr char kHoistInvariantsAttr[] = "ldn.hoist_invariants";

/// Replaces `op` (after the ldn ops are lowered): fused into the loop that
/// produces its source where that loop inserts the result slice by slice,
/// merged into the generic that writes it where that is marked
/// kEpilogueSiteAttr, otherwise a linalg.generic (Elementwise.cpp).
void lowerElementwise(RewriterBase &rewriter, ElementwiseOp op);

} // namespace ldn::lowering
} // namespace mlir

#endif // LDN_LIB_CONVERSION_LDNTOLINALG_PATTERNS_H
