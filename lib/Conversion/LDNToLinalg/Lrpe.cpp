// PLACEHOLDER: being written; no patterns yet, so ldn-to-linalg reports the op as not legalized.
#include "Patterns.h"
#include "mlir/IR/PatternMatch.h"
void mlir::ldn::lowering::populateLrpeLowering(RewritePatternSet &) {}
