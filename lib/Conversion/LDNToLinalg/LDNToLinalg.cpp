//===- LDNToLinalg.cpp - the ldn-to-linalg pass ---------------------------===//

#include "Patterns.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNDialect.h"
#include "ldn/IR/LDNOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/MemRef/Transforms/Transforms.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNTOLINALG
#include "ldn/Conversion/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;
using namespace mlir::ldn;

void mlir::ldn::populateLDNToLinalgPatterns(RewritePatternSet &patterns,
                                            int64_t fftThreshold) {
  lowering::populateDiffuseLowering(patterns);
  lowering::populateAttentionDiffuseLowering(patterns);
  lowering::populateScanLowering(patterns);
  lowering::populateSelectiveScanLowering(patterns);
  lowering::populateLinearAttentionLowering(patterns);
  lowering::populateAdditiveDecayLowering(patterns);
  lowering::populateLrpeLowering(patterns);
  lowering::populateSsmKernelLowering(patterns);
  lowering::populateLongConvLowering(patterns, fftThreshold);
  lowering::populateSsmConvLowering(patterns);
}

void mlir::ldn::insertRuntimeDimChecks(OpBuilder &builder, Operation *op) {
  SmallVector<DimConstraint> constraints;
  getRuntimeDimConstraints(op, constraints);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(op);
  Location loc = op->getLoc();
  for (const DimConstraint &c : constraints) {
    Value lhs = tensor::DimOp::create(builder, loc, c.lhs, c.lhsDim);
    Value rhs = tensor::DimOp::create(builder, loc, c.rhs, c.rhsDim);
    Value equal = arith::CmpIOp::create(builder, loc,
                                        arith::CmpIPredicate::eq, lhs, rhs);
    // ldn-lower-asserts-to-trap prefixes the op's location.
    cf::AssertOp::create(builder, loc, equal, c.message);
  }
}

namespace {
/// Moves the memory-effect-free code of `loop` that does not depend on the
/// iteration out of it, loops included: upstream LICM keeps a loop with
/// dynamic bounds in place (it might not run), but the FFT stages of a
/// convolution's kernel are pure tensor arithmetic on the kernel, valid
/// whether or not the batch is empty.
void hoistRowInvariants(scf::ForOp loop) {
  // Sizes first: the row's length is a size query of a tensor made in the
  // loop, and every bound of the kernel's transform derives from it.
  RewritePatternSet patterns(loop.getContext());
  memref::populateResolveRankedShapedTypeResultDimsPatterns(patterns);
  tensor::DimOp::getCanonicalizationPatterns(patterns, loop.getContext());
  (void)applyPatternsGreedily(loop, std::move(patterns));
  moveLoopInvariantCode(
      {&loop.getRegion()},
      [&](Value value, Region *) { return loop.isDefinedOutsideOfLoop(value); },
      [](Operation *op, Region *) { return isMemoryEffectFree(op); },
      [&](Operation *op, Region *) { loop.moveOutOfLoop(op); });
}

struct LDNToLinalgPass : ldn::impl::LDNToLinalgBase<LDNToLinalgPass> {
  using LDNToLinalgBase::LDNToLinalgBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    ConversionTarget target(*context);
    target.addIllegalDialect<LDNDialect>();
    // Lowered once the ops they are epilogues of are loops.
    target.addLegalOp<ElementwiseOp, YieldOp>();
    target.addLegalDialect<arith::ArithDialect, cf::ControlFlowDialect,
                           complex::ComplexDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    SmallVector<Operation *> ldnOps;
    // (ldn.elementwise checks its shapes as it is lowered, in the form it
    // is lowered to.)
    getOperation()->walk([&](Operation *op) {
      if (isa<LDNDialect>(op->getDialect()) &&
          !isa<ElementwiseOp, YieldOp>(op))
        ldnOps.push_back(op);
    });
    OpBuilder builder(context);
    for (Operation *op : ldnOps)
      insertRuntimeDimChecks(builder, op);
    RewritePatternSet patterns(context);
    populateLDNToLinalgPatterns(patterns, fftThreshold);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns)))) {
      signalPassFailure();
      return;
    }
    getOperation()->walk([](scf::ForOp loop) {
      if (loop->removeAttr(lowering::kHoistInvariantsAttr))
        hoistRowInvariants(loop);
    });
    SmallVector<ElementwiseOp> maps;
    getOperation()->walk([&](ElementwiseOp op) { maps.push_back(op); });
    IRRewriter rewriter(context);
    for (ElementwiseOp op : maps)
      lowering::lowerElementwise(rewriter, op);
    // The epilogue sites have served.
    getOperation()->walk([](linalg::GenericOp generic) {
      generic->removeAttr(lowering::kEpilogueSiteAttr);
    });
  }
};
} // namespace
