//===- Passes.h - ldn-to-ldn transformations (fusion) -----------*- C++ -*-===//

#ifndef LDN_TRANSFORMS_PASSES_H
#define LDN_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace ldn {

#define GEN_PASS_DECL
#include "ldn/Transforms/Passes.h.inc"

/// Merges `ldn.diffuse` chains with the same weights into one op.
void populateFuseDiffusionStepsPatterns(RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "ldn/Transforms/Passes.h.inc"

} // namespace ldn
} // namespace mlir

#endif // LDN_TRANSFORMS_PASSES_H
