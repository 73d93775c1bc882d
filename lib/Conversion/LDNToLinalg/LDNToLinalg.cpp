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
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/Support/FormatVariadic.h"

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

/// Asserts the result sizes that the op's declared types fix but its
/// operands leave to run time (a result declared [2, 5, 4] from an x of
/// [?, ?, 4]): the lowerings allocate the declared sizes, so a mismatch
/// would write out of bounds. The sizes the operands give are those of a
/// copy of the op with its inferred (less static) result types, reified;
/// the copy is never inserted.
static void assertDeclaredResultSizes(OpBuilder &builder, Operation *op) {
  auto inference = dyn_cast<InferTypeOpInterface>(op);
  auto reifiable = dyn_cast<ReifyRankedShapedTypeOpInterface>(op);
  if (!inference || !reifiable)
    return;
  SmallVector<Type> inferred;
  if (failed(inference.inferReturnTypes(
          op->getContext(), op->getLoc(), op->getOperands(),
          op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
          op->getRegions(), inferred)) ||
      inferred.size() != op->getNumResults())
    return;
  bool fixedByDeclaration = false;
  for (auto [declared, free] : llvm::zip(op->getResultTypes(), inferred)) {
    auto declaredType = dyn_cast<RankedTensorType>(declared);
    auto freeType = dyn_cast<RankedTensorType>(free);
    if (!declaredType || !freeType ||
        declaredType.getRank() != freeType.getRank())
      return;
    for (int64_t i = 0, e = declaredType.getRank(); i < e; ++i)
      fixedByDeclaration |=
          !declaredType.isDynamicDim(i) && freeType.isDynamicDim(i);
  }
  if (!fixedByDeclaration)
    return;

  Operation *copy = op->clone();
  for (auto [result, type] : llvm::zip(copy->getResults(), inferred))
    result.setType(type);
  ReifiedRankedShapedTypeDims sizes;
  LogicalResult reified =
      cast<ReifyRankedShapedTypeOpInterface>(copy).reifyResultShapes(builder,
                                                                     sizes);
  copy->destroy();
  if (failed(reified))
    return;
  Location loc = op->getLoc();
  StringRef name = op->getName().getStringRef();
  for (auto [index, declared] : llvm::enumerate(op->getResultTypes())) {
    auto type = cast<RankedTensorType>(declared);
    for (int64_t i = 0, e = type.getRank(); i < e; ++i) {
      auto runtime = dyn_cast<Value>(sizes[index][i]);
      if (type.isDynamicDim(i) || !runtime)
        continue;
      Value expected =
          arith::ConstantIndexOp::create(builder, loc, type.getDimSize(i));
      Value equal = arith::CmpIOp::create(
          builder, loc, arith::CmpIPredicate::eq, runtime, expected);
      cf::AssertOp::create(
          builder, loc, equal,
          llvm::formatv("'{0}' op result #{1} is declared with {2} at "
                        "dimension {3}, which its operands do not give",
                        name, index, type.getDimSize(i), i)
              .str());
    }
  }
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
  assertDeclaredResultSizes(builder, op);
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
