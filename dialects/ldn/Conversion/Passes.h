//===- Passes.h - ldn conversion passes -------------------------*- C++ -*-===//

#ifndef LDN_CONVERSION_PASSES_H
#define LDN_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class OpBuilder;
class RewritePatternSet;

namespace ldn {

#define GEN_PASS_DECL
#include "ldn/Conversion/Passes.h.inc"

/// Adds the patterns that lower every ldn op to linalg/scf/tensor/arith/math.
void populateLDNToLinalgPatterns(RewritePatternSet &patterns,
                                 int64_t fftThreshold = 1024);

/// Before `op` (an ldn op), asserts every operand-dimension equality that
/// ops.md requires and that only run time can decide (dynamic sizes), and
/// every static size of a declared result type that the operands leave
/// dynamic, so that a mismatch is a reported error rather than an
/// out-of-bounds access.
void insertRuntimeDimChecks(OpBuilder &builder, Operation *op);

#define GEN_PASS_REGISTRATION
#include "ldn/Conversion/Passes.h.inc"

} // namespace ldn
} // namespace mlir

#endif // LDN_CONVERSION_PASSES_H
