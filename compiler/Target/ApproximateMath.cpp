//===- ApproximateMath.cpp - vectorizable f32 exp/log/tanh/erf ------------===//

#include "Target/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/StringSwitch.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNAPPROXIMATEMATH
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

namespace {
struct ApproximateMath : ldn::impl::LDNApproximateMathBase<ApproximateMath> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateMathPolynomialApproximationPatterns(
        patterns, [](StringRef name) {
          return llvm::StringSwitch<bool>(name)
              .Cases({"math.exp", "math.expm1", "math.log", "math.log1p",
                      "math.log2", "math.tanh", "math.erf"},
                     true)
              .Default(false);
        });
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
