//===- LDNToLinalg.cpp - the ldn-to-linalg pass ---------------------------===//

#include "Patterns.h"

#include "ldn/Conversion/Passes.h"
#include "ldn/IR/LDNDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

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
}

namespace {
struct LDNToLinalgPass : ldn::impl::LDNToLinalgBase<LDNToLinalgPass> {
  using LDNToLinalgBase::LDNToLinalgBase;

  void runOnOperation() override {
    MLIRContext *context = &getContext();
    ConversionTarget target(*context);
    target.addIllegalDialect<LDNDialect>();
    target.addLegalDialect<arith::ArithDialect, cf::ControlFlowDialect,
                           complex::ComplexDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });

    RewritePatternSet patterns(context);
    populateLDNToLinalgPatterns(patterns, fftThreshold);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
