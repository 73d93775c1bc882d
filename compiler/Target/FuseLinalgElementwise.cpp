//===- FuseLinalgElementwise.cpp - fusion without recomputation -----------===//

#include "Target/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNFUSELINALGELEMENTWISE
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

/// Fuse only a producer whose result is used by this consumer alone (and
/// by size queries, which canonicalization later answers from the shapes),
/// read through a permutation of the consumer's loops: then the fused op
/// computes each producer element once.
static bool fusesWithoutRecomputation(OpOperand *fused) {
  Operation *producer = fused->get().getDefiningOp();
  if (!producer || producer->getNumResults() != 1 ||
      !llvm::all_of(producer->getUsers(), [&](Operation *user) {
        return user == fused->getOwner() || isa<tensor::DimOp>(user);
      }) ||
      llvm::count(producer->getUsers(), fused->getOwner()) != 1)
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
