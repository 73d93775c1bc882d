//===- FuseDiffusionSteps.cpp - merge chains of ldn.diffuse ---------------===//
//
// diffuse(diffuse(x, steps = a), steps = b) == diffuse(x, steps = a + b)
// when both apply the same step (weights, coefficients, dt, direction):
// ops.md defines `steps` as repeating that step.
//
//===----------------------------------------------------------------------===//

#include "ldn/IR/LDNOps.h"
#include "ldn/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNFUSEDIFFUSIONSTEPS
#include "ldn/Transforms/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;
using namespace mlir::ldn;

namespace {
/// Folds the `ldn.diffuse` producing this op's `x` into this op.
struct MergeDiffuseChain : OpRewritePattern<DiffuseOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(DiffuseOp outer,
                                PatternRewriter &rewriter) const override {
    auto inner = outer.getX().getDefiningOp<DiffuseOp>();
    if (!inner)
      return rewriter.notifyMatchFailure(outer, "x is not an ldn.diffuse");
    // The intermediate must die here, or the merge would compute it twice.
    if (!inner.getY().hasOneUse())
      return rewriter.notifyMatchFailure(outer, "the inner result has other uses");
    if (inner.getW() != outer.getW() || inner.getAlpha() != outer.getAlpha())
      return rewriter.notifyMatchFailure(outer, "different weights");
    if (inner.getDtValue() != outer.getDtValue() ||
        (!outer.getDtValue() && inner.getDt() != outer.getDt()))
      return rewriter.notifyMatchFailure(outer, "different dt");
    if (inner.getCausal() != outer.getCausal())
      return rewriter.notifyMatchFailure(outer, "different direction");
    if (inner.getX().getType() != outer.getX().getType())
      return rewriter.notifyMatchFailure(outer, "a cast in between");
    int64_t steps = inner.getSteps() + outer.getSteps();
    rewriter.modifyOpInPlace(outer, [&] {
      outer.getXMutable().assign(inner.getX());
      outer.setSteps(steps);
    });
    rewriter.eraseOp(inner);
    return success();
  }
};

struct FuseDiffusionStepsPass
    : ldn::impl::LDNFuseDiffusionStepsBase<FuseDiffusionStepsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateFuseDiffusionStepsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

void mlir::ldn::populateFuseDiffusionStepsPatterns(RewritePatternSet &patterns) {
  patterns.add<MergeDiffuseChain>(patterns.getContext());
}
