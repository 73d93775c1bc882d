//===- FuseLinalgElementwise.cpp - fusion without recomputation -----------===//

#include "Target/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNFUSELINALGELEMENTWISE
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

/// Fuse only a single-use producer read through a permutation of the
/// consumer's loops: then the fused op computes each producer element once.
static bool fusesWithoutRecomputation(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
  return consumer && consumer.getMatchingIndexingMap(fused).isPermutation();
}

namespace {
struct FuseLinalgElementwise
    : ldn::impl::LDNFuseLinalgElementwiseBase<FuseLinalgElementwise> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(patterns,
                                                 fusesWithoutRecomputation);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
