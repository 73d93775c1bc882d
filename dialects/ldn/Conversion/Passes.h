//===- Passes.h - ldn conversion passes -------------------------*- C++ -*-===//

#ifndef LDN_CONVERSION_PASSES_H
#define LDN_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;

namespace ldn {

#define GEN_PASS_DECL
#include "ldn/Conversion/Passes.h.inc"

/// Adds the patterns that lower every ldn op to linalg/scf/tensor/arith/math.
void populateLDNToLinalgPatterns(RewritePatternSet &patterns,
                                 int64_t fftThreshold = 1024);

#define GEN_PASS_REGISTRATION
#include "ldn/Conversion/Passes.h.inc"

} // namespace ldn
} // namespace mlir

#endif // LDN_CONVERSION_PASSES_H
