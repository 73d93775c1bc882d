//===- ContractionLoopOrder.cpp - matmul loops with a contiguous inner loop ===//
//
// linalg-to-loops nests loops in iteration-dimension order, so a matmul
// C[m,n] += A[m,k] W[k,n] becomes m, n, k with the reduction innermost:
// every step of the inner loop jumps a row of W, and LLVM cannot vectorize
// it without gathers. Moving the output's innermost dimension n inside k
// makes the inner loop read W and update C contiguously, which LLVM
// vectorizes (an axpy per k).
//
//===----------------------------------------------------------------------===//

#include "Target/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::ldn {
#define GEN_PASS_DEF_LDNCONTRACTIONLOOPORDER
#include "Target/Passes.h.inc"
} // namespace mlir::ldn

using namespace mlir;

/// The loop order that makes the contraction's inner loop contiguous: the
/// dimension indexing the innermost output dimension moved last, the others
/// kept in order. Empty if there is nothing to gain.
static SmallVector<unsigned> contiguousOrder(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1)
    return {};
  AffineMap outMap = op.getMatchingIndexingMap(op.getDpsInitOperand(0));
  if (outMap.getNumResults() == 0)
    return {};
  auto inner = dyn_cast<AffineDimExpr>(outMap.getResults().back());
  unsigned numLoops = op.getNumLoops();
  if (!inner || inner.getPosition() == numLoops - 1)
    return {};
  // Worth it only if some input is contiguous along that dimension too (the
  // weight W[k,n]); otherwise the reduction order is as good as any.
  bool contiguousInput = llvm::any_of(op.getDpsInputOperands(), [&](OpOperand *in) {
    AffineMap map = op.getMatchingIndexingMap(in);
    return map.getNumResults() > 0 && map.getResults().back() == inner;
  });
  if (!contiguousInput)
    return {};
  SmallVector<unsigned> order;
  for (unsigned d = 0; d < numLoops; ++d)
    if (d != inner.getPosition())
      order.push_back(d);
  order.push_back(inner.getPosition());
  return order;
}

namespace {
struct ContractionLoopOrderPass
    : ldn::impl::LDNContractionLoopOrderBase<ContractionLoopOrderPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::LinalgOp, SmallVector<unsigned>>> work;
    getOperation()->walk([&](linalg::LinalgOp op) {
      if (!linalg::isaContractionOpInterface(op))
        return;
      if (SmallVector<unsigned> order = contiguousOrder(op); !order.empty())
        work.emplace_back(op, std::move(order));
    });
    IRRewriter rewriter(&getContext());
    for (auto &[op, order] : work) {
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized))
          continue;
        generic = *generalized;
      }
      if (failed(linalg::interchangeGenericOp(rewriter, generic, order)))
        return signalPassFailure();
    }
  }
};
} // namespace
